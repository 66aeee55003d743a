package wechattest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Mode is an Official Account's message encryption setting (消息加解密方式).
type Mode int

// Official Account callback modes.
const (
	// Plain (明文模式) posts the message XML signed with signature.
	Plain Mode = iota
	// Compatible (兼容模式) posts the plaintext fields plus Encrypt, with
	// encrypt_type=aes and msg_signature; the reply may be plain or encrypted.
	Compatible
	// Safe (安全模式) posts only ToUserName and Encrypt, with encrypt_type=aes
	// and msg_signature; a reply must be encrypted and signed.
	Safe
)

// Forgery is a deliberate defect in the requests of a client made by Forged.
type Forgery int

// Forgeries. Those about encryption apply to encrypted requests only (WeCom,
// Compatible and Safe); a forgery that cannot apply makes the call fail with
// errNotApplicable.
const (
	// ForgeSignature signs with a wrong token: signature on the Official
	// Account, msg_signature on WeCom.
	ForgeSignature Forgery = iota + 1
	// ForgeMsgSignature keeps signature right and makes msg_signature wrong.
	ForgeMsgSignature
	// ForgeReceiver encrypts for another AppID / CorpID, correctly signed.
	ForgeReceiver
	// ForgeCiphertext sends an Encrypt cut short by one AES block, correctly signed.
	ForgeCiphertext
	// ForgeGarbage posts a body that is not XML, correctly signed.
	ForgeGarbage
	// ForgeOversized posts a valid, correctly signed message larger than 1 MiB.
	ForgeOversized
)

// oversizedBytes is how much content ForgeOversized adds: just over 1 MiB.
const oversizedBytes = 1<<20 + 1

// Reply limits the platform puts on a passive reply.
const (
	maxReplyText     = 2048 // bytes of a text reply
	maxReplyArticles = 8
)

// Errors of the callback client beyond the crypto ones; branch with errors.Is.
var (
	// errBadReply means the passive reply is not one the platform would accept.
	errBadReply = errors.New("wechattest: unacceptable passive reply")
	// errEcho means URL verification answered something other than the expected echo.
	errEcho = errors.New("wechattest: wrong URL verification echo")
	// errNotApplicable means a forgery does not apply to the request.
	errNotApplicable = errors.New("wechattest: forgery does not apply")
)

// StatusError is a non-200 answer from our callback endpoint.
type StatusError struct {
	Code int
	Body string
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("wechattest: callback answered HTTP %d: %.200s", e.Code, e.Body)
}

// Client calls our callback endpoint exactly as the platform does: URL
// verification, and messages and events signed (and encrypted) with the
// account's Token and EncodingAESKey. Configure the exported fields before
// use; a Client is safe for concurrent use afterwards.
type Client struct {
	URL        string // our endpoint, e.g. http://127.0.0.1:8080/wechat
	Token      string
	AESKey     string // EncodingAESKey, 43 characters
	ReceiverID string // AppID (Official Account) or CorpID (WeCom) inside every ciphertext
	AccountID  string // ToUserName of messages: the account's original id, or the CorpID
	AgentID    int64  // WeCom app id carried by messages
	Mode       Mode   // Official Account only; WeCom always encrypts
	// HTTP sends the requests. Its default gives up after 5 s, like the
	// platform, and keeps up to 64 idle connections for benchmarks.
	HTTP *http.Client

	wecom   bool
	forgery Forgery
}

// NewOAClient returns a Plain-mode client of an Official Account endpoint
// (set Mode for the others); AccountID defaults to "gh_" + appID.
func NewOAClient(endpoint, token, aesKey, appID string) *Client {
	return &Client{URL: endpoint, Token: token, AESKey: aesKey, ReceiverID: appID, AccountID: "gh_" + appID, HTTP: defaultHTTP()}
}

// NewWeComClient returns a client of a WeCom self-built app endpoint;
// AgentID defaults to DefaultAgentID.
func NewWeComClient(endpoint, token, aesKey, corpID string) *Client {
	return &Client{URL: endpoint, Token: token, AESKey: aesKey, ReceiverID: corpID, AccountID: corpID, AgentID: DefaultAgentID, HTTP: defaultHTTP(), wecom: true}
}

