package wechat

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/wechat/wechattest"
)

// bulletinCard is a push about one bulletin.
var bulletinCard = chat.Text("兰溪市委常委会(扩大)会议").Add(
	chat.Block{Kind: chat.BlockField, Label: "时间", Text: "2022-05-27 09:36"},
).Add(chat.Block{Kind: chat.BlockText, Text: "会议强调，要全力推进招大引强。"})

func init() {
	bulletinCard.Card = &chat.Card{Title: "兰溪市委常委会(扩大)会议", Description: "会议强调，要全力推进招大引强。", URL: "https://tongbao.example/r/tok1"}
}

func TestOASend(t *testing.T) {
	cases := []struct {
		name  string
		reply chat.Reply
		check func(t *testing.T, got []wechattest.CustomMessage)
	}{
		{"text with a link", latestMeeting, func(t *testing.T, got []wechattest.CustomMessage) {
			if len(got) != 1 || got[0].MsgType != "text" || got[0].Content != renderText(latestMeeting) {
				t.Errorf("got %+v", got)
			}
		}},
		{"card", bulletinCard, func(t *testing.T, got []wechattest.CustomMessage) {
			want := wechattest.Article{Title: bulletinCard.Card.Title, Description: bulletinCard.Card.Description, URL: bulletinCard.Card.URL}
			if len(got) != 1 || got[0].MsgType != "news" || len(got[0].Articles) != 1 || got[0].Articles[0] != want {
				t.Errorf("got %+v, want one news article %+v", got, want)
			}
		}},
		{"long text", chat.Text(strings.Repeat("要全力推进项目攻坚突破。", 100)).Add(chat.Block{Kind: chat.BlockText, Text: "完"}), func(t *testing.T, got []wechattest.CustomMessage) {
			if len(got) < 2 {
				t.Fatalf("%d messages, want the text split", len(got))
			}
			var all []string
			for _, m := range got {
				if len(m.Content) > maxText {
					t.Errorf("message of %d bytes", len(m.Content))
				}
				all = append(all, m.Content)
			}
			if strings.Join(all, "") != strings.Repeat("要全力推进项目攻坚突破。", 100)+"\n完" {
				t.Errorf("the parts do not add up to the text")
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, wechattest.Options{}, nil)
			f.startOA(t, f.oaConfig())
			id, err := f.oa.Send(context.Background(), testOpenID, tc.reply)
			if err != nil || id != "" {
				t.Fatalf("Send = %q, %v", id, err)
			}
			got := f.api.CustomMessages()
			for _, m := range got {
				if m.ToUser != testOpenID {
					t.Errorf("sent to %q", m.ToUser)
				}
			}
			tc.check(t, got)
		})
	}
}

func TestOASendOutsideWindowFallsBackToTemplate(t *testing.T) {
	for _, code := range []int{wechattest.CodeOutOfWindow, wechattest.CodeResponseCountLimit} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			f := newFixture(t, wechattest.Options{}, nil)
			f.startOA(t, f.oaConfig())
			f.api.InjectFault(wechattest.Fault{Path: "/cgi-bin/message/custom/send", OpenID: testOpenID, ErrCode: code})
			id, err := f.oa.Send(context.Background(), testOpenID, bulletinCard)
			if err != nil {
				t.Fatal(err)
			}
			got := f.api.TemplateMessages()
			if len(got) != 1 {
				t.Fatalf("%d template messages, want 1", len(got))
			}
			m := got[0]
			if id == "" || id != strconv.FormatInt(m.MsgID, 10) {
				t.Errorf("Send returned %q, the template msgid is %d", id, m.MsgID)
			}
			want := map[string]string{
				"first": "兰溪市委常委会(扩大)会议", "keyword1": "2022-05-27 09:36",
				"keyword2": "会议强调，要全力推进招大引强。", "remark": "点击查看全文",
			}
			if m.ToUser != testOpenID || m.TemplateID != "tpl-bulletin" || m.URL != bulletinCard.Card.URL || len(m.Data) != len(want) {
				t.Errorf("template message %+v", m)
			}
			for k, v := range want {
				if m.Data[k].Value != v {
					t.Errorf("data %s = %q, want %q", k, m.Data[k].Value, v)
				}
			}
			if n := len(f.api.CustomMessages()); n != 0 {
				t.Errorf("%d customer messages accepted", n)
			}
		})
	}
}

