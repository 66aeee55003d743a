package telegram

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/telegram/telegramtest"
)

// TestSendFailures checks how Send classifies what the Bot API answers.
func TestSendFailures(t *testing.T) {
	const chatID = 4001
	tests := map[string]struct {
		fault   telegramtest.Fault
		ctx     time.Duration // a deadline for the call, if set
		failure chat.SendFailure
		after   time.Duration
	}{
		"429":            {fault: telegramtest.TooManyRequests(7).InChat(chatID), failure: chat.FailRateLimited, after: 7 * time.Second},
		"403 blocked":    {fault: telegramtest.Blocked(chatID), failure: chat.FailBlocked},
		"400 not found":  {fault: telegramtest.ChatNotFound(chatID), failure: chat.FailPermanent},
		"500":            {fault: telegramtest.ServerError(), failure: chat.FailRetry},
		"timeout":        {fault: telegramtest.Slow(2 * time.Second), ctx: 100 * time.Millisecond, failure: chat.FailRetry},
		"bad HTML":       {failure: chat.FailPermanent}, // sent below with a broken keyboard
		"network is out": {failure: chat.FailRetry},     // sent to a closed server
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			st := newSetup(t, fixture{noRun: true})
			ctx := timeout(t)
			if tc.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.ctx)
				defer cancel()
			}
			r := chat.Text("通知")
			switch name {
			case "bad HTML":
				// Only a broken renderer sends bad HTML: send it raw.
				err := st.a.call(ctx, retryPolicy{attempts: 1}, "sendMessage", messageParams(chatID, "<b>x", ""), nil)
				assertFailure(t, sendError(err), tc.failure, tc.after)
				return
			case "network is out":
				st.s.Close()
			default:
				st.s.AddFault(tc.fault.For("sendMessage").Times(1))
			}
			_, err := st.a.Send(ctx, strconv.Itoa(chatID), r)
			assertFailure(t, err, tc.failure, tc.after)
			if calls := st.s.Stats().Calls["sendMessage"]; name != "network is out" && calls != 1 {
				t.Errorf("%d sendMessage calls: Send must leave retries to the dispatcher", calls)
			}
			if strings.Contains(err.Error(), st.s.Token()) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}

func assertFailure(t *testing.T, err error, want chat.SendFailure, after time.Duration) {
	t.Helper()
	var se *chat.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a *chat.SendError", err)
	}
	if se.Failure != want || se.RetryAfter != after {
		t.Errorf("failure %s after %s, want %s after %s (%v)", se.Failure, se.RetryAfter, want, after, err)
	}
}

func TestSend(t *testing.T) {
	for name, paid := range map[string]bool{"plain": false, "paid broadcast": true} {
		t.Run(name, func(t *testing.T) {
			st := newSetup(t, fixture{noRun: true, paid: paid})
			long := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockText, Text: strings.Repeat("长", 3000)}, {Kind: chat.BlockText, Text: strings.Repeat("文", 3000)}},
				Buttons: [][]chat.Button{{{Text: "已读", Data: "read:1"}}}}
			id, err := st.a.Send(timeout(t), "-1005001", long)
			if err != nil {
				t.Fatal(err)
			}
			sent := st.s.SentTo(-1005001)
			if len(sent) != 2 || id != strconv.Itoa(sent[1].MessageID) {
				t.Fatalf("Send = %q, sent %d messages", id, len(sent))
			}
			for i, m := range sent {
				if m.PaidBroadcast != paid || m.ParseMode != "HTML" || !m.DisablePreview || (m.Keyboard != nil) != (i == 1) {
					t.Errorf("message %d: paid %v, parse mode %q, preview off %v, keyboard %v", i+1, m.PaidBroadcast, m.ParseMode, m.DisablePreview, m.Keyboard)
				}
			}
		})
	}
}

