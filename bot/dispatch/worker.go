package dispatch

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/metrics"
	"tongbao/content"
)

// Worker timing.
const (
	receiveBlock = time.Second
	// A replica renews its heartbeat every heartbeatEvery; one whose
	// heartbeat is deadAfter old is dead and its deliveries are taken over,
	// looked for every reclaimDeadEvery.
	heartbeatEvery   = time.Second
	deadAfter        = 5 * time.Second
	reclaimDeadEvery = time.Second
	reclaimEvery     = 5 * time.Second
	promoteEvery     = time.Second
	retryCap         = 10 * time.Minute
	quotaBackoff     = time.Hour
	maxInlineWait    = 2 * time.Second
	shutdownFinish   = 10 * time.Second
)

// Run sends queued deliveries on every platform that has a sender, until
// ctx is cancelled; then it finishes the sends in progress, hands the
// deliveries it received but had not started back to the queue, and stops
// the progress reports of broadcasts. Run once per dispatcher.
func (d *Dispatcher) Run(ctx context.Context) error {
	defer d.stopBackground()
	for p := range d.senders {
		if err := d.store.EnsureQueue(ctx, string(p)); err != nil {
			return err
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.heartbeat(ctx)
	}()
	for p := range d.senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.runPlatform(ctx, p)
		}()
	}
	wg.Wait()
	return nil
}

// runPlatform is one platform's receive loop feeding its send workers.
func (d *Dispatcher) runPlatform(ctx context.Context, p chat.Platform) {
	platform := string(p)
	consumer := d.cfg.Owner
	// The next batch is claimed while the workers send the last one. A
	// claimed delivery usually waits one send; one that waited past half
	// its lease is renewed before it is sent (see attempt).
	batchSize := d.cfg.Workers
	work := make(chan claimed, batchSize)
	var wg sync.WaitGroup
	// Sends use their own context: a shutdown lets started sends finish.
	sendCtx, stopSends := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSends()
	for i := 0; i < d.cfg.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				if ctx.Err() != nil {
					d.store.Release(sendCtx, c.claimID, c.dl.Dense, c.token)
					d.handBack(sendCtx, platform, c.dl)
					continue
				}
				outcome, err := d.attempt(sendCtx, p, c)
				if err != nil {
					d.log.Warn("dispatch: delivery", "platform", platform, "bulletin_id", c.dl.BulletinID, "subscriber", c.dl.Subscriber, "outcome", outcome, "err", err)
				}
				d.count(platform, outcome)
			}
		}()
	}
	lastReclaim, lastDead, lastPromote := time.Time{}, time.Time{}, time.Time{}
	for ctx.Err() == nil {
		now := time.Now()
		if now.Sub(lastPromote) >= promoteEvery {
			lastPromote = now
			if _, err := d.store.PromoteDue(ctx, platform, d.now()); err != nil && ctx.Err() == nil {
				d.log.Warn("dispatch: promote retries", "platform", platform, "err", err)
			}
		}
		var batch []content.Delivery
		var err error
		if now.Sub(lastDead) >= reclaimDeadEvery {
			lastDead = now
			batch, err = d.reclaimDead(ctx, platform, consumer, batchSize)
		}
		if err == nil && len(batch) == 0 && now.Sub(lastReclaim) >= reclaimEvery {
			lastReclaim = now
			batch, err = d.store.Reclaim(ctx, platform, consumer, d.cfg.ReclaimIdle, batchSize)
		}
		if err == nil && len(batch) == 0 {
			batch, err = d.store.Receive(ctx, platform, consumer, batchSize, receiveBlock)
		}
		if err != nil {
			if ctx.Err() == nil {
				d.log.Warn("dispatch: read queue", "platform", platform, "err", err)
				chat.Wait(ctx, time.Second)
			}
			continue
		}
		for _, c := range d.claim(ctx, platform, batch) {
			select {
			case work <- c:
			case <-ctx.Done():
				d.store.Release(sendCtx, c.claimID, c.dl.Dense, c.token)
				d.handBack(sendCtx, platform, c.dl)
			}
		}
	}
	close(work)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownFinish):
		d.log.Warn("dispatch: sends still running at shutdown; the queue will retry them", "platform", platform)
	}
}

