package telegramtest_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"tongbao/bot/telegram/telegramtest"
)

// sendHonouring sends one message and, on 429, waits retry_after seconds
// and tries again, as a well-behaved client does.
func sendHonouring(t *testing.T, s *telegramtest.Server, chat int64, extra ...any) {
	t.Helper()
	for {
		r := send(t, s, chat, extra...)
		if r.OK {
			return
		}
		if r.ErrorCode != 429 || r.Parameters == nil {
			t.Fatalf("send: %d %s", r.ErrorCode, r.Description)
		}
		// Kept: the fake's flood control runs on the wall clock, and waiting
		// retry_after out is the behaviour under test; a longer wait still
		// honours it, so a slow machine cannot fail this.
		time.Sleep(time.Duration(r.Parameters.RetryAfter) * time.Second)
	}
}

func TestLimits(t *testing.T) {
	cases := map[string]struct {
		limits telegramtest.Limits
		run    func(t *testing.T, s *telegramtest.Server)
	}{
		"a client that ignores retry_after violates": {
			limits: telegramtest.Limits{Global: telegramtest.Rate{Events: 5, Per: time.Second}},
			run: func(t *testing.T, s *telegramtest.Server) {
				ok, tries := 0, 0
				for began := time.Now(); time.Since(began) < 600*time.Millisecond; tries++ {
					if send(t, s, int64(tries+1)).OK {
						ok++
					}
				}
				th := s.Throttled()
				if ok < 5 || len(th) != tries-ok {
					t.Errorf("%d of %d messages passed with %d 429s, want the burst of 5 to pass and 429s for the rest", ok, tries, len(th))
				}
				if len(th) == 0 || th[0].Reason != "global limit" || th[0].Scope != 0 || th[0].RetryAfter != 1 {
					t.Errorf("first 429 = %+v", th)
				}
				if len(s.Violations()) == 0 {
					t.Error("no violations")
				}
			},
		},
		"a client that honours retry_after does not": {
			limits: telegramtest.Limits{Global: telegramtest.Rate{Events: 5, Per: time.Second}},
			run: func(t *testing.T, s *telegramtest.Server) {
				for chat := range int64(12) {
					sendHonouring(t, s, chat+1)
				}
				if n := len(s.Sent()); n != 12 {
					t.Errorf("sent %d, want 12", n)
				}
				if len(s.Throttled()) == 0 {
					t.Error("no 429: the test did not reach the limit")
				}
				if v := s.Violations(); len(v) != 0 {
					t.Errorf("violations: %v", v)
				}
			},
		},
		"one chat gets a short burst then 1/s": {
			run: func(t *testing.T, s *telegramtest.Server) {
				for range 3 {
					send(t, s, 42).result(t, new(telegramtest.Message))
				}
				send(t, s, 42).wantError(t, 429, "Too Many Requests: retry after 1")
				send(t, s, 43).result(t, new(telegramtest.Message))
				if th := s.Throttled(); len(th) != 1 || th[0].Reason != "chat limit" || th[0].Scope != 42 {
					t.Errorf("throttled = %+v", th)
				}
			},
		},
		"groups get 20 a minute": {
			limits: telegramtest.Limits{PerChat: telegramtest.Rate{Events: 100, Per: time.Second}},
			run: func(t *testing.T, s *telegramtest.Server) {
				for range 20 {
					send(t, s, -1001).result(t, new(telegramtest.Message))
				}
				r := send(t, s, -1001)
				if r.OK || r.ErrorCode != 429 || r.Parameters.RetryAfter < 1 || r.Parameters.RetryAfter > 3 {
					t.Errorf("21st message to the group = %+v, want 429 retry after about 3s", r)
				}
				if th := s.Throttled(); len(th) != 1 || th[0].Reason != "group limit" || th[0].Scope != -1001 {
					t.Errorf("throttled = %+v", th)
				}
			},
		},
		"paid broadcasts raise the global limit": {
			limits: telegramtest.Limits{Global: telegramtest.Rate{Events: 2, Per: time.Second}},
			run: func(t *testing.T, s *telegramtest.Server) {
				for chat := range int64(10) {
					send(t, s, chat+1, "allow_paid_broadcast", true).result(t, new(telegramtest.Message))
				}
				send(t, s, 100).result(t, new(telegramtest.Message))
				send(t, s, 101).result(t, new(telegramtest.Message))
				send(t, s, 102).wantError(t, 429, "Too Many Requests: retry after 1")
			},
		},
		"edits count per chat only": {
			limits: telegramtest.Limits{Global: telegramtest.Rate{Events: 1, Per: time.Minute}},
			run: func(t *testing.T, s *telegramtest.Server) {
				var m telegramtest.Message
				send(t, s, 5).result(t, &m)
				for _, text := range []string{"已发送 1/3", "已发送 2/3"} {
					callJSON(t, s, "editMessageText", map[string]any{"chat_id": 5, "message_id": m.MessageID, "text": text}).
						result(t, new(telegramtest.Message))
				}
				callJSON(t, s, "editMessageText", map[string]any{"chat_id": 5, "message_id": m.MessageID, "text": "已发送 3/3"}).
					wantError(t, 429, "Too Many Requests: retry after 1")
			},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c.run(t, start(t, telegramtest.WithLimits(c.limits)))
		})
	}
}

