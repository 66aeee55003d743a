package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestFetch(t *testing.T) {
	s := newSite(t)
	s.static("/page.html", "text/html; charset=GBK", []byte("<html>page</html>"))
	s.static("/latin.html", "text/html; charset=ISO-8859-1", []byte("<html>page</html>"))
	s.set("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/page.html", http.StatusMovedPermanently)
	})
	s.set("/loop-a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-b", http.StatusFound) })
	s.set("/loop-b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-a#x", http.StatusFound) })
	for i := range 8 {
		s.set(fmt.Sprintf("/chain/%d", i), func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, fmt.Sprintf("/chain/%d", i+1), http.StatusTemporaryRedirect)
		})
	}
	s.set("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.gov.cn/a", http.StatusFound)
	})
	s.set("/error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	s.set("/slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	s.set("/announced-huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(100<<20))
		w.Write([]byte("x"))
	})

	tests := map[string]struct {
		path    string
		reason  error
		code    int
		wantMsg string
		check   func(t *testing.T, r *Response)
	}{
		"page": {path: "/page.html", check: func(t *testing.T, r *Response) {
			if string(r.Body) != "<html>page</html>" || r.Charset != "GBK" || r.ContentType != "text/html" || r.Validators.ETag == "" {
				t.Errorf("response %+v", r)
			}
		}},
		"default latin-1 charset dropped": {path: "/latin.html", check: func(t *testing.T, r *Response) {
			if r.Charset != "" {
				t.Errorf("charset %q, want it dropped", r.Charset)
			}
		}},
		"redirect followed": {path: "/moved", check: func(t *testing.T, r *Response) {
			if r.URL != s.URL+"/page.html" {
				t.Errorf("URL %q, want the redirect's target", r.URL)
			}
		}},
		"not found":         {path: "/missing", reason: ErrHTTP, code: 404, wantMsg: "HTTP 404 Not Found"},
		"server error":      {path: "/error", reason: ErrHTTP, code: 500, wantMsg: "HTTP 500 Internal Server Error"},
		"redirect loop":     {path: "/loop-a", reason: ErrRedirectLoop, wantMsg: "the redirects go round in a loop"},
		"too many":          {path: "/chain/0", reason: ErrTooManyRedirects, wantMsg: "too many redirects (more than 5)"},
		"redirect to ftp":   {path: "/to-ftp", reason: ErrScheme, wantMsg: "only http and https"},
		"slow server":       {path: "/slow", reason: ErrTimeout, wantMsg: "did not answer in time (after 300ms)"},
		"announced as huge": {path: "/announced-huge", reason: ErrTooLarge, wantMsg: "100 MiB announced, limit 8 MiB"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := NewFetcher(FetcherConfig{MinDelay: -1, Timeout: timeoutFor(tc.path)}, FetcherDeps{})
			resp, err := f.Fetch(context.Background(), s.URL+tc.path, Validators{})
			if tc.reason == nil {
				if err != nil {
					t.Fatal(err)
				}
				tc.check(t, resp)
				return
			}
			var fe *FetchError
			if !errors.As(err, &fe) || !errors.Is(err, tc.reason) {
				t.Fatalf("err = %v, want a FetchError for %v", err, tc.reason)
			}
			if fe.Code != tc.code {
				t.Errorf("code %d, want %d", fe.Code, tc.code)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) || !strings.HasPrefix(err.Error(), s.URL) {
				t.Errorf("message %q, want the URL and %q", err, tc.wantMsg)
			}
		})
	}

	t.Run("user agent", func(t *testing.T) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.agents) != 1 || !s.agents[DefaultUserAgent] {
			t.Errorf("user agents %v, want only %q", s.agents, DefaultUserAgent)
		}
	})
}

func TestFetchRefusesSchemes(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://example.gov.cn/", "gopher://x/", "/relative/path", "http://"} {
		t.Run(u, func(t *testing.T) {
			_, err := testFetcher().Fetch(context.Background(), u, Validators{})
			if !errors.Is(err, ErrScheme) {
				t.Errorf("err = %v, want ErrScheme", err)
			}
		})
	}
}

func TestFetchConditional(t *testing.T) {
	s := newSite(t)
	s.static("/feed.xml", "application/rss+xml", []byte("<rss/>"))
	f := testFetcher()
	ctx := context.Background()
	first, err := f.Fetch(ctx, s.URL+"/feed.xml", Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || first.Validators.ETag == "" || first.Validators.LastModified == "" {
		t.Fatalf("first fetch %+v, want a body and validators", first)
	}
	tests := map[string]Validators{
		"etag":          first.Validators,
		"last modified": {LastModified: first.Validators.LastModified},
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) {
			before := s.notModified.Load()
			again, err := f.Fetch(ctx, s.URL+"/feed.xml", v)
			if err != nil {
				t.Fatal(err)
			}
			if !again.NotModified || len(again.Body) != 0 || s.notModified.Load() != before+1 {
				t.Errorf("conditional fetch: NotModified %v, body %d bytes, 304s %d→%d", again.NotModified, len(again.Body), before, s.notModified.Load())
			}
			if again.Validators != v {
				t.Errorf("validators after 304 = %+v, want the ones sent %+v", again.Validators, v)
			}
		})
	}
	t.Run("changed", func(t *testing.T) {
		s.static("/feed.xml", "application/rss+xml", []byte("<rss version='2.0'/>"))
		again, err := f.Fetch(ctx, s.URL+"/feed.xml", first.Validators)
		if err != nil {
			t.Fatal(err)
		}
		if again.NotModified || again.Validators.ETag == first.Validators.ETag {
			t.Errorf("changed feed: %+v", again)
		}
	})
}

