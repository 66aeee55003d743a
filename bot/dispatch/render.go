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
	if dl.Purpose == content.PurposeDigest {
		return d.digest(ctx, sub, lang)
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
	now := d.cfg.Now()
	bs, _, err := d.store.Timeline(ctx, content.Filter{From: now.Add(-24 * time.Hour), To: now.Add(time.Minute)}, 0, 200)
	if err != nil {
		return chat.Reply{}, false, err
	}
	var items []string
	for _, b := range bs {
		if !sub.Wants(b) {
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

// scheduleLease is held by the replica that runs the scheduler.
const scheduleLease = "scheduler"

// RunScheduler runs the periodic jobs — automatic reminders, daily
// digests, resuming unfinished fan-outs — on whichever replica holds the
// scheduler lease, until ctx is cancelled.
func (d *Dispatcher) RunScheduler(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 30 * time.Second
	}
	for ctx.Err() == nil {
		if ok, err := d.store.Lease(ctx, scheduleLease, d.cfg.Owner, 3*every); err != nil {
			d.log.Warn("dispatch: scheduler lease", "err", err)
		} else if ok {
			if err := d.tick(ctx); err != nil && ctx.Err() == nil {
				d.log.Warn("dispatch: scheduler", "err", err)
			}
		}
		chat.Wait(ctx, every)
	}
}

// tick runs one round of the scheduler.
func (d *Dispatcher) tick(ctx context.Context) error {
	now := d.cfg.Now()
	if err := d.Resume(ctx); err != nil {
		return err
	}
	due, err := d.store.PopDue(ctx, scheduleRemind, now)
	if err != nil {
		return err
	}
	for _, id := range due {
		n, err := d.Remind(ctx, "system", id)
		if err != nil {
			return err
		}
		d.log.Info("automatic reminder", "bulletin_id", id, "reminded", n)
	}
	return d.enqueueDigests(ctx, now)
}

// enqueueDigests queues today's digest for every digest-mode subscriber
// whose time of day has come; the enqueue marks on the day's digest id
// make that once per subscriber per day, whichever replica runs it.
func (d *Dispatcher) enqueueDigests(ctx context.Context, now time.Time) error {
	ids, err := d.store.DigestSubscribers(ctx)
	if err != nil {
		return err
	}
	local := now.In(content.Shanghai)
	day := digestPrefix + local.Format("20060102")
	var due []*content.Subscriber
	for _, id := range ids {
		sub, err := d.store.Subscriber(ctx, id)
		if err != nil {
			continue
		}
		at, err := time.Parse("15:04", sub.DigestAt)
		if err != nil || at.Hour()*60+at.Minute() > local.Hour()*60+local.Minute() {
			continue
		}
		due = append(due, sub)
	}
	if len(due) == 0 {
		return nil
	}
	dense := make([]int64, len(due))
	for i, sub := range due {
		dense[i] = sub.Dense
	}
	fresh, err := d.store.MarkEnqueued(ctx, day, dense)
	if err != nil {
		return err
	}
	byPlatform := map[string][]content.Delivery{}
	for i, sub := range due {
		if fresh[i] {
			byPlatform[sub.Platform] = append(byPlatform[sub.Platform], content.Delivery{BulletinID: day, Subscriber: sub.ID, Dense: sub.Dense, Purpose: content.PurposeDigest, Urgent: true})
		}
	}
	for p, ds := range byPlatform {
		if err := d.store.Enqueue(ctx, p, ds); err != nil {
			return err
		}
	}
	return nil
}
