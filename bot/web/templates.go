package web

import (
	"html"
	"strings"

	"tongbao/content"
)

// The pages are written out with every value escaped rather than through
// html/template: its reflection makes the linker keep every exported method
// of every type in an interface — over ten megabytes of binary for two
// small pages.

// pageStyle is the reader's whole stylesheet: readable on a phone, no
// JavaScript, no web fonts, fine printed.
const pageStyle = `
body{margin:0;background:#f6f6f4;color:#1f1f1f;font:17px/1.75 -apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:42rem;margin:0 auto;padding:1.2rem 1rem 3rem;background:#fff;min-height:100vh;box-sizing:border-box}
h1{font-size:1.35rem;line-height:1.45;margin:.4rem 0 .6rem;color:#8b0000}
h2{font-size:1.05rem}
.meta{color:#666;font-size:.9rem;margin-bottom:1rem}
.meta span+span:before{content:" · "}
dl{background:#faf7f0;border-left:3px solid #c8a45a;padding:.6rem .9rem;margin:1rem 0;font-size:.95rem}
dt{font-weight:600;color:#6b5520}
dd{margin:0 0 .4rem}
.summary{background:#f2f5fa;padding:.7rem .9rem;border-radius:4px;margin:1rem 0}
ol{padding-left:1.4rem}
article p{text-indent:2em;margin:.8em 0}
img{max-width:100%;height:auto;display:block;margin:1rem auto}
footer{color:#999;font-size:.8rem;margin-top:2rem;border-top:1px solid #eee;padding-top:.6rem}
@media print{body{background:#fff}main{padding:0}}
`

// page writes an HTML page: the escaped title, and a body already in HTML.
func page(title, body string) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="zh-CN">
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

// readerPage renders a bulletin's reader page.
func readerPage(v view) []byte {
	bl := v.Bulletin
	var b strings.Builder
	tag(&b, "h1", bl.Title)
	b.WriteString("\n<div class=\"meta\">")
	for _, s := range []string{v.Date, v.Kind, bl.Source, bl.DocNumber} {
		if s != "" {
			tag(&b, "span", s)
		}
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
		field("会议", strings.TrimSpace(m.Organ+" "+m.Name))
		if m.Chair.Name != "" {
			field("主持", m.Chair.Title+m.Chair.Name)
		}
		field("召开", m.Held)
		var att []string
		for _, p := range m.Attendees {
			att = append(att, p.Title+p.Name)
		}
		field("出席", strings.Join(att, "、"))
		field("传达学习", strings.Join(m.Relayed, "；"))
		field("听取", strings.Join(m.Heard, "；"))
		field("审议通过", strings.Join(m.Approved, ""))
		b.WriteString("</dl>\n")
	}
	if bl.Summary != "" {
		b.WriteString(`<div class="summary"><strong>摘要</strong> ` + html.EscapeString(bl.Summary) + "</div>\n")
	}
	if m := bl.Meeting; m != nil && len(m.Points) > 0 {
		b.WriteString("<h2>会议要点</h2><ol>")
		for _, p := range m.Points {
			tag(&b, "li", p)
		}
		b.WriteString("</ol>\n")
	}
	b.WriteString("<article>\n")
	for _, p := range bl.Paragraphs {
		tag(&b, "p", p)
		b.WriteByte('\n')
	}
	for _, img := range v.Images {
		b.WriteString(`<img src="` + html.EscapeString(img) + `" alt="" loading="lazy">` + "\n")
	}
	b.WriteString("</article>\n<footer>通报 · 本页已记录您的阅读</footer>\n")
	return page(bl.Title, b.String())
}

// messagePage renders a short notice (a bad link, an outage).
func messagePage(title, text string) []byte {
	var b strings.Builder
	tag(&b, "h1", title)
	tag(&b, "p", text)
	return page(title, b.String())
}

// view is what the reader page shows.
type view struct {
	Bulletin *content.Bulletin
	Date     string
	Kind     string
	Images   []string
}