// heartbeat tells the other replicas that this one is alive until ctx
// ends (then it lapses within deadAfter).
func (d *Dispatcher) heartbeat(ctx context.Context) {
	for ctx.Err() == nil {
		if err := d.store.Heartbeat(ctx, d.cfg.Owner, deadAfter); err != nil && ctx.Err() == nil {
			d.log.Warn("dispatch: heartbeat", "err", err)
		}
		chat.Wait(ctx, heartbeatEvery)
	}
}

// reclaimDead takes over the deliveries of replicas that died, and their
// send leases, as soon as their heartbeat lapsed.
func (d *Dispatcher) reclaimDead(ctx context.Context, platform, consumer string, count int) ([]content.Delivery, error) {
	batch, owners, err := d.store.ReclaimDead(ctx, platform, consumer, deadAfter, count)
	if len(batch) == 0 {
		return nil, err
	}
	claimIDs := make([]string, len(batch))
	for i, dl := range batch {
		claimIDs[i] = claimIDOf(dl)
	}
	if derr := d.store.DropLeasesOf(ctx, batch, claimIDs, owners); derr != nil {
		return batch, derr // the leases lapse by themselves
	}
	d.log.Info("dispatch: took over the deliveries of a replica that stopped", "platform", platform, "count", len(batch), "from", owners[0])
	return batch, err
}

// handBack returns a received delivery to the queue untouched (due now,
// attempt not counted), for another worker or replica.
func (d *Dispatcher) handBack(ctx context.Context, platform string, dl content.Delivery) {
	if err := d.store.Retry(ctx, platform, dl, time.Time{}, "returned at shutdown", false); err != nil {
		d.log.Warn("dispatch: return delivery at shutdown (it will be reclaimed)", "platform", platform, "err", err)
	}
}

// claimed is a delivery whose send lease this worker holds, with the
// lease's token and when it was taken.
type claimed struct {
	dl      content.Delivery
	claimID string
	token   string
	at      time.Time
	sub     *content.Subscriber
}

// claim takes the send leases of a batch in one round trip: the claim makes
// sure no two workers (or replicas) send the same (bulletin, subscriber),
// and a completed one is never sent again. Already delivered ones are
// acknowledged; ones another sender holds stay pending.
func (d *Dispatcher) claim(ctx context.Context, platform string, batch []content.Delivery) []claimed {
	if len(batch) == 0 {
		return nil
	}
	ids := make([]string, len(batch))
	tokens := make([]string, len(batch))
	for i, dl := range batch {
		ids[i] = claimIDOf(dl)
		tokens[i] = fmt.Sprintf("%s/%d", d.cfg.Owner, d.claims.Add(1))
	}
	at := time.Now()
	claims, subs, err := d.store.BeginDeliveries(ctx, batch, ids, tokens, d.cfg.ClaimLease)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("dispatch: claim", "platform", platform, "err", err)
		}
		return nil // they stay pending and are reclaimed later
	}
	var out []claimed
	for i, dl := range batch {
		switch claims[i] {
		case content.ClaimDelivered:
			d.ack(ctx, platform, dl, metrics.OutcomeSkipped)
		case content.ClaimOK:
			out = append(out, claimed{dl: dl, claimID: ids[i], token: tokens[i], at: at, sub: subs[i]})
		}
	}
	return out
}

// claimIDOf is what a delivery's once-only claim is on: the bulletin, or
// for a reminder, the bulletin's reminder.
func claimIDOf(dl content.Delivery) string {
	if dl.Purpose == content.PurposeReminder {
		return "remind:" + dl.BulletinID
	}
	return dl.BulletinID
}

