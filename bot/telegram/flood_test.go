package telegram

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/bot/telegram/telegramtest"
	"tongbao/store"
	"tongbao/store/redistest"
)

// sharedPacer is the store's flood control over a real redis-server, as
// every replica shares it.
func sharedPacer(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{URL: redistest.Start(t).URL()}, store.Deps{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// strict is a fake Bot API that answers 429 past Telegram's limits counted
// in sliding windows and counts every call during a retry_after.
func strict() []telegramtest.Option {
	return []telegramtest.Option{telegramtest.WithStrictLimits(telegramtest.Limits{})}
}

// awaitLong bounds a wait the flood limits make long: n messages at
// 27.6/s, with room for a loaded machine.
func awaitLong(t *testing.T, s *telegramtest.Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := s.Await(ctx, cond); err != nil {
		t.Fatalf("%s: %v (%d sent, %d 429s, %d violations)", what, err, len(s.Sent()), len(s.Throttled()), len(s.Violations()))
	}
}

// eventually waits until cond, which reads recorders and lockedBuffers
// (the fake's records do not wake it), holds, re-checking on each of their
// events. The deadline only stops a broken test.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		woken := activity.wait()
		if cond() {
			return
		}
		select {
		case <-woken:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// users are n people writing to the bot, chats 5001….
func users(n int) []telegramtest.User {
	out := make([]telegramtest.User, n)
	for i := range out {
		out[i] = telegramtest.User{ID: int64(5001 + i), FirstName: fmt.Sprint("用户", i), LanguageCode: "zh-hans"}
	}
	return out
}

// repliedChats counts the chats that got a message.
func repliedChats(s *telegramtest.Server) int {
	chats := map[int64]bool{}
	for _, m := range s.Sent() {
		chats[m.ChatID] = true
	}
	return len(chats)
}

func TestStartBurstWithinLimits(t *testing.T) {
	counts := []int{40, 1000}
	if testing.Short() {
		counts = counts[:1] // 1,000 replies take 36s at 27.6/s
	}
	for _, n := range counts {
		t.Run(fmt.Sprint(n, " people"), func(t *testing.T) {
			st := newSetup(t, fixture{serverOpt: strict(), pacer: sharedPacer(t)})
			for _, u := range users(n) {
				st.s.SendText(u, "/start")
			}
			awaitLong(t, st.s, fmt.Sprint(n, " replies"), func() bool { return len(st.s.Sent()) >= n })
			if got := repliedChats(st.s); got != n {
				t.Errorf("%d chats got a reply, want %d", got, n)
			}
			st.s.CheckPaced(t)
		})
	}
}

func TestOneChatFloodingIsPaced(t *testing.T) {
	var logs lockedBuffer
	h := &recorder{answer: echo}
	st := newSetup(t, fixture{handler: h, serverOpt: strict(), pacer: sharedPacer(t), log: slog.New(slog.NewTextHandler(&logs, nil))})
	st.a.replyTTL = 3 * time.Second // the replies after the first few expire sooner
	for i := range 1000 {
		st.s.SendText(zhang, fmt.Sprint("第", i, "条"))
	}
	// The replies that expire are dropped at once: the chat's line drains
	// and the log says why.
	eventually(t, "1,000 messages handled, the expired replies dropped", func() bool {
		return len(h.seen()) == 1000 && strings.Count(logs.String(), "reply dropped") >= 900
	})
	sent := st.s.SentTo(zhang.ID)
	if len(sent) < 2 {
		t.Fatalf("%d replies, want the first few", len(sent))
	}
	for i := 1; i < len(sent); i++ {
		if gap := sent[i].At.Sub(sent[i-1].At); gap < time.Second {
			t.Errorf("replies %d and %d to one chat %v apart", i, i+1, gap)
		}
	}
	st.s.CheckPaced(t)
}

func TestReplyRetriedAfter429(t *testing.T) {
	st := newSetup(t, fixture{serverOpt: strict(), pacer: sharedPacer(t)})
	st.s.AddFault(telegramtest.TooManyRequests(1).For("sendMessage").Times(1))
	st.s.SendText(zhang, "/start")
	sent := waitSent(t, st.s, zhang.ID, 1)
	th := st.s.Throttled()
	if len(th) != 1 {
		t.Fatalf("429s = %+v, want the injected one", th)
	}
	if wait := sent[0].At.Sub(th[0].At); wait < time.Second {
		t.Errorf("reply sent %v after a 429 asking for 1s", wait)
	}
	if v := st.s.Violations(); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
}

func TestRepliesGoBeforePushes(t *testing.T) {
	st := newSetup(t, fixture{serverOpt: strict(), pacer: sharedPacer(t)})
	const pushes = 30
	var wg sync.WaitGroup
	for i := range pushes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			push(t, st.a, fmt.Sprint(9001+i))
		}()
	}
	if err := st.s.Await(timeout(t), func() bool { return len(st.s.Sent()) >= 1 }); err != nil {
		t.Fatal(err)
	}
	people := users(5)
	for _, u := range people {
		st.s.SendText(u, "/start")
	}
	awaitLong(t, st.s, "the pushes and replies", func() bool { return len(st.s.Sent()) >= pushes+len(people) })
	wg.Wait()
	sent := st.s.Sent()
	lastReply := 0
	for i, m := range sent {
		if m.ChatID >= 5001 && m.ChatID < 5001+int64(len(people)) {
			lastReply = i
		}
	}
	if lastReply >= pushes+len(people)-10 {
		t.Errorf("the last reply was message %d of %d: replies waited behind pushes that came first", lastReply+1, len(sent))
	}
	st.s.CheckPaced(t)
}

func TestTwoReplicasShareTheLimits(t *testing.T) {
	pacer := sharedPacer(t)
	fake := telegramtest.New(strict()...)
	t.Cleanup(fake.Close)
	var adapters []*Adapter
	for range 2 {
		a, err := New(timeout(t), Config{Token: fake.Token(), APIBase: fake.URL()}, Deps{Handler: &recorder{}, Dedupe: &memDedupe{}, Logger: quiet, Pacer: pacer})
		if err != nil {
			t.Fatal(err)
		}
		adapters = append(adapters, a)
	}
	const n = 120
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			push(t, adapters[i%2], fmt.Sprint(7001+i))
		}()
	}
	wg.Wait()
	if got := len(fake.Sent()); got != n {
		t.Errorf("%d messages, want %d", got, n)
	}
	fake.CheckPaced(t)
}

