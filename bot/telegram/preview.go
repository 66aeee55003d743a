package telegram

import (
	"encoding/json"

	"tongbao/bot/chat"
)

// messages renders a reply as the messages Send sends for it: HTML parse
// mode, at most maxParts messages of maxText characters.
func messages(r chat.Reply) rendered { return render(r, maxText, maxParts) }

// Preview is a reply as Telegram shows it: the HTML messages Send sends
// for it (a long reply cut into several, past five ending with a note that
// the rest is left out), each with its length, and the buttons under the
// last.
func Preview(r chat.Reply) chat.Preview {
	out := messages(r)
	p := chat.Preview{Platform: chat.Telegram, Messages: make([]chat.PreviewMessage, len(out.parts))}
	for i, part := range out.parts {
		p.Messages[i] = chat.PreviewMessage{Markup: part, Size: out.sizes[i], Limit: maxText}
	}
	if len(p.Messages) > 0 && out.keyboard != "" {
		var kb keyboard
		if err := json.Unmarshal([]byte(out.keyboard), &kb); err != nil {
			panic("telegram: decode the keyboard just encoded: " + err.Error())
		}
		last := &p.Messages[len(p.Messages)-1]
		for _, row := range kb.InlineKeyboard {
			texts := make([]string, len(row))
			for i, b := range row {
				texts[i] = b.Text
			}
			last.Buttons = append(last.Buttons, texts)
		}
	}
	return p
}
