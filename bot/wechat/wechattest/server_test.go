package wechattest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s := NewServer(opts)
	t.Cleanup(s.Close)
	return s
}

// answer is the union of the JSON fields the fake answers.
type answer struct {
	ErrCode     *int    `json:"errcode"`
	ErrMsg      string  `json:"errmsg"`
	AccessToken string  `json:"access_token"`
	ExpiresIn   int     `json:"expires_in"`
	MsgID       flexInt `json:"msgid"` // a number on the OA, a string on WeCom
	MassMsgID   int64   `json:"msg_id"`
	MsgDataID   int64   `json:"msg_data_id"`
	Subscribe   int     `json:"subscribe"`
}

// code is the errcode, 0 when absent.
func (a answer) code() int {
	if a.ErrCode == nil {
		return 0
	}
	return *a.ErrCode
}

// call performs one raw API request; body is JSON-encoded unless it is a string.
func call(t *testing.T, method, u string, body any) answer {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d", method, u, resp.StatusCode)
	}
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

// oaToken fetches an Official Account access token.
func oaToken(t *testing.T, s *Server) string {
	t.Helper()
	a := call(t, "GET", s.URL()+"/cgi-bin/token?grant_type=client_credential&appid="+DefaultAppID+"&secret="+DefaultAppSecret, nil)
	if a.AccessToken == "" {
		t.Fatalf("no token: %+v", a)
	}
	return a.AccessToken
}

// wecomToken fetches a WeCom access token.
func wecomToken(t *testing.T, s *Server) string {
	t.Helper()
	a := call(t, "GET", s.URL()+"/cgi-bin/gettoken?corpid="+DefaultCorpID+"&corpsecret="+DefaultCorpSecret, nil)
	if a.AccessToken == "" {
		t.Fatalf("no token: %+v", a)
	}
	return a.AccessToken
}

// wantCode fails unless a carries code and, for errors, the documented errmsg.
func wantCode(t *testing.T, a answer, code int) {
	t.Helper()
	if a.code() != code {
		t.Fatalf("errcode = %d (%s), want %d", a.code(), a.ErrMsg, code)
	}
	if text, known := oaErrmsg[code]; code != 0 && known && !strings.HasPrefix(a.ErrMsg, text) && !strings.HasPrefix(a.ErrMsg, wecomErrmsg[code]) {
		t.Errorf("errmsg = %q, want it to start with %q", a.ErrMsg, text)
	}
}

func textMsg(to, content string) map[string]any {
	return map[string]any{"touser": to, "msgtype": "text", "text": map[string]any{"content": content}}
}

func TestTokenEndpoints(t *testing.T) {
	s := newServer(t, Options{})
	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	tests := map[string]struct {
		method, path string
		want         int
	}{
		"oa ok":            {"GET", "/cgi-bin/token?" + q("grant_type", "client_credential", "appid", DefaultAppID, "secret", DefaultAppSecret), 0},
		"oa wrong secret":  {"GET", "/cgi-bin/token?" + q("grant_type", "client_credential", "appid", DefaultAppID, "secret", "nope"), CodeInvalidAppSecret},
		"oa wrong appid":   {"GET", "/cgi-bin/token?" + q("grant_type", "client_credential", "appid", "wxnope", "secret", DefaultAppSecret), codeInvalidAppID},
		"oa wrong grant":   {"GET", "/cgi-bin/token?" + q("grant_type", "password", "appid", DefaultAppID, "secret", DefaultAppSecret), codeInvalidGrantType},
		"oa POST":          {"POST", "/cgi-bin/token?" + q("grant_type", "client_credential", "appid", DefaultAppID, "secret", DefaultAppSecret), codeRequireGET},
		"wecom ok":         {"GET", "/cgi-bin/gettoken?" + q("corpid", DefaultCorpID, "corpsecret", DefaultCorpSecret), 0},
		"wecom bad secret": {"GET", "/cgi-bin/gettoken?" + q("corpid", DefaultCorpID, "corpsecret", "nope"), CodeInvalidCredential},
		"wecom bad corpid": {"GET", "/cgi-bin/gettoken?" + q("corpid", "wwnope", "corpsecret", DefaultCorpSecret), codeInvalidCorpID},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := call(t, tc.method, s.URL()+tc.path, nil)
			wantCode(t, a, tc.want)
			if tc.want == 0 && (a.AccessToken == "" || a.ExpiresIn != 7200) {
				t.Errorf("token answer %+v, want a token expiring in 7200 s", a)
			}
			if name == "oa ok" && a.ErrCode != nil {
				t.Errorf("Official Account token answer carries errcode %d; the real one has none", *a.ErrCode)
			}
		})
	}
}