func defaultHTTP() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: 5 * time.Second, Transport: t}
}

// Forged returns a copy of c whose requests carry forgery f.
func (c *Client) Forged(f Forgery) *Client {
	cp := *c
	cp.forgery = f
	return &cp
}

// encrypted reports whether c's messages are encrypted.
func (c *Client) encrypted() bool { return c.wecom || c.Mode != Plain }

// Verify performs URL verification (GET with echostr) and checks the answer:
// the echostr itself on the Official Account, the decrypted echostr on WeCom.
func (c *Client) Verify() error {
	switch c.forgery {
	case 0, ForgeSignature:
	case ForgeMsgSignature, ForgeReceiver, ForgeCiphertext:
		if !c.wecom {
			return fmt.Errorf("%w: Official Account URL verification is not encrypted", errNotApplicable)
		}
	default:
		return fmt.Errorf("%w: URL verification has no body", errNotApplicable)
	}
	ts, nonce := timestamp(), digits(10)
	echo := digits(19)
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}}
	if c.wecom {
		enc, err := c.encrypt([]byte(echo))
		if err != nil {
			return err
		}
		q.Set("echostr", enc)
		q.Set("msg_signature", c.sign(ts, nonce, enc))
	} else {
		q.Set("echostr", echo)
		q.Set("signature", c.sign(ts, nonce))
	}
	status, body, err := c.do(http.MethodGet, q, nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return &StatusError{Code: status, Body: string(body)}
	}
	if string(body) != echo {
		return fmt.Errorf("%w: got %.100q, want %q", errEcho, body, echo)
	}
	return nil
}

// Message is an incoming message or event as the platform posts it.
type Message struct {
	FromUser   string // openid (Official Account) or userid (WeCom)
	MsgType    string // "text", "event", …
	Content    string // text
	MsgID      int64  // text; the platform's dedupe key
	Event      string // subscribe, unsubscribe, CLICK, VIEW (WeCom: click, view, …)
	EventKey   string // the menu key of CLICK, the URL of VIEW
	CreateTime int64  // Unix seconds; 0 means now
}

// SendText posts a text message from openID (a userid on WeCom).
func (c *Client) SendText(openID, content string, msgID int64) (*Reply, error) {
	return c.Send(Message{FromUser: openID, MsgType: "text", Content: content, MsgID: msgID})
}

// SendEvent posts an event: subscribe, unsubscribe, CLICK (eventKey is the
// menu key) or VIEW (eventKey is the URL).
func (c *Client) SendEvent(openID, event, eventKey string) (*Reply, error) {
	return c.Send(Message{FromUser: openID, MsgType: "event", Event: event, EventKey: eventKey})
}

// Send posts m in c's mode and returns the checked passive reply; a non-200
// answer is a *StatusError.
func (c *Client) Send(m Message) (*Reply, error) {
	switch c.forgery {
	case ForgeMsgSignature, ForgeReceiver, ForgeCiphertext:
		if !c.encrypted() {
			return nil, fmt.Errorf("%w: plain mode has no ciphertext", errNotApplicable)
		}
	case ForgeOversized:
		m.Content += strings.Repeat("长", oversizedBytes/3+1)
	}
	if m.CreateTime == 0 {
		m.CreateTime = time.Now().Unix()
	}
	inner := c.messageXML(m)
	ts, nonce := timestamp(), digits(10)
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}}
	body := inner
	if c.encrypted() {
		enc, err := c.encrypt(inner)
		if err != nil {
			return nil, err
		}
		q.Set("msg_signature", c.sign(ts, nonce, enc))
		body = c.envelope(inner, enc)
	}
	if !c.wecom {
		q.Set("signature", c.sign(ts, nonce))
		q.Set("openid", m.FromUser)
		if c.encrypted() {
			q.Set("encrypt_type", "aes")
		}
	}
	if c.forgery == ForgeGarbage {
		body = []byte("\x00\xffthis is not <xml")
	}
	status, resp, err := c.do(http.MethodPost, q, body)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, &StatusError{Code: status, Body: string(resp)}
	}
	return c.parseReply(resp, m.FromUser)
}

