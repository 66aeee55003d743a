package telegram

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/telegram/telegramtest"
)

// TestWebhookRequests posts to the webhook endpoint directly: only a
// well-formed update with the right secret reaches the handler.
func TestWebhookRequests(t *testing.T) {
	const update = `{"update_id":7,"message":{"message_id":1,"date":1700000000,"from":{"id":5,"is_bot":false,"first_name":"A"},"chat":{"id":5,"type":"private"},"text":"hi"}}`
	tests := map[string]struct {
		method, secret, body string
		status               int
	}{
		"no secret":      {"POST", "", update, http.StatusUnauthorized},
		"wrong secret":   {"POST", "s3cret-token_2", update, http.StatusUnauthorized},
		"secret prefix":  {"POST", "s3cret", update, http.StatusUnauthorized},
		"secret longer":  {"POST", "s3cret-token_12", update, http.StatusUnauthorized},
		"GET":            {"GET", "s3cret-token_1", "", http.StatusMethodNotAllowed},
		"malformed JSON": {"POST", "s3cret-token_1", `{"update_id":`, http.StatusBadRequest},
		"not an update":  {"POST", "s3cret-token_1", `[1,2]`, http.StatusBadRequest},
		"no update id":   {"POST", "s3cret-token_1", `{"message":{}}`, http.StatusBadRequest},
		"too large":      {"POST", "s3cret-token_1", `{"update_id":8,"x":"` + strings.Repeat("a", 1<<20) + `"}`, http.StatusRequestEntityTooLarge},
		"ignored kind":   {"POST", "s3cret-token_1", `{"update_id":9,"edited_message":{"message_id":1}}`, http.StatusOK},
		"right secret":   {"POST", "s3cret-token_1", update, http.StatusOK},
	}
	h := &recorder{}
	st := newSetup(t, fixture{handler: h, webhook: true})
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "/telegram", strings.NewReader(tc.body))
			if tc.secret != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tc.secret)
			}
			w := httptest.NewRecorder()
			st.a.ServeHTTP(w, req)
			if w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
		})
	}
	st.a.lanes.wait()
	if got := h.seen(); len(got) != 1 || got[0].Text != "hi" || got[0].UserID != "5" {
		t.Errorf("handler saw %+v, want only the update with the right secret", got)
	}
}

// TestWebhookWithoutSecret: an adapter that polls refuses webhook posts.
func TestWebhookWithoutSecret(t *testing.T) {
	h := &recorder{}
	st := newSetup(t, fixture{handler: h, noRun: true})
	req := httptest.NewRequest("POST", "/telegram", strings.NewReader(`{"update_id":1}`))
	w := httptest.NewRecorder()
	st.a.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", w.Code)
	}
}

// TestDuplicateUpdates redelivers updates, as Telegram does after a lost
// answer, and checks each is handled once: by one polling adapter, and by
// two webhook replicas taking turns, deduplicated through Redis.
func TestDuplicateUpdates(t *testing.T) {
	for name, webhook := range map[string]bool{"polling": false, "webhook replicas": true} {
		t.Run(name, func(t *testing.T) {
			h := &recorder{answer: echo}
			dedupe := newRedisDedupe(t)
			st := newSetup(t, fixture{handler: h, dedupe: dedupe, webhook: webhook})
			if webhook {
				// A second replica behind the same URL: the fake's posts
				// alternate between the two.
				second, err := New(timeout(t), st.a.cfg, Deps{Handler: h, Dedupe: dedupe, Logger: quiet})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(second.lanes.wait) // after the balancer closes
				wh, _ := st.s.Webhook()
				var turn atomic.Int64
				lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if turn.Add(1)%2 == 0 {
						second.ServeHTTP(w, r)
						return
					}
					st.a.ServeHTTP(w, r)
				}))
				t.Cleanup(lb.Close)
				setWebhookURL(t, st.s, lb.URL, wh.SecretToken)
			}
			first := st.s.SendText(zhang, "one")
			waitSent(t, st.s, zhang.ID, 1)
			for range 3 {
				if err := st.s.Redeliver(first.UpdateID); err != nil {
					t.Fatal(err)
				}
			}
			// The copies are queued before "two", and a chat's updates are
			// taken in order: once "two" is answered, they were dealt with.
			st.s.SendText(zhang, "two")
			sent := waitSent(t, st.s, zhang.ID, 2)
			var texts []string
			for _, in := range h.seen() {
				texts = append(texts, in.Text)
			}
			if len(texts) != 2 || texts[0] != "one" || texts[1] != "two" || len(sent) != 2 {
				t.Errorf("handled %q and sent %d messages, want [one two] and 2", texts, len(sent))
			}
		})
	}
}

