package source

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tongbao/content"
)

// listPage is a government list page: a news list of links and, when next
// is set, a link to the next page.
func listPage(title string, links map[string]string, order []string, next string) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="gbk"><title>` + title + `</title></head><body>
<div class="top"><a href="/">首页</a> | <a href="/col/zwgk/index.html">政务公开</a></div>
<ul class="news-list">`)
	for _, href := range order {
		fmt.Fprintf(&b, "<li><a href=%q title=%q>%s</a><span>2022-06-08</span></li>\n", href, links[href], links[href])
	}
	b.WriteString(`</ul><div class="pages">`)
	if next != "" {
		fmt.Fprintf(&b, `<a class="next" href=%q>下一页</a>`, next)
	}
	b.WriteString(`</div></body></html>`)
	return []byte(b.String())
}

func siteConfig(s *site) Config {
	return Config{
		Name: "qingxi-news", Type: TypeSite, URL: s.URL + "/col/zwdt/index.html", Interval: time.Minute,
		ListSelector: "ul.news-list li", NextSelector: ".pages a.next", MaxPages: 2,
		Selectors: &content.Selectors{Content: "div.article"},
	}
}

// serveSite puts a three-page list on s (GBK, relative links): page one
// lists the Qingxi meeting and notice, page two the Lanxi article and a
// page without an article, page three (beyond max_pages) one more.
func serveSite(t *testing.T, s *site) {
	s.static(qingxiMeetPath, "text/html; charset=utf-8", textPage(testdata(t, qingxiMeet)))
	s.static(qingxiFloodPath, "text/html; charset=utf-8", textPage(testdata(t, qingxiFlood)))
	s.static(lanxiPath, "text/html; charset=utf-8", testdata(t, lanxiPage)) // a lying header: the page is GBK
	s.static("/art/empty.html", "text/html", []byte(`<html><head><title>青溪县人民政府</title></head><body><div class="nav">首页</div></body></html>`))
	s.static("/art/old.html", "text/html", textPage(testdata(t, lanxiText)))
	links := map[string]string{
		"../../art/2022/6/8/art_1001_2001.html": "青溪县召开县政府第十二次常务会议",
		qingxiFloodPath:                         "关于切实做好2022年汛期安全防范工作的通知",
		s.URL + lanxiPath:                       "兰溪召开市委常委会(扩大)会议",
		"/art/empty.html":                       "空白页面",
		"/art/old.html":                         "更早的文章",
		"javascript:void(0)":                    "脚本链接",
		"#top":                                  "返回顶部",
		"/art/2022/6/8/art_1001_2001.html#zoom": "重复链接",
	}
	s.static("/col/zwdt/index.html", "text/html", gbk(t, string(listPage("政务动态", links,
		[]string{"../../art/2022/6/8/art_1001_2001.html", qingxiFloodPath, "javascript:void(0)", "/art/2022/6/8/art_1001_2001.html#zoom"}, "index_2.html"))))
	s.static("/col/zwdt/index_2.html", "text/html", gbk(t, string(listPage("政务动态", links,
		[]string{s.URL + lanxiPath, "/art/empty.html", "#top"}, "index_3.html"))))
	s.static("/col/zwdt/index_3.html", "text/html", gbk(t, string(listPage("政务动态", links, []string{"/art/old.html"}, "index.html"))))
}

func TestSiteSource(t *testing.T) {
	s := newSite(t)
	serveSite(t, s)
	rec := newRecorder()
	p := newPoller(t, openStore(t), "a", rec, siteConfig(s))

	st := poll(t, p, "qingxi-news")
	if got := rec.titles(); fmt.Sprint(got) != fmt.Sprint(sampleTitles) {
		t.Errorf("stored %q, want (last listed first) %q", got, sampleTitles)
	}
	if s.hitCount("/col/zwdt/index_3.html") != 0 || s.hitCount("/art/old.html") != 0 {
		t.Error("a page beyond max_pages was read")
	}
	if st.Listed != 4 || st.Seen != 3 || st.New != 3 || st.Failures != 0 {
		t.Errorf("status %+v", st)
	}
	if !strings.Contains(st.LastError, "/art/empty.html: no article text found") {
		t.Errorf("status error %q, want the page without an article named", st.LastError)
	}
	for _, in := range rec.inputs {
		if in.Selectors == nil || in.Selectors.Content != "div.article" {
			t.Errorf("input %s without the site's selectors", in.URL)
		}
	}

	t.Run("unchanged list fetches nothing more", func(t *testing.T) {
		inputs, before := rec.inputCount(), s.notModified.Load()
		st := poll(t, p, "qingxi-news")
		if rec.inputCount() != inputs || s.notModified.Load() != before+1 || s.hitCount("/col/zwdt/index_2.html") != 1 {
			t.Errorf("inputs %d→%d, 304s %d→%d, page 2 read %d times", inputs, rec.inputCount(), before, s.notModified.Load(), s.hitCount("/col/zwdt/index_2.html"))
		}
		if st.Failures != 0 || st.Seen != 3 {
			t.Errorf("status %+v", st)
		}
	})

	t.Run("refused page is not fetched again", func(t *testing.T) {
		// A changed first page makes the poll read both pages again.
		s.static("/col/zwdt/index.html", "text/html", gbk(t, string(listPage("政务动态（更新）",
			map[string]string{qingxiFloodPath: "通知", "/art/empty.html": "空白页面"}, []string{qingxiFloodPath, "/art/empty.html"}, "index_2.html"))))
		empty := s.hitCount("/art/empty.html")
		st := poll(t, p, "qingxi-news")
		if s.hitCount("/art/empty.html") != empty || st.Listed != 2 || st.Seen != 3 {
			t.Errorf("the page without an article was fetched again (%d→%d), status %+v", empty, s.hitCount("/art/empty.html"), st)
		}
	})
}

func TestSiteBadInput(t *testing.T) {
	s := newSite(t)
	serveSite(t, s)
	s.static("/col/moved/index.html", "text/html", []byte(`<html><body><div class="new-layout"><a href="/a.html">文章</a></div></body></html>`))
	tests := map[string]struct {
		cfg  func(Config) Config
		want string
	}{
		"list without links": {func(c Config) Config { c.URL = s.URL + "/col/moved/index.html"; return c }, `no article links matched list_selector ("ul.news-list li")`},
		"list missing":       {func(c Config) Config { c.URL = s.URL + "/col/gone/index.html"; return c }, "HTTP 404 Not Found"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder()
			p := newPoller(t, openStore(t), "a", rec, tc.cfg(siteConfig(s)))
			st := poll(t, p, "qingxi-news")
			if !strings.Contains(st.LastError, tc.want) || st.Failures != 1 || rec.inputCount() != 0 {
				t.Errorf("status error %q (failures %d, %d inputs), want %q", st.LastError, st.Failures, rec.inputCount(), tc.want)
			}
			noGoDump(t, st.LastError)
		})
	}

	t.Run("second page missing", func(t *testing.T) {
		rec := newRecorder()
		cfg := siteConfig(s)
		s.static("/col/short/index.html", "text/html", listPage("政务动态", map[string]string{qingxiFloodPath: "通知"}, []string{qingxiFloodPath}, "gone.html"))
		cfg.URL = s.URL + "/col/short/index.html"
		p := newPoller(t, openStore(t), "a", rec, cfg)
		st := poll(t, p, "qingxi-news")
		if st.Failures != 0 || st.New != 1 || !strings.Contains(st.LastError, "list page 2: ") || !strings.Contains(st.LastError, "HTTP 404") {
			t.Errorf("status %+v, want page 1's item stored and page 2's failure noted", st)
		}
	})
}

func TestPreview(t *testing.T) {
	s := newSite(t)
	serveSite(t, s)
	st := openStore(t)
	ctx := context.Background()
	cfg := siteConfig(s)

	items, err := Preview(ctx, cfg, testFetcher(), st)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range items {
		keys = append(keys, strings.TrimPrefix(it.Key, s.URL))
		if it.Seen || (len(it.Inputs) == 0) == (it.Err == nil) {
			t.Errorf("item %s: seen %v, %d inputs, err %v", it.Key, it.Seen, len(it.Inputs), it.Err)
		}
	}
	if want := []string{"/art/empty.html", lanxiPath, qingxiFloodPath, qingxiMeetPath}; fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Errorf("items %q, want %q", keys, want)
	}
	if items[1].Title != "兰溪召开市委常委会(扩大)会议" {
		t.Errorf("title from the GBK list page: %q", items[1].Title)
	}
	if _, err := LoadStatus(ctx, st, cfg.Name); err != nil {
		t.Fatal(err)
	}
	if data, err := st.LoadSourceStatus(ctx, cfg.Name); err == nil {
		t.Errorf("Preview saved a status: %s", data)
	}

	rec := newRecorder()
	poll(t, newPoller(t, st, "a", rec, cfg), cfg.Name)
	items, err = Preview(ctx, cfg, testFetcher(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if !it.Seen || len(it.Inputs) != 0 {
			t.Errorf("after a poll, item %s: seen %v with %d inputs", it.Key, it.Seen, len(it.Inputs))
		}
	}
}
