package source

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"tongbao/content"
)

// sampleTitles are the sample feed's bulletins, oldest first.
var sampleTitles = []string{
	"兰溪召开市委常委会(扩大)会议:扛旗争先强攻坚 绣花功夫抓落实 奋力推动各项工作取得新突破",
	"青溪县人民政府办公室关于切实做好2022年汛期安全防范工作的通知",
	"青溪县召开县政府第十二次常务会议",
}

func feedConfig(s *site) Config {
	return Config{Name: "qingxi", Type: TypeFeed, URL: s.URL + "/feed.xml", Interval: time.Minute}
}

func TestFeedSource(t *testing.T) {
	s := newSite(t)
	serveSamples(t, s)
	rec := newRecorder()
	p := newPoller(t, openStore(t), "a", rec, feedConfig(s))

	st := poll(t, p, "qingxi")
	if got := rec.titles(); fmt.Sprint(got) != fmt.Sprint(sampleTitles) {
		t.Errorf("stored %q, want the three items oldest first %q", got, sampleTitles)
	}
	if st.Listed != 3 || st.Seen != 3 || st.New != 3 || st.LastError != "" || st.Failures != 0 || st.LastSuccess.IsZero() {
		t.Errorf("status after the first poll: %+v", st)
	}
	if until := time.Until(st.NextPoll); until < 50*time.Second || until > 70*time.Second {
		t.Errorf("next poll in %s, want about the interval (1m)", until)
	}
	for _, in := range rec.inputs {
		if !strings.HasPrefix(in.URL, s.URL+"/art/") {
			t.Errorf("input URL %q, want the fetched page", in.URL)
		}
	}
	lanxi := rec.byID[rec.order[0]]
	if lanxi.PublishedAt.Format("2006-01-02 15:04") != "2022-05-27 09:36" || len(lanxi.Paragraphs) < 5 {
		t.Errorf("the GBK page (charset by meta only) parsed badly: %s, %d paragraphs", lanxi.PublishedAt, len(lanxi.Paragraphs))
	}

	t.Run("unchanged feed is a 304 and fetches no page", func(t *testing.T) {
		pages := s.hitCount(qingxiMeetPath)
		before := s.notModified.Load()
		st := poll(t, p, "qingxi")
		if s.notModified.Load() != before+1 || s.hitCount(qingxiMeetPath) != pages || rec.inputCount() != 3 {
			t.Errorf("second poll: 304s %d→%d, page hits %d→%d, inputs %d", before, s.notModified.Load(), pages, s.hitCount(qingxiMeetPath), rec.inputCount())
		}
		if st.Listed != 0 || st.Seen != 3 || st.Failures != 0 {
			t.Errorf("status after a 304: %+v", st)
		}
	})

	t.Run("a new item alone is fetched", func(t *testing.T) {
		s.serveFeed(t, `<item>
      <title>青溪县召开防汛工作会议</title>
      <link>http://www.qingxi.example.gov.cn/art/2022/6/9/art_1003.html</link>
      <guid>qingxi-2010</guid>
      <pubDate>Thu, 09 Jun 2022 09:00:00 +0800</pubDate>
      <description><![CDATA[6月9日上午，县长王立新主持召开全县防汛工作会议，分析研判当前防汛形势，部署下一阶段防汛防台工作。会议要求各乡镇压实责任，做好山塘水库巡查。]]></description>
    </item>
    `)
		oldPages := s.hitCount(qingxiMeetPath) + s.hitCount(qingxiFloodPath) + s.hitCount(lanxiPath)
		st := poll(t, p, "qingxi")
		if n := s.hitCount(qingxiMeetPath) + s.hitCount(qingxiFloodPath) + s.hitCount(lanxiPath); n != oldPages {
			t.Errorf("known items' pages fetched again (%d→%d)", oldPages, n)
		}
		// The new item's page is missing (404): its description stands in.
		if s.hitCount("/art/2022/6/9/art_1003.html") != 1 {
			t.Errorf("the new item's page was fetched %d times, want 1", s.hitCount("/art/2022/6/9/art_1003.html"))
		}
		titles := rec.titles()
		if len(titles) != 4 || titles[3] != "青溪县召开防汛工作会议" {
			t.Fatalf("stored %q, want the new item last", titles)
		}
		b := rec.byID[rec.order[3]]
		if b.URL != s.URL+"/art/2022/6/9/art_1003.html" || b.PublishedAt.Format("2006-01-02 15:04") != "2022-06-09 09:00" {
			t.Errorf("fallback bulletin: URL %q published %s, want the item's link and pubDate", b.URL, b.PublishedAt)
		}
		if st.Listed != 4 || st.Seen != 4 || st.New != 4 || st.LastError != "" {
			t.Errorf("status: %+v", st)
		}
	})
}