// push sends a push as the dispatcher does: held back by flood control,
// it is tried again after the wait the adapter gave.
func push(t *testing.T, a *Adapter, chatID string) {
	for {
		_, err := a.Send(context.Background(), chatID, chat.Text("通报"))
		if err == nil {
			return
		}
		f, after := chat.ClassifySend(err)
		if f != chat.FailRateLimited {
			t.Errorf("push to %s: %v", chatID, err)
			return
		}
		// Kept: waiting out retry_after on the wall clock is what honouring
		// it means to the fake's flood control; a longer wait still honours it.
		time.Sleep(after) // the dispatcher's delayed queue
	}
}

// lockedBuffer is a log destination safe for concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	defer activity.wake()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestHugeReplyCostsAtMostFiveMessages(t *testing.T) {
	st := newSetup(t, fixture{serverOpt: strict(), pacer: sharedPacer(t)})
	st.s.SendText(zhang, "搜索"+strings.Repeat("防汛 ", 50000))
	sent := waitSent(t, st.s, zhang.ID, maxParts)
	if !strings.HasSuffix(sent[len(sent)-1].PlainText, msg.Say("zh", "reply.cut")) {
		t.Errorf("the last message does not say the rest is left out: …%q", reverse(prefix(reverse(sent[len(sent)-1].PlainText))))
	}
	// Telegram refused none (each within 4,096, valid HTML), and the chat
	// got them one a second.
	if got := st.s.Stats().Errors; len(got) > 0 {
		t.Errorf("errors answered: %v", got)
	}
	st.s.CheckPaced(t)
}

func TestA429OnAnEditPausesItsChatOnly(t *testing.T) {
	st := newSetup(t, fixture{noRun: true, serverOpt: strict(), pacer: sharedPacer(t)})
	ctx := timeout(t)
	id, err := st.a.Send(ctx, "7001", chat.Text("已发送 0/10"))
	if err != nil {
		t.Fatal(err)
	}
	// Edits count for their chat only: Telegram's 429 on one is that chat's.
	st.s.AddFault(telegramtest.TooManyRequests(3).For("editMessageText").InChat(7001).Times(1))
	err = st.a.Edit(ctx, "7001", id, chat.Text("已发送 5/10"))
	if f, after := chat.ClassifySend(err); f != chat.FailRateLimited || after != 3*time.Second {
		t.Fatalf("Edit = %v, want held back 3s", err)
	}
	// Another chat is not held back; the paused one is, past the pause.
	if _, err := st.a.Send(ctx, "7002", chat.Text("通报")); err != nil {
		t.Errorf("another chat during the pause: %v", err)
	}
	_, err = st.a.Send(ctx, "7001", chat.Text("通报"))
	if f, after := chat.ClassifySend(err); f != chat.FailRateLimited || after < 2*time.Second {
		t.Errorf("the paused chat = %v, want held back until the pause ends", err)
	}
	noViolations := st.s.Violations()
	if len(noViolations) > 0 {
		t.Errorf("violations: %v", noViolations)
	}
}
