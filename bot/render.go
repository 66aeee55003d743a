package bot

import (
	"fmt"
	"strings"
	"time"

	"tongbao/bot/chat"
	"tongbao/content"
)

// cardPointRunes is how much of a card its points may fill: as many
// points as fit, the card staying well under the smallest platform limit
// (a WeChat text message of 2,048 bytes is the tightest; Telegram allows
// 4,096 characters).
const cardPointRunes = 1200

// Button data prefixes (callback data ≤ 64 bytes: a prefix and an id).
const (
	btnFull      = "full:"
	btnRead      = "read:"
	btnSub       = "sub:"
	btnOnly      = "only:"
	btnMore      = "more"
	btnBroadcast = "bc:"
)

// shortDate is "6月8日" or "8 Jun" for list lines.
func shortDate(t time.Time, lang string) string {
	t = t.In(content.Shanghai)
	if lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

func kindName(k content.Kind, lang string) string {
	switch k {
	case content.KindMeeting:
		return say(lang, "kind.meeting")
	case content.KindNotice:
		return say(lang, "kind.notice")
	case content.KindNews:
		return say(lang, "kind.news")
	}
	return say(lang, "kind.any")
}

// BulletinCard renders one bulletin as a card: title, date, meeting and
// chair, summary, the main points, the (personal) link and buttons. link
// may be "". followTopic, when not "", offers a button to subscribe to it.
func BulletinCard(b *content.Bulletin, lang, link, followTopic string) chat.Reply {
	r := chat.Reply{}
	r = r.Add(chat.Block{Kind: chat.BlockTitle, Text: b.Title})
	meta := b.PublishedText("2006-01-02") + " · " + b.Kind.Label()
	if lang == "en" {
		meta = b.PublishedText("2006-01-02") + " · " + string(b.Kind)
	}
	r = r.Add(chat.Block{Kind: chat.BlockField, Label: say(lang, "card.published"), Text: meta})
	if b.DocNumber != "" {
		r = r.Add(chat.Block{Kind: chat.BlockField, Label: say(lang, "card.doc"), Text: b.DocNumber})
	}
	if m := b.Meeting; m != nil {
		r = r.Add(chat.Block{Kind: chat.BlockField, Label: say(lang, "card.meeting"), Text: m.FullName()})
		if m.Chair.Name != "" {
			chair := m.Chair.Name
			if m.Chair.Title != "" {
				chair = m.Chair.Title + m.Chair.Name
			}
			r = r.Add(chat.Block{Kind: chat.BlockField, Label: say(lang, "card.chair"), Text: chair})
		}
		if m.Held != "" {
			r = r.Add(chat.Block{Kind: chat.BlockField, Label: say(lang, "card.held"), Text: m.Held})
		}
	} else if b.Source != "" {
		r = r.Add(chat.Block{Kind: chat.BlockField, Label: say(lang, "card.source"), Text: b.Source})
	}
	summary := b.Summary
	if b.Meeting != nil && len(b.Meeting.Points) > 0 {
		// The points follow as a list; the summary's lead says the rest.
		summary = firstSentence(summary)
	}
	r = r.Add(chat.Block{Kind: chat.BlockField, Label: say(lang, "card.summary"), Text: summary})
	if b.Meeting != nil && len(b.Meeting.Approved) > 0 {
		r = r.Add(chat.Block{Kind: chat.BlockField, Label: say(lang, "card.approved"), Text: strings.Join(b.Meeting.Approved, "")})
	}
	if b.Meeting != nil && len(b.Meeting.Points) > 0 {
		label := say(lang, "card.points")
		r = r.Add(chat.Block{Kind: chat.BlockText, Text: label + chat.LabelSep(label)}, chat.Block{Kind: chat.BlockList, Items: fitItems(b.Meeting.Points, cardPointRunes)})
	}
	if link != "" {
		r = r.Add(chat.Block{Kind: chat.BlockLink, Text: say(lang, "card.read"), URL: link})
	}
	row := []chat.Button{{Text: say(lang, "btn.full"), Data: btnFull + b.ID}, {Text: say(lang, "btn.read"), Data: btnRead + b.ID}}
	r.Buttons = [][]chat.Button{row}
	if followTopic != "" && len(btnSub+followTopic) <= 64 {
		r.Buttons = append(r.Buttons, []chat.Button{{Text: say(lang, "btn.sub", followTopic), Data: btnSub + followTopic}})
	}
	r.Card = &chat.Card{Title: b.Title, Description: b.Summary, URL: link}
	if len(b.Images) > 0 && strings.HasPrefix(b.Images[0], "http") {
		r.Card.ImageURL = b.Images[0]
	}
	return r
}

// FullText renders a bulletin's whole cleaned text. Adapters split it to
// fit their platform's message size.
func FullText(b *content.Bulletin, lang, link string) chat.Reply {
	r := chat.Reply{}
	r = r.Add(chat.Block{Kind: chat.BlockTitle, Text: b.Title})
	meta := b.PublishedText("2006-01-02")
	for _, s := range []string{b.Source, b.DocNumber} {
		if s != "" {
			meta += " · " + s
		}
	}
	r = r.Add(chat.Block{Kind: chat.BlockNote, Text: meta})
	for _, p := range b.Paragraphs {
		r = r.Add(chat.Block{Kind: chat.BlockText, Text: p})
	}
	if link != "" {
		r = r.Add(chat.Block{Kind: chat.BlockLink, Text: say(lang, "card.read"), URL: link})
	}
	r.Card = &chat.Card{Title: b.Title, Description: b.Summary, URL: link}
	return r
}

// listItem is one line of a list reply.
type listItem struct {
	b       *content.Bulletin
	snippet string
}

// listReply renders a numbered list of bulletins with their dates and a
// snippet (or summary), numbered from first.
func listReply(title string, items []listItem, first int, lang string, more bool) chat.Reply {
	r := chat.Text(title)
	r.Blocks[0].Kind = chat.BlockTitle
	for i, it := range items {
		line := fmt.Sprintf("%d. %s（%s）", first+i, it.b.Title, shortDate(it.b.PublishedAt, lang))
		if lang == "en" {
			line = fmt.Sprintf("%d. %s (%s)", first+i, it.b.Title, shortDate(it.b.PublishedAt, lang))
		}
		r = r.Add(chat.Block{Kind: chat.BlockText, Text: line})
		snippet := it.snippet
		if snippet == "" {
			snippet = firstSentence(it.b.Summary)
		}
		if snippet != "" {
			r = r.Add(chat.Block{Kind: chat.BlockNote, Text: snippet})
		}
	}
	hint := "list.hint.last"
	if more {
		hint = "list.hint"
		r.Buttons = [][]chat.Button{{{Text: say(lang, "btn.more"), Data: btnMore}}}
	}
	var row []chat.Button
	for i, it := range items {
		if len(row) == 5 {
			break
		}
		row = append(row, chat.Button{Text: fmt.Sprint(first + i), Data: btnFull + it.b.ID})
	}
	r.Buttons = append([][]chat.Button{row}, r.Buttons...)
	return r.Add(chat.Block{Kind: chat.BlockNote, Text: say(lang, hint)})
}

// listSnippetRunes is the longest summary line under a list item.
const listSnippetRunes = 90

// firstSentence returns the first sentence of a summary, for list lines,
// cut at a clause when it is longer than listSnippetRunes.
func firstSentence(s string) string {
	if i := strings.Index(s, "。"); i > 0 {
		s = s[:i+len("。")]
	}
	rs := []rune(s)
	if len(rs) <= listSnippetRunes {
		return s
	}
	cut := listSnippetRunes
	for i := listSnippetRunes - 1; i > listSnippetRunes/2; i-- {
		if rs[i] == '，' || rs[i] == '；' {
			cut = i
			break
		}
	}
	return string(rs[:cut]) + "…"
}