// TestFetchHugeResponse streams 100 MB and checks the fetcher stops at
// its cap instead of reading it all.
func TestFetchHugeResponse(t *testing.T) {
	s := newSite(t)
	var written atomic.Int64
	done := make(chan struct{})
	s.set("/huge", func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		chunk := bytes.Repeat([]byte("政务公开"), 64<<10/12)
		for written.Load() < 100<<20 {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	_, err := testFetcher().Fetch(context.Background(), s.URL+"/huge", Validators{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "cut off at 8 MiB") {
		t.Fatalf("err = %v, want ErrTooLarge cut off at 8 MiB", err)
	}
	<-done
	if n := written.Load(); n >= 100<<20 {
		t.Errorf("server wrote all %d bytes: the response was read whole", n)
	}
}

func TestFetchPerHostLimits(t *testing.T) {
	s := newSite(t)
	var inFlight, most atomic.Int64
	var mu sync.Mutex
	var starts []time.Time
	s.set("/p", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		// Kept: holding each request a while lets the eight overlap as far
		// as the fetcher allows. A slow machine overlaps them less, which
		// can hide a missing limit but never fail a correct fetcher.
		time.Sleep(30 * time.Millisecond)
		w.Write([]byte("ok"))
	})

	t.Run("concurrency", func(t *testing.T) {
		f := NewFetcher(FetcherConfig{MinDelay: -1, PerHost: 2}, FetcherDeps{})
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, err := f.Fetch(context.Background(), s.URL+"/p", Validators{}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if m := most.Load(); m > 2 {
			t.Errorf("%d requests in flight to one host, want at most 2", m)
		}
	})

	t.Run("delay", func(t *testing.T) {
		const delay = 100 * time.Millisecond
		mu.Lock()
		starts = nil
		mu.Unlock()
		f := NewFetcher(FetcherConfig{MinDelay: delay, PerHost: 2}, FetcherDeps{})
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				if _, err := f.Fetch(context.Background(), s.URL+"/p", Validators{}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for i := 1; i < len(starts); i++ {
			// The limiter spaces request starts; the server sees them a
			// little later each, never sooner than the delay allows overall.
			if gap := starts[i].Sub(starts[0]); gap < time.Duration(i)*delay-20*time.Millisecond {
				t.Errorf("request %d began %s after the first, want at least %s", i, gap, time.Duration(i)*delay)
			}
		}
	})
}

func TestFetchCancelled(t *testing.T) {
	s := newSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	// Cancelled once the request is in the server's hands, mid-fetch.
	s.set("/slow", func(w http.ResponseWriter, r *http.Request) { cancel(); <-r.Context().Done() })
	_, err := testFetcher().Fetch(ctx, s.URL+"/slow", Validators{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled (a shutdown is not the server's fault)", err)
	}
	var fe *FetchError
	if errors.As(err, &fe) {
		t.Errorf("cancellation reported as a fetch failure: %v", err)
	}
}

// TestCharsets serves the GBK sample page under every kind of Content-Type
// a government server sends, right and wrong.
func TestCharsets(t *testing.T) {
	s := newSite(t)
	page := testdata(t, lanxiPage)
	tests := map[string]struct {
		contentType string
		body        []byte
		want        string // the title, or the refusal
	}{
		"no charset":          {"text/html", page, sampleTitles[0]},
		"right charset":       {"text/html; charset=GBK", page, sampleTitles[0]},
		"gb18030":             {"text/html; charset=gb18030", page, sampleTitles[0]},
		"utf-8 claimed":       {"text/html; charset=utf-8", page, sampleTitles[0]},
		"latin-1 by default":  {"text/html; charset=ISO-8859-1", page, sampleTitles[0]},
		"no content type":     {"", page, sampleTitles[0]},
		"utf-8 page as gbk":   {"text/html; charset=gbk", textPage(testdata(t, qingxiMeet)), sampleTitles[2]},
		"binary behind .html": {"text/html", append([]byte("\x89PNG\r\n\x1a\n"), page...), "binary data"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := "/" + strings.ReplaceAll(name, " ", "-") + ".html"
			s.set(path, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tc.contentType}
				w.Write(tc.body)
			})
			inputs, err := FetchOne(context.Background(), testFetcher(), s.URL+path)
			if err != nil {
				t.Fatal(err)
			}
			b, err := parser.Parse(inputs[0])
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = b.Title
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