func TestSendBadInput(t *testing.T) {
	st := newSetup(t, fixture{noRun: true})
	for name, tc := range map[string]struct {
		chat  string
		reply chat.Reply
	}{
		"chat id not a number": {"@someone", chat.Text("x")},
		"chat id zero":         {"0", chat.Text("x")},
		"empty reply":          {"1", chat.Reply{}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := st.a.Send(timeout(t), tc.chat, tc.reply)
			assertFailure(t, err, chat.FailPermanent, 0)
		})
	}
	if n := st.s.Stats().Calls["sendMessage"]; n != 0 {
		t.Errorf("%d sendMessage calls for bad input", n)
	}
}

// TestSendRetriesLaterParts: once the first message of a long reply is
// out, a fault on the next one is retried instead of failing the reply.
func TestSendRetriesLaterParts(t *testing.T) {
	st := newSetup(t, fixture{noRun: true})
	long := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockText, Text: strings.Repeat("长", 3000)}, {Kind: chat.BlockText, Text: strings.Repeat("文", 3000)}}}
	st.s.AddFault(telegramtest.Slow(0).For("sendMessage").Times(1)) // the first passes
	st.s.AddFault(telegramtest.ServerError().For("sendMessage").Times(2))
	if _, err := st.a.Send(timeout(t), "6001", long); err != nil {
		t.Fatal(err)
	}
	if n := len(st.s.SentTo(6001)); n != 2 {
		t.Errorf("%d messages sent, want 2", n)
	}
}

// TestReplyFailures: what happens to a user's request when the reply to it
// fails.
func TestReplyFailures(t *testing.T) {
	tests := map[string]struct {
		faults  []telegramtest.Fault
		replies int      // messages that must arrive
		blocked []string // SetStatus calls
	}{
		"429 waited out":     {faults: []telegramtest.Fault{telegramtest.TooManyRequests(1).InChat(zhang.ID).Times(1)}, replies: 1},
		"5xx retried":        {faults: []telegramtest.Fault{telegramtest.ServerError().Times(3)}, replies: 1},
		"slow answer":        {faults: []telegramtest.Fault{telegramtest.Slow(300 * time.Millisecond).Times(1)}, replies: 1},
		"403 marks blocked":  {faults: []telegramtest.Fault{telegramtest.Blocked(zhang.ID)}, blocked: []string{"tg:1001=blocked"}},
		"400 gives up":       {faults: []telegramtest.Fault{telegramtest.ChatNotFound(zhang.ID)}},
		"5xx beyond retries": {faults: []telegramtest.Fault{telegramtest.ServerError().Times(4)}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := &blocks{}
			done := make(chan struct{}, 1)
			h := &recorder{answer: func(ctx context.Context, in chat.Incoming) []chat.Reply {
				if in.Text == "sentinel" {
					done <- struct{}{}
					return nil
				}
				return echo(ctx, in)
			}}
			st := newSetup(t, fixture{handler: h, blocker: b})
			for _, f := range tc.faults {
				st.s.AddFault(f.For("sendMessage"))
			}
			st.s.SendText(zhang, "最新会议")
			st.s.SendText(zhang, "sentinel") // handled once the reply above is done with
			select {
			case <-done:
			case <-timeout(t).Done():
				t.Fatal("the reply never finished")
			}
			if n := len(st.s.SentTo(zhang.ID)); n != tc.replies {
				t.Errorf("%d replies arrived, want %d", n, tc.replies)
			}
			if got := b.list(); !slices.Equal(got, tc.blocked) {
				t.Errorf("SetStatus calls %q, want %q", got, tc.blocked)
			}
			if v := st.s.Violations(); len(v) > 0 {
				t.Errorf("429 not honoured: %v", v)
			}
		})
	}
}

