package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"tongbao/content/source"
)

// newsSite serves the sample feed with its links pointing at itself, the
// two Qingxi bulletins as pages, and the Lanxi article as its GBK page.
func newsSite(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	pages := map[string]string{
		"/art/2022/6/8/art_1001_2001.html":            "qingxi-2022-06-08-county-executive.txt",
		"/art/2022/6/1/art_1002_1990.html":            "qingxi-2022-06-01-flood-notice.txt",
		"/art/2022/5/27/art_1229195219_59255391.html": "lanxi-2022-05-27-standing-committee.gbk.html",
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		feed, err := os.ReadFile(testInputs + "feed.xml")
		if err != nil {
			t.Error(err)
			return
		}
		text := strings.NewReplacer("http://www.qingxi.example.gov.cn", srv.URL, "http://www.lanxi.gov.cn", srv.URL).Replace(string(feed))
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write([]byte(text))
	})
	for path, file := range pages {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			data, err := os.ReadFile(samples + file)
			if err != nil {
				t.Error(err)
				return
			}
			if strings.HasSuffix(file, ".txt") {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			} else {
				w.Header().Set("Content-Type", "text/html")
			}
			w.Write(data)
		})
	}
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestServePollsSources: serve with a sources file ingests the three feed
// items once — the Lanxi page as the same bulletin as the stored text —
// reports each source's status, and keeps going when one source fails.
func TestServePollsSources(t *testing.T) {
	site := newsSite(t)
	e := newEnv()
	// The Lanxi text is already stored: the feed's GBK page is its copy.
	if code, out := e.run(t, "ingest", samples+"lanxi-2022-05-27-standing-committee.txt"); code != 0 {
		t.Fatal(out)
	}
	file := filepath.Join(t.TempDir(), "sources.yaml")
	os.WriteFile(file, []byte(fmt.Sprintf(`sources:
  - {name: county-feed, type: feed, url: %s/rss.xml, interval: 1m}
  - {name: broken, type: feed, url: %s/missing.xml, interval: 1m}
`, site.URL, site.URL)), 0o644)
	e["TONGBAO_SOURCES"] = file
	e.serve(t)
	st := e.store(t)
	ctx := context.Background()
	waitUntil(t, "the feed's bulletins", func() bool {
		n, _, _ := st.CountBulletins(ctx)
		return n == 3
	})
	// The feed's third item, the Lanxi page, is a copy of the stored text:
	// once the source has handed over every item it listed, the count is
	// final.
	waitUntil(t, "the Lanxi page handled", func() bool {
		var status source.Status
		data, err := st.LoadSourceStatus(ctx, "county-feed")
		if err != nil || json.Unmarshal(data, &status) != nil {
			return false
		}
		return status.Listed > 0 && status.Seen >= int64(status.Listed)
	})
	if n, _, _ := st.CountBulletins(ctx); n != 3 {
		t.Errorf("%d bulletins stored, want 3 (the Lanxi page is a copy)", n)
	}
	var out string
	waitUntil(t, "source status", func() bool {
		_, out = e.run(t, "sources")
		return strings.Contains(out, "county-feed") && strings.Contains(out, "broken") && strings.Contains(out, "404")
	})
	if !strings.Contains(out, "county-feed") {
		t.Errorf("sources:\n%s", out)
	}
}
