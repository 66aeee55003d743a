package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"tongbao/content"
	"tongbao/store"
	"tongbao/store/redistest"
)

// redisSrv is the real redis-server the package's tests share; each test
// opens a store with its own key prefix.
var redisSrv *redistest.Server

func TestMain(m *testing.M) { redistest.Main(m, &redisSrv) }

var prefixSeq atomic.Int64

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openStore opens the real store on the shared server under a fresh prefix.
func openStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), store.Config{URL: redisSrv.URL(), Prefix: fmt.Sprintf("src%d:", prefixSeq.Add(1))}, store.Deps{Logger: quietLogger()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// parser is shared by the tests: building the segmenter takes a moment.
var parser = content.NewParser(content.ParserConfig{}, content.ParserDeps{})

// recorder is a fake pipeline: it parses with the real parser, keeps every
// input it was given and dedupes bulletins by id.
type recorder struct {
	mu      sync.Mutex
	inputs  []content.Input
	byID    map[string]*content.Bulletin
	order   []string       // ids of new bulletins, in the order stored
	calls   map[string]int // ingests per bulletin id
	refused []error
}

func newRecorder() *recorder {
	return &recorder{byID: map[string]*content.Bulletin{}, calls: map[string]int{}}
}

func (r *recorder) ingest(_ context.Context, in content.Input) (Result, error) {
	b, err := parser.Parse(in)
	r.mu.Lock()
	defer r.mu.Unlock()
	defer activity.wake()
	r.inputs = append(r.inputs, in)
	if err != nil {
		r.refused = append(r.refused, err)
		return Result{}, err
	}
	r.calls[b.ID]++
	if _, ok := r.byID[b.ID]; ok {
		return Result{ID: b.ID, DuplicateOf: b.ID, Similarity: 1}, nil
	}
	r.byID[b.ID] = b
	r.order = append(r.order, b.ID)
	return Result{ID: b.ID, New: true}, nil
}

// titles are the stored bulletins' titles in the order stored.
func (r *recorder) titles() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.order))
	for i, id := range r.order {
		out[i] = r.byID[id].Title
	}
	return out
}

// stored is how many bulletins were stored.
func (r *recorder) stored() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.order)
}

// inputCount is how many inputs were handed over.
func (r *recorder) inputCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.inputs)
}

// site is a fake web server whose routes can change while it runs; static
// routes answer conditional requests with 304.
type site struct {
	*httptest.Server
	mu          sync.Mutex
	routes      map[string]http.HandlerFunc
	hits        map[string]int
	notModified atomic.Int64
	agents      map[string]bool
}

