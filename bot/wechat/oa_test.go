package wechat

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/wechat/wechattest"
)

func TestOAPassiveReply(t *testing.T) {
	want := renderText(latestMeeting)
	if !strings.Contains(want, `<a href="https://tongbao.example/r/abc?x=1&y=2">全文</a>`) {
		t.Fatalf("rendered text lacks the link: %q", want)
	}
	for _, mode := range []wechattest.Mode{wechattest.Plain, wechattest.Compatible, wechattest.Safe} {
		t.Run(mode.String(), func(t *testing.T) {
			f := newFixture(t, wechattest.Options{}, nil)
			cfg := f.oaConfig()
			if mode == wechattest.Plain {
				cfg.EncodingAESKey = ""
			}
			c := f.startOA(t, cfg)
			c.Mode = mode
			reply, err := c.SendText(testOpenID, "最新会议", 1001)
			if err != nil {
				t.Fatal(err)
			}
			if reply.Empty || reply.MsgType != "text" || reply.Content != want {
				t.Fatalf("passive reply %s %q (empty %v), want text %q", reply.MsgType, reply.Content, reply.Empty, want)
			}
			if reply.Encrypted != (mode != wechattest.Plain) {
				t.Errorf("reply encrypted = %v in %s mode", reply.Encrypted, mode)
			}
			got := f.handler.calls()
			if len(got) != 1 {
				t.Fatalf("handler called %d times, want 1", len(got))
			}
			in := got[0]
			if in.Platform != chat.WeChat || in.UserID != testOpenID || in.ChatID != testOpenID || in.Text != "最新会议" || in.MessageID != "1001" || in.Time.IsZero() {
				t.Errorf("incoming = %+v", in)
			}
		})
	}
}

