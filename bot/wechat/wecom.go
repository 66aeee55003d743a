package wechat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"tongbao/bot/chat"
	"tongbao/bot/msg"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// WeCom errcodes the sender acts on.
const (
	codeWeComFreq         = 45009 // api freq out of limit
	codeAllRecipientsGone = 81013 // user & party & tag all invalid
)

// textcard limits, in bytes.
const (
	maxCardTitle       = 128
	maxCardDescription = 512
)

// WeCom is a WeCom (企业微信) self-built app: the /wecom callback (an
// http.Handler) and the chat.Sender of app messages to members, whose chat
// ids are userids.
type WeCom struct {
	cfg        WeComConfig
	api        *apiClient
	limits     MemberLimiter
	limitScope string // the scope of a member's limit, less the userid
	resp       *responder
}

// NewWeCom returns the app described by cfg, answering through
// deps.Handler. deps.Handler, deps.Tokens, deps.Limits and deps.Dedupe are
// required; deps.Events is not used.
func NewWeCom(cfg WeComConfig, deps Deps) (*WeCom, error) {
	deps, err := deps.prepare("NewWeCom", cfg, true)
	if err != nil {
		return nil, err
	}
	agent := strconv.FormatInt(cfg.AgentID, 10)
	c := &WeCom{cfg: cfg}
	c.api = &apiClient{
		base:    apiBase(cfg.APIBase, DefaultWeComAPIBase),
		http:    deps.HTTP,
		cache:   NewTokenCache(deps.Tokens),
		key:     "wecom:token:" + cfg.CorpID + ":" + agent,
		fetch:   fetchToken("/cgi-bin/gettoken", url.Values{"corpid": {cfg.CorpID}, "corpsecret": {cfg.Secret}}),
		expired: wecomTokenExpired,
	}
	c.limits = deps.Limits
	c.limitScope = "wecom:" + cfg.CorpID + ":" + agent + ":"
	if c.resp, err = newResponder(c, deps, cfg.Token, cfg.EncodingAESKey, cfg.CorpID, cfg.ReplyBudget); err != nil {
		return nil, err
	}
	return c, nil
}

// wecomTokenExpired reports the errcodes after which WeCom wants a new
// access token: 40014 invalid, 42001 expired.
func wecomTokenExpired(code int) bool { return code == 40014 || code == 42001 }

// Platform implements chat.Sender.
func (c *WeCom) Platform() chat.Platform { return chat.WeCom }

// ServeHTTP serves the app's callback URL: URL verification (GET: the
// echostr is decrypted and its plaintext returned) and encrypted messages
// (POST). A wrong msg_signature gets 403; a body that does not decrypt or
// parse 400; one over 1 MiB 413: nothing of it is processed. Text messages
// and menu clicks (as MenuText) go to the Handler; the answer is an
// encrypted passive reply when ready within the budget and one message
// long, else it follows as app messages. A retried MsgId gets an empty
// answer.
func (c *WeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sig, ts, nonce := q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")
	switch r.Method {
	case http.MethodGet:
		c.verify(w, r, sig, ts, nonce, q.Get("echostr"))
		return
	case http.MethodPost:
	default:
		methodNotAllowed(w)
		return
	}
	body, e := readBody(w, r)
	if e != nil {
		c.resp.fail(w, r, e)
		return
	}
	msg, e := openMessage(body, c.resp.box, sig, ts, nonce)
	if e != nil {
		c.resp.fail(w, r, e)
		return
	}
	keyPrefix := "wecom:" + c.cfg.CorpID + ":" + strconv.FormatInt(c.cfg.AgentID, 10)
	switch {
	case msg.MsgType == message.MsgTypeText:
		key := keyPrefix + ":msg:" + strconv.FormatInt(msg.MsgID, 10)
		c.resp.answer(w, r, msg, c.resp.incoming(msg, msg.Content), key, true)
	case msg.MsgType == message.MsgTypeEvent && strings.EqualFold(string(msg.Event), "click"):
		text, known := MenuText(msg.EventKey)
		if !known {
			c.resp.log.Warn("wechat: unknown WeCom menu key", "key", msg.EventKey)
			c.resp.noReply(w)
			return
		}
		c.resp.answer(w, r, msg, c.resp.incoming(msg, text), eventKey(keyPrefix, msg), true)
	default: // enter_agent, view, pictures …
		c.resp.noReply(w)
	}
}

