package web

import (
	"context"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"

	"tongbao/bot/chat"
)

// platformPreview is an announcement as one platform shows it, ready for
// the page.
type platformPreview struct {
	Platform string
	Messages []previewMessage
}

// previewMessage is one message of a preview: its text as safe HTML (the
// platform's markup kept where the page can show it the same way, every
// other character escaped), or a card.
type previewMessage struct {
	HTML        template.HTML
	Size, Limit int
	// Unit names what Size counts: "chars" (Telegram) or "bytes" (WeChat).
	Unit       string
	Card       *chat.Card
	CardButton string
	// CardSizes says how long the card's title and description are
	// against the platform's limits, "" when it has none.
	CardSizes string
	Buttons   [][]string
}

// platformPreviews shows an announcement as each platform that its
// audience reaches will show it: the one platform it names, else every
// configured platform with subscribers. lang is the subscribers' language
// the preview is in.
func (c *Console) platformPreviews(ctx context.Context, lang string, d broadcastData) ([]platformPreview, error) {
	if c.deps.Preview == nil {
		return nil, nil
	}
	counts, err := c.deps.Store.CountSubscribers(ctx)
	if err != nil {
		return nil, err
	}
	var out []platformPreview
	for _, p := range c.deps.Preview(chat.Announcement{Text: d.Text, Segment: d.Segment, Urgent: d.Urgent}, lang) {
		name := string(p.Platform)
		reached := counts.ByPlatform[name] > 0
		if d.Audience == "platform" {
			reached = d.Value == name
		}
		if !reached {
			continue
		}
		pp := platformPreview{Platform: name}
		for _, m := range p.Messages {
			pm := previewMessage{Size: m.Size, Limit: m.Limit, Card: m.Card, CardButton: m.CardButton, Buttons: m.Buttons}
			switch {
			case m.Card == nil:
				pm.HTML, pm.Unit = shownText(p.Platform, m.Markup)
			case m.TitleLimit > 0:
				pm.CardSizes = say(lang, "pv.card", len(m.Card.Title), m.TitleLimit, len(m.Card.Description), m.DescriptionLimit)
			}
			pp.Messages = append(pp.Messages, pm)
		}
		out = append(out, pp)
	}
	return out, nil
}

// shownText is a message's markup as the page shows it, and the unit its
// size is in.
func shownText(p chat.Platform, markup string) (template.HTML, string) {
	if p == chat.Telegram {
		return telegramHTML(markup), "chars"
	}
	return wechatHTML(markup), "bytes"
}

// telegramTags are the tags of Telegram's HTML the page shows as they
// are, mapped to the page's tag; the rest are left out, their text kept.
var telegramTags = map[string]string{
	"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u",
	"s": "s", "strike": "s", "del": "s", "code": "code", "pre": "pre", "a": "a",
}

// telegramHTML renders a Telegram HTML message safely: its text is
// decoded as Telegram decodes it and escaped again, the formatting tags
// Telegram knows are written anew without their attributes, a link keeps
// only an http(s) href, and anything else (a <script> included) is left
// out — so the page shows what Telegram shows and runs nothing.
func telegramHTML(markup string) template.HTML {
	var b strings.Builder
	var open []string
	z := xhtml.NewTokenizer(strings.NewReader(markup))
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken: // the end
			for i := len(open) - 1; i >= 0; i-- {
				b.WriteString("</" + open[i] + ">")
			}
			return template.HTML(b.String())
		case xhtml.TextToken:
			b.WriteString(html.EscapeString(string(z.Text())))
		case xhtml.StartTagToken:
			name, hasAttr := z.TagName()
			tag, ok := telegramTags[string(name)]
			if !ok {
				continue
			}
			if tag == "a" {
				href := ""
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" {
						href = string(v)
					}
				}
				if webLink(href) {
					b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="noopener noreferrer nofollow">`)
					open = append(open, tag)
					continue
				}
				tag = "span" // a link the page does not follow: its text
			}
			b.WriteString("<" + tag + ">")
			open = append(open, tag)
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			tag, ok := telegramTags[string(name)]
			if !ok || len(open) == 0 {
				continue
			}
			// Close the innermost open tag it names, and the ones inside it.
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == tag || tag == "a" && open[i] == "span" {
					for j := len(open) - 1; j >= i; j-- {
						b.WriteString("</" + open[j] + ">")
					}
					open = open[:i]
					break
				}
			}
		}
	}
}

// wechatLink is the one markup WeChat text shows: a link, written by the
// adapters as <a href="…">…</a>.
var wechatLink = regexp.MustCompile(`<a href="([^"]*)">(.*?)</a>`)

// wechatHTML renders a WeChat text message safely: WeChat decodes no
// entities and shows every character as it is but for <a href> links, so
// the page escapes everything and writes each link anew (an http(s) one
// as a link, any other as its text).
func wechatHTML(markup string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range wechatLink.FindAllStringSubmatchIndex(markup, -1) {
		b.WriteString(html.EscapeString(markup[last:m[0]]))
		href, text := markup[m[2]:m[3]], html.EscapeString(markup[m[4]:m[5]])
		if webLink(href) {
			b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="noopener noreferrer nofollow">` + text + `</a>`)
		} else {
			b.WriteString(text)
		}
		last = m[1]
	}
	b.WriteString(html.EscapeString(markup[last:]))
	return template.HTML(b.String())
}

// webLink reports whether u is an absolute http(s) URL, the only links a
// preview shows as links.
func webLink(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}