// attempt renders and sends a claimed delivery to its subscriber (nil
// when unknown) and settles it; it returns the outcome for metrics.
func (d *Dispatcher) attempt(ctx context.Context, p chat.Platform, c claimed) (metrics.Outcome, error) {
	platform := string(p)
	dl, claimID, sub := c.dl, c.claimID, c.sub
	release := func() { _ = d.store.Release(ctx, claimID, dl.Dense, c.token) }
	if sub == nil || sub.Status != content.StatusActive {
		release()
		return metrics.OutcomeSkipped, d.store.Ack(ctx, platform, dl)
	}
	now := d.now()
	if !dl.Urgent {
		if until, quiet := quietUntil(sub.Quiet, now); quiet {
			release()
			return metrics.OutcomeHeld, d.store.Retry(ctx, platform, dl, until, "quiet hours", false)
		}
	}
	reply, skip, err := d.render(ctx, sub, dl)
	if err != nil || skip {
		release()
		if err != nil {
			return d.fail(ctx, platform, dl, "render: "+err.Error())
		}
		return metrics.OutcomeSkipped, d.store.FinishDelivery(ctx, platform, dl, claimID, c.token)
	}
	if wait, err := d.reserve(ctx, p, sub); err != nil {
		release()
		return metrics.OutcomeError, err
	} else if wait > 0 {
		release()
		return metrics.OutcomeHeld, d.store.Retry(ctx, platform, dl, now.Add(wait), "rate limit", false)
	}
	// A lease past half its time (a long rate-limit wait) is renewed; one
	// that ran out may already be another sender's: leave the entry to it.
	if time.Since(c.at) > d.cfg.ClaimLease/2 {
		if ok, err := d.store.Renew(ctx, claimID, dl.Dense, c.token, d.cfg.ClaimLease); err != nil || !ok {
			return metrics.OutcomeStale, err
		}
	}
	sendCtx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
	start := time.Now()
	_, err = d.senders[p].Send(sendCtx, sub.NativeID, reply)
	cancel()
	if d.metrics != nil {
		d.metrics.SendSeconds.WithLabelValues(platform).Observe(time.Since(start).Seconds())
	}
	if err == nil {
		return metrics.OutcomeSent, d.store.FinishSent(ctx, platform, dl, claimID, c.token)
	}
	release()
	failure, retryAfter := chat.ClassifySend(err)
	switch failure {
	case chat.FailRateLimited:
		if retryAfter <= 0 {
			retryAfter = time.Second
		}
		return metrics.OutcomeRateLimited, d.store.Retry(ctx, platform, dl, now.Add(retryAfter), err.Error(), false)
	case chat.FailBlocked, chat.FailLeft:
		status := content.StatusBlocked
		if failure == chat.FailLeft {
			status = content.StatusLeft
		}
		if serr := d.store.SetStatus(ctx, sub.ID, status); serr != nil {
			return metrics.OutcomeError, serr
		}
		outcome := metrics.OutcomeBlocked
		if failure == chat.FailLeft {
			outcome = metrics.OutcomeLeft
		}
		return outcome, d.store.Ack(ctx, platform, dl)
	case chat.FailPermanent:
		return metrics.OutcomeDead, d.store.DeadLetter(ctx, platform, dl, err.Error())
	case chat.FailQuota:
		if retryAfter <= 0 {
			retryAfter = quotaBackoff
		}
		return metrics.OutcomeQuota, d.store.Retry(ctx, platform, dl, now.Add(retryAfter), err.Error(), false)
	}
	return d.fail(ctx, platform, dl, err.Error())
}

// fail schedules a retry with exponential backoff and jitter, or
// dead-letters the delivery after MaxAttempts.
func (d *Dispatcher) fail(ctx context.Context, platform string, dl content.Delivery, reason string) (metrics.Outcome, error) {
	if dl.Attempt+1 >= d.cfg.MaxAttempts {
		return metrics.OutcomeDead, d.store.DeadLetter(ctx, platform, dl, fmt.Sprintf("gave up after %d attempts: %s", dl.Attempt+1, reason))
	}
	return metrics.OutcomeRetry, d.store.Retry(ctx, platform, dl, d.now().Add(backoff(d.cfg.RetryBase, dl.Attempt)), reason, true)
}

