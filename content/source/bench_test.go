package source

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkPollRound polls 220 feeds, each on its own host name: 200 are
// unchanged (the server answers 304) and 20 changed (a new item each
// round, whose page is fetched and parsed). One op is one round; the
// metrics are the process's CPU time (user+system, the test server and
// the parser included) and the wall time per round. "polite" uses the
// default fetcher (a second between two requests to one host, which a
// changed feed's page waits for); "no-pause" shows the machinery alone.
func BenchmarkPollRound(b *testing.B) {
	const unchanged, changed = 200, 20
	page := textPage(testdata(b, qingxiMeet))
	var rounds sync.Map // host → *atomic.Int64, for changed feeds
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := strings.Cut(r.Host, ":")
		switch {
		case strings.HasPrefix(r.URL.Path, "/art/"):
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		case strings.HasPrefix(host, "same"):
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Write(benchFeed(host, 0))
		default:
			n, _ := rounds.LoadOrStore(host, &atomic.Int64{})
			round := n.(*atomic.Int64).Add(1)
			w.Header().Set("ETag", fmt.Sprintf(`"v%d"`, round))
			w.Write(benchFeed(host, round))
		}
	}))
	defer srv.Close()
	dialer := &net.Dialer{}
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, srv.Listener.Addr().String())
		},
		MaxIdleConnsPerHost: DefaultPerHost,
	}}
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	var cfgs []Config
	for i := range unchanged + changed {
		host := fmt.Sprintf("same%d.test", i)
		if i >= unchanged {
			host = fmt.Sprintf("new%d.test", i)
		}
		cfgs = append(cfgs, Config{Name: host, Type: TypeFeed, URL: fmt.Sprintf("http://%s:%d/feed.xml", host, port), Interval: time.Minute})
	}

	for name, minDelay := range map[string]time.Duration{"polite": 0, "no-pause": -1} {
		b.Run(name, func(b *testing.B) {
			st := openStore(b)
			rec := newRecorder()
			p, err := New(PollerConfig{Sources: cfgs, Owner: "bench"},
				Deps{Ingest: rec.ingest, Status: st, Lease: st, Logger: quietLogger(), Fetcher: NewFetcher(FetcherConfig{MinDelay: minDelay}, FetcherDeps{HTTP: client})})
			if err != nil {
				b.Fatal(err)
			}
			round := func() {
				var wg sync.WaitGroup
				for _, c := range cfgs {
					wg.Go(func() {
						if st, err := p.Poll(context.Background(), c.Name); err != nil || st.Failures > 0 {
							b.Errorf("%s: %v %+v", c.Name, err, st)
						}
					})
				}
				wg.Wait()
			}
			round() // every feed's first fetch is a 200
			before := rec.inputCount()
			cpu0 := cpuTime()
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				round()
			}
			wall := time.Since(start)
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/round")
			b.ReportMetric(float64(wall.Microseconds())/1000/float64(b.N), "wall-ms/round")
			if got := rec.inputCount() - before; got != changed*b.N {
				b.Errorf("%d inputs in %d rounds, want %d a round", got, b.N, changed)
			}
		})
	}
}

// benchFeed is a one-item RSS feed; round makes the item new.
func benchFeed(host string, round int64) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>%[1]s</title><link>http://%[1]s/</link>
<item><title>青溪县召开县政府第十二次常务会议</title><link>/art/%[2]d.html</link><guid>%[1]s-%[2]d</guid>
<pubDate>Wed, 08 Jun 2022 10:15:00 +0800</pubDate><description>常务会议</description></item>
</channel></rss>`, host, round)
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