// A sender pacing itself at exactly the documented rate never sees a 429.
func TestLimitsPacedSender(t *testing.T) {
	t.Parallel()
	s := start(t, telegramtest.WithLimits(telegramtest.DefaultLimits()))
	pace := rate.NewLimiter(30, 1)
	ctx := timeout(t)
	for chat := range int64(45) {
		if err := pace.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		send(t, s, chat+1).result(t, new(telegramtest.Message))
	}
	if th := s.Throttled(); len(th) != 0 {
		t.Errorf("throttled a paced sender: %+v", th)
	}
}

func TestWaitSent(t *testing.T) {
	s := start(t)
	go func() {
		for chat := range int64(3) {
			send(t, s, chat+1)
		}
	}()
	sent, err := s.WaitSent(timeout(t), 3)
	if err != nil || len(sent) != 3 {
		t.Fatalf("WaitSent = %d, %v", len(sent), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.WaitSent(ctx, 4); err == nil {
		t.Error("WaitSent(4) returned with 3 sent")
	}
	if err := s.Await(timeout(t), func() bool { return len(s.SentTo(2)) == 1 }); err != nil {
		t.Error(err)
	}
}

func TestStrictLimits(t *testing.T) {
	t.Run("a 31st message within one second is refused", func(t *testing.T) {
		s := telegramtest.New(telegramtest.WithStrictLimits(telegramtest.Limits{}))
		defer s.Close()
		// 30 messages to 30 chats pass however they are spread in the
		// second; the 31st inside the same second does not.
		for chat := range int64(30) {
			if r := send(t, s, chat+1); !r.OK {
				t.Fatalf("message %d: %d %s", chat+1, r.ErrorCode, r.Description)
			}
		}
		r := send(t, s, 31)
		if r.OK || r.ErrorCode != 429 || r.Parameters == nil || r.Parameters.RetryAfter != 1 {
			t.Fatalf("31st message = %+v, want 429 retry after 1", r)
		}
		if th := s.Throttled(); len(th) != 1 || th[0].Reason != "global limit" || th[0].Scope != 0 {
			t.Errorf("429s = %+v", th)
		}
		// Any call while the retry_after runs is a violation, however soon.
		send(t, s, 32)
		if v := s.Violations(); len(v) != 1 || v[0].ChatID != 32 {
			t.Errorf("violations = %v, want the call to chat 32", v)
		}
	})
	t.Run("a second message to a chat within one second is refused", func(t *testing.T) {
		s := telegramtest.New(telegramtest.WithStrictLimits(telegramtest.Limits{}))
		defer s.Close()
		if r := send(t, s, 7); !r.OK {
			t.Fatalf("first: %d %s", r.ErrorCode, r.Description)
		}
		r := send(t, s, 7)
		if r.OK || r.ErrorCode != 429 {
			t.Fatalf("second message to the chat = %+v, want 429", r)
		}
		if th := s.Throttled(); len(th) != 1 || th[0].Reason != "chat limit" || th[0].Scope != 7 {
			t.Errorf("429s = %+v", th)
		}
		if r := send(t, s, 8); !r.OK {
			t.Errorf("another chat: %d %s", r.ErrorCode, r.Description)
		}
	})
	t.Run("a group gets 20 messages a minute", func(t *testing.T) {
		// Per chat 100/s so that only the group's window counts.
		s := telegramtest.New(telegramtest.WithStrictLimits(telegramtest.Limits{PerChat: telegramtest.Rate{Events: 100, Per: time.Second}}))
		defer s.Close()
		for i := range 20 {
			if r := send(t, s, -100); !r.OK {
				t.Fatalf("message %d: %d %s", i+1, r.ErrorCode, r.Description)
			}
		}
		r := send(t, s, -100)
		if r.OK || r.ErrorCode != 429 || r.Parameters.RetryAfter < 59 {
			t.Fatalf("21st group message = %+v, want 429 retry after about a minute", r)
		}
	})
}
