package bot

import (
	"fmt"
	"time"
	"unicode/utf8"

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

// minSnippetRunes is as short as fitList cuts snippets before it drops
// items instead.
const minSnippetRunes = 24

// fitList renders a list reply (listReply) that fits one message where it
// is shown (fits: chat.Platform.MessageFits): with whole snippets when it
// can, else with the snippets cut to the longest length that fits, else,
// when canDrop, with fewer items, the rest left to 下一页 (the caller
// remembers only the items shown). A list that fits in no way comes whole,
// and the adapter splits it. It returns the reply and how many of items
// it shows.
func fitList(fits func(string) bool, canDrop bool, title string, items []listItem, first int, lang string, more bool) (chat.Reply, int) {
	build := func(n, snippetRunes int) (chat.Reply, bool) {
		r := listReply(title, items[:n], first, lang, more || n < len(items), snippetRunes)
		return r, fits(r.PlainText())
	}
	longest := 0
	for _, it := range items {
		longest = max(longest, utf8.RuneCountInString(it.text()))
	}
	for n := len(items); n > 0 && (canDrop || n == len(items)); n-- {
		if r, ok := build(n, 0); ok {
			return r, n
		}
		if _, ok := build(n, minSnippetRunes); !ok {
			continue
		}
		lo, hi := minSnippetRunes, longest // cut at lo fits, at hi does not
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			if _, ok := build(n, mid); ok {
				lo = mid
			} else {
				hi = mid
			}
		}
		r, _ := build(n, lo)
		return r, n
	}
	r, _ := build(len(items), 0)
	return r, len(items)
}

// text is the line under an item: its search snippet, else its summary's
// first sentence.
func (it listItem) text() string {
	if it.snippet != "" {
		return it.snippet
	}
	return cards.FirstSentence(it.b.Summary)
}

// listReply renders a numbered list of bulletins with their dates and a
// snippet (or summary), cut to snippetRunes characters (0: whole),
// numbered from first.
func listReply(title string, items []listItem, first int, lang string, more bool, snippetRunes int) chat.Reply {
	r := chat.Text(title)
	r.Blocks[0].Kind = chat.BlockTitle
	for i, it := range items {
		line := msg.Say(lang, "list.item", first+i, it.b.Title, shortDate(it.b.PublishedAt, lang))
		r = r.Add(chat.Block{Kind: chat.BlockText, Text: line})
		if snippet := clipRunes(it.text(), snippetRunes); snippet != "" {
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

// clipRunes cuts s to n characters, the last one "…", when it is longer;
// n <= 0 leaves it whole.
func clipRunes(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	return capRunes(s, n-1) + "…"
}