func TestOASendFailures(t *testing.T) {
	cases := []struct {
		name     string
		fault    wechattest.Fault
		template bool
		failure  chat.SendFailure
		after    bool // a RetryAfter is expected
	}{
		{"unfollowed", wechattest.Fault{ErrCode: wechattest.CodeRequireSubscribe}, true, chat.FailLeft, false},
		{"daily quota", wechattest.Fault{ErrCode: wechattest.CodeDailyQuota}, true, chat.FailQuota, true},
		{"system busy", wechattest.Fault{ErrCode: wechattest.CodeSystemBusy}, true, chat.FailRetry, false},
		{"bad gateway", wechattest.Fault{HTTPStatus: http.StatusBadGateway}, true, chat.FailRetry, false},
		{"timeout", wechattest.Fault{Delay: 2 * time.Second}, true, chat.FailRetry, false},
		{"invalid openid", wechattest.Fault{ErrCode: wechattest.CodeInvalidOpenID}, true, chat.FailPermanent, false},
		{"out of window, no template", wechattest.Fault{ErrCode: wechattest.CodeOutOfWindow}, false, chat.FailPermanent, false},
		{"out of window, template unfollowed", wechattest.Fault{ErrCode: wechattest.CodeOutOfWindow, Path: "/cgi-bin/message/custom/send"}, true, chat.FailLeft, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, wechattest.Options{}, nil)
			cfg := f.oaConfig()
			if !tc.template {
				cfg.Template = TemplateConfig{}
			}
			f.startOA(t, cfg)
			f.api.InjectFault(tc.fault)
			if tc.name == "out of window, template unfollowed" {
				f.api.InjectFault(wechattest.Fault{Path: "/cgi-bin/message/template/send", ErrCode: wechattest.CodeRequireSubscribe})
			}
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, err := f.oa.Send(ctx, testOpenID, latestMeeting)
			failure, after := failureOf(t, err)
			if failure != tc.failure || (after > 0) != tc.after || after > 24*time.Hour {
				t.Errorf("failure %s after %s, want %s (retry after: %v): %v", failure, after, tc.failure, tc.after, err)
			}
			if strings.Contains(err.Error(), "access_token") || strings.Contains(err.Error(), wechattest.DefaultAppSecret) {
				t.Errorf("error leaks a credential: %v", err)
			}
		})
	}
}

func TestOATokenRefresh(t *testing.T) {
	cases := []struct {
		name       string
		stable     bool
		expire     func(*wechattest.Server)
		tokenPath  string
		wantTokens int // token fetches in all
		failure    *chat.SendFailure
	}{
		{"expired token", false, (*wechattest.Server).ExpireTokens, "/cgi-bin/token", 2, nil},
		{"expired stable token", true, (*wechattest.Server).ExpireTokens, "/cgi-bin/stable_token", 2, nil},
		{"40001 once", false, func(s *wechattest.Server) {
			s.InjectFault(wechattest.Fault{ErrCode: wechattest.CodeInvalidCredential, Times: 1})
		}, "/cgi-bin/token", 2, nil},
		{"40001 always", false, func(s *wechattest.Server) {
			s.InjectFault(wechattest.Fault{ErrCode: wechattest.CodeInvalidCredential})
		}, "/cgi-bin/token", 2, new(chat.FailRetry)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, wechattest.Options{}, nil)
			cfg := f.oaConfig()
			cfg.UseStableToken = tc.stable
			f.startOA(t, cfg)
			ctx := context.Background()
			if _, err := f.oa.Send(ctx, testOpenID, latestMeeting); err != nil {
				t.Fatal(err)
			}
			tc.expire(f.api)
			_, err := f.oa.Send(ctx, testOpenID, latestMeeting)
			switch {
			case tc.failure == nil && err != nil:
				t.Fatalf("second send: %v", err)
			case tc.failure != nil:
				if failure, _ := failureOf(t, err); failure != *tc.failure {
					t.Errorf("failure %s, want %s", failure, *tc.failure)
				}
			}
			if n := f.api.Count(tc.tokenPath); n != tc.wantTokens {
				t.Errorf("%d calls to %s, want %d", n, tc.tokenPath, tc.wantTokens)
			}
		})
	}
}

func TestOATokenSharedByReplicas(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	cfg := f.oaConfig()
	var replicas []*OfficialAccount
	for range 3 {
		oa, err := NewOfficialAccount(cfg, f.deps())
		if err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, oa)
	}
	for i, oa := range replicas {
		if _, err := oa.Send(context.Background(), testOpenID, chat.Text("第"+strconv.Itoa(i+1)+"条")); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.api.Count("/cgi-bin/token"); n != 1 {
		t.Errorf("%d token fetches by 3 replicas, want 1", n)
	}
	if n := len(f.api.CustomMessages()); n != 3 {
		t.Errorf("%d messages, want 3", n)
	}
}