func TestFeedWithoutPages(t *testing.T) {
	s := newSite(t)
	serveSamples(t, s)
	rec := newRecorder()
	cfg := feedConfig(s)
	no := false
	cfg.FetchPages = &no
	p := newPoller(t, openStore(t), "a", rec, cfg)
	st := poll(t, p, "qingxi")
	if n := s.hitCount(qingxiMeetPath) + s.hitCount(qingxiFloodPath) + s.hitCount(lanxiPath); n != 0 {
		t.Errorf("%d page requests with fetch_pages: false", n)
	}
	if st.New != 3 || rec.stored() != 3 {
		t.Errorf("stored %d (status new %d), want the 3 items from their descriptions", rec.stored(), st.New)
	}
	for _, in := range rec.inputs {
		if in.Fetched.IsZero() || in.Fetched.Year() != 2022 {
			t.Errorf("input %s: Fetched %s, want the item's pubDate", in.URL, in.Fetched)
		}
	}
}

func TestFeedFormats(t *testing.T) {
	s := newSite(t)
	s.static(qingxiMeetPath, "text/html; charset=utf-8", textPage(testdata(t, qingxiMeet)))
	link := s.URL + qingxiMeetPath
	feeds := map[string]struct{ ctype, body string }{
		"atom": {"application/atom+xml", `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>青溪</title><id>urn:qingxi</id><updated>2022-06-08T10:15:00+08:00</updated>
<entry><title>青溪县召开县政府第十二次常务会议</title><id>urn:qingxi:2001</id><link href="` + link + `"/><updated>2022-06-08T10:15:00+08:00</updated><summary>常务会议</summary></entry></feed>`},
		"json feed": {"application/feed+json", `{"version":"https://jsonfeed.org/version/1.1","title":"青溪","items":[
{"id":"2001","url":"` + link + `","title":"青溪县召开县政府第十二次常务会议","date_published":"2022-06-08T10:15:00+08:00","content_text":"常务会议"}]}`},
		"gbk rss": {"text/xml", string(gbk(t, `<?xml version="1.0" encoding="gbk"?>
<rss version="2.0"><channel><title>青溪</title><item><title>青溪县召开县政府第十二次常务会议</title><link>`+link+`</link><guid>2001</guid></item></channel></rss>`))},
	}
	for name, f := range feeds {
		t.Run(name, func(t *testing.T) {
			s.static("/"+name, f.ctype, []byte(f.body))
			rec := newRecorder()
			p := newPoller(t, openStore(t), "a", rec, Config{Name: "f", Type: TypeFeed, URL: s.URL + "/" + name})
			st := poll(t, p, "f")
			if got := rec.titles(); len(got) != 1 || got[0] != "青溪县召开县政府第十二次常务会议" || st.LastError != "" {
				t.Errorf("stored %q, status error %q", got, st.LastError)
			}
		})
	}
}

// timeoutFor is the fetch timeout of a bad-input case: short for the
// server that never answers, generous for every other.
func timeoutFor(path string) time.Duration {
	if strings.HasPrefix(path, "/slow") {
		return 300 * time.Millisecond
	}
	return 2 * time.Minute
}

