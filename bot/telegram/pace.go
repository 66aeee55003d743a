package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"tongbao/bot/chat"
	"tongbao/content"
)

// Pacer counts messages against flood limits shared by every replica of
// the bot and holds them back during a pause: store.Store implements it
// in Redis (see store.Store.ReserveSlot). Without one the adapter counts
// in its own process, which is right for one replica only.
type Pacer interface {
	ReserveSlot(ctx context.Context, scope, chat string, botRates, chatRates []content.Rate, horizon time.Duration, now time.Time) (content.Slot, error)
	PauseSlots(ctx context.Context, scope, chat string, until time.Time) error
	SlotsPausedUntil(ctx context.Context, scope, chat string) (time.Time, error)
}

// kind is what a message is, for its place in line and its limits.
type kind int

const (
	kindReply kind = iota // an answer to a user: first in line
	kindEdit              // an edit of a message the bot sent: counts for its chat only
	kindPush              // a delivery from the dispatcher: after replies
)

// Horizons: how far ahead a sender may reserve a slot on the bot's
// schedule. A reply's is longer, so across replicas replies get the
// bot's slots before pushes do.
const (
	replyHorizon = 500 * time.Millisecond
	pushHorizon  = 100 * time.Millisecond
)

// maxLate is how late a sender may use its slot: one that woke later (a
// loaded machine) would crowd the slots after it into Telegram's window,
// so it takes a new slot instead.
const maxLate = 40 * time.Millisecond

// pacer keeps every message within Telegram's flood limits, less the
// configured margin: one budget for the whole bot (replies first), one for
// each chat, one for each group; a 429 pauses the bot (or, for an edit,
// the chat) for its retry_after on every replica.
type pacer struct {
	shared    Pacer
	scope     string
	gate      gate
	all, paid content.Rate // the bot's rate, and its rate with paid broadcasts
	paidOn    bool
	chat      time.Duration // interval between messages to one chat
	group     time.Duration // interval between messages to one group
	paused    pauseCache
}

// pauseFresh is how long the bot-wide pause read from the shared counters
// is used before it is read again: one read serves the messages of that
// time, and this process's own 429s update it at once.
const pauseFresh = 10 * time.Millisecond

// pauseCache is the bot-wide pause as last read.
type pauseCache struct {
	mu      sync.Mutex
	until   time.Time
	checked time.Time
}

func newPacer(cfg Config, shared Pacer) *pacer {
	l := cfg.limits()
	keep := 1 - l.Margin
	interval := func(perSecond float64) time.Duration {
		return time.Duration(float64(time.Second) / (perSecond * keep))
	}
	return &pacer{
		shared: shared,
		scope:  "telegram:" + cfg.botID(),
		all:    content.Rate{Key: "all", Interval: interval(l.PerSecond)},
		paid:   content.Rate{Key: "paid", Interval: interval(l.PaidPerSecond)},
		paidOn: cfg.PaidBroadcast,
		chat:   interval(l.PerChatSecond),
		group:  interval(l.PerGroupMinute / 60),
	}
}

// rates are the limits a message of kind k to chat counts against.
func (p *pacer) rates(k kind, chat int64) (botRates, chatRates []content.Rate) {
	id := strconv.FormatInt(chat, 10)
	chatRates = []content.Rate{{Key: "chat:" + id, Interval: p.chat}}
	if chat < 0 { // groups, supergroups and channels
		chatRates = append(chatRates, content.Rate{Key: "group:" + id, Interval: p.group})
	}
	switch {
	case k == kindEdit:
	case k == kindPush && p.paidOn:
		botRates = []content.Rate{p.paid}
	case p.paidOn:
		botRates = []content.Rate{p.all, p.paid}
	default:
		botRates = []content.Rate{p.all}
	}
	return botRates, chatRates
}

// busyError is a push that would wait longer than it may: the dispatcher
// retries it after RetryAfter.
type busyError struct{ after time.Duration }

func (e *busyError) Error() string {
	return fmt.Sprintf("telegram: held back by flood control for %v", e.after.Round(time.Millisecond))
}

