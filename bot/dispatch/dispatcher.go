package dispatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/metrics"
	"tongbao/bot/msg"
	"tongbao/bot/readlink"
	"tongbao/content"
)

// Store is what the dispatcher needs of the store: every role below (one
// store value plays them all).
type Store interface {
	Bulletins
	Recipients
	Queue
	Jobs
	Records
}

// Bulletins are the bulletins the dispatcher sends, digests and announces.
type Bulletins interface {
	Bulletin(ctx context.Context, id string) (*content.Bulletin, error)
	Timeline(ctx context.Context, f content.Filter, offset, limit int) ([]*content.Bulletin, int64, error)
	SaveAnnouncement(ctx context.Context, b *content.Bulletin) error
}

// Recipients are the subscribers a bulletin goes to.
type Recipients interface {
	Subscriber(ctx context.Context, id string) (*content.Subscriber, error)
	SetStatus(ctx context.Context, id string, status content.Status) error
	Audience(ctx context.Context, b *content.Bulletin, includeDigest bool, fn func([]content.Recipient) error) error
	AudienceOf(ctx context.Context, bulletinID string, seg content.Segment, scope []string, fn func([]content.Recipient) error) error
	DigestSubscribers(ctx context.Context) ([]string, error)
	SubscriberIDs(ctx context.Context, dense []int64) ([]string, error)
}

// Queue is the delivery queue protocol: fan-out marks, each platform's
// queue with its retries and dead letters, consumers' heartbeats and the
// per-delivery send leases.
type Queue interface {
	MarkEnqueued(ctx context.Context, bulletinID string, dense []int64) ([]bool, error)
	FanoutDone(ctx context.Context, bulletinID string) error
	FannedOut(ctx context.Context, bulletinID string) (bool, error)
	EnsureQueue(ctx context.Context, platform string) error
	Enqueue(ctx context.Context, platform string, ds []content.Delivery) error
	Receive(ctx context.Context, platform, consumer string, count int, block time.Duration) ([]content.Delivery, error)
	Reclaim(ctx context.Context, platform, consumer string, minIdle time.Duration, count int) ([]content.Delivery, error)
	Heartbeat(ctx context.Context, consumer string, ttl time.Duration) error
	ReclaimDead(ctx context.Context, platform, consumer string, idle time.Duration, count int) ([]content.Delivery, []string, error)
	DropLeasesOf(ctx context.Context, ds []content.Delivery, claimIDs, owners []string) error
	Ack(ctx context.Context, platform string, ds ...content.Delivery) error
	Retry(ctx context.Context, platform string, d content.Delivery, due time.Time, reason string, failed bool) error
	PromoteDue(ctx context.Context, platform string, now time.Time) (int, error)
	DeadLetter(ctx context.Context, platform string, d content.Delivery, reason string) error
	BeginDeliveries(ctx context.Context, ds []content.Delivery, claimIDs, tokens []string, lease time.Duration) ([]content.Claim, []*content.Subscriber, error)
	FinishDelivery(ctx context.Context, platform string, d content.Delivery, claimID, token string) error
	FinishSent(ctx context.Context, platform string, d content.Delivery, claimID, token string) error
	Release(ctx context.Context, claimID string, dense int64, token string) error
	Renew(ctx context.Context, claimID string, dense int64, token string, lease time.Duration) (bool, error)
}

// Jobs are unfinished fan-outs, the scheduler's schedules and the leases
// that let one replica at a time run them.
type Jobs interface {
	AddJob(ctx context.Context, kind, id string) error
	RemoveJob(ctx context.Context, kind, id string) error
	Jobs(ctx context.Context, kind string) ([]string, error)
	Schedule(ctx context.Context, name, member string, due time.Time) error
	PopDue(ctx context.Context, name string, now time.Time) ([]string, error)
	Hold(ctx context.Context, name, owner string, ttl time.Duration, run func(ctx context.Context)) (held bool, err error)
}