// verify answers URL verification with the decrypted echostr.
func (c *WeCom) verify(w http.ResponseWriter, r *http.Request, sig, ts, nonce, echo string) {
	if echo == "" {
		c.resp.fail(w, r, refuse(http.StatusBadRequest, errors.New("wechat: WeCom verification without echostr")))
		return
	}
	if !c.resp.box.check(sig, ts, nonce, echo) {
		c.resp.fail(w, r, refuse(http.StatusForbidden, fmt.Errorf("wechat: WeCom msg_signature: %w", errSignature)))
		return
	}
	plain, err := c.resp.box.open(echo)
	if err != nil {
		c.resp.fail(w, r, refuse(http.StatusBadRequest, err))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(plain)
}

// Shutdown waits until the answers that missed the reply budget are
// delivered, or ctx ends. Call it after the HTTP server has shut down.
func (c *WeCom) Shutdown(ctx context.Context) error { return c.resp.shutdown(ctx) }

// wecomMessage is a message/send body: text or textcard to one member.
type wecomMessage struct {
	ToUser   string             `json:"touser"`
	MsgType  string             `json:"msgtype"`
	AgentID  int64              `json:"agentid"`
	Text     *message.MediaText `json:"text,omitempty"`
	TextCard *wecomTextCard     `json:"textcard,omitempty"`
}

type wecomTextCard struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	BtnTxt      string `json:"btntxt,omitempty"`
}

// wecomMessages renders r as the app's (agentID) messages to userID.
func wecomMessages(agentID int64, userID string, r chat.Reply) []wecomMessage {
	if hasCard(r) {
		card := r.Card
		desc := card.Description
		if desc == "" {
			desc = card.Title
		}
		return []wecomMessage{{ToUser: userID, MsgType: "textcard", AgentID: agentID, TextCard: &wecomTextCard{
			Title: cutBytes(card.Title, maxCardTitle), Description: cutBytes(desc, maxCardDescription), URL: card.URL, BtnTxt: msg.Say(r.Lang(), "wecom.card.button"),
		}}}
	}
	text := renderText(r)
	if text == "" {
		return nil
	}
	var msgs []wecomMessage
	for _, part := range splitText(text, maxText) {
		msgs = append(msgs, wecomMessage{ToUser: userID, MsgType: "text", AgentID: agentID, Text: &message.MediaText{Content: part}})
	}
	return msgs
}

// Send pushes r to the member userID as app messages: a textcard when r
// has a Card with a link, else text (links as <a href>) cut into messages
// of at most 2,048 bytes, and returns the last msgid. A member may receive
// 30 messages a minute and 1,000 an hour from the app, counted by Deps.Limits
// across replicas; WeCom drops the excess silently, so a reply that would
// exceed them is not sent and returns *chat.SendError FailRateLimited with
// RetryAfter. Other refusals are *chat.SendError: a member no longer
// reachable (81013, or listed as invaliduser) FailLeft, API frequency
// (45009) FailRateLimited, system busy (-1), HTTP 5xx and timeouts
// FailRetry. An expired token (40014, 42001) is refreshed and the call
// retried once.
func (c *WeCom) Send(ctx context.Context, userID string, r chat.Reply) (string, error) {
	msgs := wecomMessages(c.cfg.AgentID, userID, r)
	if len(msgs) == 0 {
		return "", &chat.SendError{Failure: chat.FailPermanent, Err: errEmptyReply}
	}
	wait, err := c.limits.RateLimitN(ctx, c.limitScope+userID, len(msgs), wecomRates, time.Now())
	switch {
	case err != nil:
		return "", &chat.SendError{Failure: chat.FailRetry, Err: err}
	case wait > 0:
		return "", &chat.SendError{Failure: chat.FailRateLimited, RetryAfter: wait,
			Err: fmt.Errorf("wechat: WeCom limit of messages to member %s reached", userID)}
	}
	var msgID string
	for i, m := range msgs {
		var res struct {
			InvalidUser string `json:"invaliduser"`
			MsgID       string `json:"msgid"`
		}
		if err := c.api.call(ctx, "/cgi-bin/message/send", m, &res); err != nil {
			return "", sendError(fmt.Errorf("app message %d: %w", i+1, err), classifyWeCom)
		}
		if slices.Contains(strings.Split(strings.ToLower(res.InvalidUser), "|"), strings.ToLower(userID)) {
			return "", &chat.SendError{Failure: chat.FailLeft, Err: fmt.Errorf("wechat: WeCom member %s is not reachable by the app", userID)}
		}
		msgID = res.MsgID
	}
	return msgID, nil
}

// classifyWeCom says what a WeCom errcode means for a send.
func classifyWeCom(code int) (chat.SendFailure, time.Duration) {
	switch code {
	case codeAllRecipientsGone:
		return chat.FailLeft, 0
	case codeWeComFreq:
		return chat.FailRateLimited, time.Minute
	case codeSystemBusy:
		return chat.FailRetry, 0
	}
	if wecomTokenExpired(code) {
		return chat.FailRetry, 0
	}
	return chat.FailPermanent, 0
}
