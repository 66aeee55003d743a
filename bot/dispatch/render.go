package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tongbao/bot"
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
func (d *Dispatcher) render(ctx context.Context, sub *content.Subscriber, dl content.Delivery) (bot.Reply, bool, error) {
	lang := sub.Lang
	if dl.Purpose == content.PurposeDigest {
		return d.digest(ctx, sub, lang)
	}
	b, err := d.cache.Get(ctx, d.store, dl.BulletinID)
	if errors.Is(err, content.ErrNotFound) {
		return bot.Reply{}, true, nil // deleted meanwhile
	}
	if err != nil {
		return bot.Reply{}, false, err
	}
	link := ""
	if d.links != nil {
		link = d.links.URL(b.ID, dl.Dense)
	}
	switch dl.Purpose {
	case content.PurposeAnnouncement:
		return announcementReply(b, lang, link), false, nil
	case content.PurposeReminder:
		r := bot.BulletinCard(b, lang, link, "")
		note := "提醒：这条通报您还没有阅读。"
		if lang == "en" {
			note = "Reminder: you have not read this bulletin yet."
		}
		r.Blocks = append([]bot.Block{{Kind: bot.BlockNote, Text: note}}, r.Blocks...)
		return r, false, nil
	}
	return bot.BulletinCard(b, lang, link, ""), false, nil
}

// announcementReply renders an admin's announcement.
func announcementReply(b *content.Bulletin, lang, link string) bot.Reply {
	label := "通知"
	if lang == "en" {
		label = "Announcement"
	}
	r := bot.Reply{Blocks: []bot.Block{{Kind: bot.BlockTitle, Text: label}}}
	for _, p := range b.Paragraphs {
		r = r.Add(bot.Block{Kind: bot.BlockText, Text: p})
	}
	if link != "" {
		text := "确认已读"
		if lang == "en" {
			text = "Confirm you have read it"
		}
		r = r.Add(bot.Block{Kind: bot.BlockLink, Text: text, URL: link})
	}
	read := "已读"
	if lang == "en" {
		read = "Mark read"
	}
	r.Buttons = [][]bot.Button{{{Text: read, Data: "read:" + b.ID}}}
	r.Card = &bot.Card{Title: label + "：" + b.Title, Description: b.Summary, URL: link}
	return r
}

// digest lists the bulletins of the last day that the subscriber wants.
func (d *Dispatcher) digest(ctx context.Context, sub *content.Subscriber, lang string) (bot.Reply, bool, error) {
	now := d.now()
	bs, _, err := d.store.Timeline(ctx, content.Filter{From: now.Add(-24 * time.Hour), To: now.Add(time.Minute)}, 0, 200)
	if err != nil {
		return bot.Reply{}, false, err
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
		return bot.Reply{}, true, nil
	}
	title := fmt.Sprintf("每日摘要（%s）：%d条新通报", now.In(content.Shanghai).Format("1月2日"), len(items))
	if lang == "en" {
		title = fmt.Sprintf("Daily digest (%s): %d new bulletins", now.In(content.Shanghai).Format("2 Jan"), len(items))
	}
	return bot.Reply{Blocks: []bot.Block{{Kind: bot.BlockTitle, Text: title}, {Kind: bot.BlockList, Items: items}}}, false, nil
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
		_, err := d.store.Hold(ctx, scheduleLease, d.cfg.Owner, 3*every, func(ctx context.Context) {
			for ctx.Err() == nil {
				if err := d.tick(ctx); err != nil && ctx.Err() == nil {
					d.log.Warn("dispatch: scheduler", "err", err)
				}
				sleep(ctx, every)
			}
		})
		if err != nil && ctx.Err() == nil {
			d.log.Warn("dispatch: scheduler lease", "err", err)
		}
		sleep(ctx, every)
	}
}

// tick runs one round of the scheduler.
func (d *Dispatcher) tick(ctx context.Context) error {
	now := d.now()
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