// Records are what reminders and announcements read and write: who was
// reminded, delivery statistics, the audit log.
type Records interface {
	UnreadNotReminded(ctx context.Context, bulletinID, unit string) ([]int64, error)
	NoteReminded(ctx context.Context, bulletinID string, dense int64) (bool, error)
	Stats(ctx context.Context, bulletinID string) (*content.DeliveryStats, error)
	Audit(ctx context.Context, e content.AuditEntry) error
}

// RateLimiter counts an event against rates shared by every replica and
// says how long to wait when it is over (counting nothing then).
type RateLimiter interface {
	RateLimit(ctx context.Context, platform string, rates []content.Rate, now time.Time) (time.Duration, error)
}

// Editor edits a message already sent (broadcast progress).
type Editor interface {
	Edit(ctx context.Context, chatID, messageID string, r chat.Reply) error
}

// Limits are a platform's send limits. Zero fields mean no limit.
type Limits struct {
	// PerSecond is messages per second for the whole platform account.
	PerSecond float64
	// PerChatSecond is messages per second to one chat.
	PerChatSecond float64
	// PerGroupMinute is messages per minute to one group chat.
	PerGroupMinute float64
}

// Config is what an operator sets of the dispatcher (the delivery
// section of configs/tongbao.yaml). The keys tagged "-" are set by the
// program: Owner per process, the timings and limits from the platforms'
// settings.
type Config struct {
	// Owner names this replica (for leases and consumer names); a random
	// name when empty.
	Owner string `yaml:"-"`
	// Workers is the number of concurrent sends per platform.
	Workers int `yaml:"workers"`
	// MaxAttempts is how many failed sends a delivery gets before it is
	// dead-lettered.
	MaxAttempts int `yaml:"max_attempts"`
	// RetryBase is the first retry delay after a failed send; it doubles
	// with every attempt (with jitter) up to ten minutes.
	RetryBase time.Duration `yaml:"-"`
	// SendTimeout bounds one send. A delivery a crashed replica was
	// sending is taken over by another after about three times this:
	// ClaimLease must exceed it, and ReclaimIdle (when another replica
	// takes over a delivery a crashed one held) must exceed ClaimLease.
	SendTimeout time.Duration `yaml:"send_timeout"`
	ClaimLease  time.Duration `yaml:"-"`
	ReclaimIdle time.Duration `yaml:"-"`
	// Limits per platform.
	Limits map[chat.Platform]Limits `yaml:"-"`
	// RemindAfter schedules an automatic reminder to the unread of
	// bulletins with one of ImportantTags (e.g. 防汛); 0 turns it off.
	RemindAfter   time.Duration `yaml:"remind_after"`
	ImportantTags []string      `yaml:"important_tags"`
}

// Deps are the dispatcher's collaborators.
type Deps struct {
	// Store holds the queues, subscribers and deliveries. Required.
	Store Store
	// Senders send on each platform; empty for a process that only
	// enqueues (tongbao ingest).
	Senders []chat.Sender
	// Limiter counts sends against the limits shared by every replica;
	// nil for no limits.
	Limiter RateLimiter
	// Links makes the personal read links in pushes.
	Links *readlink.Links
	// Metrics counts deliveries (nil: not counted).
	Metrics *metrics.Metrics
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Logger receives the dispatcher's messages (slog.Default when nil).
	Logger *slog.Logger
}

// Dispatcher fans bulletins out to subscribers and sends them, once each,
// within every platform's limits; it also sends announcements, reminders
// and digests.
type Dispatcher struct {
	store   Store
	senders map[chat.Platform]chat.Sender
	limiter RateLimiter
	links   *readlink.Links
	metrics *metrics.Metrics
	cfg     Config
	now     func() time.Time
	log     *slog.Logger
	claims  atomic.Int64 // numbers the claim tokens

	// background runs the work Announce leaves behind (editing progress
	// into the admin's preview). Run stops it and waits for it before it
	// returns, so nothing outlives the dispatcher or uses a closed store.
	backgroundMu  sync.Mutex // orders goBackground against stopBackground
	background    sync.WaitGroup
	backgroundCtx context.Context
	endBackground context.CancelFunc
}

