package web_test

import (
	"context"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkReaderLinks opens personal links from 64 concurrent connections
// against a real redis-server (each open verifies the HMAC, loads the
// bulletin, records the read, serves the page). Targets: ≥ 10,000 reads/s,
// p99 ≤ 10 ms.
func BenchmarkReaderLinks(b *testing.B) {
	f := setup(b)
	tokens := make([]string, 10000)
	for i := range tokens {
		tokens[i] = f.srv.URL + "/r/" + f.links.Token(f.b.ID, int64(i+1))
	}
	hammer(b, "reads/s", func(i int64) string { return tokens[i%int64(len(tokens))] })
	s, _ := f.st.Stats(context.Background(), f.b.ID)
	if s.Via["link"] == 0 {
		b.Fatal("no reads recorded")
	}
}

// BenchmarkReaderIndex serves the index's first page (20 of 25 bulletins,
// read from Redis on every request) to 64 concurrent connections.
func BenchmarkReaderIndex(b *testing.B) {
	f := setup(b)
	saveNews(b, f.st, 24)
	hammer(b, "pages/s", func(int64) string { return f.srv.URL + "/" })
}

// hammer makes b.N GET requests from 64 concurrent connections, the i-th
// to url(i), and reports their rate (as unit) and the 99th percentile of
// their latency.
func hammer(b *testing.B, unit string, url func(i int64) string) {
	const conns = 64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	var next atomic.Int64
	lat := make([][]time.Duration, conns)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				t0 := time.Now()
				resp, err := client.Get(url(i))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) > 0 {
		b.ReportMetric(float64(len(all))/elapsed.Seconds(), unit)
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	}
}
