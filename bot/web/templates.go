package web

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"tongbao/bot/msg"
	"tongbao/content"
)

// The pages are written out with every value escaped rather than through
// html/template: its reflection makes the linker keep every exported method
// of every type in an interface — over ten megabytes of binary for a few
// small pages.

// pageStyle is the reader's whole stylesheet: readable on a phone, no
// JavaScript, no web fonts, fine printed.
const pageStyle = `
body{margin:0;background:#f6f6f4;color:#1f1f1f;font:17px/1.75 -apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:42rem;margin:0 auto;padding:1.2rem 1rem 3rem;background:#fff;min-height:100vh;box-sizing:border-box}
a{color:#1a4f9c}
h1{font-size:1.35rem;line-height:1.45;margin:.4rem 0 .6rem;color:#8b0000}
h2{font-size:1.05rem}
.back{font-size:.95rem;margin:-.2rem 0 .4rem}
.back a,.pager a{display:inline-block;padding:.35rem 0;text-decoration:none}
.meta{color:#666;font-size:.9rem;margin-bottom:1rem}
.meta span+span:before{content:" · "}
dl{background:#faf7f0;border-left:3px solid #c8a45a;padding:.6rem .9rem;margin:1rem 0;font-size:.95rem}
dt{font-weight:600;color:#6b5520}
dd{margin:0 0 .4rem}
.summary{background:#f2f5fa;padding:.7rem .9rem;border-radius:4px;margin:1rem 0}
ol{padding-left:1.4rem}
article p{text-indent:2em;margin:.8em 0}
article p.to{text-indent:0}
article p.sign{text-indent:0;text-align:right;margin:0}
article p.sign.first{margin-top:2em}
img{max-width:100%;height:auto;display:block;margin:1rem auto}
ul.list{list-style:none;margin:0;padding:0}
ul.list li{border-bottom:1px solid #eee}
ul.list a{display:block;padding:.8rem 0;color:inherit;text-decoration:none}
ul.list .t{display:block;font-weight:600;color:#1a1a1a;line-height:1.5}
ul.list .m{display:block;color:#777;font-size:.85rem}
ul.list .s{display:block;color:#444;font-size:.92rem;line-height:1.6}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:1.2rem;font-size:.95rem;color:#777}
footer{color:#999;font-size:.8rem;margin-top:2rem;border-top:1px solid #eee;padding-top:.6rem}
@media print{body{background:#fff}main{padding:0}.back,.pager{display:none}}
`

