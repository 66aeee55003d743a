package dispatch_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/bot/metrics"
	"tongbao/bot/readlink"
	"tongbao/bot/telegram"
	"tongbao/bot/telegram/telegramtest"
	"tongbao/content"
	"tongbao/store"
	"tongbao/store/redistest"
)

var redisServer *redistest.Server

func TestMain(m *testing.M) { redistest.Main(m, &redisServer) }

var (
	prefixes atomic.Int64
	quiet    = slog.New(slog.NewTextHandler(io.Discard, nil))
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{URL: redisServer.URL(), Prefix: fmt.Sprintf("dt%d:", prefixes.Add(1))}, store.Deps{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// sample parses one of the sample bulletins.
func sample(t testing.TB, name string) *content.Bulletin {
	t.Helper()
	topics, _ := content.ParseTopics([]byte("topics:\n  - {name: 防汛, keywords: [防汛, 汛期]}\n"))
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	b, err := content.NewParser(content.ParserConfig{}, content.ParserDeps{Topics: topics}).Parse(content.Input{Data: data, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// noHandler answers nothing: these tests only push.
type noHandler struct{}

func (noHandler) Handle(context.Context, chat.Incoming) []chat.Reply { return nil }

// newTelegram starts a fake Bot API and an adapter used as the sender.
func newTelegram(t testing.TB, st *store.Store, opts ...telegramtest.Option) (*telegramtest.Server, *telegram.Adapter) {
	t.Helper()
	fake := telegramtest.New(opts...)
	t.Cleanup(fake.Close)
	// The adapter's own pacing is lifted (but for one message a second to a
	// chat): these tests are about the dispatcher, and its limits.
	a, err := telegram.New(context.Background(), telegram.Config{Token: fake.Token(), APIBase: fake.URL(), Limits: telegram.Limits{PerSecond: 1e6, PaidPerSecond: 1e6}},
		telegram.Deps{Handler: noHandler{}, Dedupe: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return fake, a
}

// addSubscribers creates n Telegram subscribers with chat ids from 1001.
func addSubscribers(t testing.TB, st *store.Store, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "tg:" + strconv.Itoa(1001+i)
		if _, _, err := st.Touch(context.Background(), ids[i], "", "zh", true); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func newDispatcher(st *store.Store, senders []chat.Sender, cfg dispatch.Config) *dispatch.Dispatcher {
	return newDispatcherAt(st, senders, cfg, nil)
}

// newDispatcherAt is newDispatcher on the clock now (time.Now when nil).
func newDispatcherAt(st *store.Store, senders []chat.Sender, cfg dispatch.Config, now func() time.Time) *dispatch.Dispatcher {
	if cfg.SendTimeout == 0 {
		cfg.SendTimeout = 2 * time.Second
		cfg.ClaimLease = 3 * time.Second
		cfg.ReclaimIdle = 4 * time.Second
	}
	if cfg.RetryBase == 0 {
		cfg.RetryBase = 50 * time.Millisecond
	}
	return dispatch.New(cfg, dispatch.Deps{Store: store.NewBulletinCache(st, 512), Senders: senders, Limiter: st, Links: readlink.New("https://tb.example", "k"),
		Metrics: metrics.New(prometheus.NewRegistry()), Now: now, Logger: quiet})
}

// run starts the dispatcher's workers until the test ends.
func run(t testing.TB, d *dispatch.Dispatcher) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// perChat counts the messages each chat received.
func perChat(fake *telegramtest.Server) map[int64]int {
	out := map[int64]int{}
	for _, m := range fake.Sent() {
		out[m.ChatID]++
	}
	return out
}

// waitFor waits until cond, which reads the fake's records, holds: it
// re-checks on every message the fake records. The deadline only stops a
// broken test.
func waitFor(t testing.TB, fake *telegramtest.Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := fake.Await(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v (%d sent)", what, err, len(fake.Sent()))
	}
}

// waitStore waits until cond, which reads the store, holds. Redis tells
// nobody when a queue changes, so it asks again every few milliseconds;
// the deadline only stops a broken test.
func waitStore(t testing.TB, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(3 * time.Minute)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// waitDrained waits until the platform's queue has nothing waiting and
// nothing being sent (delayed deliveries aside): every message that
// delivery will send has been sent, and anything extra would be here.
func waitDrained(t testing.TB, st *store.Store, platform string) {
	t.Helper()
	waitStore(t, "the "+platform+" queue to drain", func() bool {
		qs, err := st.QueueStats(context.Background(), platform)
		return err == nil && qs.Pending == 0 && qs.Lag == 0
	})
}

func TestFanoutDeliversExactlyOnce(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	ids := addSubscribers(t, st, 300)
	b := sample(t, "qingxi-2022-06-08-county-executive.txt")
	if _, err := st.SaveBulletin(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	d := newDispatcher(st, []chat.Sender{tg}, dispatch.Config{Workers: 16})
	n, err := d.Publish(context.Background(), b)
	if err != nil || n != 300 {
		t.Fatalf("Publish = %d, %v", n, err)
	}
	// Publishing again (a second ingest, a resumed job) enqueues nobody twice.
	if n, _ := d.Publish(context.Background(), b); n != 0 {
		t.Errorf("second Publish enqueued %d", n)
	}
	run(t, d)
	waitFor(t, fake, "300 messages", func() bool { return len(fake.Sent()) >= 300 })
	waitDrained(t, st, "tg")
	counts := perChat(fake)
	if len(counts) != len(ids) {
		t.Errorf("%d chats got messages, want %d", len(counts), len(ids))
	}
	for chat, c := range counts {
		if c != 1 {
			t.Errorf("chat %d got %d messages", chat, c)
		}
	}
	msg := fake.Sent()[0]
	// The push carries the documents the meeting approved and every point.
	for _, want := range []string{"青溪县召开县政府第十二次常务会议", "王立新", "https://tb.example/r/" + b.ID + ".",
		"审议通过", "《青溪县促进经济稳进提质若干政策措施》《青溪县2022年防汛防台应急预案（修订）》", b.Meeting.Points[len(b.Meeting.Points)-1]} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("pushed message lacks %q:\n%s", want, msg.Text)
		}
	}
	st2, err := st.Stats(context.Background(), b.ID)
	if err != nil || st2.Delivered != 300 {
		t.Errorf("stats = %+v, %v", st2, err)
	}
}

func TestLimitsAreHonoured(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st, telegramtest.WithLimits(telegramtest.DefaultLimits()))
	addSubscribers(t, st, 60)
	b := sample(t, "lanxi-2022-05-27-standing-committee.txt")
	st.SaveBulletin(context.Background(), b)
	d := newDispatcher(st, []chat.Sender{tg}, dispatch.Config{Workers: 16, Limits: map[chat.Platform]dispatch.Limits{
		chat.Telegram: {PerSecond: 30, PerChatSecond: 1, PerGroupMinute: 20},
	}})
	start := time.Now()
	if _, err := d.Publish(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	run(t, d)
	waitFor(t, fake, "60 messages", func() bool { return len(fake.Sent()) >= 60 })
	elapsed := time.Since(start)
	if elapsed < 1800*time.Millisecond {
		t.Errorf("60 messages in %v: faster than 30/s", elapsed)
	}
	if v := fake.Violations(); len(v) > 0 {
		t.Errorf("limit violations: %v", v)
	}
	if th := fake.Throttled(); len(th) > 0 {
		t.Errorf("%d messages were throttled (429)", len(th))
	}
}

func TestFailures(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	addSubscribers(t, st, 5) // chats 1001..1005
	fake.AddFault(telegramtest.TooManyRequests(1).InChat(1001).Times(1))
	fake.AddFault(telegramtest.Blocked(1002))
	fake.AddFault(telegramtest.ServerError().InChat(1003).Times(2))
	fake.AddFault(telegramtest.ServerError().InChat(1004)) // always
	fake.AddFault(telegramtest.ChatNotFound(1005))
	b := sample(t, "qingxi-2022-06-01-flood-notice.txt")
	st.SaveBulletin(context.Background(), b)
	d := newDispatcher(st, []chat.Sender{tg}, dispatch.Config{Workers: 4, MaxAttempts: 3})
	if _, err := d.Publish(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	run(t, d)
	ctx := context.Background()
	waitFor(t, fake, "the retried chats to get their message", func() bool {
		c := perChat(fake)
		return c[1001] == 1 && c[1003] == 1
	})
	waitStore(t, "the failing chats to be dead-lettered", func() bool {
		dead, _ := st.DeadLetters(ctx, "tg", 10)
		return len(dead) == 2
	})
	dead, _ := st.DeadLetters(ctx, "tg", 10)
	reasons := map[string]string{}
	for _, dl := range dead {
		reasons[dl.Delivery.Subscriber] = dl.Reason
	}
	if !strings.Contains(reasons["tg:1004"], "gave up after 3 attempts") {
		t.Errorf("5xx chat: %q", reasons["tg:1004"])
	}
	if !strings.Contains(reasons["tg:1005"], "chat not found") {
		t.Errorf("400 chat: %q", reasons["tg:1005"])
	}
	sub, _ := st.Subscriber(ctx, "tg:1002")
	if sub.Status != content.StatusBlocked {
		t.Errorf("blocked chat: status %s", sub.Status)
	}
	if c := perChat(fake); c[1002] != 0 || c[1004] != 0 {
		t.Errorf("messages to failing chats: %v", c)
	}
	if v := fake.Violations(); len(v) > 0 {
		t.Errorf("a 429 was not honoured: %v", v)
	}
}

func TestCrashedWorkerIsReclaimed(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	addSubscribers(t, st, 20)
	b := sample(t, "qingxi-2022-06-08-county-executive.txt")
	st.SaveBulletin(context.Background(), b)
	d := newDispatcher(st, []chat.Sender{tg}, dispatch.Config{Workers: 4, Owner: "survivor"})
	if _, err := d.Publish(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	// A replica that died right after taking half the queue: its entries
	// stay pending under its name.
	ctx := context.Background()
	st.EnsureQueue(ctx, "tg")
	taken, err := st.Receive(ctx, "tg", "dead-replica", 10, time.Second)
	if err != nil || len(taken) != 10 {
		t.Fatalf("the dead replica took %d: %v", len(taken), err)
	}
	// It had even claimed one (it was sending when it died).
	st.BeginDeliveries(ctx, taken[:1], []string{b.ID}, []string{"dead-replica/1"}, 3*time.Second)
	run(t, d)
	waitFor(t, fake, "all 20 chats", func() bool { return len(perChat(fake)) == 20 })
	waitDrained(t, st, "tg")
	for chat, c := range perChat(fake) {
		if c != 1 {
			t.Errorf("chat %d got %d messages", chat, c)
		}
	}
}

func TestTwoReplicasShareTheWork(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	addSubscribers(t, st, 200)
	b := sample(t, "lanxi-2022-05-27-standing-committee.txt")
	st.SaveBulletin(context.Background(), b)
	d1 := newDispatcher(st, []chat.Sender{tg}, dispatch.Config{Workers: 8, Owner: "r1"})
	d2 := newDispatcher(st, []chat.Sender{tg}, dispatch.Config{Workers: 8, Owner: "r2"})
	// Both publish at once: one wins the fan-out lease, nobody is enqueued twice.
	var wg sync.WaitGroup
	var total atomic.Int64
	for _, d := range []*dispatch.Dispatcher{d1, d2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := d.Publish(context.Background(), b)
			if err != nil {
				t.Error(err)
			}
			total.Add(int64(n))
		}()
	}
	wg.Wait()
	if err := d1.Resume(context.Background()); err != nil { // finishes what a lease loser skipped
		t.Fatal(err)
	}
	run(t, d1)
	run(t, d2)
	waitFor(t, fake, "200 messages", func() bool { return len(fake.Sent()) >= 200 })
	waitDrained(t, st, "tg")
	if n := len(fake.Sent()); n != 200 {
		t.Errorf("%d messages sent to 200 subscribers", n)
	}
	for chat, c := range perChat(fake) {
		if c != 1 {
			t.Errorf("chat %d got %d", chat, c)
		}
	}
}

func TestQuietHoursAndUrgentAnnouncements(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	ctx := context.Background()
	addSubscribers(t, st, 2)
	// 2026-11-28 23:30 in Shanghai; tg:1001 is quiet 22:00-07:00.
	now := time.Date(2026, 11, 28, 23, 30, 0, 0, content.Shanghai)
	st.SetDelivery(ctx, "tg:1001", content.ModeInstant, "", "22:00-07:00")
	b := sample(t, "qingxi-2022-06-01-flood-notice.txt")
	st.SaveBulletin(ctx, b)
	d := newDispatcherAt(st, []chat.Sender{tg}, dispatch.Config{Workers: 2}, func() time.Time { return now })
	d.Publish(ctx, b)
	run(t, d)
	waitFor(t, fake, "the awake subscriber", func() bool { return perChat(fake)[1002] == 1 })
	waitDrained(t, st, "tg") // the quiet subscriber's delivery is delayed, not waiting
	if perChat(fake)[1001] != 0 {
		t.Error("a message was pushed during quiet hours")
	}
	if qs, _ := st.QueueStats(ctx, "tg"); qs.Delayed != 1 {
		t.Errorf("queue = %+v, want the quiet subscriber's delivery waiting", qs)
	}
	// An urgent announcement goes through at once, with an audit entry.
	sent, err := d.Announce(ctx, chat.Announcement{Actor: "tg:1", Text: "紧急通知：今晚有暴雨\n请减少外出", Segment: "all", Urgent: true})
	if err != nil || sent.Recipients != 2 || !strings.HasPrefix(sent.ID, "a-") {
		t.Fatalf("Announce = %+v, %v", sent, err)
	}
	waitFor(t, fake, "the urgent announcement", func() bool { return perChat(fake)[1001] == 1 })
	if msg := fake.SentTo(1001)[0]; !strings.Contains(msg.Text, "今晚有暴雨") || !strings.Contains(msg.Text, "请减少外出") {
		t.Errorf("announcement text: %s", msg.Text)
	}
	log, _ := st.AuditLog(ctx, 5)
	if len(log) == 0 || log[0].Action != "broadcast" || log[0].Actor != "tg:1" || log[0].Detail["recipients"] != "2" || log[0].Detail["id"] != sent.ID {
		t.Errorf("audit = %+v", log)
	}
}

func TestRemindOnce(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	ctx := context.Background()
	addSubscribers(t, st, 3)
	b := sample(t, "qingxi-2022-06-08-county-executive.txt")
	st.SaveBulletin(ctx, b)
	d := newDispatcher(st, []chat.Sender{tg}, dispatch.Config{Workers: 2})
	d.Publish(ctx, b)
	run(t, d)
	waitFor(t, fake, "3 messages", func() bool { return len(fake.Sent()) == 3 })
	waitDrained(t, st, "tg") // the deliveries are marked after the sends
	sub, _ := st.Subscriber(ctx, "tg:1001")
	st.MarkRead(ctx, b.ID, sub.Dense, content.ViaLink, b.PublishedAt, time.Now())
	n, err := d.Remind(ctx, "tg:1", b.ID)
	if err != nil || n != 2 {
		t.Fatalf("Remind = %d, %v", n, err)
	}
	waitFor(t, fake, "2 reminders", func() bool { return len(fake.Sent()) == 5 })
	if !strings.Contains(fake.SentTo(1002)[1].Text, "提醒") {
		t.Errorf("reminder text: %s", fake.SentTo(1002)[1].Text)
	}
	if n, _ := d.Remind(ctx, "tg:1", b.ID); n != 0 {
		t.Errorf("second Remind reached %d", n)
	}
}

func TestDigest(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	ctx := context.Background()
	addSubscribers(t, st, 2)
	st.SetDelivery(ctx, "tg:1001", content.ModeDigest, "08:00", "")
	b := sample(t, "qingxi-2022-06-08-county-executive.txt")
	st.SaveBulletin(ctx, b)
	at := b.PublishedAt.Add(8*time.Hour + time.Minute) // 08:01 on the day
	d := newDispatcherAt(st, []chat.Sender{tg}, dispatch.Config{Workers: 2}, func() time.Time { return at })
	d.Publish(ctx, b)
	run(t, d)
	waitFor(t, fake, "the instant subscriber", func() bool { return perChat(fake)[1002] == 1 })
	if perChat(fake)[1001] != 0 {
		t.Fatal("the digest subscriber got an instant push")
	}
	sctx, cancel := context.WithCancel(ctx)
	go d.RunScheduler(sctx, 50*time.Millisecond)
	defer cancel()
	waitFor(t, fake, "the digest", func() bool { return perChat(fake)[1001] == 1 })
	// Kept: a few more scheduler ticks (every 50 ms) would enqueue a second
	// digest if the once-a-day mark failed. Nothing tells when a tick has
	// run; a slow machine runs fewer of them, which can hide a duplicate
	// but never fail a correct build.
	time.Sleep(300 * time.Millisecond)
	waitDrained(t, st, "tg")
	if c := perChat(fake)[1001]; c != 1 {
		t.Errorf("digest sent %d times", c)
	}
	if msg := fake.SentTo(1001)[0].Text; !strings.Contains(msg, "每日摘要") || !strings.Contains(msg, "县政府第十二次常务会议") {
		t.Errorf("digest: %s", msg)
	}
}

// TestPublishAt: a bulletin scheduled for a time reaches nobody before it
// and its subscribers once the scheduler finds it due.
func TestPublishAt(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	ctx := context.Background()
	addSubscribers(t, st, 2)
	b := sample(t, "qingxi-2022-06-08-county-executive.txt")
	st.SaveBulletin(ctx, b)
	var now atomic.Int64
	start := time.Date(2026, 12, 6, 9, 0, 0, 0, content.Shanghai)
	now.Store(start.UnixNano())
	d := newDispatcherAt(st, []chat.Sender{tg}, dispatch.Config{Workers: 2}, func() time.Time { return time.Unix(0, now.Load()) })
	if err := d.PublishAt(ctx, b.ID, start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Not due before its time (the scheduler asks the same question).
	if due, err := st.PopDue(ctx, "publish", start.Add(time.Hour-time.Second)); err != nil || len(due) != 0 {
		t.Fatalf("due before its time: %v %v", due, err)
	}
	run(t, d)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go d.RunScheduler(sctx, 20*time.Millisecond)
	now.Store(start.Add(time.Hour + time.Second).UnixNano())
	waitFor(t, fake, "the scheduled publication", func() bool { return perChat(fake)[1001] == 1 && perChat(fake)[1002] == 1 })
}