func TestOAMassSend(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	f.startOA(t, f.oaConfig())
	ctx := context.Background()
	const text = "关于做好防汛工作的通知"
	if err := f.oa.Preview(ctx, "o-admin", text); err != nil {
		t.Fatal(err)
	}
	if p := f.api.Previews(); len(p) != 1 || p[0].ToUser != "o-admin" || p[0].MsgType != "text" || p[0].Content != text {
		t.Errorf("previews %+v", p)
	}
	first, err := f.oa.MassSendText(ctx, 101, text, "broadcast-7")
	if err != nil || first == 0 {
		t.Fatalf("MassSendText = %d, %v", first, err)
	}
	again, err := f.oa.MassSendText(ctx, 101, text, "broadcast-7")
	if err != nil || again != first {
		t.Errorf("repeated clientmsgid: %d, %v; want %d, nil", again, err, first)
	}
	all, err := f.oa.MassSendText(ctx, 0, "全体通知", "broadcast-8")
	if err != nil || all == first {
		t.Fatalf("MassSendText to all = %d, %v", all, err)
	}
	got := f.api.MassMessages()
	if len(got) != 2 {
		t.Fatalf("%d mass sends accepted, want 2", len(got))
	}
	if m := got[0]; m.TagID != 101 || m.ToAll || m.MsgType != "text" || m.Content != text || m.ClientMsgID != "broadcast-7" {
		t.Errorf("tag send %+v", m)
	}
	if m := got[1]; !m.ToAll || m.Content != "全体通知" {
		t.Errorf("send to all %+v", m)
	}
	f.api.InjectFault(wechattest.Fault{Path: "/cgi-bin/message/mass/sendall", ErrCode: wechattest.CodeDailyQuota})
	_, err = f.oa.MassSendText(ctx, 101, "再发", "broadcast-9")
	if failure, _ := failureOf(t, err); failure != chat.FailQuota {
		t.Errorf("quota: %s", failure)
	}
}

func TestOACreateMenu(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	f.startOA(t, f.oaConfig())
	m := DefaultMenu()
	m[2].Sub = append(m[2].Sub, MenuButton{Name: "网站", URL: "https://tongbao.example/"})
	if err := f.oa.CreateMenu(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	menus := f.api.Menus()
	if len(menus) != 1 || len(menus[0].Buttons) != 3 {
		t.Fatalf("menus %+v", menus)
	}
	latest := menus[0].Buttons[0]
	if latest.Name != "最新" || len(latest.SubButtons) != 2 || !reflect.DeepEqual(latest.SubButtons[0], wechattest.MenuButton{Type: "click", Name: "最新会议", Key: KeyLatestMeeting}) {
		t.Errorf("first button %+v", latest)
	}
	if site := menus[0].Buttons[2].SubButtons[2]; site.Type != "view" || site.URL != "https://tongbao.example/" {
		t.Errorf("view button %+v", site)
	}
}

func TestMenuValidate(t *testing.T) {
	cases := map[string]struct {
		menu MenuButtons
		want string // "" means valid
	}{
		"default":       {DefaultMenu(), ""},
		"empty":         {MenuButtons{}, "0 top buttons"},
		"four top":      {MenuButtons{{Name: "a", Key: KeyHelp}, {Name: "b", Key: KeyHelp}, {Name: "c", Key: KeyHelp}, {Name: "d", Key: KeyHelp}}, "4 top buttons"},
		"long name":     {MenuButtons{{Name: "最新会议通报一览", Key: KeyHelp}}, "name must be 1 to 16 bytes"},
		"unknown key":   {MenuButtons{{Name: "a", Key: "NOPE"}}, `unknown key "NOPE"`},
		"key and url":   {MenuButtons{{Name: "a", Key: KeyHelp, URL: "https://x/"}}, "exactly one of key and url"},
		"neither":       {MenuButtons{{Name: "a"}}, "exactly one of key and url"},
		"parent keyed":  {MenuButtons{{Name: "a", Key: KeyHelp, Sub: []MenuButton{{Name: "b", Key: KeyHelp}}}}, "takes no key or url"},
		"six sub":       {MenuButtons{{Name: "a", Sub: make([]MenuButton, 6)}}, "6 sub buttons"},
		"nested sub":    {MenuButtons{{Name: "a", Sub: []MenuButton{{Name: "b", Sub: []MenuButton{{Name: "c", Key: KeyHelp}}}}}}, "cannot have sub buttons"},
		"sub too long":  {MenuButtons{{Name: "a", Sub: []MenuButton{{Name: strings.Repeat("长", 21), Key: KeyHelp}}}}, "1 to 60 bytes"},
		"view sub only": {MenuButtons{{Name: "a", Sub: []MenuButton{{Name: "b", URL: "https://x/"}}}}, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := tc.menu.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestOATokenFailureBacksOff(t *testing.T) {
	f := newFixture(t, wechattest.Options{}, nil)
	f.startOA(t, f.oaConfig())
	f.api.InjectFault(wechattest.Fault{Path: "/cgi-bin/token", ErrCode: wechattest.CodeInvalidAppSecret})
	for range 3 {
		_, err := f.oa.Send(context.Background(), testOpenID, latestMeeting)
		failure, after := failureOf(t, err)
		if failure != chat.FailRetry || after != time.Minute {
			t.Errorf("failure %s after %s, want retry after 1m: %v", failure, after, err)
		}
		if strings.Contains(err.Error(), wechattest.DefaultAppSecret) {
			t.Errorf("error leaks the secret: %v", err)
		}
	}
	if n := f.api.Count("/cgi-bin/token"); n != 1 {
		t.Errorf("%d token fetches after a failure, want 1 within the backoff", n)
	}
	if n := f.api.Count("/cgi-bin/message/custom/send"); n != 0 {
		t.Errorf("%d sends without a token", n)
	}
}