func TestStableToken(t *testing.T) {
	s := newServer(t, Options{})
	stable := func(force bool) string {
		a := call(t, "POST", s.URL()+"/cgi-bin/stable_token", map[string]any{
			"grant_type": "client_credential", "appid": DefaultAppID, "secret": DefaultAppSecret, "force_refresh": force,
		})
		wantCode(t, a, 0)
		return a.AccessToken
	}
	first := stable(false)
	if again := stable(false); again != first {
		t.Errorf("stable_token without force_refresh changed: %s then %s", first, again)
	}
	fresh := stable(true)
	if fresh == first {
		t.Fatal("force_refresh returned the same token")
	}
	send := func(tok string) answer {
		return call(t, "POST", s.URL()+"/cgi-bin/message/custom/send?access_token="+tok, textMsg("o1", "hi"))
	}
	wantCode(t, send(first), CodeInvalidCredential)
	wantCode(t, send(fresh), 0)
	bad := call(t, "POST", s.URL()+"/cgi-bin/stable_token", map[string]any{
		"grant_type": "client_credential", "appid": DefaultAppID, "secret": "nope",
	})
	wantCode(t, bad, CodeInvalidAppSecret)
}

func TestAccessTokenChecks(t *testing.T) {
	s := newServer(t, Options{})
	oaTok, wcTok := oaToken(t, s), wecomToken(t, s)
	custom := func(tok string) answer {
		return call(t, "POST", s.URL()+"/cgi-bin/message/custom/send?access_token="+tok, textMsg("o1", "hi"))
	}
	wecomSend := func(tok string) answer {
		return call(t, "POST", s.URL()+"/cgi-bin/message/send?access_token="+tok,
			map[string]any{"touser": "u1", "msgtype": "text", "agentid": DefaultAgentID, "text": map[string]any{"content": "hi"}})
	}
	tests := map[string]struct {
		do   func() answer
		want int
	}{
		"oa valid":             {func() answer { return custom(oaTok) }, 0},
		"oa missing":           {func() answer { return custom("") }, codeAccessTokenMissing},
		"oa unknown":           {func() answer { return custom("12_forged") }, CodeInvalidCredential},
		"oa token on wecom":    {func() answer { return wecomSend(oaTok) }, codeInvalidAccessToken},
		"wecom valid":          {func() answer { return wecomSend(wcTok) }, 0},
		"wecom token on oa":    {func() answer { return custom(wcTok) }, CodeInvalidCredential},
		"GET on a POST method": {func() answer { return call(t, "GET", s.URL()+"/cgi-bin/message/custom/send?access_token="+oaTok, nil) }, codeRequirePOST},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) { wantCode(t, tc.do(), tc.want) })
	}
	t.Run("expired then refreshed", func(t *testing.T) {
		s.ExpireTokens()
		wantCode(t, custom(oaTok), CodeInvalidCredential)
		wantCode(t, wecomSend(wcTok), codeInvalidAccessToken)
		wantCode(t, custom(oaToken(t, s)), 0)
		wantCode(t, wecomSend(wecomToken(t, s)), 0)
	})
}