// sign computes signature (parts: timestamp, nonce) or msg_signature
// (timestamp, nonce, encrypt) with c's token, or a wrong token when the
// forgery targets that signature.
func (c *Client) sign(parts ...string) string {
	msgSig := len(parts) == 3
	token := c.Token
	if (c.forgery == ForgeSignature && (c.wecom || !msgSig)) || (c.forgery == ForgeMsgSignature && msgSig) {
		token = "forged-" + token
	}
	return signature(append(parts, token)...)
}

// encrypt seals msg for c's receiver, or as the forgery says.
func (c *Client) encrypt(msg []byte) (string, error) {
	receiver := c.ReceiverID
	if c.forgery == ForgeReceiver {
		receiver = "forged" + receiver
	}
	enc, err := Encrypt(c.AESKey, receiver, msg)
	if err != nil || c.forgery != ForgeCiphertext {
		return enc, err
	}
	raw, _ := base64.StdEncoding.DecodeString(enc)
	return base64.StdEncoding.EncodeToString(raw[:len(raw)-16]), nil
}

// messageXML renders m as the platform's plaintext message XML.
func (c *Client) messageXML(m Message) []byte {
	var b bytes.Buffer
	b.WriteString("<xml>")
	cdata(&b, "ToUserName", c.AccountID)
	cdata(&b, "FromUserName", m.FromUser)
	number(&b, "CreateTime", m.CreateTime)
	cdata(&b, "MsgType", m.MsgType)
	if m.MsgType == "event" {
		cdata(&b, "Event", m.Event)
		if m.EventKey != "" {
			cdata(&b, "EventKey", m.EventKey)
		}
	} else {
		cdata(&b, "Content", m.Content)
		number(&b, "MsgId", m.MsgID)
	}
	if c.wecom {
		number(&b, "AgentID", c.AgentID)
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

// envelope is the body of an encrypted message: the plaintext plus Encrypt
// in Compatible mode, else ToUserName (and WeCom's AgentID) plus Encrypt.
func (c *Client) envelope(inner []byte, enc string) []byte {
	var b bytes.Buffer
	if c.Mode == Compatible && !c.wecom {
		b.Write(bytes.TrimSuffix(inner, []byte("</xml>")))
	} else {
		b.WriteString("<xml>")
		cdata(&b, "ToUserName", c.AccountID)
		if c.wecom {
			cdata(&b, "AgentID", strconv.FormatInt(c.AgentID, 10))
		}
	}
	cdata(&b, "Encrypt", enc)
	b.WriteString("</xml>")
	return b.Bytes()
}

// do sends one request to c.URL with q added to its query.
func (c *Client) do(method string, q url.Values, body []byte) (int, []byte, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return 0, nil, fmt.Errorf("wechattest: callback url: %w", err)
	}
	all := u.Query()
	for k, v := range q {
		all[k] = v
	}
	u.RawQuery = all.Encode()
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("wechattest: callback request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "text/xml")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("wechattest: callback %s: %w", method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("wechattest: callback read: %w", err)
	}
	return resp.StatusCode, data, nil
}

// Reply is our endpoint's answer to a message as the platform would read it.
type Reply struct {
	Body      []byte // the HTTP body as received
	Empty     bool   // "success" or empty: no passive reply
	Encrypted bool   // the reply was encrypted (and its signature checked)
	XML       []byte // the plaintext reply XML

	ToUserName   string
	FromUserName string
	CreateTime   int64
	MsgType      string // "text", "news", …
	Content      string
	Articles     []Article
}

// parseReply checks and decodes a passive reply to a message from openID.
func (c *Client) parseReply(body []byte, openID string) (*Reply, error) {
	r := &Reply{Body: body}
	if len(body) == 0 || string(body) == "success" {
		r.Empty = true
		return r, nil
	}
	var env struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
		Nonce        string `xml:"Nonce"`
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadReply, err)
	}
	r.Encrypted = env.Encrypt != ""
	switch {
	case r.Encrypted && !c.encrypted():
		return nil, fmt.Errorf("%w: encrypted reply in plain mode", errBadReply)
	case !r.Encrypted && (c.wecom || c.Mode == Safe):
		return nil, fmt.Errorf("%w: plaintext reply where encryption is required", errBadReply)
	}
	r.XML = body
	if r.Encrypted {
		if env.MsgSignature == "" || env.TimeStamp == "" || env.Nonce == "" {
			return nil, fmt.Errorf("%w: encrypted reply without MsgSignature, TimeStamp or Nonce", errBadReply)
		}
		if !CheckSign(env.MsgSignature, c.Token, env.TimeStamp, env.Nonce, env.Encrypt) {
			return nil, fmt.Errorf("wechattest: reply MsgSignature: %w", errSignature)
		}
		plain, err := Decrypt(c.AESKey, c.ReceiverID, env.Encrypt)
		if err != nil {
			return nil, fmt.Errorf("wechattest: reply: %w", err)
		}
		r.XML = plain
	}
	var x struct {
		ToUserName   string `xml:"ToUserName"`
		FromUserName string `xml:"FromUserName"`
		CreateTime   int64  `xml:"CreateTime"`
		MsgType      string `xml:"MsgType"`
		Content      string `xml:"Content"`
		ArticleCount int    `xml:"ArticleCount"`
		Items        []struct {
			Title       string `xml:"Title"`
			Description string `xml:"Description"`
			PicURL      string `xml:"PicUrl"`
			URL         string `xml:"Url"`
		} `xml:"Articles>item"`
	}
	if err := xml.Unmarshal(r.XML, &x); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadReply, err)
	}
	r.ToUserName, r.FromUserName, r.CreateTime, r.MsgType, r.Content = x.ToUserName, x.FromUserName, x.CreateTime, x.MsgType, x.Content
	for _, it := range x.Items {
		r.Articles = append(r.Articles, Article{Title: it.Title, Description: it.Description, URL: it.URL, PicURL: it.PicURL})
	}
	switch {
	case r.MsgType == "":
		return nil, fmt.Errorf("%w: no MsgType", errBadReply)
	case r.ToUserName != openID:
		return nil, fmt.Errorf("%w: ToUserName %q, want the sender %q", errBadReply, r.ToUserName, openID)
	case r.FromUserName != c.AccountID:
		return nil, fmt.Errorf("%w: FromUserName %q, want the account %q", errBadReply, r.FromUserName, c.AccountID)
	case r.CreateTime <= 0:
		return nil, fmt.Errorf("%w: no CreateTime", errBadReply)
	case r.MsgType == "text" && len(r.Content) > maxReplyText:
		return nil, fmt.Errorf("%w: text of %d bytes, limit %d", errBadReply, len(r.Content), maxReplyText)
	case r.MsgType == "news" && (len(r.Articles) == 0 || len(r.Articles) > maxReplyArticles || x.ArticleCount != len(r.Articles)):
		return nil, fmt.Errorf("%w: ArticleCount %d with %d articles", errBadReply, x.ArticleCount, len(r.Articles))
	}
	return r, nil
}

