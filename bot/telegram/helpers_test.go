package telegram

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/bot/chat"
	"tongbao/bot/telegram/telegramtest"
	"tongbao/content"
	"tongbao/store/redistest"
)

// recorder is a Handler that records what it is given and answers with
// answer (nil: no reply).
type recorder struct {
	mu     sync.Mutex
	got    []chat.Incoming
	answer func(ctx context.Context, in chat.Incoming) []chat.Reply
}

func (r *recorder) Handle(ctx context.Context, in chat.Incoming) []chat.Reply {
	r.mu.Lock()
	r.got = append(r.got, in)
	answer := r.answer
	r.mu.Unlock()
	activity.wake()
	if answer == nil {
		return nil
	}
	return answer(ctx, in)
}

// activity is woken by every message a recorder sees and every log line a
// lockedBuffer takes: what eventually's conditions read.
var activity signal

// signal wakes every waiter at once.
type signal struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed by the next wake.
func (s *signal) wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

func (s *signal) wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

func (r *recorder) seen() []chat.Incoming {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]chat.Incoming(nil), r.got...)
}

// echo answers every message with its text, as a title.
func echo(_ context.Context, in chat.Incoming) []chat.Reply {
	return []chat.Reply{{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: "echo " + in.Text + in.Button}}}}
}

// memDedupe is an in-process Deduper for the tests that are not about
// duplicates.
type memDedupe struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (d *memDedupe) Once(_ context.Context, key string, _ time.Duration) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	first := !d.seen[key]
	d.seen[key] = true
	return first, nil
}

// redisDedupe is the store's Once over a real redis-server: SET NX EX.
type redisDedupe struct{ rdb *redis.Client }

func (d redisDedupe) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return d.rdb.SetNX(ctx, "test:once:"+key, 1, ttl).Result()
}

func newRedisDedupe(t *testing.T) redisDedupe {
	return redisDedupe{redistest.Start(t).Client(t)}
}

// blocks records SetStatus calls.
type blocks struct {
	mu  sync.Mutex
	set []string
}

func (b *blocks) SetStatus(_ context.Context, id string, status content.Status) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.set = append(b.set, id+"="+string(status))
	return nil
}

func (b *blocks) list() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.set...)
}

// fastRetry keeps the tests' retries short; 429s still wait retry_after.
var fastRetry = retryPolicy{attempts: 4, backoff: 10 * time.Millisecond, maxRetryAfter: 5 * time.Second}

// setup is one test's fake Bot API and adapter.
type setup struct {
	s *telegramtest.Server
	a *Adapter
	h *recorder
}

// fixture configures a setup.
type fixture struct {
	handler   *recorder
	dedupe    Deduper
	blocker   Blocker
	webhook   bool // serve a webhook instead of polling
	paid      bool
	limits    Limits // the adapter's flood limits (zero: Telegram's)
	pacer     Pacer  // shared flood control (nil: the process's own)
	noRun     bool   // do not call Run
	log       *slog.Logger
	serverOpt []telegramtest.Option
}

// newSetup starts a fake Bot API and an adapter for it, runs the adapter
// until the test ends, and waits for it to stop.
func newSetup(t *testing.T, f fixture) setup {
	t.Helper()
	s := telegramtest.New(f.serverOpt...)
	t.Cleanup(s.Close)
	if f.handler == nil {
		f.handler = &recorder{answer: echo}
	}
	if f.dedupe == nil {
		f.dedupe = &memDedupe{}
	}
	cfg := Config{Token: s.Token(), APIBase: s.URL(), PaidBroadcast: f.paid, Limits: f.limits}
	mux := http.NewServeMux()
	if f.webhook {
		hook := httptest.NewServer(mux)
		t.Cleanup(hook.Close)
		cfg.WebhookURL, cfg.WebhookSecret = hook.URL+"/telegram", "s3cret-token_1"
	}
	if f.log == nil {
		f.log = quiet
	}
	a, err := New(timeout(t), cfg, Deps{Handler: f.handler, Dedupe: f.dedupe, Blocker: f.blocker, Pacer: f.pacer, Logger: f.log})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	a.retry = fastRetry
	mux.Handle("/telegram", a)
	if !f.noRun {
		run(t, a)
	}
	if f.webhook {
		if err := s.Await(timeout(t), func() bool { _, ok := s.Webhook(); return ok }); err != nil {
			t.Fatalf("webhook not set: %v", err)
		}
	}
	return setup{s, a, f.handler}
}

// run runs the adapter until the test ends and checks that it stops
// cleanly.
func run(t *testing.T, a *Adapter) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not stop within 10s of its context ending")
		}
	})
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// timeout bounds a test's waits.
func timeout(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitSent waits for n messages to a chat and returns them.
func waitSent(t *testing.T, s *telegramtest.Server, chatID int64, n int) []telegramtest.SentMessage {
	t.Helper()
	if err := s.Await(timeout(t), func() bool { return len(s.SentTo(chatID)) >= n }); err != nil {
		t.Fatalf("chat %d got %d messages, want %d: %v", chatID, len(s.SentTo(chatID)), n, err)
	}
	return s.SentTo(chatID)
}

// zhang writes to the bot in Chinese.
var zhang = telegramtest.User{ID: 1001, FirstName: "张", LastName: "三", Username: "zhangsan", LanguageCode: "zh-hans"}