func TestCustomSend(t *testing.T) {
	s := newServer(t, Options{})
	u := s.URL() + "/cgi-bin/message/custom/send?access_token=" + oaToken(t, s)
	article := map[string]any{"title": "兰溪市委常委会", "description": "会议强调…", "url": "https://tb.example/r/x", "picurl": "https://tb.example/p.jpg"}
	tests := map[string]struct {
		body any
		want int
		rec  *CustomMessage // the record expected, nil when refused
	}{
		"text": {textMsg("o1", "最新会议"), 0, &CustomMessage{ToUser: "o1", MsgType: "text", Content: "最新会议"}},
		"news": {map[string]any{"touser": "o2", "msgtype": "news", "news": map[string]any{"articles": []any{article}}}, 0,
			&CustomMessage{ToUser: "o2", MsgType: "news", Articles: []Article{{Title: "兰溪市委常委会", Description: "会议强调…", URL: "https://tb.example/r/x", PicURL: "https://tb.example/p.jpg"}}}},
		"text at the limit": {textMsg("o3", strings.Repeat("字", 682)), 0, &CustomMessage{ToUser: "o3", MsgType: "text", Content: strings.Repeat("字", 682)}},
		"text too long":     {textMsg("o1", strings.Repeat("字", 683)), codeContentTooLong, nil},
		"empty text":        {textMsg("o1", ""), codeEmptyContent, nil},
		"two articles":      {map[string]any{"touser": "o1", "msgtype": "news", "news": map[string]any{"articles": []any{article, article}}}, codeTooManyArticles, nil},
		"no articles":       {map[string]any{"touser": "o1", "msgtype": "news", "news": map[string]any{"articles": []any{}}}, codeEmptyNews, nil},
		"no touser":         {textMsg("", "hi"), CodeInvalidOpenID, nil},
		"unknown msgtype":   {map[string]any{"touser": "o1", "msgtype": "telegram"}, codeInvalidMsgType, nil},
		"not json":          {"{touser:", codeDataFormat, nil},
		"empty body":        {"", codeEmptyPostData, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := len(s.CustomMessages())
			wantCode(t, call(t, "POST", u, tc.body), tc.want)
			got := s.CustomMessages()
			if tc.rec == nil {
				if len(got) != before {
					t.Fatalf("refused message recorded: %+v", got[before:])
				}
				return
			}
			if len(got) != before+1 {
				t.Fatalf("%d records, want %d", len(got), before+1)
			}
			last := got[len(got)-1]
			last.Raw = nil
			if !equalJSON(last, *tc.rec) {
				t.Errorf("record %+v, want %+v", last, *tc.rec)
			}
		})
	}
}

// equalJSON compares two values by their JSON encoding.
func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestTemplateSend(t *testing.T) {
	s := newServer(t, Options{})
	u := s.URL() + "/cgi-bin/message/template/send?access_token=" + oaToken(t, s)
	a := call(t, "POST", u, map[string]any{
		"touser": "o1", "template_id": "tpl-bulletin", "url": "https://tb.example/r/x",
		"data": map[string]any{"first": map[string]any{"value": "新通报", "color": "#173177"}, "keyword1": map[string]any{"value": "兰溪市委常委会"}},
	})
	wantCode(t, a, 0)
	got := s.TemplateMessages()
	want := []TemplateMessage{{
		ToUser: "o1", TemplateID: "tpl-bulletin", URL: "https://tb.example/r/x", MsgID: int64(a.MsgID),
		Data: map[string]TemplateValue{"first": {Value: "新通报", Color: "#173177"}, "keyword1": {Value: "兰溪市委常委会"}},
	}}
	if a.MsgID == 0 || !equalJSON(got, want) {
		t.Errorf("records %+v (msgid %d), want %+v", got, a.MsgID, want)
	}
	wantCode(t, call(t, "POST", u, map[string]any{"touser": "o1", "data": map[string]any{}}), codeInvalidTemplateID)
	wantCode(t, call(t, "POST", u, map[string]any{"template_id": "tpl"}), CodeInvalidOpenID)
	if n := len(s.TemplateMessages()); n != 1 {
		t.Errorf("%d records after refusals, want 1", n)
	}
}

