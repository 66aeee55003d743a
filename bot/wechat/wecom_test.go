package wechat

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/wechat/wechattest"
)

func TestWeComVerify(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	c := f.startWeCom(t, f.wecomConfig())
	if err := c.Verify(); err != nil {
		t.Fatal(err)
	}
	for forgery, status := range map[wechattest.Forgery]int{
		wechattest.ForgeSignature:  http.StatusForbidden,
		wechattest.ForgeReceiver:   http.StatusBadRequest,
		wechattest.ForgeCiphertext: http.StatusBadRequest,
	} {
		var se *wechattest.StatusError
		if err := c.Forged(forgery).Verify(); !errors.As(err, &se) || se.Code != status {
			t.Errorf("%s: %v, want HTTP %d", forgery, err, status)
		}
	}
}

func TestWeComPassiveReply(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	c := f.startWeCom(t, f.wecomConfig())
	reply, err := c.SendText(testUserID, "最新会议", 5001)
	if err != nil {
		t.Fatal(err)
	}
	if !reply.Encrypted || reply.MsgType != "text" || reply.Content != renderText(latestMeeting) {
		t.Fatalf("reply %+v", reply)
	}
	calls := f.handler.calls()
	if len(calls) != 1 || calls[0].Platform != chat.WeCom || calls[0].UserID != testUserID || calls[0].Text != "最新会议" {
		t.Errorf("handler got %+v", calls)
	}
	retry, err := c.SendText(testUserID, "最新会议", 5001)
	if err != nil || !retry.Empty || len(retry.Body) != 0 {
		t.Errorf("retried MsgId: %+v, %v; want an empty answer", retry, err)
	}
	click, err := c.SendEvent(testUserID, "click", KeyLatest)
	if err != nil {
		t.Fatal(err)
	}
	if calls := f.handler.calls(); len(calls) != 2 || calls[1].Text != "最新通报" || click.Empty {
		t.Errorf("click: handler got %+v, reply %+v", calls, click)
	}
}

func TestWeComRefusesForgedRequests(t *testing.T) {
	cases := map[wechattest.Forgery]int{
		wechattest.ForgeSignature:  http.StatusForbidden,
		wechattest.ForgeReceiver:   http.StatusBadRequest,
		wechattest.ForgeCiphertext: http.StatusBadRequest,
		wechattest.ForgeGarbage:    http.StatusBadRequest,
		wechattest.ForgeOversized:  http.StatusRequestEntityTooLarge,
	}
	for forgery, status := range cases {
		t.Run(forgery.String(), func(t *testing.T) {
			f := newFixture(t, wechattest.Options{}, nil)
			c := f.startWeCom(t, f.wecomConfig())
			_, err := c.Forged(forgery).SendText(testUserID, "最新会议", 1)
			var se *wechattest.StatusError
			if !errors.As(err, &se) || se.Code != status {
				t.Fatalf("got %v, want HTTP %d", err, status)
			}
			if calls := f.handler.calls(); len(calls) != 0 {
				t.Errorf("handler reached: %+v", calls)
			}
			if keys := f.keys(t); len(keys) != 0 {
				t.Errorf("redis written: %v", keys)
			}
		})
	}
}

func TestWeComSlowAnswerBecomesAppMessage(t *testing.T) {
	f := newFixture(t, wechattest.Options{WeComLimits: true}, &fakeHandler{delay: 200 * time.Millisecond})
	cfg := f.wecomConfig()
	cfg.ReplyBudget = 30 * time.Millisecond
	c := f.startWeCom(t, cfg)
	reply, err := c.SendText(testUserID, "最新会议", 9)
	if err != nil || !reply.Empty {
		t.Fatalf("reply %+v, %v; want success", reply, err)
	}
	msgs, err := wechattest.WaitFor(waitCtx(t), f.api, f.api.WeComMessages, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m := msgs[0]; m.MsgType != "text" || m.Content != renderText(latestMeeting) || len(m.Delivered) != 1 || m.Delivered[0] != testUserID {
		t.Errorf("app message %+v", m)
	}
}

func TestWeComSend(t *testing.T) {
	f := newFixture(t, wechattest.Options{WeComLimits: true}, nil)
	f.startWeCom(t, f.wecomConfig())
	ctx := context.Background()
	id, err := f.wecom.Send(ctx, testUserID, latestMeeting)
	if err != nil || id == "" {
		t.Fatalf("text: %q, %v", id, err)
	}
	if _, err := f.wecom.Send(ctx, testUserID, bulletinCard); err != nil {
		t.Fatalf("card: %v", err)
	}
	got := f.api.WeComMessages()
	if len(got) != 2 {
		t.Fatalf("%d messages, want 2", len(got))
	}
	if m := got[0]; m.MsgType != "text" || m.Content != renderText(latestMeeting) || m.AgentID != wechattest.DefaultAgentID || m.MsgID != id {
		t.Errorf("text message %+v", m)
	}
	card := wechattest.TextCard{Title: bulletinCard.Card.Title, Description: bulletinCard.Card.Description, URL: bulletinCard.Card.URL, BtnTxt: "详情"}
	if m := got[1]; m.MsgType != "textcard" || m.TextCard == nil || *m.TextCard != card {
		t.Errorf("textcard message %+v", m)
	}
	f.api.ExpireTokens()
	if _, err := f.wecom.Send(ctx, testUserID, chat.Text("令牌过期后")); err != nil {
		t.Fatalf("after 40014: %v", err)
	}
	if n := f.api.Count("/cgi-bin/gettoken"); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
	f.api.InjectFault(wechattest.Fault{OpenID: "gone", ErrCode: wechattest.CodeAllRecipientInvalid})
	_, err = f.wecom.Send(ctx, "gone", latestMeeting)
	if failure, _ := failureOf(t, err); failure != chat.FailLeft {
		t.Errorf("81013: %s", failure)
	}
	if v := f.api.Violations(); len(v) != 0 {
		t.Errorf("violations %+v", v)
	}
}

func TestWeComPerMemberLimit(t *testing.T) {
	f := newFixture(t, wechattest.Options{WeComLimits: true}, nil)
	f.startWeCom(t, f.wecomConfig())
	ctx := context.Background()
	for i := range 30 {
		if _, err := f.wecom.Send(ctx, testUserID, chat.Text("第"+strings.Repeat("条", i+1))); err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
	}
	_, err := f.wecom.Send(ctx, testUserID, latestMeeting)
	failure, after := failureOf(t, err)
	if failure != chat.FailRateLimited || after <= 55*time.Second || after > 62*time.Second {
		t.Errorf("31st message: %s after %s, want rate_limited after about a minute", failure, after)
	}
	if _, err := f.wecom.Send(ctx, "lisi", latestMeeting); err != nil {
		t.Errorf("another member: %v", err)
	}
	if n := len(f.api.WeComMessages()); n != 31 {
		t.Errorf("%d messages reached WeCom, want 31", n)
	}
	if v := f.api.Violations(); len(v) != 0 {
		t.Errorf("violations %+v", v)
	}
}
