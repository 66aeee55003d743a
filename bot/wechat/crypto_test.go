package wechat

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tongbao/bot/wechat/wechattest"
)

func TestBoxPublishedVectors(t *testing.T) {
	v := wechattest.LoadVectors(t)
	b, err := newBox(v.Token, v.EncodingAESKey, v.ReceiverID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("url verification", func(t *testing.T) {
		u := v.VerifyURL
		if !b.check(u.MsgSignature, u.Timestamp, u.Nonce, u.Echostr) {
			t.Error("published msg_signature refused")
		}
		if b.check(u.MsgSignature, u.Timestamp, u.Nonce+"1", u.Echostr) {
			t.Error("msg_signature accepted for another nonce")
		}
		plain, err := b.open(u.Echostr)
		if err != nil || string(plain) != u.Plaintext {
			t.Errorf("echostr opens to %q, %v; want %q", plain, err, u.Plaintext)
		}
	})
	t.Run("message", func(t *testing.T) {
		m := v.Message
		if !b.check(m.MsgSignature, m.Timestamp, m.Nonce, m.Encrypt) {
			t.Error("published msg_signature refused")
		}
		plain, err := b.open(m.Encrypt)
		if err != nil {
			t.Fatal(err)
		}
		msg, e := openMessage(plain, nil, "", "", "")
		if e != nil {
			t.Fatal(e)
		}
		want := m.PlaintextFields
		if msg.FromUserName != want["FromUserName"] || msg.Content != want["Content"] || strconv.FormatInt(msg.MsgID, 10) != want["MsgId"] {
			t.Errorf("message %+v, want %v", msg, want)
		}
	})
	t.Run("other receiver", func(t *testing.T) {
		other, _ := newBox(v.Token, v.EncodingAESKey, "wx0000000000000000")
		if _, err := other.open(v.Message.Encrypt); !errors.Is(err, errCiphertext) {
			t.Errorf("opened for another receiver: %v", err)
		}
	})
	t.Run("seal", func(t *testing.T) {
		var env struct {
			Encrypt, MsgSignature, TimeStamp, Nonce string
		}
		if err := xml.Unmarshal(b.seal([]byte("<xml>回复</xml>"), 1409659813), &env); err != nil {
			t.Fatal(err)
		}
		if env.TimeStamp != "1409659813" || !wechattest.CheckSign(env.MsgSignature, v.Token, env.TimeStamp, env.Nonce, env.Encrypt) {
			t.Errorf("sealed reply's MsgSignature does not check: %+v", env)
		}
		plain, err := wechattest.Decrypt(v.EncodingAESKey, v.ReceiverID, env.Encrypt)
		if err != nil || string(plain) != "<xml>回复</xml>" {
			t.Errorf("sealed reply opens to %q, %v", plain, err)
		}
	})
}

// TestWeComPublishedVectors replays the published requests to the WeCom
// adapter, as the platform would have sent them.
func TestWeComPublishedVectors(t *testing.T) {
	v := wechattest.LoadVectors(t)
	f := newFixture(t, wechattest.Options{}, nil)
	cfg := f.wecomConfig()
	cfg.CorpID, cfg.Token, cfg.EncodingAESKey = v.ReceiverID, v.Token, v.EncodingAESKey
	wc, err := NewWeCom(cfg, f.deps())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wc)
	defer srv.Close()
	do := func(method string, q url.Values, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+"/wecom?"+q.Encode(), strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	u := v.VerifyURL
	status, body := do(http.MethodGet, url.Values{"msg_signature": {u.MsgSignature}, "timestamp": {u.Timestamp}, "nonce": {u.Nonce}, "echostr": {u.Echostr}}, "")
	if status != http.StatusOK || body != u.Plaintext {
		t.Errorf("verification answered %d %q, want %q", status, body, u.Plaintext)
	}
	m := v.Message
	envelope := "<xml><ToUserName><![CDATA[" + v.ReceiverID + "]]></ToUserName><Encrypt><![CDATA[" + m.Encrypt + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
	status, body = do(http.MethodPost, url.Values{"msg_signature": {m.MsgSignature}, "timestamp": {m.Timestamp}, "nonce": {m.Nonce}}, envelope)
	if status != http.StatusOK {
		t.Fatalf("message answered %d %q", status, body)
	}
	var reply struct {
		Encrypt, MsgSignature, TimeStamp, Nonce string
	}
	if err := xml.Unmarshal([]byte(body), &reply); err != nil {
		t.Fatal(err)
	}
	if !wechattest.CheckSign(reply.MsgSignature, v.Token, reply.TimeStamp, reply.Nonce, reply.Encrypt) {
		t.Error("reply signature does not check")
	}
	plain, err := wechattest.Decrypt(v.EncodingAESKey, v.ReceiverID, reply.Encrypt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(plain), "<ToUserName><![CDATA[mycreate]]></ToUserName>") {
		t.Errorf("reply not addressed to the sender: %s", plain)
	}
	if calls := f.handler.calls(); len(calls) != 1 || calls[0].Text != "hello" || calls[0].UserID != "mycreate" {
		t.Errorf("handler got %+v", calls)
	}
}