func TestOACardReply(t *testing.T) {
	card := chat.Reply{
		Blocks: []chat.Block{{Kind: chat.BlockText, Text: strings.Repeat("长", 1000)}},
		Card:   &chat.Card{Title: "兰溪市委常委会", Description: "会议强调……", URL: "https://tongbao.example/r/abc", ImageURL: "https://tongbao.example/i/1.jpg"},
	}
	f := newFixture(t, wechattest.Options{}, &fakeHandler{answer: func(chat.Incoming) []chat.Reply { return []chat.Reply{card} }})
	c := f.startOA(t, f.oaConfig())
	c.Mode = wechattest.Safe
	reply, err := c.SendText(testOpenID, "最新会议", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := wechattest.Article{Title: card.Card.Title, Description: card.Card.Description, URL: card.Card.URL, PicURL: card.Card.ImageURL}
	if reply.MsgType != "news" || len(reply.Articles) != 1 || reply.Articles[0] != want {
		t.Fatalf("passive reply %s %+v, want one news article %+v", reply.MsgType, reply.Articles, want)
	}
}

func TestOALongAnswerFollowsAsMessages(t *testing.T) {
	para := strings.Repeat("会议强调要全力推进招大引强。", 30) // 1,260 bytes
	long := chat.Text(para).Add(chat.Block{Kind: chat.BlockText, Text: para}, chat.Block{Kind: chat.BlockText, Text: para}, chat.Block{Kind: chat.BlockText, Text: para})
	second := chat.Text("第二条回复")
	f := newFixture(t, wechattest.Options{}, &fakeHandler{answer: func(chat.Incoming) []chat.Reply { return []chat.Reply{long, second} }})
	c := f.startOA(t, f.oaConfig())
	reply, err := c.SendText(testOpenID, "最新会议", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reply.Empty {
		t.Fatalf("two replies answered passively: %s %q", reply.MsgType, reply.Content)
	}
	want := append(splitText(renderText(long), maxText), "第二条回复")
	if len(want) < 3 {
		t.Fatalf("the long reply was not split: %d parts", len(want))
	}
	msgs, err := wechattest.WaitFor(waitCtx(t), f.api, f.api.CustomMessages, len(want))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range msgs {
		if m.ToUser != testOpenID || m.MsgType != "text" || len(m.Content) > maxText {
			t.Errorf("message to %s %s of %d bytes", m.ToUser, m.MsgType, len(m.Content))
		}
		texts = append(texts, m.Content)
	}
	if !slices.Equal(texts, want) {
		t.Errorf("messages %q\nwant %q", texts, want)
	}
}

func TestOASlowAnswerBecomesCustomerMessage(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, &fakeHandler{delay: 300 * time.Millisecond})
	cfg := f.oaConfig()
	cfg.ReplyBudget = 50 * time.Millisecond
	c := f.startOA(t, cfg)
	c.Mode = wechattest.Safe
	reply, err := c.SendText(testOpenID, "最新会议", 7)
	if err != nil {
		t.Fatal(err)
	}
	if !reply.Empty {
		t.Fatalf("slow answer given passively: %s %q", reply.MsgType, reply.Content)
	}
	msgs, err := wechattest.WaitFor(waitCtx(t), f.api, f.api.CustomMessages, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m := msgs[0]; m.ToUser != testOpenID || m.MsgType != "text" || m.Content != renderText(latestMeeting) {
		t.Errorf("customer message %+v", m)
	}
}

func TestOARetriedMsgIDAnsweredOnce(t *testing.T) {
	t.Run("answered passively", func(t *testing.T) {
		f := newFixture(t, wechattest.Options{}, nil)
		c := f.startOA(t, f.oaConfig())
		first, err := c.SendText(testOpenID, "最新会议", 42)
		if err != nil {
			t.Fatal(err)
		}
		retry, err := c.SendText(testOpenID, "最新会议", 42)
		if err != nil {
			t.Fatal(err)
		}
		if first.Empty || !retry.Empty || string(retry.Body) != "success" {
			t.Errorf("first empty %v, retry empty %v: want an answer, then success", first.Empty, retry.Empty)
		}
		if n := len(f.handler.calls()); n != 1 {
			t.Errorf("handler called %d times, want 1", n)
		}
	})
	t.Run("retries while slow", func(t *testing.T) {
		f := newFixture(t, wechattest.Options{}, &fakeHandler{delay: 300 * time.Millisecond})
		cfg := f.oaConfig()
		cfg.ReplyBudget = 20 * time.Millisecond
		c := f.startOA(t, cfg)
		var wg sync.WaitGroup
		for range 3 { // the platform's retries, racing
			wg.Go(func() {
				if reply, err := c.SendText(testOpenID, "最新会议", 43); err != nil || !reply.Empty {
					t.Errorf("attempt: reply %+v, err %v; want success", reply, err)
				}
			})
		}
		wg.Wait()
		if _, err := wechattest.WaitFor(waitCtx(t), f.api, f.api.CustomMessages, 1); err != nil {
			t.Fatal(err)
		}
		shutdown(t, f.oa.Shutdown)
		if n := len(f.api.CustomMessages()); n != 1 {
			t.Errorf("%d customer messages, want 1", n)
		}
		if n := len(f.handler.calls()); n != 1 {
			t.Errorf("handler called %d times, want 1", n)
		}
	})
}

func TestOARefusesForgedRequests(t *testing.T) {
	cases := []struct {
		mode    wechattest.Mode
		forgery wechattest.Forgery
		status  int
	}{
		{wechattest.Plain, 0, http.StatusForbidden}, // unencrypted under require_encryption
		{wechattest.Plain, wechattest.ForgeSignature, http.StatusForbidden},
		{wechattest.Safe, wechattest.ForgeSignature, http.StatusForbidden},
		{wechattest.Safe, wechattest.ForgeMsgSignature, http.StatusForbidden},
		{wechattest.Compatible, wechattest.ForgeMsgSignature, http.StatusForbidden},
		{wechattest.Safe, wechattest.ForgeReceiver, http.StatusBadRequest},
		{wechattest.Safe, wechattest.ForgeCiphertext, http.StatusBadRequest},
		{wechattest.Plain, wechattest.ForgeGarbage, http.StatusBadRequest},
		{wechattest.Safe, wechattest.ForgeGarbage, http.StatusBadRequest},
		{wechattest.Plain, wechattest.ForgeOversized, http.StatusRequestEntityTooLarge},
		{wechattest.Safe, wechattest.ForgeOversized, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range cases {
		name := tc.mode.String() + " " + tc.forgery.String()
		if tc.forgery == 0 {
			name = "plain under require_encryption"
		}
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, wechattest.Options{}, nil)
			cfg := f.oaConfig()
			if tc.mode == wechattest.Plain && tc.forgery != 0 {
				cfg.EncodingAESKey = ""
			}
			cfg.RequireEncryption = tc.forgery == 0
			c := f.startOA(t, cfg)
			c.Mode = tc.mode
			forged := c
			if tc.forgery != 0 {
				forged = c.Forged(tc.forgery)
			}
			sends := []func() (*wechattest.Reply, error){
				func() (*wechattest.Reply, error) { return forged.SendText(testOpenID, "最新会议", 9) },
			}
			if tc.forgery != wechattest.ForgeOversized { // the fake pads text content only
				sends = append(sends, func() (*wechattest.Reply, error) { return forged.SendEvent(testOpenID, "subscribe", "") })
			}
			for _, send := range sends {
				_, err := send()
				var se *wechattest.StatusError
				if !errors.As(err, &se) || se.Code != tc.status {
					t.Fatalf("got %v, want HTTP %d", err, tc.status)
				}
			}
			if got := f.handler.calls(); len(got) != 0 {
				t.Errorf("handler reached: %+v", got)
			}
			if sub, _ := f.events.lists(); len(sub) != 0 {
				t.Errorf("events reached: %v", sub)
			}
			if keys := f.keys(t); len(keys) != 0 {
				t.Errorf("redis written: %v", keys)
			}
		})
	}
}

func TestOAVerify(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	c := f.startOA(t, f.oaConfig())
	if err := c.Verify(); err != nil {
		t.Fatal(err)
	}
	var se *wechattest.StatusError
	if err := c.Forged(wechattest.ForgeSignature).Verify(); !errors.As(err, &se) || se.Code != http.StatusForbidden {
		t.Errorf("forged verification: %v, want HTTP 403", err)
	}
}

func TestOAFollowAndUnfollow(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	c := f.startOA(t, f.oaConfig())
	c.Mode = wechattest.Safe
	welcome, err := c.SendEvent(testOpenID, "subscribe", "")
	if err != nil {
		t.Fatal(err)
	}
	if welcome.MsgType != "text" || !strings.HasPrefix(welcome.Content, "欢迎关注") {
		t.Errorf("welcome %s %q", welcome.MsgType, welcome.Content)
	}
	if calls := f.handler.calls(); len(calls) != 1 || calls[0].Text != "/start" {
		t.Errorf("handler got %+v, want one /start", calls)
	}
	bye, err := c.SendEvent(testOpenID, "unsubscribe", "")
	if err != nil {
		t.Fatal(err)
	}
	if !bye.Empty {
		t.Errorf("unsubscribe answered %q", bye.Content)
	}
	sub, unsub := f.events.lists()
	id := chat.SubscriberID(chat.WeChat, testOpenID)
	if !slices.Equal(sub, []string{id}) || !slices.Equal(unsub, []string{id}) {
		t.Errorf("subscribed %v, unsubscribed %v; want [%s] each", sub, unsub, id)
	}
	if n := len(f.handler.calls()); n != 1 {
		t.Errorf("unsubscribe reached the handler")
	}
}

func TestOAEventNotRecordedIsRetried(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	f.events.err = errors.New("redis down")
	c := f.startOA(t, f.oaConfig())
	for _, event := range []string{"subscribe", "unsubscribe"} {
		_, err := c.SendEvent(testOpenID, event, "")
		var se *wechattest.StatusError
		if !errors.As(err, &se) || se.Code != http.StatusInternalServerError {
			t.Errorf("%s with failing Events: %v, want HTTP 500", event, err)
		}
	}
	if n := len(f.handler.calls()); n != 0 {
		t.Errorf("handler called %d times", n)
	}
}

func TestOAMenuEvents(t *testing.T) {
	cases := []struct {
		event, key string
		text       string // "" means the handler is not called
	}{
		{"CLICK", KeyLatestMeeting, "最新会议"},
		{"CLICK", KeyLatest, "最新通报"},
		{"CLICK", KeyMySubs, "我的订阅"},
		{"CLICK", KeyHelp, "帮助"},
		{"CLICK", KeyTopics, "主题"},
		{"CLICK", KeySearchHint, "搜索"},
		{"CLICK", "NO_SUCH_KEY", ""},
		{"VIEW", "https://tongbao.example/", ""},
	}
	for _, tc := range cases {
		t.Run(tc.event+" "+tc.key, func(t *testing.T) {
			f := newFixture(t, wechattest.Options{}, nil)
			c := f.startOA(t, f.oaConfig())
			reply, err := c.SendEvent(testOpenID, tc.event, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			calls := f.handler.calls()
			if tc.text == "" {
				if len(calls) != 0 || !reply.Empty {
					t.Errorf("handler got %+v, reply %q; want nothing", calls, reply.Content)
				}
				return
			}
			if len(calls) != 1 || calls[0].Text != tc.text {
				t.Fatalf("handler got %+v, want %q", calls, tc.text)
			}
			if reply.Content != renderText(latestMeeting) {
				t.Errorf("reply %q", reply.Content)
			}
		})
	}
}
