package dispatch

import (
	"context"
	"errors"
	"time"

	"tongbao/bot/cards"
	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// digestPrefix starts the pseudo-bulletin id of a day's digest
// ("digest-20261128"), which gives digests the same once-only claim as
// bulletins.
const digestPrefix = "digest-"

// digestMax is the most bulletins one digest lists.
const digestMax = 10

// render builds the message for a delivery in the subscriber's language;
// skip is true when there is nothing to send (an empty digest).
func (d *Dispatcher) render(ctx context.Context, sub *content.Subscriber, dl content.Delivery) (chat.Reply, bool, error) {
	lang := sub.Lang
	switch dl.Purpose {
	case content.PurposeDigest:
		return d.digest(ctx, sub, lang)
	case content.PurposeNotice:
		return noticeReply(dl.Notice, lang)
	}
	b, err := d.store.Bulletin(ctx, dl.BulletinID)
	if errors.Is(err, content.ErrNotFound) {
		return chat.Reply{}, true, nil // deleted meanwhile
	}
	if err != nil {
		return chat.Reply{}, false, err
	}
	link := ""
	if d.links != nil {
		link = d.links.URL(b.ID, dl.Dense)
	}
	switch dl.Purpose {
	case content.PurposeAnnouncement:
		return announcementReply(b, lang, link), false, nil
	case content.PurposeReminder:
		r := cards.Bulletin(b, lang, link, "")
		r.Blocks = append([]chat.Block{{Kind: chat.BlockNote, Text: msg.Say(lang, "remind.note")}}, r.Blocks...)
		return r, false, nil
	}
	return cards.Bulletin(b, lang, link, ""), false, nil
}

// announcementReply renders an admin's announcement.
func announcementReply(b *content.Bulletin, lang, link string) chat.Reply {
	label := msg.Say(lang, "ann.title")
	r := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: label}}}
	for _, p := range b.Paragraphs {
		r = r.Add(chat.Block{Kind: chat.BlockText, Text: p})
	}
	if link != "" {
		r = r.Add(chat.Block{Kind: chat.BlockLink, Text: msg.Say(lang, "ann.confirm"), URL: link})
	}
	r.Buttons = [][]chat.Button{{{Text: msg.Say(lang, "btn.read"), Data: cards.DataRead + b.ID}}}
	r.Card = &chat.Card{Title: label + "：" + b.Title, Description: b.Summary, URL: link}
	return r
}

// digest lists the bulletins of the last day that the subscriber wants.
func (d *Dispatcher) digest(ctx context.Context, sub *content.Subscriber, lang string) (chat.Reply, bool, error) {
	now := d.now()
	bs, _, err := d.store.Timeline(ctx, content.Filter{From: now.Add(-24 * time.Hour), To: now.Add(time.Minute)}, 0, 200)
	if err != nil {
		return chat.Reply{}, false, err
	}
	var items []string
	for _, b := range bs {
		if !sub.Receives(b) {
			continue
		}
		line := b.Title
		if d.links != nil {
			line += " " + d.links.URL(b.ID, sub.Dense)
		}
		items = append(items, line)
		if len(items) == digestMax {
			break
		}
	}
	if len(items) == 0 {
		return chat.Reply{}, true, nil
	}
	title := msg.Say(lang, "digest.title", msg.Date(lang, "digest.day", now.In(content.Shanghai)), len(items))
	return chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: title}, {Kind: chat.BlockList, Items: items}}}, false, nil
}
