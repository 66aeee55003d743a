package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tongbao/bot/web"
	"tongbao/content"
	"tongbao/store"
)

// page fetches a page and returns its status, body and headers.
func page(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	return fetch(t, "GET", url, nil, nil)
}

// randomHan is n random common Chinese characters: bodies that no
// near-duplicate check takes for one another.
func randomHan(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteRune(rune(0x4E00 + r.IntN(0x9FA5-0x4E00)))
	}
	return b.String()
}

// saveNews stores n news bulletins published a day apart, newest last,
// and returns their ids newest first.
func saveNews(t testing.TB, st *store.Store, n int) []string {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, n)
	for i := 0; i < n; i++ {
		body := randomHan(r, 120) + "。"
		b := &content.Bulletin{Title: fmt.Sprintf("测试新闻第%d条", i+1), Kind: content.KindNews,
			PublishedAt: time.Date(2024, 1, 1, 9, 30, 0, 0, content.Shanghai).AddDate(0, 0, i),
			Summary:     body[:90], Paragraphs: []string{body}, Fingerprint: content.MakeFingerprint(body), Images: []string{}, Tags: []string{}}
		b.ID = b.PublishedAt.Format("20060102") + "-" + b.Fingerprint.Exact[:8]
		if res, err := st.SaveBulletin(context.Background(), b); err != nil || !res.New {
			t.Fatalf("save %d: %+v %v", i, res, err)
		}
		ids[n-1-i] = b.ID
	}
	return ids
}

var itemLink = regexp.MustCompile(`<li><a href="b/([^"]+)">`)

// The index lists the bulletins newest first, 20 a page, each leading to
// a page that records no read and leads back.
func TestIndexPages(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	ids := append(saveNews(t, f.st, 24), f.b.ID) // the fixture's bulletin is from 2022: last
	code, body, _ := page(t, f.srv.URL+"/")
	if code != 200 || !strings.Contains(body, "<h1>最新通报</h1>") || !strings.Contains(body, `name="viewport"`) {
		t.Fatalf("index: %d\n%s", code, body)
	}
	var listed []string
	for _, m := range itemLink.FindAllStringSubmatch(body, -1) {
		listed = append(listed, m[1])
	}
	if strings.Join(listed, " ") != strings.Join(ids[:20], " ") {
		t.Errorf("first page lists\n%v\nwant\n%v", listed, ids[:20])
	}
	if !strings.Contains(body, `href="?page=2" rel="next"`) || strings.Contains(body, `rel="prev"`) || !strings.Contains(body, "第 1 / 2 页") {
		t.Errorf("first page's pager:\n%s", body)
	}
	if !strings.Contains(body, "2024年1月24日 09:30 · 新闻") {
		t.Errorf("index lacks the newest bulletin's date and kind:\n%s", body)
	}
	code, body, _ = page(t, f.srv.URL+"/?page=2")
	listed = nil
	for _, m := range itemLink.FindAllStringSubmatch(body, -1) {
		listed = append(listed, m[1])
	}
	if code != 200 || strings.Join(listed, " ") != strings.Join(ids[20:], " ") || !strings.Contains(body, `href="?page=1" rel="prev"`) || strings.Contains(body, `rel="next"`) {
		t.Errorf("second page: %d %v\n%s", code, listed, body)
	}
	if !strings.Contains(body, "2022年6月8日 · 会议") || strings.Contains(body, "00:00") {
		t.Errorf("the day-only bulletin's date on the index:\n%s", body)
	}
	for _, bad := range []string{"3", "0", "-1", "abc", "99999999999999999999"} {
		if code, body, _ := page(t, f.srv.URL+"/?page="+bad); code != 404 || !strings.Contains(body, "没有这一页") || !strings.Contains(body, `href="./"`) {
			t.Errorf("page=%s: %d\n%s", bad, code, body)
		}
	}

	// A bulletin's public page: the whole bulletin, the way back, no read.
	code, body, hdr := page(t, f.srv.URL+"/b/"+f.b.ID)
	if code != 200 || !strings.Contains(body, "<title>青溪县召开县政府第十二次常务会议</title>") || !strings.Contains(body, "会议还研究了其他事项。") {
		t.Fatalf("public page: %d\n%s", code, body)
	}
	if !strings.Contains(body, `<a href="../">‹ 全部通报</a>`) || strings.Contains(body, "已记录") {
		t.Errorf("public page's way back or footer:\n%s", body)
	}
	if !strings.Contains(hdr.Get("Cache-Control"), "public") {
		t.Errorf("public page Cache-Control %q", hdr.Get("Cache-Control"))
	}
	if code, body, _ := page(t, f.srv.URL+"/b/20000101-deadbeef"); code != 404 || !strings.Contains(body, "没有这条通报") {
		t.Errorf("unknown bulletin: %d\n%s", code, body)
	}
	ann := &content.Bulletin{ID: "a-20240101-1", Title: "内部通知", Kind: content.KindAnnouncement, PublishedAt: time.Now(), Paragraphs: []string{"明天开会"}}
	if err := f.st.SaveAnnouncement(ctx, ann); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := page(t, f.srv.URL+"/b/"+ann.ID); code != 404 {
		t.Errorf("an announcement is public: %d", code)
	}
	for _, id := range ids {
		if ok, _ := hasRead(ctx, f.st, id, f.dense); ok {
			t.Errorf("browsing recorded a read of %s", id)
		}
	}
	if s, _ := f.st.Stats(ctx, f.b.ID); s.Via[content.ViaLink] != 0 {
		t.Errorf("browsing counted %d reads", s.Via[content.ViaLink])
	}

	// The personal page leads back too.
	if _, body, _ := page(t, f.srv.URL+"/r/"+f.links.Token(f.b.ID, f.dense)); !strings.Contains(body, `<a href="../">‹ 全部通报</a>`) || !strings.Contains(body, "已记录") {
		t.Errorf("personal page:\n%s", body)
	}
}