func TestEdit(t *testing.T) {
	st := newSetup(t, fixture{noRun: true})
	ctx := timeout(t)
	id, err := st.a.Send(ctx, "7001", chat.Text("已发送 0/5,000"))
	if err != nil {
		t.Fatal(err)
	}
	progress := chat.Text("已发送 1,234/5,000").Add(chat.Block{Kind: chat.BlockNote, Text: "<进行中>"})
	progress.Buttons = [][]chat.Button{{{Text: "取消", Data: "cancel:b1"}}}
	if err := st.a.Edit(ctx, "7001", id, progress); err != nil {
		t.Fatal(err)
	}
	if err := st.a.Edit(ctx, "7001", id, progress); err != nil {
		t.Errorf("the same edit again: %v, want nil", err)
	}
	edits := st.s.Edits()
	if len(edits) != 1 || edits[0].Text != "已发送 1,234/5,000\n<i>&lt;进行中&gt;</i>" || len(edits[0].Keyboard) != 1 {
		t.Errorf("edits %+v", edits)
	}
	tests := map[string]struct {
		chat, msg string
		reply     chat.Reply
		failure   chat.SendFailure
	}{
		"too long":        {"7001", id, chat.Text(strings.Repeat("长", 5000)), chat.FailPermanent},
		"bad message id":  {"7001", "x", progress, chat.FailPermanent},
		"unknown message": {"7001", "999", chat.Text("x"), chat.FailPermanent},
		"blocked":         {"7002", "1", chat.Text("x"), chat.FailBlocked},
	}
	st.s.AddFault(telegramtest.Blocked(7002))
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assertFailure(t, st.a.Edit(ctx, tc.chat, tc.msg, tc.reply), tc.failure, 0)
		})
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{Token: "123:abc-DEF_1"}
	tests := map[string]struct {
		edit func(*Config)
		key  string // in the error; "" valid
	}{
		"minimal":            {func(*Config) {}, ""},
		"no token":           {func(c *Config) { c.Token = "" }, "telegram.token"},
		"token malformed":    {func(c *Config) { c.Token = "abc" }, "telegram.token"},
		"api not a URL":      {func(c *Config) { c.APIBase = "api.telegram.org" }, "telegram.api"},
		"api trailing slash": {func(c *Config) { c.APIBase = "https://api.telegram.org/" }, "telegram.api"},
		"webhook":            {func(c *Config) { c.WebhookURL, c.WebhookSecret = "https://x.org/telegram", "abc" }, ""},
		"webhook no secret":  {func(c *Config) { c.WebhookURL = "https://x.org/telegram" }, "telegram.webhook_secret"},
		"webhook bad secret": {func(c *Config) { c.WebhookURL, c.WebhookSecret = "https://x.org/telegram", "a b" }, "telegram.webhook_secret"},
		"webhook bad URL":    {func(c *Config) { c.WebhookURL, c.WebhookSecret = "x.org", "abc" }, "telegram.webhook_url"},
		"bot name with @":    {func(c *Config) { c.BotName = "@TongbaoBot" }, "telegram.bot_name"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			err := c.Validate()
			if tc.key == "" && err != nil || tc.key != "" && (err == nil || !strings.Contains(err.Error(), tc.key)) {
				t.Errorf("Validate() = %v, want an error naming %q", err, tc.key)
			}
			if err != nil && strings.Contains(err.Error(), "abc-DEF_1") {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}

func TestNew(t *testing.T) {
	s := telegramtest.New()
	t.Cleanup(s.Close)
	tests := map[string]struct {
		cfg  Config
		want string // in the error; "" no error
	}{
		"right":         {Config{Token: s.Token(), APIBase: s.URL(), BotName: "tongbaobot"}, ""},
		"wrong bot":     {Config{Token: s.Token(), APIBase: s.URL(), BotName: "OtherBot"}, "@TongbaoBot, not telegram.bot_name @OtherBot"},
		"wrong token":   {Config{Token: "1:wrong", APIBase: s.URL()}, "401"},
		"invalid":       {Config{APIBase: s.URL()}, "telegram.token"},
		"no API server": {Config{Token: "123456789:secretpart", APIBase: "http://127.0.0.1:1"}, "bot<token>/getMe"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := New(timeout(t), tc.cfg, Deps{Handler: &recorder{}, Dedupe: &memDedupe{}, Logger: quiet})
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("New = %v, want an error with %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "secretpart") {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}
