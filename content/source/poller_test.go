package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tongbao/content"
	"tongbao/store"
)

// runPoller runs p until the test ends (or stop is called).
func runPoller(t *testing.T, p *Poller) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// countFeedRequests wraps the feed route to count requests in flight.
func countFeedRequests(s *site) (most *atomic.Int64) {
	s.mu.Lock()
	inner := s.routes["/feed.xml"]
	s.mu.Unlock()
	var inFlight atomic.Int64
	most = &atomic.Int64{}
	s.set("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		// Kept: holding each request a little widens the window in which
		// two polls could overlap. A slow machine narrows it, which can
		// hide a race but never fail a correct poller.
		time.Sleep(5 * time.Millisecond)
		inner(w, r)
	})
	return most
}

// TestTwoPollersRace runs two replicas over one feed and one Redis: each
// item is handed over once, and the feed is never fetched by both at once.
func TestTwoPollersRace(t *testing.T) {
	s := newSite(t)
	serveSamples(t, s)
	st := openStore(t)
	rec := newRecorder()
	cfg := feedConfig(s)
	cfg.Interval = 50 * time.Millisecond

	t.Run("concurrent polls", func(t *testing.T) {
		a, b := newPoller(t, st, "a", rec, cfg), newPoller(t, st, "b", rec, cfg)
		var wg sync.WaitGroup
		var polled, refused [2]atomic.Int64
		for i, p := range []*Poller{a, b} {
			for range 5 {
				wg.Go(func() {
					_, err := p.Poll(context.Background(), cfg.Name)
					switch {
					case err == nil:
						polled[i].Add(1)
					case errors.Is(err, ErrNotHolder):
						refused[i].Add(1)
					default:
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
		if (polled[0].Load() == 0) == (polled[1].Load() == 0) {
			t.Errorf("polls by a %d, by b %d: want exactly one replica to hold the lease", polled[0].Load(), polled[1].Load())
		}
		if rec.inputCount() != 3 || rec.stored() != 3 {
			t.Errorf("%d inputs, %d stored; want each of the 3 items once", rec.inputCount(), rec.stored())
		}
	})

	t.Run("running replicas", func(t *testing.T) {
		s.serveFeed(t, "")
		most := countFeedRequests(s)
		st, rec := openStore(t), newRecorder()
		a := newShortLeasePoller(t, st, "a", rec, cfg)
		b := newShortLeasePoller(t, st, "b", rec, cfg)
		stopA := runPoller(t, a)
		waitFor(t, "a's first poll", func() bool { return rec.stored() == 3 })
		runPoller(t, b)
		hits := s.hitCount("/feed.xml")
		waitFor(t, "a few polls", func() bool { return s.hitCount("/feed.xml") >= hits+5 })
		s.serveFeed(t, newItem)
		waitFor(t, "the new item", func() bool { return rec.stored() == 4 })
		if status, err := LoadStatus(context.Background(), st, cfg.Name); err != nil || status.Owner != "a" {
			t.Errorf("polled by %q (%v), want a, which held the lease first", status.Owner, err)
		}

		// The holder stops (a replica dies): the other takes over once
		// the lease expires.
		stopA()
		s.serveFeed(t, newItem+newerItem)
		// The status is saved after the poll hands the item over.
		waitStatus(t, st, cfg.Name, "the item after the takeover", func(status *Status) bool {
			return status.Seen == 5 && status.Owner == "b"
		})
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for id, n := range rec.calls {
			if n != 1 {
				t.Errorf("bulletin %s handed over %d times", id, n)
			}
		}
		if len(rec.inputs) != 5 {
			t.Errorf("%d inputs for 5 items", len(rec.inputs))
		}
		if m := most.Load(); m > 1 {
			t.Errorf("the feed was fetched by %d replicas at once", m)
		}
	})
}

// newShortLeasePoller is newPoller with a short lease, so a takeover
// happens within the test.
func newShortLeasePoller(t *testing.T, st *store.Store, owner string, rec *recorder, cfg Config) *Poller {
	p, err := New(PollerConfig{Sources: []Config{cfg}, Owner: owner, LeaseTTL: 400 * time.Millisecond},
		Deps{Ingest: rec.ingest, Status: st, Lease: st, Fetcher: testFetcher(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const newItem = `<item>
      <title>青溪县召开防汛工作会议</title>
      <link>http://www.qingxi.example.gov.cn/art/2022/6/9/art_1003.html</link>
      <guid>qingxi-2010</guid>
      <pubDate>Thu, 09 Jun 2022 09:00:00 +0800</pubDate>
      <description><![CDATA[6月9日上午，县长王立新主持召开全县防汛工作会议，分析研判当前防汛形势，部署下一阶段防汛防台工作。]]></description>
    </item>
    `

const newerItem = `<item>
      <title>青溪县开展安全生产大检查</title>
      <link>http://www.qingxi.example.gov.cn/art/2022/6/10/art_1004.html</link>
      <guid>qingxi-2020</guid>
      <pubDate>Fri, 10 Jun 2022 09:00:00 +0800</pubDate>
      <description><![CDATA[6月10日，青溪县安委会组织开展安全生产大检查，重点检查危化品企业和建筑工地，排查整治安全隐患。]]></description>
    </item>
    `

// TestRunKeepsGoing runs a failing source beside a healthy one.
func TestRunKeepsGoing(t *testing.T) {
	s := newSite(t)
	serveSamples(t, s)
	s.static("/page.xml", "text/html", []byte("<html><body>not a feed</body></html>"))
	st := openStore(t)
	rec := newRecorder()
	good := feedConfig(s)
	bad := Config{Name: "bad", Type: TypeFeed, URL: s.URL + "/page.xml", Interval: time.Minute}
	p := newPoller(t, st, "a", rec, bad, good)
	runPoller(t, p)
	waitFor(t, "the healthy source's items", func() bool { return rec.stored() == 3 })
	waitStatus(t, st, "bad", "the failing source's status", func(status *Status) bool {
		return status.Failures >= 1 && strings.Contains(status.LastError, "not an RSS, Atom or JSON feed")
	})
	status, _ := LoadStatus(context.Background(), st, "bad")
	if status.Failures != 1 {
		t.Errorf("failing source polled %d times within its first backoff", status.Failures)
	}
}

// TestEndToEnd uses the real store as the pipeline: the Lanxi page from
// the feed is the same bulletin as the text sample stored before.
func TestEndToEnd(t *testing.T) {
	s := newSite(t)
	serveSamples(t, s)
	s.static("/huge.xml", "application/rss+xml", []byte(strings.Repeat("x", DefaultMaxBytes+1)))
	st := openStore(t)
	ctx := context.Background()
	text, err := parser.Parse(content.Input{Data: testdata(t, lanxiText), Name: lanxiText})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveBulletin(ctx, text); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	results := map[string]Result{}
	ingest := func(ctx context.Context, in content.Input) (Result, error) {
		b, err := parser.Parse(in)
		if err != nil {
			return Result{}, err
		}
		res, err := st.SaveBulletin(ctx, b)
		mu.Lock()
		results[b.Title] = res
		mu.Unlock()
		return res, err
	}
	p, err := New(PollerConfig{Sources: []Config{feedConfig(s), {Name: "huge", Type: TypeFeed, URL: s.URL + "/huge.xml"}}, Owner: "a"},
		Deps{Ingest: ingest, Status: st, Lease: st, Fetcher: testFetcher(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	status := poll(t, p, "qingxi")
	if status.Seen != 3 || status.New != 2 {
		t.Errorf("status: seen %d, new %d; want 3 seen, 2 new", status.Seen, status.New)
	}
	if r := results[sampleTitles[0]]; r.New || r.DuplicateOf != text.ID {
		t.Errorf("the Lanxi page: %+v, want a duplicate of the stored text %s", r, text.ID)
	}
	if huge := poll(t, p, "huge"); !strings.Contains(huge.LastError, "too large") {
		t.Errorf("huge feed status %q", huge.LastError)
	}
	again := poll(t, p, "qingxi")
	total, _, err := st.CountBulletins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || again.Seen != 3 || len(results) != 3 {
		t.Errorf("after a second poll: %d bulletins stored, %d seen, %d ingested; want 3, 3, 3", total, again.Seen, len(results))
	}
}

// TestPipelineFailure makes the pipeline fail once with a real network
// error: the item is not remembered, the status says why in plain words,
// and the next poll hands it over.
func TestPipelineFailure(t *testing.T) {
	s := newSite(t)
	serveSamples(t, s)
	_, dialErr := net.Dial("tcp", "127.0.0.1:1")
	if dialErr == nil {
		t.Skip("something listens on port 1")
	}
	rec := newRecorder()
	var fail atomic.Bool
	fail.Store(true)
	ingest := func(ctx context.Context, in content.Input) (Result, error) {
		if fail.Load() {
			return Result{}, fmt.Errorf("store: save bulletin: %w", dialErr)
		}
		return rec.ingest(ctx, in)
	}
	st := openStore(t)
	p, err := New(PollerConfig{Sources: []Config{feedConfig(s)}, Owner: "a"},
		Deps{Ingest: ingest, Status: st, Lease: st, Fetcher: testFetcher(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	status := poll(t, p, "qingxi")
	if status.Failures != 1 || !strings.Contains(status.LastError, "could not store it: connection refused") {
		t.Errorf("status %+v", status)
	}
	noGoDump(t, status.LastError)
	fail.Store(false)
	status = poll(t, p, "qingxi")
	if status.Failures != 0 || status.New != 3 || rec.stored() != 3 {
		t.Errorf("after the pipeline recovered: %+v, %d stored", status, rec.stored())
	}
}