// goBackground runs fn until it returns or the dispatcher stops; once Run
// has returned, nothing more is started.
func (d *Dispatcher) goBackground(fn func(ctx context.Context)) {
	d.backgroundMu.Lock()
	defer d.backgroundMu.Unlock()
	if d.backgroundCtx.Err() != nil {
		return
	}
	d.background.Add(1)
	go func() {
		defer d.background.Done()
		fn(d.backgroundCtx)
	}()
}

// stopBackground stops what goBackground started and waits for it.
func (d *Dispatcher) stopBackground() {
	d.backgroundMu.Lock()
	d.endBackground()
	d.backgroundMu.Unlock()
	d.background.Wait()
}

// New returns a dispatcher.
func New(cfg Config, deps Deps) *Dispatcher {
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 6
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 2 * time.Second
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 20 * time.Second
	}
	// A lease covers an inline rate-limit wait and the send, twice over.
	if min := 2 * (cfg.SendTimeout + maxInlineWait); cfg.ClaimLease < min {
		cfg.ClaimLease = min
	}
	if cfg.ReclaimIdle <= cfg.ClaimLease {
		cfg.ReclaimIdle = cfg.ClaimLease + cfg.SendTimeout
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if cfg.Owner == "" {
		cfg.Owner = "replica-" + randomID()
	}
	d := &Dispatcher{store: deps.Store, senders: map[chat.Platform]chat.Sender{}, limiter: deps.Limiter, links: deps.Links, metrics: deps.Metrics,
		cfg: cfg, now: deps.Now, log: deps.Logger}
	d.backgroundCtx, d.endBackground = context.WithCancel(context.Background())
	for _, s := range deps.Senders {
		d.senders[s.Platform()] = s
	}
	return d
}

func randomID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Job kinds and schedules kept in the store.
const (
	jobFanout      = "fanout"
	scheduleRemind = "remind"
	// schedulePublish holds stored bulletins whose fan-out waits for a
	// time an admin chose (the console's "send at").
	schedulePublish = "publish"
	fanoutLease     = 30 * time.Second
)