// cdata writes <tag><![CDATA[v]]></tag>, splitting any "]]>" inside v.
func cdata(b *bytes.Buffer, tag, v string) {
	b.WriteString("<" + tag + "><![CDATA[")
	b.WriteString(strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>"))
	b.WriteString("]]></" + tag + ">")
}

// number writes <tag>n</tag>.
func number(b *bytes.Buffer, tag string, n int64) {
	b.WriteString("<" + tag + ">" + strconv.FormatInt(n, 10) + "</" + tag + ">")
}

// timestamp is the current Unix time as the platform sends it.
func timestamp() string { return strconv.FormatInt(time.Now().Unix(), 10) }

// digits returns n random decimal digits, not starting with 0, like the
// platform's nonce and echostr.
func digits(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

// String names the mode as the platform's settings page does.
func (m Mode) String() string {
	switch m {
	case Plain:
		return "plain"
	case Compatible:
		return "compatible"
	case Safe:
		return "safe"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// String names the forgery.
func (f Forgery) String() string {
	names := map[Forgery]string{
		ForgeSignature: "forged signature", ForgeMsgSignature: "forged msg_signature",
		ForgeReceiver: "other receiver", ForgeCiphertext: "truncated ciphertext",
		ForgeGarbage: "garbage body", ForgeOversized: "oversized body",
	}
	if n, found := names[f]; found {
		return n
	}
	return fmt.Sprintf("Forgery(%d)", int(f))
}