func TestMassSend(t *testing.T) {
	s := newServer(t, Options{})
	tok := oaToken(t, s)
	sendall := s.URL() + "/cgi-bin/message/mass/sendall?access_token=" + tok
	byTag := map[string]any{"filter": map[string]any{"is_to_all": false, "tag_id": 2}, "msgtype": "text", "text": map[string]any{"content": "防汛通知"}, "clientmsgid": "bulletin-42"}

	first := call(t, "POST", sendall, byTag)
	wantCode(t, first, 0)
	if !strings.HasPrefix(first.ErrMsg, "send job submission success") || first.MassMsgID == 0 {
		t.Errorf("first send %+v", first)
	}
	t.Run("duplicate clientmsgid", func(t *testing.T) {
		dup := call(t, "POST", sendall, byTag)
		wantCode(t, dup, codeClientMsgIDExist)
		if dup.MassMsgID != first.MassMsgID {
			t.Errorf("duplicate answered msg_id %d, want the first %d", dup.MassMsgID, first.MassMsgID)
		}
	})
	t.Run("same content without clientmsgid", func(t *testing.T) {
		body := map[string]any{"filter": map[string]any{"is_to_all": true}, "msgtype": "mpnews", "mpnews": map[string]any{"media_id": "m1"}}
		a := call(t, "POST", sendall, body)
		wantCode(t, a, 0)
		if a.MsgDataID == 0 {
			t.Errorf("mpnews send without msg_data_id: %+v", a)
		}
		wantCode(t, call(t, "POST", sendall, body), codeClientMsgIDExist)
	})
	t.Run("refusals", func(t *testing.T) {
		wantCode(t, call(t, "POST", sendall, map[string]any{"filter": map[string]any{"is_to_all": true}, "msgtype": "text", "text": map[string]any{"content": "x"}, "clientmsgid": strings.Repeat("x", 65)}), codeClientMsgIDTooLong)
		wantCode(t, call(t, "POST", sendall, map[string]any{"msgtype": "text", "text": map[string]any{"content": "x"}}), codeDataFormat)
		wantCode(t, call(t, "POST", sendall, map[string]any{"filter": map[string]any{"is_to_all": true}, "msgtype": "mpnews", "mpnews": map[string]any{}}), codeInvalidMediaID)
		wantCode(t, call(t, "POST", s.URL()+"/cgi-bin/message/mass/send?access_token="+tok, map[string]any{"touser": []string{"o1"}, "msgtype": "text", "text": map[string]any{"content": "x"}}), codeOpenIDListSize)
	})
	t.Run("by openids", func(t *testing.T) {
		wantCode(t, call(t, "POST", s.URL()+"/cgi-bin/message/mass/send?access_token="+tok, map[string]any{"touser": []string{"o1", "o2"}, "msgtype": "text", "text": map[string]any{"content": "x"}}), 0)
	})
	t.Run("preview", func(t *testing.T) {
		a := call(t, "POST", s.URL()+"/cgi-bin/message/mass/preview?access_token="+tok, map[string]any{"touser": "admin", "msgtype": "text", "text": map[string]any{"content": "防汛通知"}})
		wantCode(t, a, 0)
		want := []PreviewMessage{{ToUser: "admin", MsgType: "text", Content: "防汛通知"}}
		if got := s.Previews(); !equalJSON(got, want) || !strings.HasPrefix(a.ErrMsg, "preview success") {
			t.Errorf("previews %+v (%q), want %+v", got, a.ErrMsg, want)
		}
	})
	want := []MassMessage{
		{TagID: 2, MsgType: "text", Content: "防汛通知", ClientMsgID: "bulletin-42", MsgID: first.MassMsgID},
		{ToAll: true, MsgType: "mpnews", MediaID: "m1"},
		{ToUsers: []string{"o1", "o2"}, MsgType: "text", Content: "x"},
	}
	got := s.MassMessages()
	if len(got) != len(want) {
		t.Fatalf("%d mass records, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		want[i].MsgID = got[i].MsgID
	}
	if !equalJSON(got, want) || got[0].MsgID != first.MassMsgID {
		t.Errorf("mass records %+v, want %+v", got, want)
	}
}

func TestMenuCreate(t *testing.T) {
	s := newServer(t, Options{})
	u := s.URL() + "/cgi-bin/menu/create?access_token=" + oaToken(t, s)
	click := func(name, key string) map[string]any {
		return map[string]any{"type": "click", "name": name, "key": key}
	}
	parent := func(name string, n int) map[string]any {
		subs := []any{}
		for range n {
			subs = append(subs, click("我的订阅", "MY_SUBS"))
		}
		return map[string]any{"name": name, "sub_button": subs}
	}
	tests := map[string]struct {
		buttons []any
		want    int
	}{
		"valid": {[]any{click("最新会议", "LATEST_MEETING"), parent("更多", 5),
			map[string]any{"type": "view", "name": "阅读", "url": "https://tb.example/"}}, 0},
		"four top buttons":    {[]any{click("a", "A"), click("b", "B"), click("c", "C"), click("d", "D")}, codeInvalidButtonSize},
		"no buttons":          {[]any{}, codeInvalidButtonSize},
		"six sub buttons":     {[]any{parent("更多", 6)}, codeInvalidSubButtons},
		"top name too long":   {[]any{click("最新会议通报", "LATEST")}, codeInvalidButtonName},
		"click without key":   {[]any{click("最新", "")}, codeInvalidButtonKey},
		"view without url":    {[]any{map[string]any{"type": "view", "name": "阅读"}}, codeInvalidButtonURL},
		"unknown button type": {[]any{map[string]any{"type": "telegram", "name": "x"}}, codeInvalidButtonType},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			wantCode(t, call(t, "POST", u, map[string]any{"button": tc.buttons}), tc.want)
		})
	}
	menus := s.Menus()
	if len(menus) != 1 || menus[0].Buttons[0].Key != "LATEST_MEETING" || len(menus[0].Buttons[1].SubButtons) != 5 || menus[0].Buttons[2].URL != "https://tb.example/" {
		t.Errorf("menus %+v, want the valid one only", menus)
	}
}

