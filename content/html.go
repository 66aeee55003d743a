package content

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Selectors are optional CSS selectors that tell the HTML reader where a
// particular site keeps its article, for pages the generic reader gets wrong.
type Selectors struct {
	Title   string `yaml:"title" json:"title,omitempty"`
	Date    string `yaml:"date" json:"date,omitempty"`
	Content string `yaml:"content" json:"content,omitempty"`
}

// page is what the HTML reader found: the title, the lines around the
// article that carry its time and source, and the article's own text.
type page struct {
	title      string
	metaDate   string
	metaSource string
	// siteName is the site's own name (SiteName meta, or the last part of
	// the document title: "…_清河市人民政府").
	siteName string
	header   []string
	body     string
	images   []string
}

// minArticleHan is how many Chinese characters a page's best text block
// needs before it counts as an article rather than a list or a shell page.
const minArticleHan = 30

// dropTags never hold article text.
var dropTags = "script, style, noscript, iframe, form, select, button, input, textarea, svg, nav, header, footer, aside, link, object, embed, canvas, template"

// chromeAttr matches class and id tokens of page furniture.
var chromeAttr = regexp.MustCompile(`(?i)^(?:nav|navbar|menu|submenu|foot|footer|bottom|share|bshare|fenxiang|bdshare|breadcrumbs?|crumbs?|position|location|weizhi|dqwz|tools?|print|dayin|copyright|banquan|sidebar|side|top|topbar|header|head|banner|search|login|qrcode|ewm|erweima|related|xgxx|xglj|links?|friendlink|pagination|pager)(?:[-_].*)?$`)

var (
	infoLabel   = regexp.MustCompile(`(?:发布时间|发布日期|发文日期|成文日期|信息来源|来源|发布机构|浏览次数|访问次数|时间|日期)\s*[:：]`)
	titleParts  = regexp.MustCompile(`\s*(?:[-_|—–]+)\s*`)
	titleSuffix = regexp.MustCompile(`\s*(?:[-_|—–]+|——)\s*[^-_|—–]*(?:政府|网|门户|首页|网站|办公室|委员会|部门)[^-_|—–]*$`)
)

// readHTML picks the article out of a government web page.
func readHTML(text string, base *url.URL, sel *Selectors) (*page, error) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		return nil, ErrNoArticle
	}
	p := &page{}
	readMeta(doc, p)
	doc.Find(dropTags).Remove()
	removeChrome(doc)

	var content *goquery.Selection
	if sel != nil && sel.Content != "" {
		if s := doc.Find(sel.Content).First(); s.Length() > 0 {
			content = s
		}
	}
	if content == nil {
		content = bestBlock(doc)
	}
	if content == nil || hanCount(content.Text()) < minArticleHan {
		return nil, ErrNoArticle
	}
	p.header = infoLines(doc, content)
	if sel != nil && sel.Date != "" {
		if d := collapseSpace(doc.Find(sel.Date).First().Text()); d != "" {
			p.header = append([]string{"发布时间：" + d}, p.header...)
		}
	}
	p.title = pageTitle(doc, content, sel, p.title)
	p.images = images(content, base)
	p.body = blockText(content.Nodes[0])
	return p, nil
}

// readMeta takes the title, date and source a page declares in its meta
// tags (the conventions of Chinese government site systems and Open Graph).
func readMeta(doc *goquery.Document, p *page) {
	doc.Find("meta").Each(func(_ int, m *goquery.Selection) {
		name, _ := m.Attr("name")
		if name == "" {
			name, _ = m.Attr("property")
		}
		value := collapseSpace(m.AttrOr("content", ""))
		if value == "" {
			return
		}
		switch strings.ToLower(name) {
		case "articletitle", "og:title":
			if p.title == "" {
				p.title = value
			}
		case "pubdate", "publishdate", "firstpublishedtime", "article:published_time", "og:release_date", "dc.date", "date":
			if p.metaDate == "" {
				p.metaDate = value
			}
		case "contentsource", "source":
			if p.metaSource == "" {
				p.metaSource = value
			}
		case "sitename", "og:site_name":
			if p.siteName == "" {
				p.siteName = value
			}
		}
	})
	if p.siteName == "" {
		parts := titleParts.Split(collapseSpace(doc.Find("title").First().Text()), -1)
		if last := trimSpace(parts[len(parts)-1]); len(parts) > 1 && runeLen(last) <= 20 {
			p.siteName = last
		}
	}
	if p.metaSource == "" {
		p.metaSource = p.siteName
	}
}

// removeChrome drops elements whose class or id names page furniture, unless
// they hold most of the page's text (some sites wrap the whole article in a
// "top" or "head" box).
func removeChrome(doc *goquery.Document) {
	total := hanCount(doc.Find("body").Text())
	doc.Find("[class], [id]").Each(func(_ int, s *goquery.Selection) {
		if !isChromeElement(s) {
			return
		}
		if total > 0 && hanCount(s.Text())*2 > total {
			return
		}
		s.Remove()
	})
}

func isChromeElement(s *goquery.Selection) bool {
	for _, attr := range []string{"class", "id"} {
		for _, tok := range strings.Fields(s.AttrOr(attr, "")) {
			if chromeAttr.MatchString(tok) {
				return true
			}
		}
	}
	return false
}

