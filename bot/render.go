package bot

import (
	"fmt"
	"time"

	"tongbao/bot/cards"
	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// Button data prefixes (callback data ≤ 64 bytes: a prefix and an id).
const (
	btnOnly      = "only:"
	btnMore      = "more"
	btnBroadcast = "bc:"
)

// shortDate is "2022年6月8日" or "8 Jun 2022" for list lines.
func shortDate(t time.Time, lang string) string {
	return msg.Date(lang, "date.short", t.In(content.Shanghai))
}

func kindName(k content.Kind, lang string) string {
	switch k {
	case content.KindMeeting:
		return msg.Say(lang, "kind.meeting")
	case content.KindNotice:
		return msg.Say(lang, "kind.notice")
	case content.KindNews:
		return msg.Say(lang, "kind.news")
	}
	return msg.Say(lang, "kind.any")
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
		line := msg.Say(lang, "list.item", first+i, it.b.Title, shortDate(it.b.PublishedAt, lang))
		r = r.Add(chat.Block{Kind: chat.BlockText, Text: line})
		snippet := it.snippet
		if snippet == "" {
			snippet = cards.FirstSentence(it.b.Summary)
		}
		if snippet != "" {
			r = r.Add(chat.Block{Kind: chat.BlockNote, Text: snippet})
		}
	}
	hint := "list.hint.last"
	if more {
		hint = "list.hint"
		r.Buttons = [][]chat.Button{{{Text: msg.Say(lang, "btn.more"), Data: btnMore}}}
	}
	var row []chat.Button
	for i, it := range items {
		if len(row) == 5 {
			break
		}
		row = append(row, chat.Button{Text: fmt.Sprint(first + i), Data: cards.DataFull + it.b.ID})
	}
	r.Buttons = append([][]chat.Button{row}, r.Buttons...)
	return r.Add(chat.Block{Kind: chat.BlockNote, Text: msg.Say(lang, hint)})
}
