package cards

import (
	"strings"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// Button data of the cards' buttons (callback data ≤ 64 bytes: a prefix
// and an id); the conversation answers them.
const (
	DataFull = "full:" // show the bulletin's full text
	DataRead = "read:" // mark the bulletin read
	DataSub  = "sub:"  // subscribe to a topic
)

// cardPointRunes is how much of a card its points may fill: as many
// points as fit, the card staying well under the smallest platform limit
// (a WeChat text message of 2,048 bytes is the tightest; Telegram allows
// 4,096 characters).
const cardPointRunes = 1200

// Bulletin renders one bulletin as a card: title, date, meeting and
// chair, summary, the main points, the (personal) link and buttons. link
// may be "". followTopic, when not "", offers a button to subscribe to it.
func Bulletin(b *content.Bulletin, lang, link, followTopic string) chat.Reply {
	r := chat.Reply{}
	r = r.Add(chat.Block{Kind: chat.BlockTitle, Text: b.Title})
	meta := b.PublishedText("2006-01-02") + " · " + b.Kind.Label()
	if msg.English(lang) {
		meta = b.PublishedText("2006-01-02") + " · " + string(b.Kind)
	}
	r = r.Add(chat.Block{Kind: chat.BlockField, Label: msg.Say(lang, "card.published"), Text: meta})
	if b.DocNumber != "" {
		r = r.Add(chat.Block{Kind: chat.BlockField, Label: msg.Say(lang, "card.doc"), Text: b.DocNumber})
	}
	if m := b.Meeting; m != nil {
		r = r.Add(chat.Block{Kind: chat.BlockField, Label: msg.Say(lang, "card.meeting"), Text: m.FullName()})
		if m.Chair.Name != "" {
			chair := m.Chair.Name
			if m.Chair.Title != "" {
				chair = m.Chair.Title + m.Chair.Name
			}
			r = r.Add(chat.Block{Kind: chat.BlockField, Label: msg.Say(lang, "card.chair"), Text: chair})
		}
		if m.Held != "" {
			r = r.Add(chat.Block{Kind: chat.BlockField, Label: msg.Say(lang, "card.held"), Text: m.Held})
		}
	} else if b.Source != "" {
		r = r.Add(chat.Block{Kind: chat.BlockField, Label: msg.Say(lang, "card.source"), Text: b.Source})
	}
	summary := b.Summary
	if b.Meeting != nil && len(b.Meeting.Points) > 0 {
		// The points follow as a list; the summary's lead says the rest.
		summary = FirstSentence(summary)
	}
	r = r.Add(chat.Block{Kind: chat.BlockField, Label: msg.Say(lang, "card.summary"), Text: summary})
	if b.Meeting != nil && len(b.Meeting.Approved) > 0 {
		r = r.Add(chat.Block{Kind: chat.BlockField, Label: msg.Say(lang, "card.approved"), Text: strings.Join(b.Meeting.Approved, "")})
	}
	if b.Meeting != nil && len(b.Meeting.Points) > 0 {
		label := msg.Say(lang, "card.points")
		r = r.Add(chat.Block{Kind: chat.BlockText, Text: label + chat.LabelSep(label)}, chat.Block{Kind: chat.BlockList, Items: FitItems(b.Meeting.Points, cardPointRunes)})
	}
	if link != "" {
		r = r.Add(chat.Block{Kind: chat.BlockLink, Text: msg.Say(lang, "card.read"), URL: link})
	}
	row := []chat.Button{{Text: msg.Say(lang, "btn.full"), Data: DataFull + b.ID}, {Text: msg.Say(lang, "btn.read"), Data: DataRead + b.ID}}
	r.Buttons = [][]chat.Button{row}
	if followTopic != "" && len(DataSub+followTopic) <= 64 {
		r.Buttons = append(r.Buttons, []chat.Button{{Text: msg.Say(lang, "btn.sub", followTopic), Data: DataSub + followTopic}})
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
		r = r.Add(chat.Block{Kind: chat.BlockLink, Text: msg.Say(lang, "card.read"), URL: link})
	}
	r.Card = &chat.Card{Title: b.Title, Description: b.Summary, URL: link}
	return r
}

// snippetRunes is the longest summary line under a list item.
const snippetRunes = 90

// FirstSentence returns the first sentence of a summary, for list lines
// and cards,
// cut at a clause when it is longer than snippetRunes.
func FirstSentence(s string) string {
	if i := strings.Index(s, "。"); i > 0 {
		s = s[:i+len("。")]
	}
	rs := []rune(s)
	if len(rs) <= snippetRunes {
		return s
	}
	cut := snippetRunes
	for i := snippetRunes - 1; i > snippetRunes/2; i-- {
		if rs[i] == '，' || rs[i] == '；' {
			cut = i
			break
		}
	}
	return string(rs[:cut]) + "…"
}

// FitItems keeps as many items as fit in budget characters.
func FitItems(items []string, budget int) []string {
	used := 0
	for i, it := range items {
		used += len([]rune(it)) + 4
		if used > budget {
			return append(items[:i:i], "…")
		}
	}
	return items
}
