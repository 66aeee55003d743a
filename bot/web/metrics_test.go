package web_test

import (
	"net/http"
	"strings"
	"testing"

	"tongbao/bot/web"
)

// getWith fetches url with an Authorization header (none when "").
func getWith(t *testing.T, url, authorization string) (int, string) {
	t.Helper()
	header := http.Header{}
	if authorization != "" {
		header.Set("Authorization", authorization)
	}
	code, body, _ := fetch(t, "GET", url, header, nil)
	return code, body
}

// With a token, /metrics answers only a scrape that sends it.
func TestMetricsToken(t *testing.T) {
	f := setupWith(t, func(c *web.Config, _ *web.Deps) { c.MetricsToken = "scrape-token" })
	get(t, f.srv.URL+"/r/"+f.links.Token(f.b.ID, f.dense)) // a read to count
	for _, auth := range []string{"", "Bearer wrong", "scrape-token", "Basic c2NyYXBlLXRva2Vu"} {
		if code, body := getWith(t, f.srv.URL+"/metrics", auth); code != 401 || strings.Contains(body, "tongbao_") {
			t.Errorf("Authorization %q: %d %.80s", auth, code, body)
		}
	}
	if code, body := getWith(t, f.srv.URL+"/metrics", "Bearer scrape-token"); code != 200 || !strings.Contains(body, `tongbao_reads_total{via="link"} 1`) {
		t.Errorf("with the token: %d %.200s", code, body)
	}
}

// Without a gatherer (metrics served on an address of their own) the
// main handler has no /metrics.
func TestNoMetricsRouteWithoutGatherer(t *testing.T) {
	f := setupWith(t, func(_ *web.Config, o *web.Deps) { o.Gatherer = nil })
	if code, _ := getWith(t, f.srv.URL+"/metrics", ""); code != 404 {
		t.Errorf("/metrics without a gatherer: %d", code)
	}
}
