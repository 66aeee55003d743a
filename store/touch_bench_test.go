package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// tripCounter is a go-redis hook that counts round trips (a command or a
// pipeline sent and answered) and the commands in them, as the client
// sends them: a cluster pipeline split across nodes counts once.
type tripCounter struct{ trips, cmds atomic.Int64 }

// countTrips starts counting the round trips of a store's client.
func countTrips(s *Store) *tripCounter {
	c := &tripCounter{}
	s.rdb.AddHook(c)
	return c
}

func (c *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.trips.Add(1)
		c.cmds.Add(1)
		return next(ctx, cmd)
	}
}

func (c *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.trips.Add(1)
		c.cmds.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

// since reads the counts and starts again from zero.
func (c *tripCounter) since() (trips, cmds int64) {
	return c.trips.Swap(0), c.cmds.Swap(0)
}

// serverCalls is the number of commands a redis-server has run (INFO
// commandstats), those run by scripts among them.
func serverCalls(b *testing.B, rdb redis.UniversalClient) int64 {
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, line := range strings.Split(info, "\r\n") {
		_, stats, ok := strings.Cut(line, ":calls=")
		if !ok {
			continue
		}
		calls, _, _ := strings.Cut(stats, ",")
		v, err := strconv.ParseInt(calls, 10, 64)
		if err != nil {
			b.Fatalf("INFO commandstats: %q: %v", line, err)
		}
		n += v
	}
	return n
}

// touchBenchSubscribers is how many subscribers BenchmarkTouch touches
// in turn.
const touchBenchSubscribers = 1000

// BenchmarkTouch is the Touch of every incoming chat message, on each
// backend: "same-name" carries the name the record already holds (a
// Telegram message), "no-name" carries none (WeChat), "renamed" a new
// name every time. It reports round trips and commands per Touch as the
// client sends them, the commands the server runs (INFO commandstats,
// script commands among them) and the server's CPU time per Touch (both
// on single only: cluster INFO is per node, the embedded store keeps no
// such stats; redis-µs/op reads 0 elsewhere), and the latency.
//
//	go test -run '^$' -bench Touch -benchtime 5000x ./store
func BenchmarkTouch(b *testing.B) {
	for _, backend := range []string{"single", "cluster", "embedded"} {
		for _, kind := range []string{"same-name", "no-name", "renamed"} {
			b.Run(backend+"/"+kind, func(b *testing.B) {
				ctx := context.Background()
				s := backends[backend](b)
				id := func(i int) string { return fmt.Sprintf("tg:%d", 1000+i%touchBenchSubscribers) }
				for i := range touchBenchSubscribers {
					if _, _, err := s.Touch(ctx, id(i), "张三", "zh", true); err != nil {
						b.Fatal(err)
					}
				}
				trips := countTrips(s)
				calls, cpu := func() int64 { return 0 }, func() time.Duration { return 0 }
				if backend == "single" {
					calls = func() int64 { return serverCalls(b, s.rdb) }
					cpu = func() time.Duration { return serverCPU(b, s.rdb) }
				}
				before, cpuBefore := calls(), cpu()
				trips.since()
				var lat []time.Duration
				i := 0
				for b.Loop() {
					name := "张三"
					switch kind {
					case "no-name":
						name = ""
					case "renamed":
						name = "李四" + strconv.Itoa(i)
					}
					start := time.Now()
					if _, _, err := s.Touch(ctx, id(i), name, "zh", true); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(start))
					i++
				}
				n, c := trips.since()
				// INFO commandstats itself counts once, and INFO cpu once.
				if after := calls(); backend == "single" {
					b.ReportMetric(float64(after-before-2)/float64(len(lat)), "server-cmds/op")
				}
				b.ReportMetric(float64(n)/float64(len(lat)), "round-trips/op")
				b.ReportMetric(float64(c)/float64(len(lat)), "cmds/op")
				reportLatency(b, lat, cpu()-cpuBefore)
			})
		}
	}
}