// bestBlock scores every element by the running Chinese text it holds, the
// way readability-style extractors do: each text run credits its block's
// parent fully and its grandparent by half, so the element that directly
// wraps the paragraphs wins over the page around it. Link text counts
// against a block.
func bestBlock(doc *goquery.Document) *goquery.Selection {
	scores := map[*html.Node]float64{}
	var order []*html.Node
	credit := func(n *html.Node, v float64) {
		if n == nil || n.Type != html.ElementNode {
			return
		}
		if _, ok := scores[n]; !ok {
			order = append(order, n)
		}
		scores[n] += v
	}
	var walk func(n *html.Node, inLink bool)
	walk = func(n *html.Node, inLink bool) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			inLink = true
		}
		if n.Type == html.TextNode && !inLink {
			if h := hanCount(n.Data); h >= 8 {
				blk := blockAncestor(n)
				if blk != nil {
					if hasDirectText(blk) {
						credit(blk, float64(h))
					}
					credit(blk.Parent, float64(h))
					if blk.Parent != nil {
						credit(blk.Parent.Parent, float64(h)/2)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink)
		}
	}
	for _, n := range doc.Nodes {
		walk(n, false)
	}
	var best *html.Node
	bestScore := 0.0
	for _, n := range order {
		s := scores[n] * (1 - linkDensity(n))
		if s > bestScore || (s == bestScore && best != nil && isAncestor(best, n)) {
			best, bestScore = n, s
		}
	}
	if best == nil {
		return nil
	}
	return doc.FindNodes(best)
}

var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Td: true, atom.Li: true, atom.Section: true,
	atom.Article: true, atom.Pre: true, atom.Blockquote: true, atom.Body: true, atom.Main: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Table: true, atom.Tr: true, atom.Ul: true, atom.Ol: true, atom.Dd: true, atom.Dl: true, atom.Dt: true,
	atom.Center: true, atom.Form: true, atom.Tbody: true,
}

func blockAncestor(n *html.Node) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && blockAtoms[p.DataAtom] {
			return p
		}
	}
	return nil
}

// hasDirectText reports whether a block holds text runs of its own rather
// than only through child blocks (articles laid out with <br> lines).
func hasDirectText(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && hanCount(c.Data) >= 8 {
			return true
		}
	}
	return false
}

func isAncestor(a, n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == a {
			return true
		}
	}
	return false
}

// linkDensity is the share of an element's Chinese text that sits in links.
func linkDensity(n *html.Node) float64 {
	var all, linked int
	var walk func(n *html.Node, inLink bool)
	walk = func(n *html.Node, inLink bool) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			inLink = true
		}
		if n.Type == html.TextNode {
			h := hanCount(n.Data)
			all += h
			if inLink {
				linked += h
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink)
		}
	}
	walk(n, false)
	if all == 0 {
		return 1
	}
	return float64(linked) / float64(all)
}

// infoLines returns the short lines outside the article that carry its
// publication time or source (the "info line" under a title).
func infoLines(doc *goquery.Document, content *goquery.Selection) []string {
	var out []string
	doc.Find("div, p, span, td, li, em, h2, h3, h4, small, font").Each(func(_ int, s *goquery.Selection) {
		if isAncestor(content.Nodes[0], s.Nodes[0]) {
			return
		}
		text := collapseSpace(s.Text())
		if text == "" || runeLen(text) > 200 || !infoLabel.MatchString(text) {
			return
		}
		// Keep the innermost element that still has all the labels.
		inner := false
		s.Children().Each(func(_ int, c *goquery.Selection) {
			if collapseSpace(c.Text()) == text {
				inner = true
			}
		})
		if !inner {
			out = append(out, text)
		}
	})
	return out
}

// pageTitle chooses the article title: configured selector, meta title,
// the headline inside or just before the article, or the document title
// without the site name.
func pageTitle(doc *goquery.Document, content *goquery.Selection, sel *Selectors, meta string) string {
	if sel != nil && sel.Title != "" {
		if t := collapseSpace(doc.Find(sel.Title).First().Text()); t != "" {
			return t
		}
	}
	if meta != "" {
		return meta
	}
	for _, q := range []string{"h1", ".title, #title, .article-title, .arc_title, .bt", "h2"} {
		if t := collapseSpace(doc.Find(q).First().Text()); t != "" && runeLen(t) <= 120 {
			return t
		}
	}
	t := collapseSpace(doc.Find("title").First().Text())
	return trimSpace(titleSuffix.ReplaceAllString(t, ""))
}

// images lists the article's pictures as absolute addresses where the page
// address is known.
func images(content *goquery.Selection, base *url.URL) []string {
	var out []string
	content.Find("img").Each(func(_ int, s *goquery.Selection) {
		src := strings.TrimSpace(s.AttrOr("src", s.AttrOr("data-src", "")))
		if src == "" || strings.HasPrefix(src, "data:") {
			return
		}
		if base != nil {
			if u, err := base.Parse(src); err == nil {
				src = u.String()
			}
		}
		out = append(out, src)
	})
	return out
}

// blockText renders an element's text with a line break at every block
// boundary and <br>, so it reads like the text copy of the page.
func blockText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(strings.ReplaceAll(n.Data, "\n", " "))
			return
		case html.ElementNode:
			if n.DataAtom == atom.Br {
				b.WriteByte('\n')
				return
			}
		}
		block := n.Type == html.ElementNode && blockAtoms[n.DataAtom]
		if block {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	walk(n)
	return b.String()
}
