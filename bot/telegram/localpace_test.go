package telegram

import (
	"context"
	"testing"
	"time"

	"tongbao/content"
)

// TestLocalPacer: one process's counters keep the same schedule as the
// store's shared ones (store.TestReserveSlot).
func TestLocalPacer(t *testing.T) {
	l := newLocalPacer()
	ctx := context.Background()
	now := time.Now()
	bot := []content.Rate{{Key: "all", Interval: 10 * time.Millisecond}}
	chat := func(id string) []content.Rate { return []content.Rate{{Key: "chat:" + id, Interval: time.Second}} }
	reserve := func(id string, horizon time.Duration) content.Slot {
		slot, _ := l.ReserveSlot(ctx, "tg", id, bot, chat(id), horizon, now)
		return slot
	}
	for i, id := range []string{"1", "2", "3"} {
		if got, want := reserve(id, time.Second), (content.Slot{Reserved: true, Wait: time.Duration(i) * 10 * time.Millisecond}); got != want {
			t.Errorf("slot %d = %+v, want %+v", i, got, want)
		}
	}
	if got := reserve("4", 25*time.Millisecond); got.Reserved || got.ChatBusy || got.Wait != 5*time.Millisecond {
		t.Errorf("beyond the horizon = %+v, want the bot busy for 5ms", got)
	}
	if got := reserve("1", time.Second); got.Reserved || !got.ChatBusy || got.Wait != time.Second {
		t.Errorf("chat 1 again = %+v, want the chat busy for 1s", got)
	}
	l.PauseSlots(ctx, "tg", "", now.Add(3*time.Second))
	if got := reserve("7", 10*time.Second); !got.Reserved || got.Wait != 3*time.Second {
		t.Errorf("during a pause = %+v, want the slot after it", got)
	}
	if until, _ := l.SlotsPausedUntil(ctx, "tg", "7"); !until.Equal(now.Add(3 * time.Second)) {
		t.Errorf("paused until %v", until)
	}
	// Counters that hold nothing back are dropped when there are many.
	for i := range maxLocalKeys + 1 {
		l.ReserveSlot(ctx, "tg", "x", nil, []content.Rate{{Key: "chat:" + string(rune('a'+i%26)) + time.Duration(i).String(), Interval: time.Millisecond}}, time.Hour, now.Add(-time.Hour))
	}
	l.ReserveSlot(ctx, "tg", "y", bot, chat("y"), time.Hour, now.Add(time.Hour))
	if n := len(l.tats); n > 10 {
		t.Errorf("%d counters kept, want the past ones dropped", n)
	}
}