// await returns when a message of kind k may go to chat: its slot is
// reserved and no pause runs. A positive giveUp bounds the wait; beyond
// it await returns a *busyError and nothing is counted.
func (p *pacer) await(ctx context.Context, k kind, chat int64, giveUp time.Duration) error {
	wctx := ctx
	if giveUp > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, giveUp)
		defer cancel()
	}
	err := p.wait(wctx, k, chat)
	var be *busyError
	if giveUp > 0 && ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || errors.As(err, &be)) {
		after := giveUp
		if be != nil {
			after = be.after
		}
		return &busyError{after: after}
	}
	return err
}

func (p *pacer) wait(ctx context.Context, k kind, chat int64) error {
	id := strconv.FormatInt(chat, 10)
	botRates, chatRates := p.rates(k, chat)
	horizon := replyHorizon
	if k == kindPush {
		horizon = pushHorizon
	}
	for {
		slot, err := p.reserve(ctx, k, id, botRates, chatRates, horizon)
		if err != nil {
			return err
		}
		if deadline, ok := ctx.Deadline(); ok && !slot.Reserved && time.Until(deadline) < slot.Wait {
			return &busyError{after: slot.Wait} // the chat is busy longer than the caller may wait
		}
		at := time.Now().Add(slot.Wait)
		if err := wait(ctx, slot.Wait); err != nil {
			return err
		}
		if !slot.Reserved {
			continue // the chat was busy; the bot's slots went to others meanwhile
		}
		// A pause that began after the slot was reserved holds it back.
		until, err := p.pausedUntil(ctx, k, id)
		if err != nil {
			return fmt.Errorf("telegram: flood control: %w", err)
		}
		if time.Until(until) <= 0 && time.Since(at) <= maxLate {
			return nil
		}
	}
}

// reserve asks for a slot as the head of the process's line, waiting while
// the bot is busy; it returns a reserved slot, or the wait of a busy chat.
func (p *pacer) reserve(ctx context.Context, k kind, chat string, botRates, chatRates []content.Rate, horizon time.Duration) (content.Slot, error) {
	prio := 0
	if k == kindPush {
		prio = 1
	}
	if err := p.gate.enter(ctx, prio); err != nil {
		return content.Slot{}, err
	}
	defer p.gate.leave()
	for {
		slot, err := p.shared.ReserveSlot(ctx, p.scope, chat, botRates, chatRates, horizon, time.Now())
		if err != nil {
			return slot, fmt.Errorf("telegram: flood control: %w", err)
		}
		if slot.Reserved || slot.ChatBusy {
			return slot, nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < slot.Wait {
			return slot, &busyError{after: slot.Wait + horizon}
		}
		if err := wait(ctx, slot.Wait); err != nil {
			return slot, err
		}
	}
}

// pausedUntil is when the pauses that hold back a message of kind k to
// chat end: the bot's (as read within pauseFresh) or, for an edit, the
// bot's and the chat's.
func (p *pacer) pausedUntil(ctx context.Context, k kind, chat string) (time.Time, error) {
	if k == kindEdit {
		return p.shared.SlotsPausedUntil(ctx, p.scope, chat)
	}
	p.paused.mu.Lock()
	defer p.paused.mu.Unlock()
	if time.Since(p.paused.checked) < pauseFresh {
		return p.paused.until, nil
	}
	until, err := p.shared.SlotsPausedUntil(ctx, p.scope, "")
	if err != nil {
		return time.Time{}, err
	}
	p.paused.until, p.paused.checked = later(p.paused.until, until), time.Now()
	return p.paused.until, nil
}

// pause holds back the bot's messages (or, for an edit, which counts for
// its chat only, the chat's) for a 429's retry_after, on every replica:
// Telegram does not say which limit a 429 is for.
func (p *pacer) pause(ctx context.Context, k kind, chat int64, after time.Duration) error {
	scope := ""
	if k == kindEdit {
		scope = strconv.FormatInt(chat, 10)
	}
	until := time.Now().Add(after)
	if scope == "" {
		p.paused.mu.Lock()
		p.paused.until = later(p.paused.until, until)
		p.paused.mu.Unlock()
	}
	if err := p.shared.PauseSlots(ctx, p.scope, scope, until); err != nil {
		return fmt.Errorf("telegram: flood control: %w", err)
	}
	return nil
}

// wait waits d or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	return chat.Wait(ctx, d)
}