func TestUserInfo(t *testing.T) {
	s := newServer(t, Options{})
	a := call(t, "GET", s.URL()+"/cgi-bin/user/info?lang=zh_CN&openid=o1&access_token="+oaToken(t, s), nil)
	if a.code() != 0 || a.Subscribe != 1 {
		t.Errorf("user/info %+v, want a subscriber", a)
	}
}

func TestFaults(t *testing.T) {
	const custom = "/cgi-bin/message/custom/send"
	tests := map[string]struct {
		fault  Fault
		victim string // the openid that should fail; "" means everyone
		want   int
	}{
		"45015 out of window":  {Fault{OpenID: "o-old", ErrCode: CodeOutOfWindow}, "o-old", CodeOutOfWindow},
		"45047 response count": {Fault{OpenID: "o-chatty", ErrCode: CodeResponseCountLimit}, "o-chatty", CodeResponseCountLimit},
		"43004 unsubscribed":   {Fault{OpenID: "o-left", ErrCode: CodeRequireSubscribe}, "o-left", CodeRequireSubscribe},
		"45009 quota":          {Fault{ErrCode: CodeDailyQuota}, "", CodeDailyQuota},
		"40001 credential":     {Fault{Path: custom, ErrCode: CodeInvalidCredential}, "", CodeInvalidCredential},
		"-1 system busy":       {Fault{ErrCode: CodeSystemBusy}, "", CodeSystemBusy},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, Options{})
			u := s.URL() + custom + "?access_token=" + oaToken(t, s)
			tc.fault.Times = 1
			s.InjectFault(tc.fault)
			if tc.victim != "" {
				wantCode(t, call(t, "POST", u, textMsg("o-bystander", "hi")), 0)
			}
			victim := tc.victim
			if victim == "" {
				victim = "o-any"
			}
			wantCode(t, call(t, "POST", u, textMsg(victim, "hi")), tc.want)
			wantCode(t, call(t, "POST", u, textMsg(victim, "again")), 0) // Times: 1 is used up
			if got := s.CustomMessages(); got[len(got)-1].Content != "again" || len(got) != 1+boolInt(tc.victim != "") {
				t.Errorf("records %+v: the faulted call must not be recorded", got)
			}
		})
	}
	t.Run("until cleared, path-specific, token endpoints spared", func(t *testing.T) {
		s := newServer(t, Options{})
		s.InjectFault(Fault{ErrCode: CodeSystemBusy})
		tok := oaToken(t, s) // path-less faults spare the token endpoints
		tpl := s.URL() + "/cgi-bin/message/template/send?access_token=" + tok
		for range 3 {
			wantCode(t, call(t, "POST", tpl, map[string]any{"touser": "o1", "template_id": "t"}), CodeSystemBusy)
		}
		s.ClearFaults()
		s.InjectFault(Fault{Path: custom, ErrCode: CodeDailyQuota})
		wantCode(t, call(t, "POST", tpl, map[string]any{"touser": "o1", "template_id": "t"}), 0)
		wantCode(t, call(t, "POST", s.URL()+custom+"?access_token="+tok, textMsg("o1", "hi")), CodeDailyQuota)
	})
	t.Run("HTTP 502", func(t *testing.T) {
		s := newServer(t, Options{})
		s.InjectFault(Fault{HTTPStatus: http.StatusBadGateway, Times: 1})
		resp, err := http.Post(s.URL()+custom+"?access_token="+oaToken(t, s), "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadGateway {
			t.Errorf("status %d, want 502", resp.StatusCode)
		}
	})
	t.Run("slow answer abandoned by the client", func(t *testing.T) {
		s := newServer(t, Options{})
		u := s.URL() + custom + "?access_token=" + oaToken(t, s)
		s.InjectFault(Fault{Delay: time.Hour, Times: 1})
		client := &http.Client{Timeout: 50 * time.Millisecond}
		if _, err := client.Post(u, "application/json", strings.NewReader(`{}`)); err == nil {
			t.Fatal("a call delayed by an hour returned")
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		calls, err := WaitFor(ctx, s, func() []callRecord { return snapshot(s, &s.calls) }, 2)
		if err != nil {
			t.Fatal(err)
		}
		if c := calls[1]; c.Path != custom || c.Status != 0 {
			t.Errorf("abandoned call recorded as %+v, want status 0", c)
		}
		if len(s.CustomMessages()) != 0 {
			t.Error("abandoned call delivered a message")
		}
	})
	t.Run("short delay then success", func(t *testing.T) {
		s := newServer(t, Options{})
		s.InjectFault(Fault{Delay: 10 * time.Millisecond, Times: 1})
		wantCode(t, call(t, "POST", s.URL()+custom+"?access_token="+oaToken(t, s), textMsg("o1", "hi")), 0)
		if len(s.CustomMessages()) != 1 {
			t.Error("delayed call not delivered")
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestWeComSend(t *testing.T) {
	s := newServer(t, Options{})
	u := s.URL() + "/cgi-bin/message/send?access_token=" + wecomToken(t, s)
	card := map[string]any{"title": "新通报", "description": "兰溪市委常委会", "url": "https://tb.example/r/x", "btntxt": "详情"}
	tests := map[string]struct {
		body any
		want int
		rec  *WeComMessage
	}{
		"text, numeric agentid": {map[string]any{"touser": "a|b", "msgtype": "text", "agentid": DefaultAgentID, "text": map[string]any{"content": "最新会议"}}, 0,
			&WeComMessage{ToUsers: []string{"a", "b"}, AgentID: DefaultAgentID, MsgType: "text", Content: "最新会议", Delivered: []string{"a", "b"}}},
		"text, string agentid": {map[string]any{"touser": "c", "msgtype": "text", "agentid": "1000002", "text": map[string]any{"content": "hi"}}, 0,
			&WeComMessage{ToUsers: []string{"c"}, AgentID: DefaultAgentID, MsgType: "text", Content: "hi", Delivered: []string{"c"}}},
		"textcard": {map[string]any{"touser": "a", "msgtype": "textcard", "agentid": DefaultAgentID, "textcard": card}, 0,
			&WeComMessage{ToUsers: []string{"a"}, AgentID: DefaultAgentID, MsgType: "textcard", Delivered: []string{"a"},
				TextCard: &TextCard{Title: "新通报", Description: "兰溪市委常委会", URL: "https://tb.example/r/x", BtnTxt: "详情"}}},
		"textcard without url": {map[string]any{"touser": "a", "msgtype": "textcard", "agentid": DefaultAgentID, "textcard": map[string]any{"title": "t", "description": "d"}}, codeInvalidParameter, nil},
		"wrong agentid":        {map[string]any{"touser": "a", "msgtype": "text", "agentid": 7, "text": map[string]any{"content": "hi"}}, codeInvalidAgentID, nil},
		"no agentid":           {map[string]any{"touser": "a", "msgtype": "text", "text": map[string]any{"content": "hi"}}, codeMissingAgentID, nil},
		"no recipient":         {map[string]any{"msgtype": "text", "agentid": DefaultAgentID, "text": map[string]any{"content": "hi"}}, CodeAllRecipientInvalid, nil},
		"empty text":           {map[string]any{"touser": "a", "msgtype": "text", "agentid": DefaultAgentID, "text": map[string]any{"content": ""}}, codeEmptyContent, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := len(s.WeComMessages())
			wantCode(t, call(t, "POST", u, tc.body), tc.want)
			got := s.WeComMessages()
			if tc.rec == nil {
				if len(got) != before {
					t.Fatalf("refused message recorded: %+v", got[before:])
				}
				return
			}
			last := got[len(got)-1]
			tc.rec.MsgID = last.MsgID
			if len(got) != before+1 || last.MsgID == "" || !equalJSON(last, *tc.rec) {
				t.Errorf("records %+v, want %+v appended", got, *tc.rec)
			}
		})
	}
	if v := s.Violations(); len(v) != 0 {
		t.Errorf("violations %+v", v)
	}
}

// fakeClock is a settable clock for the WeCom limit windows.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestWeComLimits(t *testing.T) {
	send := func(t *testing.T, u, to, content string) {
		t.Helper()
		wantCode(t, call(t, "POST", u, map[string]any{"touser": to, "msgtype": "text", "agentid": DefaultAgentID, "text": map[string]any{"content": content}}), 0)
	}
	setup := func(t *testing.T, enforce bool) (*Server, *fakeClock, string) {
		clock := &fakeClock{now: time.Date(2024, 5, 27, 9, 36, 0, 0, time.UTC)}
		s := newServer(t, Options{WeComLimits: enforce, Now: clock.Now})
		return s, clock, s.URL() + "/cgi-bin/message/send?access_token=" + wecomToken(t, s)
	}
	t.Run("per minute", func(t *testing.T) {
		s, clock, u := setup(t, true)
		for range 30 {
			send(t, u, "a", "hi")
		}
		send(t, u, "a|b", "one too many for a") // still errcode 0, like WeCom
		v := s.Violations()
		if len(v) != 1 || v[0].Member != "a" || v[0].Kind != violationPerMinute {
			t.Fatalf("violations %+v, want one per-minute for a", v)
		}
		last := s.WeComMessages()[30]
		if !equalJSON(last.Dropped, []string{"a"}) || !equalJSON(last.Delivered, []string{"b"}) {
			t.Errorf("31st message delivered %v dropped %v", last.Delivered, last.Dropped)
		}
		clock.Advance(time.Minute)
		send(t, u, "a", "next minute")
		if n := len(s.Violations()); n != 1 {
			t.Errorf("%d violations after the minute passed, want 1", n)
		}
	})
	t.Run("per hour", func(t *testing.T) {
		s, clock, u := setup(t, true)
		for range 1000 {
			send(t, u, "a", "hi")
			clock.Advance(3 * time.Second) // 20 a minute: under the minute limit
		}
		send(t, u, "a", "1001st within the hour")
		v := s.Violations()
		if len(v) != 1 || v[0].Kind != violationPerHour {
			t.Fatalf("violations %+v, want one per-hour", v)
		}
		clock.Advance(10 * time.Minute) // the first messages leave the window
		send(t, u, "a", "later")
		if n := len(s.Violations()); n != 1 {
			t.Errorf("%d violations once the window slid, want 1", n)
		}
	})
	t.Run("not enforced", func(t *testing.T) {
		s, _, u := setup(t, false)
		for range 40 {
			send(t, u, "a", "hi")
		}
		if v := s.Violations(); len(v) != 0 {
			t.Errorf("violations %+v with limits off", v)
		}
	})
	t.Run("text over 2048 bytes", func(t *testing.T) {
		s, _, u := setup(t, false)
		send(t, u, "a", strings.Repeat("长", 683))
		if v := s.Violations(); len(v) != 1 || v[0].Kind != violationTextTooLong {
			t.Errorf("violations %+v, want one text too long", v)
		}
	})
}

func TestWaitFor(t *testing.T) {
	s := newServer(t, Options{})
	u := s.URL() + "/cgi-bin/message/custom/send?access_token=" + oaToken(t, s)
	t.Run("wakes on records", func(t *testing.T) {
		done := make(chan error, 1)
		go func() {
			for i := range 3 {
				if _, err := http.Post(u, "application/json", strings.NewReader(`{"touser":"o`+string(rune('0'+i))+`","msgtype":"text","text":{"content":"x"}}`)); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got, err := WaitFor(ctx, s, s.CustomMessages, 3)
		if err != nil || len(got) < 3 {
			t.Fatalf("WaitFor = %d records, %v", len(got), err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("gives up with the context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		got, err := WaitFor(ctx, s, s.TemplateMessages, 1)
		if !errors.Is(err, context.Canceled) || len(got) != 0 {
			t.Errorf("WaitFor = %v, %v; want context.Canceled", got, err)
		}
	})
}
