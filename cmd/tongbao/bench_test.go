package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkServeFanoutPaid runs `tongbao serve` with its defaults and paid
// broadcasts on against an unthrottled fake Bot API, ingests a new
// bulletin for 10,000 Telegram subscribers (TONGBAO_BENCH_SERVE_SUBSCRIBERS
// changes it) and reports the rate end to end: from the ingest to the last
// message the fake received, and the sends alone after the ingest command
// queued them. Each iteration ingests another sample.
func BenchmarkServeFanoutPaid(b *testing.B) {
	n := 10000
	if v := os.Getenv("TONGBAO_BENCH_SERVE_SUBSCRIBERS"); v != "" {
		fmt.Sscan(v, &n)
	}
	files := []string{"qingxi-2022-06-08-county-executive.txt", "lanxi-2022-05-27-standing-committee.txt",
		"qingxi-2022-06-01-flood-notice.txt", "extra/dongyang-2023-07-20-executive.txt"}
	if b.N > len(files) {
		b.Skipf("%d iterations: only %d sample bulletins (use -benchtime 1x)", b.N, len(files))
	}
	e := newEnv()
	fake := telegramEnv(b, e)
	e["TONGBAO_TELEGRAM_PAID_BROADCAST"] = "true"
	st := e.store(b)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				if _, _, err := st.Touch(context.Background(), "tg:"+strconv.FormatInt(100000+i, 10), "", "zh", true); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	e.serve(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := len(fake.Sent())
		start := time.Now()
		if code, out := e.run(b, "ingest", samples+files[i]); code != 0 || !strings.Contains(out, fmt.Sprintf("queued %d deliveries", n)) {
			b.Fatalf("ingest: %d %s", code, out)
		}
		ingested := time.Since(start)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		_, err := fake.WaitSent(ctx, before+n)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		b.ReportMetric(float64(n)/elapsed.Seconds(), "msgs/s")
		// The sends alone, after the ingest command queued them.
		b.ReportMetric(float64(n)/(elapsed-ingested).Seconds(), "send-msgs/s")
		b.ReportMetric(ingested.Seconds(), "ingest-s")
	}
}
