package dispatch

import (
	"tongbao/bot/chat"
	"tongbao/content"
)

// AnnouncementReply is the message an announcement becomes for a
// subscriber who reads lang, built as the workers build it: the platforms'
// previews (telegram.Preview, wechat.PreviewOA, …) show it as each sends
// it. Its read link is a sample one: each subscriber's is their own.
func (d *Dispatcher) AnnouncementReply(a chat.Announcement, lang string) chat.Reply {
	b := announcementBulletin(a, d.now().In(content.Shanghai))
	link := ""
	if d.links != nil {
		link = d.links.URL(b.ID, 0)
	}
	return announcementReply(b, lang, link)
}
