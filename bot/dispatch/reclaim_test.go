package dispatch_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
)

// TestDeadReplicaReclaimedAtOnce: the deliveries a killed replica had
// received, and the send leases it held, are taken over within seconds of
// its heartbeat lapsing, long before their leases or idle time run out; a
// live replica's are left alone.
func TestDeadReplicaReclaimedAtOnce(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	addSubscribers(t, st, 20)
	b := sample(t, "qingxi-2022-06-08-county-executive.txt")
	st.SaveBulletin(context.Background(), b)
	// Leases and idle times of a minute and more: only the heartbeat can
	// explain a takeover within the test's wait.
	cfg := dispatch.Config{Workers: 4, Owner: "survivor", SendTimeout: 20 * time.Second, ClaimLease: time.Minute, ReclaimIdle: 2 * time.Minute}
	d := newDispatcher(st, []chat.Sender{tg}, cfg)
	if _, err := d.Publish(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	platform := string(chat.Telegram)
	st.EnsureQueue(ctx, platform)
	// What a SIGKILL leaves: entries received and leases taken, mid-send.
	takeOver := func(owner string, n int) []int64 {
		taken, err := st.Receive(ctx, platform, owner, n, time.Second)
		if err != nil || len(taken) != n {
			t.Fatalf("%s took %d: %v", owner, len(taken), err)
		}
		ids, tokens := make([]string, n), make([]string, n)
		var chats []int64
		for i, dl := range taken {
			ids[i], tokens[i] = b.ID, fmt.Sprintf("%s/%d", owner, i+1)
			var chat int64
			fmt.Sscanf(dl.Subscriber, "tg:%d", &chat)
			chats = append(chats, chat)
		}
		if _, _, err := st.BeginDeliveries(ctx, taken, ids, tokens, time.Minute); err != nil {
			t.Fatal(err)
		}
		return chats
	}
	takeOver("dead-replica", 10)
	if err := st.Heartbeat(ctx, "live-replica", 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	live := takeOver("live-replica", 5)
	start := time.Now()
	run(t, d)
	waitFor(t, fake, "the dead replica's deliveries", func() bool { return len(perChat(fake)) == 15 })
	t.Logf("15 chats served %v after the survivor started", time.Since(start).Round(time.Millisecond))
	counts := perChat(fake)
	for chat, c := range counts {
		if c != 1 {
			t.Errorf("chat %d got %d messages", chat, c)
		}
	}
	for _, chat := range live {
		if counts[chat] != 0 {
			t.Errorf("chat %d of the live replica was served by the survivor", chat)
		}
	}
}