// Publish fans a newly stored bulletin out: every active subscriber of its
// audience — the one an admin chose (content.Audience, stored with it), or
// else those whose subscriptions match — gets one delivery on their
// platform's queue (digest-mode subscribers get it in their digest). It is
// recorded as a job first, so a crash mid-way is resumed (Resume) without
// enqueueing anyone twice; a bulletin already fanned out is not fanned out
// again. It returns how many deliveries were enqueued.
func (d *Dispatcher) Publish(ctx context.Context, b *content.Bulletin) (int, error) {
	if done, err := d.store.FannedOut(ctx, b.ID); err != nil || done {
		return 0, err
	}
	if err := d.store.AddJob(ctx, jobFanout, b.ID); err != nil {
		return 0, err
	}
	n, err := d.fanout(ctx, b.ID, content.PurposeBulletin, false, func(fn func([]content.Recipient) error) error {
		return d.store.Audience(ctx, b, false, fn)
	})
	if err != nil {
		return n, err
	}
	if d.cfg.RemindAfter > 0 && d.important(b) {
		if err := d.store.Schedule(ctx, scheduleRemind, b.ID, d.now().Add(d.cfg.RemindAfter)); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (d *Dispatcher) important(b *content.Bulletin) bool {
	for _, t := range d.cfg.ImportantTags {
		if b.HasTag(t) {
			return true
		}
	}
	return false
}

// fanout enqueues one delivery per recipient, skipping those already
// enqueued for this bulletin, holding a lease so one process runs it.
func (d *Dispatcher) fanout(ctx context.Context, id, purpose string, urgent bool, audience func(func([]content.Recipient) error) error) (int, error) {
	total := 0
	var runErr error
	held, err := d.store.Hold(ctx, "fanout:"+id, d.cfg.Owner, fanoutLease, func(ctx context.Context) {
		runErr = audience(func(batch []content.Recipient) error {
			n, err := d.enqueueBatch(ctx, id, purpose, urgent, batch)
			total += n
			return err
		})
	})
	switch {
	case !held:
		return 0, err // another process is fanning it out
	case runErr != nil:
		return total, fmt.Errorf("dispatch: fan out %s: %w", id, runErr)
	}
	if err := d.store.FanoutDone(ctx, id); err != nil {
		return total, err
	}
	return total, d.store.RemoveJob(ctx, jobFanout, id)
}

// enqueueBatch enqueues the recipients of batch not yet enqueued for the
// bulletin id and returns how many it enqueued.
func (d *Dispatcher) enqueueBatch(ctx context.Context, id, purpose string, urgent bool, batch []content.Recipient) (int, error) {
	dense := make([]int64, len(batch))
	for i, r := range batch {
		dense[i] = r.Dense
	}
	fresh, err := d.store.MarkEnqueued(ctx, id, dense)
	if err != nil {
		return 0, err
	}
	byPlatform := map[string][]content.Delivery{}
	for i, r := range batch {
		if !fresh[i] {
			continue
		}
		p, _, _ := strings.Cut(r.ID, ":")
		byPlatform[p] = append(byPlatform[p], content.Delivery{BulletinID: id, Subscriber: r.ID, Dense: r.Dense, Purpose: purpose, Urgent: urgent})
	}
	n := 0
	for p, ds := range byPlatform {
		if err := d.store.Enqueue(ctx, p, ds); err != nil {
			return n, err
		}
		n += len(ds)
		if d.metrics != nil {
			d.metrics.Enqueued.WithLabelValues(p, purpose).Add(float64(len(ds)))
		}
	}
	return n, nil
}

// Resume finishes fan-outs that a crashed process left unfinished.
func (d *Dispatcher) Resume(ctx context.Context) error {
	ids, err := d.store.Jobs(ctx, jobFanout)
	if err != nil {
		return err
	}
	for _, id := range ids {
		b, err := d.store.Bulletin(ctx, id)
		if errors.Is(err, content.ErrNotFound) {
			d.store.RemoveJob(ctx, jobFanout, id)
			continue
		}
		if err != nil {
			return err
		}
		if b.Kind == content.KindAnnouncement {
			continue // announcements resume through their segment job
		}
		n, err := d.fanout(ctx, id, content.PurposeBulletin, false, func(fn func([]content.Recipient) error) error {
			return d.store.Audience(ctx, b, false, fn)
		})
		if err != nil {
			return err
		}
		if n > 0 {
			d.log.Info("resumed an unfinished fan-out", "bulletin_id", id, "enqueued", n)
		}
	}
	return nil
}

// Announce sends an admin's announcement to a segment through the same
// queues, records it in the audit log, and edits the admin's preview
// message with the progress. It returns the announcement's id and how
// many it was queued for; the id is set once the announcement is stored,
// even when the fan-out then fails (Resume finishes it).
func (d *Dispatcher) Announce(ctx context.Context, a chat.Announcement) (chat.Announced, error) {
	now := d.now().In(content.Shanghai)
	b := announcementBulletin(a, now)
	if err := d.store.SaveAnnouncement(ctx, b); err != nil {
		return chat.Announced{}, err
	}
	res := chat.Announced{ID: b.ID}
	if err := d.store.AddJob(ctx, jobFanout, b.ID); err != nil {
		return res, err
	}
	n, err := d.fanout(ctx, b.ID, content.PurposeAnnouncement, a.Urgent, func(fn func([]content.Recipient) error) error {
		return d.store.AudienceOf(ctx, b.ID, a.Segment, a.Scope, fn)
	})
	res.Recipients = int64(n)
	if err != nil {
		return res, err
	}
	if err := d.store.Audit(ctx, content.AuditEntry{At: now, Actor: a.Actor, Action: "broadcast", Detail: map[string]string{
		"id": b.ID, "text": a.Text, "audience": string(a.Segment), "recipients": fmt.Sprint(n), "urgent": fmt.Sprint(a.Urgent),
		"scope": strings.Join(a.Scope, ","),
	}}); err != nil {
		return res, err
	}
	if a.ReplyTo.MessageID != "" {
		d.goBackground(func(ctx context.Context) { d.reportProgress(ctx, a.ReplyTo, a.Lang, b.ID, n) })
	}
	return res, nil
}

// announcementBulletin stores an announcement as a bulletin of its own
// kind, so links, reads and stats work the same.
func announcementBulletin(a chat.Announcement, now time.Time) *content.Bulletin {
	lines := strings.Split(strings.TrimSpace(a.Text), "\n")
	title := strings.TrimSpace(lines[0])
	if r := []rune(title); len(r) > 30 {
		title = string(r[:30]) + "…"
	}
	summary := a.Text
	if r := []rune(summary); len(r) > content.DefaultSummaryLimit {
		summary = string(r[:content.DefaultSummaryLimit])
	}
	var paras []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			paras = append(paras, l)
		}
	}
	id := "a-" + now.Format("20060102-150405") + "-" + randomID()[:4]
	return &content.Bulletin{ID: id, Title: title, PublishedAt: now, Kind: content.KindAnnouncement, Summary: summary,
		Paragraphs: paras, Tags: []string{}, Images: []string{}, Source: a.Actor}
}

