package dispatch_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/content"
)

// errCrash is the fan-out of a process that died.
var errCrash = errors.New("the process died")

// crashingStore is the store as a process sees it that dies after its
// first batch of a fan-out: every later MarkEnqueued fails.
type crashingStore struct {
	dispatch.Store
	batches atomic.Int32
}

func (c *crashingStore) MarkEnqueued(ctx context.Context, bulletinID string, dense []int64) ([]bool, error) {
	if c.batches.Add(1) > 1 {
		return nil, errCrash
	}
	return c.Store.MarkEnqueued(ctx, bulletinID, dense)
}

// TestResumeKeepsTheAudience: a fan-out to a chosen audience (a unit, on
// Telegram only) dies after its first batch; Resume, when the replica
// comes back, finishes it from the stored bulletin — reaching the rest of
// that audience, nobody outside it, nobody twice.
func TestResumeKeepsTheAudience(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	const all, inUnit = 2400, 1500 // more than one fan-out batch (1000)
	addSubscribersFast(t, st, all)
	want := map[string]bool{}
	for i := 1; i <= inUnit; i++ {
		id := fmt.Sprintf("tg:%d", 1000000+i)
		want[id] = true
		if err := st.SetUnit(ctx, id, "县委办"); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"wx:o1", "wecom:zs"} { // in the unit, but not on Telegram
		if _, _, err := st.Touch(ctx, id, "", "zh", true); err != nil {
			t.Fatal(err)
		}
		if err := st.SetUnit(ctx, id, "县委办"); err != nil {
			t.Fatal(err)
		}
	}
	b := sample(t, "qingxi-2022-06-08-county-executive.txt")
	b.Audience = content.Audience{Units: []string{"县委办"}, Platforms: []string{"tg"}}
	if _, err := st.SaveBulletin(ctx, b); err != nil {
		t.Fatal(err)
	}
	// The replica's name is configured, so when it comes back it takes its
	// own fan-out lease again at once (another replica waits for it to lapse).
	dying := dispatch.New(dispatch.Config{Owner: "replica-1"}, dispatch.Deps{Store: &crashingStore{Store: st}, Logger: quiet})
	first, err := dying.Publish(ctx, b)
	if !errors.Is(err, errCrash) || first == 0 || first >= inUnit {
		t.Fatalf("the dying fan-out = %d, %v; want its first batch and the crash", first, err)
	}
	if err := newDispatcher(st, nil, dispatch.Config{Owner: "replica-1"}).Resume(ctx); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, platform := range []string{"tg", "wx", "wecom"} {
		if err := st.EnsureQueue(ctx, platform); err != nil {
			t.Fatal(err)
		}
		ds, err := st.Receive(ctx, platform, "checker", 2*all, -1)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.BulletinID == b.ID {
				seen[d.Subscriber]++
			}
		}
	}
	if len(seen) != inUnit {
		t.Errorf("%d subscribers queued, want the %d of the unit on Telegram", len(seen), inUnit)
	}
	for id, n := range seen {
		if !want[id] || n != 1 {
			t.Errorf("%s queued %d times (in the audience: %v)", id, n, want[id])
		}
	}
	if jobs, err := st.Jobs(ctx, "fanout"); err != nil || len(jobs) != 0 {
		t.Errorf("fan-out jobs left: %v, %v", jobs, err)
	}
}

// TestPublishAtKeepsTheAudience: a bulletin scheduled with a chosen
// audience (a topic) reaches, when due, that topic's followers and those
// who take everything — and not a subscriber whose own subscription (防汛)
// the bulletin matches.
func TestPublishAtKeepsTheAudience(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	ctx := context.Background()
	ids := addSubscribers(t, st, 3) // tg:1001 takes everything
	for id, topic := range map[string]string{ids[1]: "防汛", ids[2]: "人才"} {
		if _, err := st.Subscribe(ctx, id, content.Subscription{Kind: content.SubTopic, Value: topic}); err != nil {
			t.Fatal(err)
		}
	}
	// A meeting report tagged 防汛: its subscriptions would reach tg:1001
	// and tg:1002; the audience chosen, 人才, reaches tg:1001 and tg:1003.
	b := sample(t, "lanxi-2022-05-27-standing-committee.txt")
	if !b.HasTag("防汛") || b.HasTag("人才") {
		t.Fatalf("the sample's tags changed: %v", b.Tags)
	}
	b.Audience = content.Audience{Topics: []string{"人才"}}
	if _, err := st.SaveBulletin(ctx, b); err != nil {
		t.Fatal(err)
	}
	var now atomic.Int64
	start := time.Date(2026, 12, 6, 9, 0, 0, 0, content.Shanghai)
	now.Store(start.UnixNano())
	d := newDispatcherAt(st, []chat.Sender{tg}, dispatch.Config{Workers: 2}, func() time.Time { return time.Unix(0, now.Load()) })
	if err := d.PublishAt(ctx, b.ID, start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	run(t, d)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go d.RunScheduler(sctx, 20*time.Millisecond)
	now.Store(start.Add(time.Hour + time.Second).UnixNano())
	waitFor(t, fake, "the scheduled publication", func() bool { return perChat(fake)[1001] == 1 && perChat(fake)[1003] == 1 })
	waitStore(t, "the fan-out to finish", func() bool {
		done, err := st.FannedOut(ctx, b.ID)
		return err == nil && done
	})
	waitDrained(t, st, "tg")
	if got := perChat(fake); len(got) != 2 || got[1002] != 0 {
		t.Errorf("sent to %v; want 1001 and 1003 once each", got)
	}
}
