package dispatch_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/content"
)

// TestBroadcastProgressStopsWithTheDispatcher checks that the progress a
// broadcast edits into the admin's preview is in the admin's language and
// stops when Run returns, rather than going on (for up to 30 minutes) after
// the dispatcher and its store.
func TestBroadcastProgressStopsWithTheDispatcher(t *testing.T) {
	for lang, want := range map[string]string{"zh": "已发送 0/1", "en": "Sent 0/1"} {
		t.Run(lang, func(t *testing.T) { testBroadcastProgress(t, lang, want) })
	}
}

func testBroadcastProgress(t *testing.T, lang, want string) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	ctx := context.Background()
	addSubscribers(t, st, 1)
	// 23:30 in Shanghai and the subscriber is quiet 22:00-07:00: the
	// announcement waits, so its progress report keeps polling.
	now := time.Date(2026, 11, 28, 23, 30, 0, 0, content.Shanghai)
	if err := st.SetDelivery(ctx, "tg:1001", content.ModeInstant, "", "22:00-07:00"); err != nil {
		t.Fatal(err)
	}
	preview, err := tg.Send(ctx, "1001", chat.Text("广播预览"))
	if err != nil {
		t.Fatal(err)
	}
	d := newDispatcherAt(st, []chat.Sender{tg}, dispatch.Config{Workers: 1}, func() time.Time { return now })
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { d.Run(runCtx); close(done) }()

	if _, err := d.Announce(ctx, chat.Announcement{Actor: "tg:1", Text: "今晚八点开会", Segment: "all", Lang: lang,
		ReplyTo: chat.Origin{Platform: tg.Platform(), ChatID: "1001", MessageID: preview}}); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := fake.Await(wait, func() bool { return len(fake.Edits()) > 0 }); err != nil {
		t.Fatalf("no progress was edited into the preview: %v", err)
	}
	if e := fake.Edits()[0]; !strings.Contains(e.Text, want) {
		t.Errorf("progress %q, want %s", e.Text, want)
	}

	stop()
	select {
	case <-done:
	case <-wait.Done():
		t.Fatal("Run did not return")
	}
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "reportProgress") {
		t.Errorf("a progress report outlived Run:\n%s", stacks)
	}
}