func TestIndexOfAnEmptyStore(t *testing.T) {
	st, err := store.Open(context.Background(), store.Config{URL: redisServer.URL(), Prefix: "wt-empty:"}, store.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(web.New(web.Config{}, web.Deps{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	if code, body, _ := page(t, srv.URL+"/"); code != 200 || !strings.Contains(body, "还没有通报") {
		t.Errorf("empty index: %d\n%s", code, body)
	}
}

// parseFile parses one of the sample bulletins (configs/samples).
func parseFile(t *testing.T, name, url string) *content.Bulletin {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	b, err := content.NewParser(content.ParserConfig{}, content.ParserDeps{}).Parse(content.Input{Data: data, Name: filepath.Base(name), URL: url})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A notice's signature — issuer and date — is set right, not indented, and
// whom it is addressed to starts flush left; a day given without a time
// shows no 00:00.
func TestReaderPageSignatureAndDate(t *testing.T) {
	f := setup(t)
	notice := parseFile(t, "qingxi-2022-06-01-flood-notice.txt", "")
	f.st.SaveBulletin(context.Background(), notice)
	_, body, _ := page(t, f.srv.URL+"/b/"+notice.ID)
	for _, want := range []string{`<p class="to">各乡镇人民政府、街道办事处，县政府各部门：</p>`, `<p class="sign first">青溪县人民政府办公室</p>`, `<p class="sign">2022年6月1日</p>`, "<span>2022年6月1日 16:20</span>"} {
		if !strings.Contains(body, want) {
			t.Errorf("notice page lacks %s:\n%s", want, body)
		}
	}
	if !regexp.MustCompile(`p\.sign\{[^}]*text-align:right`).MatchString(body) || !regexp.MustCompile(`p\.sign\{[^}]*text-indent:0`).MatchString(body) {
		t.Error("signature lines are not styled right-aligned without indent")
	}
	if strings.Count(body, `class="sign`) != 2 {
		t.Errorf("%d signature lines, want 2", strings.Count(body, `class="sign`))
	}
	_, body, _ = page(t, f.srv.URL+"/b/"+f.b.ID)
	if !strings.Contains(body, "<span>2022年6月8日</span>") || strings.Contains(body, "00:00") {
		t.Errorf("day-only bulletin's date:\n%s", body)
	}
}

// Pictures a web page gave (absolute addresses) are shown; bare file names
// from a text copy, which a browser cannot load, are not.
func TestReaderPageImages(t *testing.T) {
	f := setup(t)
	html := `<html><head><title>石桥镇召开秋季森林防火工作会议</title></head><body><div class="article">
<h1>石桥镇召开秋季森林防火工作会议</h1><p>发布时间：2023-09-20 10:00</p>
<p>9月19日，石桥镇召开秋季森林防火工作会议，会议要求各村认真落实巡山护林责任，加强野外用火管理，确保不发生森林火灾。</p>
<p><img src="/picture/2023/fire-meeting.jpg"></p><p><img src="//img.example.gov.cn/b.png"></p>
<p>会议还对近期重点工作作了部署，要求各单位压实责任、细化措施，把各项工作落到实处。</p></div></body></html>`
	b, err := content.NewParser(content.ParserConfig{}, content.ParserDeps{}).Parse(content.Input{Data: []byte(html), Name: "p.html", URL: "https://www.example.gov.cn/art/2023/9/20/art_1.html"})
	if err != nil {
		t.Fatal(err)
	}
	f.st.SaveBulletin(context.Background(), b)
	_, body, _ := page(t, f.srv.URL+"/b/"+b.ID)
	for _, want := range []string{`<img src="https://www.example.gov.cn/picture/2023/fire-meeting.jpg"`, `<img src="https://img.example.gov.cn/b.png"`,
		`<a href="https://www.example.gov.cn/art/2023/9/20/art_1.html" rel="noreferrer">原文</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s:\n%s", want, body)
		}
	}
	text := parseFile(t, "lanxi-2022-05-27-standing-committee.txt", "")
	if len(text.Images) == 0 {
		t.Fatal("the text bulletin names no images")
	}
	f.st.SaveBulletin(context.Background(), text)
	if _, body, _ := page(t, f.srv.URL+"/b/"+text.ID); strings.Contains(body, "<img") {
		t.Errorf("bare image names made <img> elements:\n%s", body)
	}
}

// Every page carries a Content-Security-Policy that forbids scripts and
// allows exactly what the page uses: its one <style> element (by hash)
// and pictures over http(s).
func TestPagesSendContentSecurityPolicy(t *testing.T) {
	f := setup(t)
	paths := []string{"/", "/?page=9", "/b/" + f.b.ID, "/b/nope", "/r/" + f.links.Token(f.b.ID, f.dense), "/r/forged.1.x"}
	for _, path := range paths {
		code, body, hdr := page(t, f.srv.URL+path)
		csp := hdr.Get("Content-Security-Policy")
		if csp == "" {
			t.Errorf("%s (%d): no Content-Security-Policy", path, code)
			continue
		}
		for _, want := range []string{"default-src 'none'", "img-src https: http: data:", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "script-src") || strings.Contains(body, "<script") || strings.Contains(body, "<link") || regexp.MustCompile(`\son\w+=`).MatchString(body) {
			t.Errorf("%s: scripts allowed or used", path)
		}
		styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(body, -1)
		if len(styles) != 1 || strings.Contains(body, " style=") {
			t.Errorf("%s: %d <style> elements or a style attribute", path, len(styles))
			continue
		}
		sum := sha256.Sum256([]byte(styles[0][1]))
		if !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
			t.Errorf("%s: CSP %q does not allow the page's <style>", path, csp)
		}
		if hdr.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", path, hdr.Get("Referrer-Policy"))
		}
	}
}

// The pages speak English to ?lang=en and to browsers that prefer
// English, Chinese otherwise; links keep a language chosen by the query.
func TestPagesLanguage(t *testing.T) {
	f := setup(t)
	saveNews(t, f.st, 24)
	tests := map[string]struct {
		path, acceptLanguage string
		want, wantNot        []string
	}{
		"default": {"/", "", []string{`<html lang="zh-CN">`, "<h1>最新通报</h1>", "第 1 / 2 页"}, []string{"Latest"}},
		"query": {"/?lang=en", "zh-CN", []string{`<html lang="en">`, "<h1>Latest bulletins</h1>", "Page 1 of 2",
			`href="?page=2&amp;lang=en" rel="next"`, "January 24, 2024 09:30 · News", `?lang=en">`}, []string{"最新通报"}},
		"browser prefers english": {"/", "en-GB,en;q=0.9,zh;q=0.5", []string{"<h1>Latest bulletins</h1>"}, nil},
		"browser prefers chinese": {"/", "zh-TW,en;q=0.8", []string{"<h1>最新通报</h1>"}, nil},
		"query beats the browser": {"/?lang=zh", "en", []string{"<h1>最新通报</h1>"}, nil},
		"bulletin page": {"/b/" + f.b.ID + "?lang=en", "", []string{`<a href="../?lang=en">‹ All bulletins</a>`, "June 8, 2022", "Key points", "<dt>Chaired by</dt>"},
			[]string{"会议要点", "全部通报"}},
		"bad page number":  {"/?page=abc&lang=en", "", []string{"No such page", `href="./?lang=en"`}, []string{"没有这一页"}},
		"unknown bulletin": {"/b/20000101-deadbeef", "en", []string{"No such bulletin"}, nil},
		"forged link":      {"/r/forged", "en-US", []string{"Invalid link"}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var header http.Header
			if tc.acceptLanguage != "" {
				header = http.Header{"Accept-Language": {tc.acceptLanguage}}
			}
			_, body, hdr := fetch(t, "GET", f.srv.URL+tc.path, header, nil)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("lacks %q:\n%s", w, body)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(body, w) {
					t.Errorf("has %q:\n%s", w, body)
				}
			}
			if hdr.Get("Vary") != "Accept-Language" {
				t.Errorf("Vary %q", hdr.Get("Vary"))
			}
		})
	}
}