func newSite(t testing.TB) *site {
	s := &site{routes: map[string]http.HandlerFunc{}, hits: map[string]int{}, agents: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h := s.routes[r.URL.Path]
		s.hits[r.URL.Path]++
		s.agents[r.UserAgent()] = true
		s.mu.Unlock()
		activity.wake()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// set routes path to h.
func (s *site) set(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[path] = h
}

// static routes path to a fixed body with an ETag and Last-Modified.
func (s *site) static(path, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	modified := time.Date(2022, 6, 8, 10, 15, 0, 0, time.UTC).Format(http.TimeFormat)
	s.set(path, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag || (r.Header.Get("If-None-Match") == "" && r.Header.Get("If-Modified-Since") == modified) {
			s.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		w.Header().Set("Content-Type", contentType)
		w.Write(body)
	})
}

// hitCount is how many requests path got.
func (s *site) hitCount(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// gbk encodes UTF-8 text as GBK.
func gbk(tb testing.TB, s string) []byte {
	tb.Helper()
	out, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		tb.Fatal(err)
	}
	return []byte(out)
}

// testdata reads one of the sample inputs in ../testdata.
func testdata(tb testing.TB, name string) []byte {
	tb.Helper()
	// The sample bulletins' one copy is configs/samples (the demo embeds
	// them); the feed is a content test input.
	dir := "../../configs/samples/"
	if name == "feed.xml" {
		dir = "../testdata/"
	}
	data, err := os.ReadFile(dir + name)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// The sample bulletins and where the sample feed links them.
const (
	lanxiPage   = "lanxi-2022-05-27-standing-committee.gbk.html"
	lanxiText   = "lanxi-2022-05-27-standing-committee.txt"
	qingxiMeet  = "qingxi-2022-06-08-county-executive.txt"
	qingxiFlood = "qingxi-2022-06-01-flood-notice.txt"

	qingxiMeetPath  = "/art/2022/6/8/art_1001_2001.html"
	qingxiFloodPath = "/art/2022/6/1/art_1002_1990.html"
	lanxiPath       = "/art/2022/5/27/art_1229195219_59255391.html"
)

// textPage makes a plain-text sample a simple UTF-8 article page: its
// first line the title, each further line a paragraph.
func textPage(text []byte) []byte {
	lines := strings.Split(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n")
	var b strings.Builder
	title := html.EscapeString(strings.TrimSpace(lines[0]))
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body>\n")
	b.WriteString("<div class=\"nav\"><a href=\"/\">首页</a></div>\n<h1>" + title + "</h1>\n<div class=\"article\">\n")
	for _, l := range lines[1:] {
		if l = strings.TrimSpace(l); l != "" {
			b.WriteString("<p>" + html.EscapeString(l) + "</p>\n")
		}
	}
	b.WriteString("</div>\n</body></html>\n")
	return []byte(b.String())
}

// serveSamples puts the sample feed (its links rewritten to s) and the
// three pages it links on s: the Qingxi texts as UTF-8 pages, the Lanxi
// article as the GBK page, declared by its meta tag only.
func serveSamples(tb testing.TB, s *site) {
	s.serveFeed(tb, "")
	s.static(qingxiMeetPath, "text/html; charset=utf-8", textPage(testdata(tb, qingxiMeet)))
	s.static(qingxiFloodPath, "text/html; charset=utf-8", textPage(testdata(tb, qingxiFlood)))
	s.static(lanxiPath, "text/html", testdata(tb, lanxiPage))
}

// serveFeed serves the sample feed at /feed.xml with its links rewritten
// to s and extra items (in the sample's host names) put first.
func (s *site) serveFeed(tb testing.TB, extra string) {
	feed := strings.Replace(string(testdata(tb, "feed.xml")), "<item>", extra+"<item>", 1)
	feed = strings.NewReplacer("http://www.qingxi.example.gov.cn", s.URL, "http://www.lanxi.gov.cn", s.URL).Replace(feed)
	s.static("/feed.xml", "application/rss+xml; charset=utf-8", []byte(feed))
}

// testFetcher is a fetcher without the polite pause, for fast tests.
func testFetcher() *Fetcher {
	return NewFetcher(FetcherConfig{MinDelay: -1, Timeout: 5 * time.Second}, FetcherDeps{})
}

// newPoller builds a poller over the real store with a recorder as the
// pipeline.
func newPoller(tb testing.TB, st *store.Store, owner string, rec *recorder, cfgs ...Config) *Poller {
	tb.Helper()
	p, err := New(PollerConfig{Sources: cfgs, Owner: owner, Settle: 200 * time.Millisecond},
		Deps{Ingest: rec.ingest, Status: st, Lease: st, Fetcher: testFetcher(), Logger: quietLogger()})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// poll polls a source once and fails the test if the poll could not run.
func poll(tb testing.TB, p *Poller, name string) *Status {
	tb.Helper()
	st, err := p.Poll(context.Background(), name)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// signal wakes every waiter at once.
type signal struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed by the next wake.
func (s *signal) wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

func (s *signal) wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

// activity is woken by every ingest a recorder takes and every request a
// site gets: what waitFor's conditions read.
var activity signal

// waitFor waits until cond, which reads recorders and sites, holds,
// re-checking it on each of their events. The deadline only stops a
// broken test; it is not a speed assertion.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		woken := activity.wait()
		if cond() {
			return
		}
		select {
		case <-woken:
		case <-deadline:
			tb.Fatalf("timed out waiting for %s", what)
		}
	}
}

// waitStatus waits until cond holds of a source's saved status. The store
// tells nobody when it changes: it asks again every few milliseconds.
func waitStatus(tb testing.TB, st *store.Store, name, what string, cond func(*Status) bool) {
	tb.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(3 * time.Minute)
	for {
		if status, err := LoadStatus(context.Background(), st, name); err == nil && cond(status) {
			return
		}
		select {
		case <-tick.C:
		case <-deadline:
			tb.Fatalf("timed out waiting for %s", what)
		}
	}
}
