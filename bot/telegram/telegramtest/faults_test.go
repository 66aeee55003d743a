package telegramtest_test

import (
	"testing"
	"time"

	"tongbao/bot/telegram/telegramtest"
)

// send posts a text message to chat as a raw JSON call.
func send(t testing.TB, s *telegramtest.Server, chat int64, extra ...any) reply {
	t.Helper()
	body := map[string]any{"chat_id": chat, "text": "通知"}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	return callJSON(t, s, "sendMessage", body)
}

func TestFaults(t *testing.T) {
	cases := map[string]func(t *testing.T, s *telegramtest.Server){
		"blocked chat": func(t *testing.T, s *telegramtest.Server) {
			s.AddFault(telegramtest.Blocked(6))
			for range 2 {
				send(t, s, 6).wantError(t, 403, "Forbidden: bot was blocked by the user")
			}
			send(t, s, 7).result(t, new(telegramtest.Message))
		},
		"chat not found": func(t *testing.T, s *telegramtest.Server) {
			s.AddFault(telegramtest.ChatNotFound(-5))
			send(t, s, -5).wantError(t, 400, "Bad Request: chat not found")
		},
		"server errors for the next calls of a method": func(t *testing.T, s *telegramtest.Server) {
			s.AddFault(telegramtest.ServerError().For("sendMessage").Times(2))
			callJSON(t, s, "getMe", nil).result(t, new(telegramtest.User))
			send(t, s, 1).wantError(t, 500, "Internal Server Error")
			send(t, s, 1).wantError(t, 500, "Internal Server Error")
			send(t, s, 1).result(t, new(telegramtest.Message))
			if n := len(s.Sent()); n != 1 {
				t.Errorf("recorded %d messages, want 1", n)
			}
		},
		"custom fault": func(t *testing.T, s *telegramtest.Server) {
			s.AddFault(telegramtest.Fault{Code: 502, Description: "Bad Gateway", Count: 1})
			callJSON(t, s, "getMe", nil).wantError(t, 502, "Bad Gateway")
			callJSON(t, s, "getMe", nil).result(t, new(telegramtest.User))
		},
		"slow replies": func(t *testing.T, s *telegramtest.Server) {
			s.AddFault(telegramtest.Slow(200 * time.Millisecond).For("sendMessage").Times(1))
			began := time.Now()
			send(t, s, 1).result(t, new(telegramtest.Message))
			if d := time.Since(began); d < 200*time.Millisecond {
				t.Errorf("slow reply came after %v", d)
			}
		},
		"cleared": func(t *testing.T, s *telegramtest.Server) {
			s.AddFault(telegramtest.ServerError())
			s.ClearFaults()
			send(t, s, 1).result(t, new(telegramtest.Message))
		},
		"429 for one chat": func(t *testing.T, s *telegramtest.Server) {
			s.AddFault(telegramtest.TooManyRequests(1).InChat(9).Times(1))
			r := send(t, s, 9)
			r.wantError(t, 429, "Too Many Requests: retry after 1")
			if r.Parameters == nil || r.Parameters.RetryAfter != 1 {
				t.Errorf("parameters = %+v", r.Parameters)
			}
			send(t, s, 10).result(t, new(telegramtest.Message)) // other chats go on
			send(t, s, 9).wantError(t, 429, "Too Many Requests: retry after 1")
			if v := s.Violations(); len(v) != 1 || v[0].ChatID != 9 || v[0].Scope != 9 || v[0].Method != "sendMessage" {
				t.Errorf("violations = %+v", v)
			}
			// Kept: honour it on the wall clock, as a client must (the
			// fake's flood control has no other clock); waiting longer
			// still honours it.
			time.Sleep(time.Second)
			send(t, s, 9).result(t, new(telegramtest.Message))
			if v := s.Violations(); len(v) != 1 {
				t.Errorf("an honoured 429 counted: %v", v)
			}
			if th := s.Throttled(); len(th) != 2 || th[0].Reason != "fault" || th[1].Reason != "not honoured" {
				t.Errorf("throttled = %+v", th)
			}
		},
		"429 for every chat": func(t *testing.T, s *telegramtest.Server) {
			s.AddFault(telegramtest.TooManyRequests(3).For("sendMessage").Times(1))
			send(t, s, 1).wantError(t, 429, "Too Many Requests: retry after 3")
			// Other methods go on; edits wait too.
			callJSON(t, s, "getMe", nil).result(t, new(telegramtest.User))
			callJSON(t, s, "editMessageText", map[string]any{"chat_id": 2, "message_id": 1, "text": "x"}).
				wantError(t, 429, "Too Many Requests: retry after 3")
			if v := s.Violations(); len(v) != 1 || v[0].Scope != 0 || v[0].Method != "editMessageText" {
				t.Errorf("violations = %+v", v)
			}
		},
		"429 on polling does not hold messages": func(t *testing.T, s *telegramtest.Server) {
			s.AddFault(telegramtest.TooManyRequests(5).For("getUpdates").Times(1))
			callJSON(t, s, "getUpdates", nil).wantError(t, 429, "Too Many Requests: retry after 5")
			send(t, s, 1).result(t, new(telegramtest.Message))
			callJSON(t, s, "getUpdates", nil).wantError(t, 429, "Too Many Requests: retry after 5")
			if v := s.Violations(); len(v) != 1 || v[0].Method != "getUpdates" {
				t.Errorf("violations = %+v", v)
			}
		},
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run(t, start(t, telegramtest.WithInFlightGrace(0)))
		})
	}
}

// Calls that were in flight when a 429 was answered are not violations.
func TestInFlightGrace(t *testing.T) {
	s := start(t, telegramtest.WithInFlightGrace(time.Hour))
	s.AddFault(telegramtest.TooManyRequests(1).Times(1))
	send(t, s, 1).wantError(t, 429, "Too Many Requests: retry after 1")
	send(t, s, 2).wantError(t, 429, "Too Many Requests: retry after 1")
	if v := s.Violations(); len(v) != 0 {
		t.Errorf("violations within the grace: %v", v)
	}
}