func TestFeedBadInput(t *testing.T) {
	s := newSite(t)
	serveSamples(t, s)
	s.static("/page.xml", "text/html", []byte("<!DOCTYPE html><html><body><h1>青溪县人民政府</h1></body></html>"))
	s.static("/broken.xml", "application/rss+xml", []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>青溪</title><item><title>半截`))
	s.static("/empty.xml", "application/rss+xml", nil)
	// The slow feed never answers (until the client gives up), so only its
	// case needs a short timeout; the others get one no loaded machine
	// reaches.
	s.set("/slow.xml", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	s.set("/loop.xml", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop.xml", http.StatusFound) })
	s.set("/error.xml", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusInternalServerError) })
	s.set("/huge.xml", func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("<item>x</item>", 4096))
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel>`))
		for range (100 << 20) / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})

	tests := map[string]struct {
		path string
		want string
	}{
		"not XML":       {"/page.xml", "not an RSS, Atom or JSON feed (the address serves a web page)"},
		"broken XML":    {"/broken.xml", "not an RSS, Atom or JSON feed"},
		"empty":         {"/empty.xml", "not an RSS, Atom or JSON feed"},
		"not found":     {"/missing.xml", "HTTP 404 Not Found"},
		"server error":  {"/error.xml", "HTTP 500 Internal Server Error"},
		"slow server":   {"/slow.xml", "the server did not answer in time"},
		"redirect loop": {"/loop.xml", "the redirects go round in a loop"},
		"100 MB":        {"/huge.xml", "the response is too large (cut off at 8 MiB)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder()
			st := openStore(t)
			p, err := New(PollerConfig{Sources: []Config{{Name: "bad", Type: TypeFeed, URL: s.URL + tc.path, Interval: time.Minute}, feedConfig(s)}, Owner: "a"},
				Deps{Ingest: rec.ingest, Status: st, Lease: st, Logger: quietLogger(), Fetcher: NewFetcher(FetcherConfig{MinDelay: -1, Timeout: timeoutFor(tc.path)}, FetcherDeps{})})
			if err != nil {
				t.Fatal(err)
			}
			bad := poll(t, p, "bad")
			if !strings.Contains(bad.LastError, tc.want) || !strings.Contains(bad.LastError, s.URL) {
				t.Errorf("status error %q, want the URL and %q", bad.LastError, tc.want)
			}
			noGoDump(t, bad.LastError)
			if bad.Failures != 1 || !bad.LastSuccess.IsZero() || rec.inputCount() != 0 {
				t.Errorf("failed source: failures %d, last success %s, %d inputs handed over", bad.Failures, bad.LastSuccess, rec.inputCount())
			}
			if until := time.Until(bad.NextPoll); until < 50*time.Second {
				t.Errorf("failed source polled again in %s, want a backoff of at least about the interval", until)
			}
			stored, err := LoadStatus(context.Background(), st, "bad")
			if err != nil || stored.LastError != bad.LastError {
				t.Errorf("status in Redis: %+v, %v", stored, err)
			}
			if good := poll(t, p, "qingxi"); good.New != 3 || good.LastError != "" {
				t.Errorf("the healthy source beside it: %+v", good)
			}
		})
	}
}

// noGoDump fails when a status reads like a Go error dump rather than a
// sentence.
func noGoDump(t *testing.T, msg string) {
	t.Helper()
	for _, dump := range []string{"dial tcp", "context deadline exceeded", "%!", "Get \"", "net/http", "goroutine", "0x"} {
		if strings.Contains(msg, dump) {
			t.Errorf("status %q contains %q", msg, dump)
		}
	}
}

func TestFeedBackoff(t *testing.T) {
	s := newSite(t)
	s.set("/feed.xml", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusServiceUnavailable) })
	rec := newRecorder()
	st := openStore(t)
	p, err := New(PollerConfig{Sources: []Config{{Name: "down", Type: TypeFeed, URL: s.URL + "/feed.xml", Interval: time.Minute}}, Owner: "a", MaxBackoff: 5 * time.Minute},
		Deps{Ingest: rec.ingest, Status: st, Lease: st, Logger: quietLogger(), Fetcher: testFetcher()})
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute} {
		status := poll(t, p, "down")
		wait := status.NextPoll.Sub(status.LastErrorAt)
		if status.Failures != n+1 || wait < want*9/10 || wait > want*11/10 {
			t.Errorf("after failure %d: failures %d, next poll in %s, want about %s", n+1, status.Failures, wait, want)
		}
	}
	serveSamples(t, s)
	status := poll(t, p, "down")
	if status.Failures != 0 || status.LastSuccess.IsZero() || status.New != 3 {
		t.Errorf("after recovery: %+v", status)
	}
	if !strings.Contains(status.LastError, "HTTP 503") || status.LastErrorAt.After(status.LastSuccess) {
		t.Errorf("last error %q at %s kept for the record, before last success %s", status.LastError, status.LastErrorAt, status.LastSuccess)
	}
}