// backoff is base × 2^attempt, capped at 10 minutes, with ±50% jitter so
// failed sends do not retry in lockstep.
func backoff(base time.Duration, attempt int) time.Duration {
	b := base << min(attempt, 20)
	if b > retryCap || b <= 0 {
		b = retryCap
	}
	return b/2 + time.Duration(rand.Int64N(int64(b)))
}

func (d *Dispatcher) ack(ctx context.Context, platform string, dl content.Delivery, outcome metrics.Outcome) {
	if err := d.store.Ack(ctx, platform, dl); err != nil {
		d.log.Warn("dispatch: ack", "platform", platform, "err", err)
	}
	d.count(platform, outcome)
}

func (d *Dispatcher) count(platform string, outcome metrics.Outcome) {
	if d.metrics != nil {
		d.metrics.Deliveries.WithLabelValues(platform, string(outcome)).Inc()
	}
}

// reserve takes a send slot under the platform's limits, waiting inline
// for short waits; a longer wait is returned so the delivery is retried
// later and the worker serves other chats meanwhile.
func (d *Dispatcher) reserve(ctx context.Context, p chat.Platform, sub *content.Subscriber) (time.Duration, error) {
	if d.limiter == nil {
		return 0, nil
	}
	rates := d.rates(p, sub.NativeID)
	if len(rates) == 0 {
		return 0, nil
	}
	for {
		wait, err := d.limiter.RateLimit(ctx, string(p), rates, d.now())
		if err != nil || wait == 0 {
			return 0, err
		}
		if wait > maxInlineWait {
			return wait, nil
		}
		chat.Wait(ctx, wait)
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
}

// rates are the limits one message to a chat counts against: the
// platform's overall rate, the chat's, and for a group the group's.
func (d *Dispatcher) rates(p chat.Platform, chatID string) []content.Rate {
	l := d.cfg.Limits[p]
	var rates []content.Rate
	if l.PerSecond > 0 {
		rates = append(rates, content.Rate{Key: "all", Interval: time.Duration(float64(time.Second) / l.PerSecond)})
	}
	if l.PerChatSecond > 0 {
		rates = append(rates, content.Rate{Key: "chat:" + chatID, Interval: time.Duration(float64(time.Second) / l.PerChatSecond)})
	}
	// Telegram group and channel chat ids are negative.
	if l.PerGroupMinute > 0 && strings.HasPrefix(chatID, "-") {
		rates = append(rates, content.Rate{Key: "group:" + chatID, Interval: time.Duration(float64(time.Minute) / l.PerGroupMinute)})
	}
	return rates
}

// quietUntil reports whether now falls in quiet hours ("22:00-07:00" in
// Asia/Shanghai) and when they end.
func quietUntil(quiet string, now time.Time) (time.Time, bool) {
	from, to, ok := strings.Cut(quiet, "-")
	if !ok {
		return time.Time{}, false
	}
	local := now.In(content.Shanghai)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, content.Shanghai)
	start, err1 := time.Parse("15:04", from)
	end, err2 := time.Parse("15:04", to)
	if err1 != nil || err2 != nil {
		return time.Time{}, false
	}
	s := day.Add(time.Duration(start.Hour())*time.Hour + time.Duration(start.Minute())*time.Minute)
	e := day.Add(time.Duration(end.Hour())*time.Hour + time.Duration(end.Minute())*time.Minute)
	switch {
	case s.Before(e): // 12:00-14:00
		if !local.Before(s) && local.Before(e) {
			return e, true
		}
	default: // 22:00-07:00 spans midnight
		if !local.Before(s) {
			return e.AddDate(0, 0, 1), true
		}
		if local.Before(e) {
			return e, true
		}
	}
	return time.Time{}, false
}
