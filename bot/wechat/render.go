package wechat

import (
	"errors"
	"strings"
	"time"
	"tongbao/bot/chat"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// maxText is the longest text message, in bytes, both platforms accept:
// a passive reply, a customer-service message and a WeCom app message.
const maxText = 2048

// errEmptyReply refuses to send a reply with nothing to show.
var errEmptyReply = errors.New("wechat: empty reply")

// chinaTime is China Standard Time, for dates shown in messages (fixed,
// so the binary needs no time zone database).
var chinaTime = time.FixedZone("CST", 8*3600)

// renderText renders a reply as WeChat text: its plain text with every
// link as <a href="…">text</a>, the one markup both platforms show.
func renderText(r chat.Reply) string {
	blocks := make([]chat.Block, len(r.Blocks))
	for i, b := range r.Blocks {
		if b.Kind == chat.BlockLink && b.URL != "" {
			text := b.Text
			if text == "" {
				text = b.URL
			}
			// The platforms decode no entities: only a quote would break the tag.
			href := strings.ReplaceAll(b.URL, `"`, "%22")
			b = chat.Block{Kind: chat.BlockText, Text: `<a href="` + href + `">` + text + `</a>`}
		}
		blocks[i] = b
	}
	return chat.Reply{Blocks: blocks}.PlainText()
}

// hasCard reports whether r is shown as a link card (news, textcard).
func hasCard(r chat.Reply) bool { return r.Card != nil && r.Card.URL != "" }

// splitText cuts s into messages of at most limit bytes, between
// paragraphs where it can, else after a sentence, never inside a link.
func splitText(s string, limit int) []string {
	if len(s) <= limit {
		return []string{s}
	}
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
	}
	for para := range strings.SplitSeq(s, "\n") {
		for len(para) > limit {
			flush()
			n := cutPoint(para, limit)
			parts = append(parts, para[:n])
			para = para[n:]
		}
		if cur.Len() > 0 && cur.Len()+1+len(para) > limit {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(para)
	}
	flush()
	return parts
}

// cutPoint is where to cut s (longer than limit) so that s[:n] fits:
// after the last sentence end in the second half of s[:limit], else at a
// character boundary, moved before a link that would be cut.
func cutPoint(s string, limit int) int {
	n := limit
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	if i := lastSentenceEnd(s[:n]); i > n/2 {
		n = i
	}
	if open := strings.LastIndex(s[:n], "<a "); open > 0 && !strings.Contains(s[open:n], "</a>") {
		n = open
	}
	return n
}

// lastSentenceEnd is the index just after the last 。！？； in s, or -1.
func lastSentenceEnd(s string) int {
	i := strings.LastIndexAny(s, "。！？；")
	if i < 0 {
		return -1
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return i + size
}

// cutBytes shortens s to at most n bytes at a character boundary, ending
// in "…" when it had to cut.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n -= len("…")
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// cutRunes shortens s to at most n characters, ending in "…" when it had
// to cut; n <= 0 leaves s whole.
func cutRunes(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// title is a reply's headline: the card's title, its first title block,
// else its first line.
func title(r chat.Reply) string {
	if r.Card != nil && r.Card.Title != "" {
		return r.Card.Title
	}
	for _, b := range r.Blocks {
		if b.Kind == chat.BlockTitle {
			return b.Text
		}
	}
	first, _, _ := strings.Cut(r.PlainText(), "\n")
	return first
}

// link is a reply's link: the card's, else its first link block's.
func link(r chat.Reply) string {
	if r.Card != nil && r.Card.URL != "" {
		return r.Card.URL
	}
	for _, b := range r.Blocks {
		if b.Kind == chat.BlockLink && b.URL != "" {
			return b.URL
		}
	}
	return ""
}

// templateValue resolves one TemplateConfig source for r at now.
func templateValue(src string, r chat.Reply, now time.Time) string {
	switch {
	case src == "title":
		return title(r)
	case src == "summary" && r.Card != nil && r.Card.Description != "":
		return r.Card.Description
	case src == "summary", src == "text":
		return r.PlainText()
	case src == "url":
		return link(r)
	case src == "now":
		return now.In(chinaTime).Format("2006-01-02 15:04")
	case strings.HasPrefix(src, "field:"):
		label := strings.TrimPrefix(src, "field:")
		for _, b := range r.Blocks {
			if b.Kind == chat.BlockField && b.Label == label {
				return b.Text
			}
		}
		return ""
	}
	return strings.TrimPrefix(src, "=")
}

// templateData fills a template's fields from r.
func templateData(t TemplateConfig, r chat.Reply, now time.Time) map[string]*message.TemplateDataItem {
	fields := t.fields()
	data := make(map[string]*message.TemplateDataItem, len(fields))
	for key, src := range fields {
		data[key] = &message.TemplateDataItem{Value: cutRunes(templateValue(src, r, now), t.MaxRunes)}
	}
	return data
}
