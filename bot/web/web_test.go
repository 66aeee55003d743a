package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"tongbao/bot/metrics"
	"tongbao/bot/readlink"
	"tongbao/bot/web"
	"tongbao/content"
	"tongbao/store"
	"tongbao/store/redistest"
)

var redisServer *redistest.Server

func TestMain(m *testing.M) { redistest.Main(m, &redisServer) }

var seq int

type fixture struct {
	st    *store.Store
	links *readlink.Links
	srv   *httptest.Server
	b     *content.Bulletin
	dense int64
	reg   *prometheus.Registry
}

func setup(t testing.TB) *fixture { return setupWith(t, nil) }

// setupWith is setup with the server's config and deps adjusted by edit.
func setupWith(t testing.TB, edit func(*web.Config, *web.Deps)) *fixture {
	t.Helper()
	seq++
	st, err := store.Open(context.Background(), store.Config{URL: redisServer.URL(), Prefix: fmt.Sprintf("wt%d:", seq)}, store.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "samples", "qingxi-2022-06-08-county-executive.txt"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := content.NewParser(content.ParserConfig{}, content.ParserDeps{}).Parse(content.Input{Data: data, Name: "q.txt"})
	if err != nil {
		t.Fatal(err)
	}
	st.SaveBulletin(context.Background(), b)
	sub, _, _ := st.Touch(context.Background(), "tg:42", "", "", true)
	links := readlink.New("http://unused", "secret-key")
	reg := prometheus.NewRegistry()
	var cfg web.Config
	deps := web.Deps{Store: store.NewBulletinCache(st, 1024), Links: links, Metrics: metrics.New(reg), Gatherer: reg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if edit != nil {
		edit(&cfg, &deps)
	}
	s := web.New(cfg, deps)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &fixture{st: st, links: links, srv: ts, b: b, dense: sub.Dense, reg: reg}
}

// fetch makes one request with the given headers and returns the status,
// body and headers of the answer.
func fetch(t testing.TB, method, url string, header http.Header, body io.Reader) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Header
}

// get fetches a page and returns its status and body.
func get(t testing.TB, url string) (int, string) {
	t.Helper()
	code, body, _ := fetch(t, "GET", url, nil, nil)
	return code, body
}

func TestReaderPageRecordsTheRead(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	code, body := get(t, f.srv.URL+"/r/"+f.links.Token(f.b.ID, f.dense))
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{"<title>青溪县召开县政府第十二次常务会议</title>", "王立新", "6月7日下午", "会议要点", "会议还研究了其他事项。", `name="viewport"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("the page needs JavaScript")
	}
	if ok, _ := hasRead(ctx, f.st, f.b.ID, f.dense); !ok {
		t.Error("the read was not recorded")
	}
	get(t, f.srv.URL+"/r/"+f.links.Token(f.b.ID, f.dense))
	s, _ := f.st.Stats(ctx, f.b.ID)
	if s.Via[content.ViaLink] != 1 {
		t.Errorf("reads via link = %d after two opens, want 1", s.Via[content.ViaLink])
	}
	_, metricsBody := get(t, f.srv.URL+"/metrics")
	if !strings.Contains(metricsBody, `tongbao_reads_total{via="link"} 1`) {
		t.Errorf("metrics lack the read:\n%s", metricsBody)
	}
}

func TestForgedTokensRecordNothing(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	good := f.links.Token(f.b.ID, f.dense)
	other := readlink.New("http://x", "another-key").Token(f.b.ID, f.dense)
	tests := map[string]string{
		"signed with another key": other,
		"damaged signature":       good[:len(good)-2] + "AA",
		"someone else's id":       strings.Replace(good, "."+fmt.Sprint(f.dense)+".", ".9.", 1),
		"no signature":            f.b.ID + ".1",
		"garbage":                 "%E4%BD%A0%E5%A5%BD",
		"unknown bulletin":        f.links.Token("20000101-deadbeef", f.dense),
	}
	for name, token := range tests {
		t.Run(name, func(t *testing.T) {
			code, body := get(t, f.srv.URL+"/r/"+token)
			if code != 404 || !strings.Contains(body, "链接无效") {
				t.Errorf("status %d, body %q", code, body)
			}
		})
	}
	for _, d := range []int64{f.dense, 9} {
		if ok, _ := hasRead(ctx, f.st, f.b.ID, d); ok {
			t.Errorf("a forged link recorded a read for %d", d)
		}
	}
}

func TestHealth(t *testing.T) {
	f := setup(t)
	if code, body := get(t, f.srv.URL+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", code, body)
	}
	if code, _ := get(t, f.srv.URL+"/readyz"); code != 200 {
		t.Errorf("readyz: %d", code)
	}
	f.st.Close()
	if code, _ := get(t, f.srv.URL+"/readyz"); code != 503 {
		t.Errorf("readyz with the store closed: %d", code)
	}
}

// Only the issued token records a read: every other last character, and a
// line break inside the signature, gets the 404 page and records nothing.
func TestOnlyTheIssuedTokenRecordsARead(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	good := f.links.Token(f.b.ID, f.dense)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var variants []string
	for _, c := range alphabet {
		if v := good[:len(good)-1] + string(c); v != good {
			variants = append(variants, v)
		}
	}
	variants = append(variants, good[:len(good)-4]+"%0A"+good[len(good)-4:], good+"%0D")
	for _, v := range variants {
		if code, body := get(t, f.srv.URL+"/r/"+v); code != 404 || !strings.Contains(body, "链接无效") {
			t.Errorf("%s: status %d", v, code)
		}
	}
	if ok, _ := hasRead(ctx, f.st, f.b.ID, f.dense); ok {
		t.Fatalf("a variant of the token recorded a read")
	}
	if s, _ := f.st.Stats(ctx, f.b.ID); s.Via[content.ViaLink] != 0 {
		t.Fatalf("reads via link = %d after only variants", s.Via[content.ViaLink])
	}
	if code, _ := get(t, f.srv.URL+"/r/"+good); code != 200 {
		t.Fatalf("the issued token: status %d", code)
	}
	if ok, _ := hasRead(ctx, f.st, f.b.ID, f.dense); !ok {
		t.Error("the issued token recorded no read")
	}
}

// hasRead reports whether the subscriber with dense id recorded a read of
// the bulletin: every recorded read is added to the reader's history.
func hasRead(ctx context.Context, st *store.Store, bulletinID string, dense int64) (bool, error) {
	hist, err := st.History(ctx, dense)
	if err != nil {
		return false, err
	}
	for _, e := range hist {
		if e.BulletinID == bulletinID {
			return true, nil
		}
	}
	return false, nil
}
