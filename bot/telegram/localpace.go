package telegram

import (
	"context"
	"sync"
	"time"

	"tongbao/content"
)

// localPacer is a Pacer for one process: the same schedule as
// store.Store.ReserveSlot, kept in memory.
type localPacer struct {
	mu     sync.Mutex
	tats   map[string]time.Time // when each rate's next slot is theoretically due
	pauses map[string]time.Time // by chat; "" is the whole bot
}

func newLocalPacer() *localPacer {
	return &localPacer{tats: map[string]time.Time{}, pauses: map[string]time.Time{}}
}

// maxLocalKeys bounds the counters kept before the past ones are dropped.
const maxLocalKeys = 4096

func (l *localPacer) ReserveSlot(_ context.Context, scope, chat string, botRates, chatRates []content.Rate, horizon time.Duration, now time.Time) (content.Slot, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.tats)+len(l.pauses) > maxLocalKeys {
		l.forget(now)
	}
	botAt, chatAt := later(now, l.pauses[""]), later(now, l.pauses[chat])
	allowed := func(r content.Rate) time.Time {
		return later(now, l.tats[r.Key].Add(-time.Duration(max(r.Burst, 1)-1)*r.Interval))
	}
	for _, r := range botRates {
		botAt = later(botAt, allowed(r))
	}
	for _, r := range chatRates {
		chatAt = later(chatAt, allowed(r))
	}
	switch {
	case chatAt.After(botAt):
		return content.Slot{ChatBusy: true, Wait: chatAt.Sub(now)}, nil
	case botAt.Sub(now) > horizon:
		return content.Slot{Wait: botAt.Sub(now) - horizon}, nil
	}
	for _, r := range append(append([]content.Rate(nil), botRates...), chatRates...) {
		l.tats[r.Key] = later(l.tats[r.Key], botAt).Add(r.Interval)
	}
	return content.Slot{Reserved: true, Wait: botAt.Sub(now)}, nil
}

// forget drops the counters and pauses that no longer hold anything back.
func (l *localPacer) forget(now time.Time) {
	for k, t := range l.tats {
		if t.Before(now) {
			delete(l.tats, k)
		}
	}
	for k, t := range l.pauses {
		if t.Before(now) {
			delete(l.pauses, k)
		}
	}
}

func (l *localPacer) PauseSlots(_ context.Context, _, chat string, until time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pauses[chat] = later(l.pauses[chat], until)
	return nil
}

func (l *localPacer) SlotsPausedUntil(_ context.Context, _, chat string) (time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return later(l.pauses[""], l.pauses[chat]), nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
