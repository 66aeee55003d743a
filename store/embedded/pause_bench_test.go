package embedded

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// BenchmarkSnapshotPause measures what clients feel while a snapshot of
// 100,000 keys is taken: one client writes (SET) and reads (GET) back to
// back during every Snapshot call and records each command's latency.
// p99-ms and p999-ms are percentiles of those latencies, max-ms the
// longest single command: the longest the server kept a client waiting.
// during=nothing is the control: the same client for 5 s per iteration
// with no snapshot, which shows what the machine's load alone costs.
func BenchmarkSnapshotPause(b *testing.B) {
	b.Run("during=snapshot", func(b *testing.B) {
		srv, rdb := benchServer(b, b.TempDir())
		fillMixed(b, rdb, benchKeys)
		ctx := context.Background()
		measureLatency(b, rdb, func() {
			if err := srv.Snapshot(ctx); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("during=nothing", func(b *testing.B) {
		_, rdb := benchServer(b, b.TempDir())
		fillMixed(b, rdb, benchKeys)
		// Kept: the baseline is five seconds of latency with nothing else
		// running; the pause is the workload, and nothing is asserted.
		measureLatency(b, rdb, func() { time.Sleep(5 * time.Second) })
	})
}

// measureLatency runs a client of SET and GET commands during each call of
// window and reports their latencies.
func measureLatency(b *testing.B, rdb *redis.Client, window func()) {
	ctx := context.Background()
	var latencies []time.Duration
	for b.Loop() {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := "pause:" + strconv.Itoa(i%1000)
				for _, cmd := range []func() error{
					func() error { return rdb.Set(ctx, k, i, 0).Err() },
					func() error { return rdb.Get(ctx, k).Err() },
				} {
					start := time.Now()
					err := cmd()
					latencies = append(latencies, time.Since(start))
					if err != nil {
						b.Error(err)
						return
					}
				}
			}
		})
		window()
		close(stop)
		wg.Wait()
	}
	slices.Sort(latencies)
	if len(latencies) == 0 {
		b.Fatal("no command ran")
	}
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	b.ReportMetric(ms(latencies[len(latencies)*99/100]), "p99-ms")
	b.ReportMetric(ms(latencies[len(latencies)*999/1000]), "p999-ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]), "max-ms")
	b.ReportMetric(float64(len(latencies)), "commands")
}
