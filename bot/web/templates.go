package web

import "html/template"

// pageStyle is the reader's whole stylesheet: readable on a phone, no
// JavaScript, no web fonts, fine printed.
const pageStyle = `
body{margin:0;background:#f6f6f4;color:#1f1f1f;font:17px/1.75 -apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:42rem;margin:0 auto;padding:1.2rem 1rem 3rem;background:#fff;min-height:100vh;box-sizing:border-box}
h1{font-size:1.35rem;line-height:1.45;margin:.4rem 0 .6rem;color:#8b0000}
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

var readerPage = template.Must(template.New("reader").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>` + pageStyle + `</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<div class="meta"><span>{{.Date}}</span><span>{{.Kind}}</span>{{if .Source}}<span>{{.Source}}</span>{{end}}{{if .DocNumber}}<span>{{.DocNumber}}</span>{{end}}</div>
{{with .Meeting}}<dl>
<dt>会议</dt><dd>{{if .Organ}}{{.Organ}} {{end}}{{.Name}}</dd>
{{if .Chair.Name}}<dt>主持</dt><dd>{{.Chair.Title}}{{.Chair.Name}}</dd>{{end}}
{{if .Held}}<dt>召开</dt><dd>{{.Held}}</dd>{{end}}
{{if .Attendees}}<dt>出席</dt><dd>{{range $i, $p := .Attendees}}{{if $i}}、{{end}}{{$p.Title}}{{$p.Name}}{{end}}</dd>{{end}}
{{if .Relayed}}<dt>传达学习</dt><dd>{{range $i, $x := .Relayed}}{{if $i}}；{{end}}{{$x}}{{end}}</dd>{{end}}
{{if .Heard}}<dt>听取</dt><dd>{{range $i, $x := .Heard}}{{if $i}}；{{end}}{{$x}}{{end}}</dd>{{end}}
{{if .Approved}}<dt>审议通过</dt><dd>{{range .Approved}}{{.}}{{end}}</dd>{{end}}
</dl>{{end}}
{{if .Summary}}<div class="summary"><strong>摘要</strong> {{.Summary}}</div>{{end}}
{{with .Meeting}}{{if .Points}}<h2 style="font-size:1.05rem">会议要点</h2><ol>{{range .Points}}<li>{{.}}</li>{{end}}</ol>{{end}}{{end}}
<article>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}
{{range .Images}}<img src="{{.}}" alt="" loading="lazy">
{{end}}
</article>
<footer>通报 · 本页已记录您的阅读</footer>
</main>
</body>
</html>
`))

var messagePage = template.Must(template.New("message").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title><style>` + pageStyle + `</style></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p></main></body>
</html>
`))
