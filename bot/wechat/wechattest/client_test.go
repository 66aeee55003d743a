package wechattest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testToken  = "QDG6eK"
	testAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
)

// endpoint is a minimal callback endpoint built on this package's signature,
// Encrypt and Decrypt, standing in for our adapter: it refuses bad requests
// with 4xx, answers text with "收到: <content>", subscribe with a welcome,
// CLICK LATEST with a news card and anything else with "success". It replies
// encrypted in safe mode and on WeCom, in plaintext in compatible mode.
type endpoint struct {
	receiver string
	wecom    bool
	badSig   bool // sign encrypted replies wrongly

	mu  sync.Mutex
	got []inbound
}

// inbound is a message the endpoint accepted.
type inbound struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	MsgID        int64  `xml:"MsgId"`
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`
	AgentID      int64  `xml:"AgentID"`
}

func (e *endpoint) accepted() []inbound {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]inbound(nil), e.got...)
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !e.wecom && !CheckSign(q.Get("signature"), testToken, ts, nonce) {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodGet {
		echo := q.Get("echostr")
		if e.wecom {
			if !CheckSign(q.Get("msg_signature"), testToken, ts, nonce, echo) {
				http.Error(w, "bad msg_signature", http.StatusForbidden)
				return
			}
			plain, err := Decrypt(testAESKey, e.receiver, echo)
			if err != nil {
				http.Error(w, "bad echostr", http.StatusBadRequest)
				return
			}
			echo = string(plain)
		}
		_, _ = io.WriteString(w, echo)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	encrypted := e.wecom || q.Get("encrypt_type") == "aes"
	var outer struct {
		MsgType string `xml:"MsgType"`
		Encrypt string `xml:"Encrypt"`
	}
	if err := xml.Unmarshal(body, &outer); err != nil {
		http.Error(w, "bad xml", http.StatusBadRequest)
		return
	}
	msgXML := body
	if encrypted {
		if !CheckSign(q.Get("msg_signature"), testToken, ts, nonce, outer.Encrypt) {
			http.Error(w, "bad msg_signature", http.StatusForbidden)
			return
		}
		if msgXML, err = Decrypt(testAESKey, e.receiver, outer.Encrypt); err != nil {
			http.Error(w, "undecryptable", http.StatusBadRequest)
			return
		}
	}
	var m inbound
	if err := xml.Unmarshal(msgXML, &m); err != nil {
		http.Error(w, "bad inner xml", http.StatusBadRequest)
		return
	}
	e.mu.Lock()
	e.got = append(e.got, m)
	e.mu.Unlock()

	var b bytes.Buffer
	b.WriteString("<xml>")
	cdata(&b, "ToUserName", m.FromUserName)
	cdata(&b, "FromUserName", m.ToUserName)
	number(&b, "CreateTime", time.Now().Unix())
	switch {
	case m.MsgType == "text":
		cdata(&b, "MsgType", "text")
		cdata(&b, "Content", "收到: "+m.Content)
	case m.Event == "subscribe":
		cdata(&b, "MsgType", "text")
		cdata(&b, "Content", "欢迎关注")
	case m.Event == "CLICK" && m.EventKey == "LATEST":
		cdata(&b, "MsgType", "news")
		b.WriteString("<ArticleCount>1</ArticleCount><Articles><item>")
		cdata(&b, "Title", "兰溪市委常委会")
		cdata(&b, "Description", "会议强调")
		cdata(&b, "PicUrl", "https://tb.example/p.jpg")
		cdata(&b, "Url", "https://tb.example/r/x")
		b.WriteString("</item></Articles>")
	default:
		_, _ = io.WriteString(w, "success")
		return
	}
	b.WriteString("</xml>")
	if !encrypted || outer.MsgType != "" { // compatible mode: reply in plaintext
		_, _ = w.Write(b.Bytes())
		return
	}
	enc, err := Encrypt(testAESKey, e.receiver, b.Bytes())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sig := signature(testToken, ts, nonce, enc)
	if e.badSig {
		sig = signature("wrong", ts, nonce, enc)
	}
	fmt.Fprintf(w, "<xml><Encrypt><![CDATA[%s]]></Encrypt><MsgSignature><![CDATA[%s]]></MsgSignature><TimeStamp>%s</TimeStamp><Nonce><![CDATA[%s]]></Nonce></xml>", enc, sig, ts, nonce)
}

// setup is one platform and mode under test.
type setup struct {
	wecom     bool
	mode      Mode
	encrypted bool // replies to text come back encrypted
}

var setups = map[string]setup{
	"oa plain":      {mode: Plain},
	"oa compatible": {mode: Compatible},
	"oa safe":       {mode: Safe, encrypted: true},
	"wecom":         {wecom: true, encrypted: true},
}

// start serves a fresh endpoint for st and returns a client of it.
func (st setup) start(t *testing.T) (*endpoint, *Client) {
	t.Helper()
	e := &endpoint{receiver: DefaultAppID, wecom: st.wecom}
	if st.wecom {
		e.receiver = DefaultCorpID
	}
	ts := httptest.NewServer(e)
	t.Cleanup(ts.Close)
	if st.wecom {
		return e, NewWeComClient(ts.URL+"/wecom", testToken, testAESKey, DefaultCorpID)
	}
	c := NewOAClient(ts.URL+"/wechat?x=kept", testToken, testAESKey, DefaultAppID)
	c.Mode = st.mode
	return e, c
}

func TestClientConversation(t *testing.T) {
	for name, st := range setups {
		t.Run(name, func(t *testing.T) {
			e, c := st.start(t)
			if err := c.Verify(); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			r, err := c.SendText("o1", "最新会议 <&]]>", 4561255354251345929)
			if err != nil {
				t.Fatal(err)
			}
			if r.MsgType != "text" || r.Content != "收到: 最新会议 <&]]>" || r.Encrypted != st.encrypted || r.Empty {
				t.Errorf("text reply %+v", r)
			}
			got := e.accepted()
			want := inbound{ToUserName: c.AccountID, FromUserName: "o1", MsgType: "text", Content: "最新会议 <&]]>", MsgID: 4561255354251345929}
			if st.wecom {
				want.AgentID = DefaultAgentID
			}
			if len(got) != 1 || got[0].CreateTime == 0 {
				t.Fatalf("accepted %+v", got)
			}
			got[0].CreateTime = 0
			if got[0] != want {
				t.Errorf("endpoint read %+v, want %+v", got[0], want)
			}

			if r, err := c.SendEvent("o1", "subscribe", ""); err != nil || r.Content != "欢迎关注" {
				t.Errorf("subscribe: %+v, %v", r, err)
			}
			r, err = c.SendEvent("o1", "CLICK", "LATEST")
			want2 := []Article{{Title: "兰溪市委常委会", Description: "会议强调", URL: "https://tb.example/r/x", PicURL: "https://tb.example/p.jpg"}}
			if err != nil || r.MsgType != "news" || !equalJSON(r.Articles, want2) {
				t.Errorf("CLICK: %+v, %v", r, err)
			}
			if r, err := c.SendEvent("o1", "VIEW", "https://tb.example/"); err != nil || !r.Empty {
				t.Errorf("VIEW: %+v, %v", r, err)
			}
			if last := e.accepted()[3]; last.Event != "VIEW" || last.EventKey != "https://tb.example/" {
				t.Errorf("VIEW read as %+v", last)
			}
		})
	}
}

func TestClientForgeries(t *testing.T) {
	for name, st := range setups {
		t.Run(name, func(t *testing.T) {
			e, c := st.start(t)
			tests := map[Forgery]int{ // forgery -> status the endpoint answers, 0: not applicable
				ForgeSignature:    http.StatusForbidden,
				ForgeMsgSignature: http.StatusForbidden,
				ForgeReceiver:     http.StatusBadRequest,
				ForgeCiphertext:   http.StatusBadRequest,
				ForgeGarbage:      http.StatusBadRequest,
				ForgeOversized:    http.StatusRequestEntityTooLarge,
			}
			if !st.encrypted && st.mode == Plain {
				tests[ForgeMsgSignature], tests[ForgeReceiver], tests[ForgeCiphertext] = 0, 0, 0
			}
			for f, status := range tests {
				t.Run(fmt.Sprint(f), func(t *testing.T) {
					_, err := c.Forged(f).SendText("o-forged", "最新会议", 1)
					var se *StatusError
					switch {
					case status == 0 && !errors.Is(err, errNotApplicable):
						t.Errorf("err = %v, want errNotApplicable", err)
					case status != 0 && (!errors.As(err, &se) || se.Code != status):
						t.Errorf("err = %v, want HTTP %d", err, status)
					}
				})
			}
			if got := e.accepted(); len(got) != 0 {
				t.Errorf("forged messages accepted: %+v", got)
			}
			t.Run("verify with a forged signature", func(t *testing.T) {
				var se *StatusError
				if err := c.Forged(ForgeSignature).Verify(); !errors.As(err, &se) || se.Code != http.StatusForbidden {
					t.Errorf("err = %v, want HTTP 403", err)
				}
			})
			t.Run("verify cannot carry a body forgery", func(t *testing.T) {
				if err := c.Forged(ForgeGarbage).Verify(); !errors.Is(err, errNotApplicable) {
					t.Errorf("err = %v, want errNotApplicable", err)
				}
			})
		})
	}
}

func TestClientRejectsBadReplySignature(t *testing.T) {
	for _, name := range []string{"oa safe", "wecom"} {
		t.Run(name, func(t *testing.T) {
			e, c := setups[name].start(t)
			e.badSig = true
			if _, err := c.SendText("o1", "最新会议", 1); !errors.Is(err, errSignature) {
				t.Errorf("err = %v, want errSignature", err)
			}
		})
	}
}

func TestClientChecksReplies(t *testing.T) {
	text := func(to, from, content string) string {
		return fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content></xml>", to, from, content)
	}
	account := "gh_" + DefaultAppID
	enc, err := Encrypt(testAESKey, DefaultAppID, []byte(text("o1", account, "hi")))
	if err != nil {
		t.Fatal(err)
	}
	encrypted := fmt.Sprintf("<xml><Encrypt>%s</Encrypt><MsgSignature>%s</MsgSignature><TimeStamp>1</TimeStamp><Nonce>2</Nonce></xml>", enc, signature(testToken, "1", "2", enc))
	tests := map[string]struct {
		mode   Mode
		status int
		body   string
		want   error // nil: accepted
	}{
		"success":                     {Plain, 200, "success", nil},
		"empty":                       {Safe, 200, "", nil},
		"plain text":                  {Plain, 200, text("o1", account, "hi"), nil},
		"encrypted in safe mode":      {Safe, 200, encrypted, nil},
		"encrypted in compatible":     {Compatible, 200, encrypted, nil},
		"encrypted in plain mode":     {Plain, 200, encrypted, errBadReply},
		"plaintext in safe mode":      {Safe, 200, text("o1", account, "hi"), errBadReply},
		"to someone else":             {Plain, 200, text("o2", account, "hi"), errBadReply},
		"from another account":        {Plain, 200, text("o1", "gh_other", "hi"), errBadReply},
		"text over 2048 bytes":        {Plain, 200, text("o1", account, strings.Repeat("长", 683)), errBadReply},
		"not xml":                     {Plain, 200, "ok", errBadReply},
		"success with a newline":      {Plain, 200, "success\n", errBadReply},
		"HTTP 500":                    {Plain, 500, "boom", &StatusError{}},
		"encrypted without signature": {Safe, 200, fmt.Sprintf("<xml><Encrypt>%s</Encrypt></xml>", enc), errBadReply},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer ts.Close()
			c := NewOAClient(ts.URL, testToken, testAESKey, DefaultAppID)
			c.Mode = tc.mode
			_, err := c.SendText("o1", "hi", 1)
			var se *StatusError
			switch want := tc.want; {
			case want == nil && err != nil:
				t.Errorf("err = %v, want the reply accepted", err)
			case errors.As(want, &se) && !errors.As(err, &se):
				t.Errorf("err = %v, want a StatusError", err)
			case want != nil && !errors.As(want, &se) && !errors.Is(err, want):
				t.Errorf("err = %v, want %v", err, want)
			}
		})
	}
}

func TestClientVerifyWrongEcho(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("echostr")+"\n")
	}))
	defer ts.Close()
	if err := NewOAClient(ts.URL, testToken, testAESKey, DefaultAppID).Verify(); !errors.Is(err, errEcho) {
		t.Errorf("err = %v, want errEcho", err)
	}
}
