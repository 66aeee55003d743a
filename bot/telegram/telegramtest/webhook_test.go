package telegramtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"tongbao/bot/telegram/telegramtest"
)

// receiver is a webhook endpoint that records the updates POSTed to it and
// fails the first failures of them.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	updates  []telegramtest.Update
	headers  []http.Header
	failures int
	arrived  chan struct{} // closed and replaced on every recorded update; mu guards it
}

func newReceiver(t *testing.T, failures int) *receiver {
	r := &receiver{failures: failures}
	r.arrived = make(chan struct{})
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var u telegramtest.Update
	if err := json.Unmarshal(body, &u); err != nil || req.Method != http.MethodPost ||
		req.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failures > 0 {
		r.failures--
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	r.updates = append(r.updates, u)
	r.headers = append(r.headers, req.Header.Clone())
	close(r.arrived)
	r.arrived = make(chan struct{})
}

// await waits until the receiver has n updates, waking on each one.
func (r *receiver) await(t *testing.T, n int) []telegramtest.Update {
	t.Helper()
	ctx := timeout(t)
	for {
		r.mu.Lock()
		got, arrived := append([]telegramtest.Update(nil), r.updates...), r.arrived
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			t.Fatalf("webhook got %d updates, want %d", len(got), n)
		}
	}
}

func setWebhook(t *testing.T, s *telegramtest.Server, params map[string]any) {
	t.Helper()
	var ok bool
	r := callJSON(t, s, "setWebhook", params)
	r.result(t, &ok)
	if !ok {
		t.Fatal("setWebhook result false")
	}
}

func webhookInfo(t *testing.T, s *telegramtest.Server) map[string]any {
	t.Helper()
	var info map[string]any
	callJSON(t, s, "getWebhookInfo", nil).result(t, &info)
	return info
}

func TestWebhook(t *testing.T) {
	t.Run("secret header and retries", func(t *testing.T) {
		s := start(t, telegramtest.WithWebhookRetry(10*time.Millisecond))
		r := newReceiver(t, 2)
		setWebhook(t, s, map[string]any{"url": r.URL + "/telegram", "secret_token": "abc_DEF-123"})
		u := s.SendText(alice, "搜索 防汛")
		got := r.await(t, 1)
		// The receiver records the update before the server hears its 200.
		await(t, s, "no update pending", func() bool { return s.Pending() == 0 })
		if got[0].UpdateID != u.UpdateID || r.headers[0].Get("X-Telegram-Bot-Api-Secret-Token") != "abc_DEF-123" {
			t.Errorf("got %+v with headers %v", got, r.headers)
		}
		if st := s.Stats(); st.WebhookPosts != 3 || st.WebhookFailures != 2 {
			t.Errorf("stats = %+v", st)
		}
		info := webhookInfo(t, s)
		if info["last_error_message"] != "Wrong response from the webhook: 500 Internal Server Error" ||
			info["pending_update_count"] != 0.0 || info["max_connections"] != 40.0 {
			t.Errorf("info = %v", info)
		}
	})
	t.Run("updates of a chat arrive in order", func(t *testing.T) {
		s := start(t)
		r := newReceiver(t, 0)
		setWebhook(t, s, map[string]any{"url": r.URL, "max_connections": 8})
		for i := range 30 {
			s.SendText(alice, "a")
			s.SendText(wang, "w")
			s.SendGroupText(telegramtest.Chat{ID: -7}, telegramtest.User{ID: int64(i + 10), FirstName: "g"}, "g")
		}
		last := map[int64]int{}
		for _, u := range r.await(t, 90) {
			chat := u.Message.Chat.ID
			if u.Message.MessageID <= last[chat] {
				t.Fatalf("chat %d: message %d after %d", chat, u.Message.MessageID, last[chat])
			}
			last[chat] = u.Message.MessageID
		}
	})
	t.Run("redelivery repeats the update id", func(t *testing.T) {
		s := start(t)
		r := newReceiver(t, 0)
		setWebhook(t, s, map[string]any{"url": r.URL})
		u := s.SendText(alice, "订阅 防汛")
		r.await(t, 1)
		if err := s.Redeliver(u.UpdateID); err != nil {
			t.Fatal(err)
		}
		if got := r.await(t, 2); got[1].UpdateID != u.UpdateID || got[1].Message.Text != "订阅 防汛" {
			t.Errorf("redelivered %+v", got[1])
		}
	})
	t.Run("pending updates move to the webhook", func(t *testing.T) {
		s := start(t)
		s.SendText(alice, "1")
		s.SendText(alice, "2")
		r := newReceiver(t, 0)
		setWebhook(t, s, map[string]any{"url": r.URL})
		if got := r.await(t, 2); got[0].Message.Text != "1" || got[1].Message.Text != "2" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("drop pending updates", func(t *testing.T) {
		s := start(t)
		s.SendText(alice, "old")
		r := newReceiver(t, 0)
		setWebhook(t, s, map[string]any{"url": r.URL, "drop_pending_updates": true})
		s.SendText(alice, "new")
		if got := r.await(t, 1); got[0].Message.Text != "new" {
			t.Errorf("got %+v", got)
		}
		// The receiver records the update before the server hears its 200
		// and forgets it: the queue empties then.
		await(t, s, "no update pending", func() bool { return s.Pending() == 0 })
	})
	t.Run("a failing webhook keeps its updates for polling", func(t *testing.T) {
		s := start(t, telegramtest.WithWebhookRetry(time.Hour))
		r := newReceiver(t, 1)
		setWebhook(t, s, map[string]any{"url": r.URL})
		s.SendText(alice, "kept")
		await(t, s, "a webhook failure", func() bool { return s.Stats().WebhookFailures > 0 })
		if r := callJSON(t, s, "deleteWebhook", nil); !r.OK || r.Description != "Webhook was deleted" {
			t.Errorf("deleteWebhook = %+v", r)
		}
		if r := callJSON(t, s, "deleteWebhook", nil); !r.OK || r.Description != "Webhook is already deleted" {
			t.Errorf("second deleteWebhook = %+v", r)
		}
		if _, ok := s.Webhook(); ok {
			t.Error("webhook still set")
		}
		var got []telegramtest.Update
		callJSON(t, s, "getUpdates", nil).result(t, &got)
		if len(got) != 1 || got[0].Message.Text != "kept" {
			t.Errorf("polled %+v", got)
		}
		if info := webhookInfo(t, s); info["url"] != "" || info["pending_update_count"] != 1.0 {
			t.Errorf("info = %v", info)
		}
	})
	t.Run("bad settings", func(t *testing.T) {
		s := start(t)
		cases := map[string]struct {
			params map[string]any
			desc   string
		}{
			"not a URL":       {map[string]any{"url": "ftp://example.org/x"}, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"},
			"bad secret":      {map[string]any{"url": "https://example.org/x", "secret_token": "a b"}, "Bad Request: secret token contains unallowed characters"},
			"too many conns":  {map[string]any{"url": "https://example.org/x", "max_connections": 101}, "Bad Request: bad webhook: max_connections must be between 1 and 100"},
			"allowed updates": {map[string]any{"url": "https://example.org/x", "allowed_updates": "message"}, "Bad Request: can't parse allowed updates JSON object"},
		}
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				callJSON(t, s, "setWebhook", c.params).wantError(t, 400, c.desc)
			})
		}
	})
}
