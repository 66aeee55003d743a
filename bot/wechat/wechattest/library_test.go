package wechattest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/broadcast"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/menu"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work"
	workconfig "github.com/silenceper/wechat/v2/work/config"
	workmessage "github.com/silenceper/wechat/v2/work/message"
)

// These tests drive github.com/silenceper/wechat/v2 against the fake to prove
// it accepts what the library sends. util.SetURIModifier is package-global:
// none of them may run in parallel.

// withFakeHosts points the library's API hosts at s for the rest of the test.
func withFakeHosts(t *testing.T, s *Server) {
	t.Helper()
	util.SetURIModifier(func(u string) string {
		u = strings.Replace(u, "https://api.weixin.qq.com", s.URL(), 1)
		return strings.Replace(u, "https://qyapi.weixin.qq.com", s.URL(), 1)
	})
	t.Cleanup(func() { util.SetURIModifier(nil) })
}

func newOA(stable bool) *officialaccount.OfficialAccount {
	return officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: DefaultAppID, AppSecret: DefaultAppSecret, Cache: cache.NewMemory(), UseStableAK: stable,
	})
}

func TestLibraryOfficialAccount(t *testing.T) {
	s := newServer(t, Options{})
	withFakeHosts(t, s)
	oa := newOA(false)

	t.Run("custom text", func(t *testing.T) {
		if err := oa.GetCustomerMessageManager().Send(message.NewCustomerTextMessage("o1", "最新会议")); err != nil {
			t.Fatal(err)
		}
		got := s.CustomMessages()
		if len(got) != 1 || got[0].ToUser != "o1" || got[0].MsgType != "text" || got[0].Content != "最新会议" {
			t.Errorf("records %+v", got)
		}
	})
	t.Run("custom news", func(t *testing.T) {
		art := message.MediaArticles{Title: "兰溪市委常委会", Description: "会议强调", URL: "https://tb.example/r/x?a=1&b=2", Picurl: "https://tb.example/p.jpg"}
		err := oa.GetCustomerMessageManager().Send(&message.CustomerMessage{
			ToUser: "o2", Msgtype: message.MsgTypeNews, News: &message.MediaNews{Articles: []message.MediaArticles{art}},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := s.CustomMessages()
		want := []Article{{Title: art.Title, Description: art.Description, URL: art.URL, PicURL: art.Picurl}}
		if last := got[len(got)-1]; last.MsgType != "news" || !equalJSON(last.Articles, want) {
			t.Errorf("record %+v, want articles %+v", last, want)
		}
	})
	t.Run("template", func(t *testing.T) {
		id, err := oa.GetTemplate().Send(&message.TemplateMessage{
			ToUser: "o1", TemplateID: "tpl-bulletin", URL: "https://tb.example/r/x",
			Data: map[string]*message.TemplateDataItem{"first": {Value: "新通报"}, "keyword1": {Value: "兰溪市委常委会", Color: "#173177"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := s.TemplateMessages()
		if len(got) != 1 || got[0].MsgID != id || got[0].Data["keyword1"] != (TemplateValue{Value: "兰溪市委常委会", Color: "#173177"}) {
			t.Errorf("records %+v, msgid %d", got, id)
		}
	})
	t.Run("menu", func(t *testing.T) {
		buttons := []*menu.Button{
			new(menu.Button).SetClickButton("最新会议", "LATEST_MEETING"),
			new(menu.Button).SetSubButton("更多", []*menu.Button{
				new(menu.Button).SetClickButton("我的订阅", "MY_SUBS"),
				new(menu.Button).SetViewButton("阅读", "https://tb.example/"),
			}),
		}
		if err := oa.GetMenu().SetMenu(buttons); err != nil {
			t.Fatal(err)
		}
		m := s.Menus()
		if len(m) != 1 || m[0].Buttons[0].Key != "LATEST_MEETING" || m[0].Buttons[1].SubButtons[1].URL != "https://tb.example/" {
			t.Errorf("menus %+v", m)
		}
	})
	t.Run("mass send by tag and preview", func(t *testing.T) {
		res, err := oa.GetBroadcast().SendText(&broadcast.User{TagID: 2}, "防汛通知")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := oa.GetBroadcast().Preview().SendText(&broadcast.User{OpenID: []string{"admin"}}, "防汛通知"); err != nil {
			t.Fatal(err)
		}
		mass, prev := s.MassMessages(), s.Previews()
		if len(mass) != 1 || mass[0].TagID != 2 || mass[0].MsgID != res.MsgID || len(prev) != 1 || prev[0].ToUser != "admin" {
			t.Errorf("mass %+v (msg_id %d), previews %+v", mass, res.MsgID, prev)
		}
	})
	t.Run("user info", func(t *testing.T) {
		info, err := oa.GetUser().GetUserInfo("o1")
		if err != nil || info.Subscribe != 1 || info.OpenID != "o1" {
			t.Errorf("GetUserInfo = %+v, %v", info, err)
		}
	})
	t.Run("token fetched once and cached", func(t *testing.T) {
		if n := s.Count("/cgi-bin/token"); n != 1 {
			t.Errorf("%d token fetches, want 1", n)
		}
	})
	t.Run("45015 arrives as a plain error", func(t *testing.T) {
		s.InjectFault(Fault{OpenID: "o-old", ErrCode: CodeOutOfWindow, Times: 1})
		err := oa.GetCustomerMessageManager().Send(message.NewCustomerTextMessage("o-old", "hi"))
		if err == nil || !strings.Contains(err.Error(), "errcode=45015") {
			t.Errorf("err = %v, want errcode=45015", err)
		}
	})
	t.Run("expired token: 40001 until a fresh token", func(t *testing.T) {
		s.ExpireTokens()
		err := oa.GetCustomerMessageManager().Send(message.NewCustomerTextMessage("o1", "hi"))
		if err == nil || !strings.Contains(err.Error(), "errcode=40001") {
			t.Fatalf("err = %v, want errcode=40001", err)
		}
		if err := newOA(false).GetCustomerMessageManager().Send(message.NewCustomerTextMessage("o1", "hi")); err != nil {
			t.Errorf("with a fresh token: %v", err)
		}
	})
}

func TestLibraryStableToken(t *testing.T) {
	s := newServer(t, Options{})
	withFakeHosts(t, s)
	oa := newOA(true)
	for range 2 {
		if err := oa.GetCustomerMessageManager().Send(message.NewCustomerTextMessage("o1", "hi")); err != nil {
			t.Fatal(err)
		}
	}
	if n, m := s.Count("/cgi-bin/stable_token"), len(s.CustomMessages()); n != 1 || m != 2 {
		t.Errorf("%d stable_token calls and %d messages, want 1 and 2", n, m)
	}
}

func TestLibraryWeCom(t *testing.T) {
	s := newServer(t, Options{WeComLimits: true})
	withFakeHosts(t, s)
	client := work.NewWork(&workconfig.Config{
		CorpID: DefaultCorpID, CorpSecret: DefaultCorpSecret, AgentID: "1000002", Cache: cache.NewMemory(),
	}).GetMessage()
	common := func() *workmessage.SendRequestCommon {
		return &workmessage.SendRequestCommon{ToUser: "zhangsan|lisi", AgentID: "1000002"}
	}

	t.Run("text", func(t *testing.T) {
		res, err := client.SendText(workmessage.SendTextRequest{SendRequestCommon: common(), Text: workmessage.TextField{Content: "最新会议"}})
		if err != nil {
			t.Fatal(err)
		}
		got := s.WeComMessages()
		if len(got) != 1 || got[0].MsgID != res.MsgID || got[0].Content != "最新会议" || !equalJSON(got[0].Delivered, []string{"zhangsan", "lisi"}) {
			t.Errorf("records %+v, msgid %s", got, res.MsgID)
		}
	})
	t.Run("textcard through Send", func(t *testing.T) {
		req := struct {
			*workmessage.SendRequestCommon
			TextCard TextCard `json:"textcard"`
		}{common(), TextCard{Title: "新通报", Description: "兰溪市委常委会", URL: "https://tb.example/r/x", BtnTxt: "详情"}}
		req.MsgType = "textcard"
		if _, err := client.Send("MessageSendTextCard", req); err != nil {
			t.Fatal(err)
		}
		got := s.WeComMessages()
		if last := got[len(got)-1]; last.TextCard == nil || *last.TextCard != req.TextCard {
			t.Errorf("record %+v", last)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		s.ExpireTokens()
		_, err := client.SendText(workmessage.SendTextRequest{SendRequestCommon: common(), Text: workmessage.TextField{Content: "hi"}})
		if err == nil || !strings.Contains(err.Error(), "errcode=40014") {
			t.Errorf("err = %v, want errcode=40014", err)
		}
	})
	if v := s.Violations(); len(v) != 0 {
		t.Errorf("violations %+v", v)
	}
}

// TestClientAgainstLibraryServer cross-checks the callback client with the
// library's own Official Account server in every mode.
func TestClientAgainstLibraryServer(t *testing.T) {
	const token, aesKey = "tongbao", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: DefaultAppID, AppSecret: DefaultAppSecret, Token: token, EncodingAESKey: aesKey, Cache: cache.NewMemory(),
	})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
			if m.MsgType != message.MsgTypeText {
				return nil
			}
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText("收到: " + m.Content)}
		})
		if err := srv.Serve(); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		_ = srv.Send()
	}))
	t.Cleanup(ts.Close)
	for name, mode := range map[string]Mode{"plain": Plain, "compatible": Compatible, "safe": Safe} {
		t.Run(name, func(t *testing.T) {
			c := NewOAClient(ts.URL, token, aesKey, DefaultAppID)
			c.Mode = mode
			if err := c.Verify(); err != nil {
				t.Fatal(err)
			}
			r, err := c.SendText("o1", "最新会议", 42)
			if err != nil {
				t.Fatal(err)
			}
			if r.Content != "收到: 最新会议" || r.Encrypted != (mode != Plain) {
				t.Errorf("reply %+v", r)
			}
			if _, err := c.Forged(ForgeSignature).SendText("o1", "hi", 43); err == nil {
				t.Error("forged signature accepted")
			}
		})
	}
}