// contentSecurityPolicy is sent with every page: they run no script, load
// nothing but pictures from the bulletins' sites, and style themselves
// with the one <style> element whose hash is given ('unsafe-inline' is
// for browsers too old to know hashes; the others ignore it).
var contentSecurityPolicy = func() string {
	sum := sha256.Sum256([]byte(pageStyle))
	return "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

// page writes an HTML page in a language: the escaped title, and a body
// already in HTML.
func page(lang, title, body string) []byte {
	var b strings.Builder
	htmlLang := "zh-CN"
	if msg.English(lang) {
		htmlLang = "en"
	}
	b.WriteString(`<!DOCTYPE html>
<html lang="` + htmlLang + `">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>`)
	b.WriteString(html.EscapeString(title))
	b.WriteString("</title>\n<style>" + pageStyle + "</style>\n</head>\n<body>\n<main>\n")
	b.WriteString(body)
	b.WriteString("</main>\n</body>\n</html>\n")
	return []byte(b.String())
}

// tag writes <name>escaped text</name>.
func tag(b *strings.Builder, name, text string) {
	b.WriteString("<" + name + ">" + html.EscapeString(text) + "</" + name + ">")
}

// langQuery is the query that keeps a page's language on the links it
// gives: "" for Chinese, the default.
func langQuery(lang string) string {
	if msg.English(lang) {
		return "lang=en"
	}
	return ""
}

// withLang adds the page's language to a relative address.
func withLang(addr, lang string) string {
	q := langQuery(lang)
	switch {
	case q == "":
		return addr
	case strings.Contains(addr, "?"):
		return addr + "&" + q
	}
	return addr + "?" + q
}

// backLink leads from a bulletin page to the index. It is relative, so it
// stays under the public URL's path when a proxy serves Tongbao below one.
func backLink(lang string) string {
	return `<nav class="back"><a href="` + html.EscapeString(withLang("../", lang)) + `">` + html.EscapeString(msg.Say(lang, "web.back")) + "</a></nav>\n"
}

// readerPage renders a bulletin's page; personal pages (behind a read
// link) say that the read was recorded.
func readerPage(v view, personal bool) []byte {
	bl, lang := v.Bulletin, v.Lang
	var b strings.Builder
	b.WriteString(backLink(lang))
	tag(&b, "h1", bl.Title)
	b.WriteString("\n<div class=\"meta\">")
	for _, s := range []string{v.Date, v.Kind, bl.Source, bl.DocNumber} {
		if s != "" {
			tag(&b, "span", s)
		}
	}
	if v.Source != "" {
		b.WriteString(`<span><a href="` + html.EscapeString(v.Source) + `" rel="noreferrer">` + html.EscapeString(msg.Say(lang, "web.original")) + `</a></span>`)
	}
	b.WriteString("</div>\n")
	if m := bl.Meeting; m != nil {
		b.WriteString("<dl>\n")
		field := func(label, value string) {
			if value != "" {
				tag(&b, "dt", label)
				tag(&b, "dd", value)
				b.WriteByte('\n')
			}
		}
		field(msg.Say(lang, "card.meeting"), strings.TrimSpace(m.Organ+" "+m.Name))
		if m.Chair.Name != "" {
			field(msg.Say(lang, "card.chair"), m.Chair.Title+m.Chair.Name)
		}
		field(msg.Say(lang, "card.held"), m.Held)
		var att []string
		for _, p := range m.Attendees {
			att = append(att, p.Title+p.Name)
		}
		field(msg.Say(lang, "web.attendees"), strings.Join(att, "、"))
		field(msg.Say(lang, "web.relayed"), strings.Join(m.Relayed, "；"))
		field(msg.Say(lang, "web.heard"), strings.Join(m.Heard, "；"))
		field(msg.Say(lang, "card.approved"), strings.Join(m.Approved, ""))
		b.WriteString("</dl>\n")
	}
	if bl.Summary != "" {
		b.WriteString(`<div class="summary"><strong>` + html.EscapeString(msg.Say(lang, "card.summary")) + `</strong> ` + html.EscapeString(bl.Summary) + "</div>\n")
	}
	if m := bl.Meeting; m != nil && len(m.Points) > 0 {
		tag(&b, "h2", msg.Say(lang, "card.points"))
		b.WriteString("<ol>")
		for _, p := range m.Points {
			tag(&b, "li", p)
		}
		b.WriteString("</ol>\n")
	}
	b.WriteString("<article>\n")
	signFrom, signTo := content.SignatureLines(bl.Paragraphs)
	for i, p := range bl.Paragraphs {
		switch {
		case i == 0 && addressLine(bl, p):
			b.WriteString(`<p class="to">` + html.EscapeString(p) + "</p>")
		case i == signFrom && i < signTo:
			b.WriteString(`<p class="sign first">` + html.EscapeString(p) + "</p>")
		case i > signFrom && i < signTo:
			b.WriteString(`<p class="sign">` + html.EscapeString(p) + "</p>")
		default:
			tag(&b, "p", p)
		}
		b.WriteByte('\n')
	}
	for _, img := range v.Images {
		b.WriteString(`<img src="` + html.EscapeString(img) + `" alt="" loading="lazy">` + "\n")
	}
	b.WriteString("</article>\n")
	footer := "web.footer"
	if personal {
		footer = "web.footer.read"
	}
	tag(&b, "footer", msg.Say(lang, footer))
	b.WriteByte('\n')
	return page(lang, bl.Title, b.String())
}

// addressLine reports whether a notice's first line names whom it is
// addressed to (各乡镇人民政府、县政府各部门：), which starts flush left.
func addressLine(b *content.Bulletin, line string) bool {
	return b.Kind == content.KindNotice && (strings.HasSuffix(line, "：") || strings.HasSuffix(line, ":")) &&
		utf8.RuneCountInString(line) <= 80 && !strings.ContainsAny(line, "。；")
}

// indexPage renders one page of the index in a language: the bulletins
// newest first, each leading to its page, and links to the pages around it.
func indexPage(lang string, items []*content.Bulletin, pageNo, pages int) []byte {
	var b strings.Builder
	tag(&b, "h1", msg.Say(lang, "web.index"))
	b.WriteByte('\n')
	if len(items) == 0 {
		tag(&b, "p", msg.Say(lang, "web.index.empty"))
		return page(lang, msg.Say(lang, "web.index"), b.String())
	}
	b.WriteString("<ul class=\"list\">\n")
	for _, bl := range items {
		b.WriteString(`<li><a href="` + html.EscapeString(withLang("b/"+url.PathEscape(bl.ID), lang)) + `">`)
		b.WriteString(`<span class="t">` + html.EscapeString(bl.Title) + "</span>")
		meta := []string{publishedText(bl, lang), kindLabel(bl.Kind, lang)}
		if bl.Source != "" {
			meta = append(meta, bl.Source)
		}
		b.WriteString(`<span class="m">` + html.EscapeString(strings.Join(meta, " · ")) + "</span>")
		if bl.Summary != "" {
			b.WriteString(`<span class="s">` + html.EscapeString(cutRunes(bl.Summary, indexSummaryRunes)) + "</span>")
		}
		b.WriteString("</a></li>\n")
	}
	b.WriteString("</ul>\n")
	if pages > 1 {
		b.WriteString(`<nav class="pager">`)
		if pageNo > 1 {
			pageLink(&b, pageNo-1, lang, "prev")
		} else {
			b.WriteString("<span></span>")
		}
		tag(&b, "span", msg.Say(lang, "web.pages", pageNo, pages))
		if pageNo < pages {
			pageLink(&b, pageNo+1, lang, "next")
		} else {
			b.WriteString("<span></span>")
		}
		b.WriteString("</nav>\n")
	}
	title := msg.Say(lang, "web.index")
	if pageNo > 1 {
		title = msg.Say(lang, "web.index.page", pageNo)
	}
	return page(lang, title, b.String())
}

// pageLink writes the link to another page of the index; rel is "prev"
// or "next".
func pageLink(b *strings.Builder, pageNo int, lang, rel string) {
	text := msg.Say(lang, "web.prev")
	if rel == "next" {
		text = msg.Say(lang, "web.next")
	}
	b.WriteString(`<a href="` + html.EscapeString(withLang("?page="+strconv.Itoa(pageNo), lang)) + `" rel="` + rel + `">` + html.EscapeString(text) + "</a>")
}

// indexSummaryRunes is how much of a summary the index shows.
const indexSummaryRunes = 60

// cutRunes shortens s to n characters, ending in "…" when cut.
func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// messagePage renders a short notice (a bad link, an outage) with the way
// to the index: index is its address relative to the page ("../" from
// /r/… and /b/…, "./" from the index itself).
func messagePage(lang, title, text, index string) []byte {
	var b strings.Builder
	tag(&b, "h1", title)
	tag(&b, "p", text)
	b.WriteString(`<p><a href="` + html.EscapeString(withLang(index, lang)) + `">` + html.EscapeString(msg.Say(lang, "web.back")) + "</a></p>\n")
	return page(lang, title, b.String())
}

// view is what the reader page shows.
type view struct {
	Bulletin *content.Bulletin
	Lang     string // the page's language: "en", else Chinese
	Date     string
	Kind     string
	Images   []string // pictures a browser can load: absolute http(s) addresses
	Source   string   // the web page the bulletin came from, if any
}