func TestBackoff(t *testing.T) {
	tests := map[string]struct {
		interval, limit time.Duration
		n               int
		want            time.Duration
	}{
		"first failure waits an interval": {10 * time.Minute, time.Hour, 1, 10 * time.Minute},
		"second doubles":                  {10 * time.Minute, time.Hour, 2, 20 * time.Minute},
		"capped":                          {10 * time.Minute, time.Hour, 5, time.Hour},
		"many failures stay capped":       {10 * time.Minute, time.Hour, 1000, time.Hour},
		"limit below interval":            {2 * time.Hour, 2 * time.Hour, 3, 2 * time.Hour},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			for range 50 {
				got := backoff(tc.interval, tc.limit, tc.n)
				if got < tc.want*9/10 || got > tc.want*11/10 {
					t.Fatalf("backoff = %s, want %s ± 10%%", got, tc.want)
				}
			}
		})
	}
}

func TestFeedItemFallback(t *testing.T) {
	s := newSite(t)
	serveSamples(t, s)
	// The Lanxi link now serves a page without an article: the item's
	// description is used instead.
	s.static(lanxiPath, "text/html", []byte(`<html><head><title>兰溪市人民政府</title></head><body><div class="nav">首页 | 兰溪要闻</div></body></html>`))
	rec := newRecorder()
	p := newPoller(t, openStore(t), "a", rec, feedConfig(s))
	st := poll(t, p, "qingxi")
	if st.New != 3 || st.LastError != "" {
		t.Fatalf("status %+v", st)
	}
	b := rec.byID[rec.order[0]]
	if b.Title != sampleTitles[0] || !strings.Contains(b.Text(), "朱俊华主持召开市委常委会") || b.URL != s.URL+lanxiPath {
		t.Errorf("fallback bulletin %q (%s): %s", b.Title, b.URL, b.Text())
	}
}

func TestFetchOne(t *testing.T) {
	s := newSite(t)
	serveSamples(t, s)
	f := testFetcher()
	ctx := context.Background()
	tests := map[string]struct {
		path   string
		titles []string
	}{
		"page": {lanxiPath, sampleTitles[:1]},
		"feed": {"/feed.xml", sampleTitles},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			inputs, err := FetchOne(ctx, f, s.URL+tc.path)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, in := range inputs {
				b, err := parser.Parse(in)
				if err != nil {
					t.Fatalf("%s: %v", in.URL, err)
				}
				titles = append(titles, b.Title)
			}
			if fmt.Sprint(titles) != fmt.Sprint(tc.titles) {
				t.Errorf("titles %q, want %q", titles, tc.titles)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		if _, err := FetchOne(ctx, f, s.URL+"/nothing"); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
			t.Errorf("err = %v, want HTTP 404", err)
		}
	})
}

func FuzzFeedItems(f *testing.F) {
	f.Add(testdata(f, "feed.xml"))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","title":"t","content_html":"<p>x</p>"}]}`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title></entry></feed>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := feedItems(&Response{URL: "http://feed.test/rss", Body: body}, testFetcher(), "", false)
		if err != nil {
			return
		}
		for _, it := range items {
			inputs, err := it.load(context.Background())
			if err == nil && len(inputs) == 0 {
				t.Fatalf("item %q loaded no inputs and no error", it.key)
			}
			for _, in := range inputs {
				if _, err := parser.Parse(in); err != nil && !content.Refused(err) {
					t.Fatalf("parse of a fallback input: %v", err)
				}
			}
		}
	})
}
