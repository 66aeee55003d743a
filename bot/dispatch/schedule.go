package dispatch

import (
	"context"
	"errors"
	"time"
	"tongbao/bot/chat"
	"tongbao/content"
)

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
				chat.Wait(ctx, every)
			}
		})
		if err != nil && ctx.Err() == nil {
			d.log.Warn("dispatch: scheduler lease", "err", err)
		}
		chat.Wait(ctx, every)
	}
}

// tick runs one round of the scheduler.
func (d *Dispatcher) tick(ctx context.Context) error {
	now := d.now()
	if err := d.Resume(ctx); err != nil {
		return err
	}
	if err := d.publishDue(ctx, now); err != nil {
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

// PublishAt schedules the fan-out of a stored bulletin for a time: the
// scheduler publishes it once that time has come (within its period).
func (d *Dispatcher) PublishAt(ctx context.Context, bulletinID string, at time.Time) error {
	return d.store.Schedule(ctx, schedulePublish, bulletinID, at)
}

// publishDue publishes the scheduled bulletins whose time has come.
func (d *Dispatcher) publishDue(ctx context.Context, now time.Time) error {
	due, err := d.store.PopDue(ctx, schedulePublish, now)
	if err != nil {
		return err
	}
	for _, id := range due {
		b, err := d.store.Bulletin(ctx, id)
		if errors.Is(err, content.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		n, err := d.Publish(ctx, b)
		if err != nil {
			// Back on the schedule: the next tick tries again.
			return errors.Join(err, d.store.Schedule(ctx, schedulePublish, id, now))
		}
		d.log.Info("scheduled publication", "bulletin_id", id, "enqueued", n)
	}
	return nil
}