// progressEvery is how often a broadcast's progress is edited in.
const progressEvery = 2 * time.Second

// reportProgress edits the admin's preview with "已发送 N/M" (in the
// admin's language) until done, for 30 minutes at most, or until the
// dispatcher stops.
func (d *Dispatcher) reportProgress(ctx context.Context, to chat.Origin, lang, id string, total int) {
	sender, ok := d.senders[to.Platform]
	if !ok {
		return
	}
	editor, ok := sender.(Editor)
	if !ok {
		return
	}
	deadline := time.Now().Add(30 * time.Minute)
	last := int64(-1)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		st, err := d.store.Stats(ctx, id)
		if err != nil {
			d.log.Warn("broadcast progress", "bulletin_id", id, "err", err)
			return
		}
		if st.Delivered != last {
			last = st.Delivered
			text := msg.Say(lang, "bc.progress", groupDigits(st.Delivered), groupDigits(int64(total)))
			if st.Delivered >= int64(total) {
				text = msg.Say(lang, "bc.done", groupDigits(st.Delivered), groupDigits(int64(total)), groupDigits(st.Read))
			}
			if err := editor.Edit(ctx, to.ChatID, to.MessageID, chat.Text(text)); err != nil {
				d.log.Warn("broadcast progress: edit", "bulletin_id", id, "err", err)
			}
			if st.Delivered >= int64(total) {
				return
			}
		}
		chat.Wait(ctx, progressEvery)
	}
}

// groupDigits writes 1234 as 1,234.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Remind sends one reminder to each subscriber who received a bulletin
// and has not read it, never twice for the same bulletin. actor is the
// admin (or "system" for automatic reminders).
func (d *Dispatcher) Remind(ctx context.Context, actor, bulletinID string) (int, error) {
	dense, err := d.store.UnreadNotReminded(ctx, bulletinID, "")
	if err != nil {
		return 0, err
	}
	var chosen []int64
	for _, n := range dense {
		ok, err := d.store.NoteReminded(ctx, bulletinID, n)
		if err != nil {
			return 0, err
		}
		if ok {
			chosen = append(chosen, n)
		}
	}
	ids, err := d.store.SubscriberIDs(ctx, chosen)
	if err != nil {
		return 0, err
	}
	byPlatform := map[string][]content.Delivery{}
	for i, id := range ids {
		if id == "" {
			continue
		}
		p, _, _ := strings.Cut(id, ":")
		byPlatform[p] = append(byPlatform[p], content.Delivery{BulletinID: bulletinID, Subscriber: id, Dense: chosen[i], Purpose: content.PurposeReminder})
	}
	n := 0
	for p, ds := range byPlatform {
		if err := d.store.Enqueue(ctx, p, ds); err != nil {
			return n, err
		}
		n += len(ds)
	}
	if err := d.store.Audit(ctx, content.AuditEntry{Actor: actor, Action: "remind", Detail: map[string]string{"id": bulletinID, "recipients": fmt.Sprint(n)}}); err != nil {
		return n, err
	}
	return n, nil
}