// setWebhookURL points the fake's webhook at url, as Run would.
func setWebhookURL(t *testing.T, s *telegramtest.Server, url, secret string) {
	t.Helper()
	api, err := dialAPI(timeout(t), s.Token(), s.URL(), http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	if err := api.call(timeout(t), "setWebhook", params{"url": url, "secret_token": secret}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestSlowChat: a chat whose handler is stuck holds up only itself, and
// its own messages stay in order.
func TestSlowChat(t *testing.T) {
	for name, webhook := range map[string]bool{"polling": false, "webhook": true} {
		t.Run(name, func(t *testing.T) {
			release := make(chan struct{})
			slow := telegramtest.User{ID: 2001, FirstName: "慢"}
			h := &recorder{answer: func(ctx context.Context, in chat.Incoming) []chat.Reply {
				if in.Text == "slow" {
					select {
					case <-release:
					case <-ctx.Done():
					}
				}
				return echo(ctx, in)
			}}
			st := newSetup(t, fixture{handler: h, webhook: webhook})
			st.s.SendText(slow, "slow")
			st.s.SendText(slow, "after slow")
			for i := range 5 {
				st.s.SendText(telegramtest.User{ID: int64(3000 + i), FirstName: "快"}, "fast")
			}
			for i := range 5 {
				waitSent(t, st.s, int64(3000+i), 1)
			}
			if n := len(st.s.SentTo(slow.ID)); n != 0 {
				t.Fatalf("the slow chat got %d replies before its handler returned", n)
			}
			close(release)
			sent := waitSent(t, st.s, slow.ID, 2)
			if sent[0].Text != "<b>echo slow</b>" || sent[1].Text != "<b>echo after slow</b>" {
				t.Errorf("slow chat got %q then %q", sent[0].Text, sent[1].Text)
			}
		})
	}
}

// TestHandlerPanic: a handler that panics does not take the adapter down,
// and a button press it panicked on is still answered.
func TestHandlerPanic(t *testing.T) {
	h := &recorder{answer: func(ctx context.Context, in chat.Incoming) []chat.Reply {
		switch {
		case in.Text == "boom" || in.Button != "":
			panic("boom")
		case in.Text == "card":
			return card(ctx, in)
		}
		return echo(ctx, in)
	}}
	st := newSetup(t, fixture{handler: h})
	st.s.SendText(zhang, "boom")
	st.s.SendText(zhang, "card")
	m := waitSent(t, st.s, zhang.ID, 1)[0]
	if _, err := st.s.PressButton(zhang, zhang.ID, m.MessageID, "full:42"); err != nil {
		t.Fatal(err)
	}
	st.s.SendText(zhang, "still here")
	if sent := waitSent(t, st.s, zhang.ID, 2); sent[1].Text != "<b>echo still here</b>" {
		t.Errorf("sent %q", sent[1].Text)
	}
	if n := len(st.s.CallbackAnswers()); n != 1 {
		t.Errorf("%d presses answered, want 1", n)
	}
}

// TestLogsHideToken runs into failures with a debug logger and checks the
// token never shows in the log.
func TestLogsHideToken(t *testing.T) {
	w := &logWatch{want: "call failed", seen: make(chan struct{})}
	st := newSetup(t, fixture{log: slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	st.s.AddFault(telegramtest.ServerError().For("sendMessage").Times(1))
	st.s.SendText(zhang, "hi")
	waitSent(t, st.s, zhang.ID, 1)
	st.s.Close() // polling now fails with connection errors, which name the URL
	select {
	case <-w.seen:
	case <-timeout(t).Done():
		t.Fatal("no failed poll logged")
	}
	log := w.String()
	if strings.Contains(log, st.s.Token()) || strings.Contains(log, strings.SplitN(st.s.Token(), ":", 2)[1]) {
		t.Errorf("the log shows the token:\n%s", log)
	}
	if !strings.Contains(log, "bot<token>/getUpdates") || !strings.Contains(log, "bot=@TongbaoBot") {
		t.Errorf("log without the redacted URL or the bot's name:\n%s", log)
	}
}

// logWatch is a log destination that closes seen when want is written.
type logWatch struct {
	mu   sync.Mutex
	b    strings.Builder
	want string
	seen chan struct{}
	once sync.Once
}

func (w *logWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if strings.Contains(string(p), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func (w *logWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestPollingWaitsOutFaults: a 429 and 5xx on getUpdates are waited out,
// honouring retry_after.
func TestPollingWaitsOutFaults(t *testing.T) {
	st := newSetup(t, fixture{noRun: true})
	st.s.AddFault(telegramtest.TooManyRequests(1).For("getUpdates").Times(1))
	st.s.AddFault(telegramtest.ServerError().For("getUpdates").Times(2))
	st.s.SendText(zhang, "hello")
	began := time.Now()
	run(t, st.a)
	waitSent(t, st.s, zhang.ID, 1)
	if v := st.s.Violations(); len(v) > 0 {
		t.Errorf("429 not honoured: %v", v)
	}
	if d := time.Since(began); d < time.Second {
		t.Errorf("answered after %s, before retry_after (1s) passed", d)
	}
}
