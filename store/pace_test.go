package store

import (
	"context"
	"testing"
	"time"

	"tongbao/content"
)

func TestReserveSlot(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Now()
		bot := []content.Rate{{Key: "all", Interval: 10 * time.Millisecond}}
		chat := func(id string) []content.Rate { return []content.Rate{{Key: "chat:" + id, Interval: time.Second}} }
		reserve := func(chatID string, horizon time.Duration) content.Slot {
			t.Helper()
			slot, err := s.ReserveSlot(ctx, "tg", chatID, bot, chat(chatID), horizon, now)
			if err != nil {
				t.Fatal(err)
			}
			return slot
		}
		// Senders asking at once get successive times on the bot's schedule.
		for i, chatID := range []string{"1", "2", "3"} {
			if got, want := reserve(chatID, time.Second), (content.Slot{Reserved: true, Wait: time.Duration(i) * 10 * time.Millisecond}); got != want {
				t.Errorf("slot %d = %+v, want %+v", i, got, want)
			}
		}
		// A shorter horizon does not reserve that far ahead and counts nothing.
		if got := reserve("4", 25*time.Millisecond); got.Reserved || got.ChatBusy || got.Wait != 5*time.Millisecond {
			t.Errorf("beyond the horizon = %+v, want the bot busy for 5ms", got)
		}
		if got := reserve("4", time.Second); !got.Reserved || got.Wait != 30*time.Millisecond {
			t.Errorf("after a refusal = %+v, want the next slot, 30ms away", got)
		}
		// A chat at its limit waits for itself, not on the bot's schedule.
		if got := reserve("1", time.Second); got.Reserved || !got.ChatBusy || got.Wait != time.Second {
			t.Errorf("chat 1 again = %+v, want the chat busy for 1s", got)
		}
		// A pause of the whole bot holds every chat back, one of a chat only it.
		pause := now.Add(3 * time.Second)
		if err := s.PauseSlots(ctx, "tg", "5", pause); err != nil {
			t.Fatal(err)
		}
		if got := reserve("5", time.Second); got.Reserved || !got.ChatBusy || got.Wait != 3*time.Second {
			t.Errorf("paused chat = %+v, want busy for 3s", got)
		}
		if got := reserve("6", time.Second); !got.Reserved {
			t.Errorf("another chat during a chat's pause = %+v, want reserved", got)
		}
		if err := s.PauseSlots(ctx, "tg", "", pause); err != nil {
			t.Fatal(err)
		}
		if err := s.PauseSlots(ctx, "tg", "", now.Add(time.Second)); err != nil { // shorter: ignored
			t.Fatal(err)
		}
		if got := reserve("7", 10*time.Second); !got.Reserved || got.Wait != 3*time.Second {
			t.Errorf("during a pause of the bot = %+v, want the slot after it, 3s away", got)
		}
		for chatID, want := range map[string]time.Time{"7": pause, "": pause} {
			if until, err := s.SlotsPausedUntil(ctx, "tg", chatID); err != nil || !until.Equal(pause.Truncate(time.Microsecond)) {
				t.Errorf("paused until (chat %q) = %v, %v; want %v", chatID, until, err, want)
			}
		}
	})
}
