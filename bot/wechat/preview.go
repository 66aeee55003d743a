package wechat

import "tongbao/bot/chat"

// PreviewOA is a reply as an Official Account follower sees it: the
// customer-service messages OfficialAccount.Send sends for it — a news
// card when the reply has a card with a link, else text with its links as
// <a href>, cut into messages of at most 2,048 bytes. (Outside the 48-hour
// window Send falls back to the configured template message.)
func PreviewOA(r chat.Reply) chat.Preview {
	p := chat.Preview{Platform: chat.WeChat}
	for _, m := range customerMessages("", r) {
		switch {
		case m.News != nil:
			for _, a := range m.News.Articles {
				p.Messages = append(p.Messages, chat.PreviewMessage{Card: &chat.Card{Title: a.Title, Description: a.Description, URL: a.URL, ImageURL: a.Picurl}})
			}
		case m.Text != nil:
			p.Messages = append(p.Messages, textPreview(m.Text.Content))
		}
	}
	return p
}

// PreviewWeCom is a reply as a WeCom member sees it: the app messages
// WeCom.Send sends for it — a text card (title cut to 128 bytes,
// description to 512, and a button) when the reply has a card with a
// link, else text as for PreviewOA.
func PreviewWeCom(r chat.Reply) chat.Preview {
	p := chat.Preview{Platform: chat.WeCom}
	for _, m := range wecomMessages(0, "", r) {
		switch {
		case m.TextCard != nil:
			c := m.TextCard
			p.Messages = append(p.Messages, chat.PreviewMessage{Card: &chat.Card{Title: c.Title, Description: c.Description, URL: c.URL}, CardButton: c.BtnTxt,
				TitleLimit: maxCardTitle, DescriptionLimit: maxCardDescription})
		case m.Text != nil:
			p.Messages = append(p.Messages, textPreview(m.Text.Content))
		}
	}
	return p
}

// textPreview is a text message of a preview, measured in bytes.
func textPreview(text string) chat.PreviewMessage {
	return chat.PreviewMessage{Markup: text, Size: len(text), Limit: maxText}
}
