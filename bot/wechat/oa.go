package wechat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"tongbao/bot/chat"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// OfficialAccount is a WeChat Official Account (公众号): the /wechat
// callback (an http.Handler) and the chat.Sender of pushes to its
// followers, whose chat ids are openids.
type OfficialAccount struct {
	cfg    OAConfig
	api    *apiClient
	events Events
	resp   *responder
}

// NewOfficialAccount returns the account described by cfg, answering
// through deps.Handler. deps.Handler, deps.Tokens and deps.Dedupe are
// required.
func NewOfficialAccount(cfg OAConfig, deps Deps) (*OfficialAccount, error) {
	deps, err := deps.prepare("NewOfficialAccount", cfg, false)
	if err != nil {
		return nil, err
	}
	a := &OfficialAccount{cfg: cfg, events: deps.Events}
	fetch := fetchToken("/cgi-bin/token", url.Values{"grant_type": {"client_credential"}, "appid": {cfg.AppID}, "secret": {cfg.AppSecret}})
	if cfg.UseStableToken {
		fetch = fetchStableToken(cfg.AppID, cfg.AppSecret)
	}
	a.api = &apiClient{
		base:    apiBase(cfg.APIBase, DefaultAPIBase),
		http:    deps.HTTP,
		cache:   NewTokenCache(deps.Tokens),
		key:     "wechat:token:" + cfg.AppID,
		fetch:   fetch,
		expired: oaTokenExpired,
	}
	if a.resp, err = newResponder(a, deps, cfg.Token, cfg.EncodingAESKey, cfg.AppID, cfg.ReplyBudget); err != nil {
		return nil, err
	}
	return a, nil
}

// oaTokenExpired reports the errcodes after which the Official Account
// wants a new access token: 40001 invalid or superseded, 40014 invalid,
// 42001 expired.
func oaTokenExpired(code int) bool { return code == 40001 || code == 40014 || code == 42001 }

// Platform implements chat.Sender.
func (a *OfficialAccount) Platform() chat.Platform { return chat.WeChat }

// ServeHTTP serves the callback URL: URL verification (GET with echostr)
// and messages and events (POST) in plain mode, and in compatible and safe
// mode when an EncodingAESKey is configured. An unencrypted message is
// accepted like the platform's plain mode (an account can be switched
// between modes in the WeChat console) unless RequireEncryption is set.
// A request whose signature or msg_signature is wrong, or that is
// unencrypted under RequireEncryption, gets 403; a body that does not
// decrypt or parse 400; one over 1 MiB 413: nothing of it is processed.
//
// Text messages (and recognized voice) go to the Handler; subscribe calls
// Events.Subscribed and answers the Handler's "/start"; unsubscribe calls
// Events.Unsubscribed; a menu CLICK is the text of its key (MenuText).
// The answer is passive when ready within the reply budget and one message
// long, else "success" now and customer-service messages later. A retried
// message (same MsgId; for events the same sender, time and event) gets
// "success": the first attempt answers.
func (a *OfficialAccount) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !a.resp.box.check(q.Get("signature"), ts, nonce) {
		a.resp.fail(w, r, refuse(http.StatusForbidden, fmt.Errorf("wechat: signature: %w", errSignature)))
		return
	}
	switch r.Method {
	case http.MethodGet:
		echo := q.Get("echostr")
		if echo == "" {
			a.resp.fail(w, r, refuse(http.StatusBadRequest, errors.New("wechat: verification without echostr")))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(echo))
		return
	case http.MethodPost:
	default:
		methodNotAllowed(w)
		return
	}
	var b *box
	switch q.Get("encrypt_type") {
	case "", "raw":
		if a.resp.box.key != nil && a.cfg.RequireEncryption {
			a.resp.fail(w, r, refuse(http.StatusForbidden, errors.New("wechat: unencrypted message while require_encryption is set (set the account to safe mode)")))
			return
		}
	case "aes":
		b = a.resp.box
	default:
		a.resp.fail(w, r, refuse(http.StatusBadRequest, fmt.Errorf("wechat: unknown encrypt_type %q", q.Get("encrypt_type"))))
		return
	}
	body, e := readBody(w, r)
	if e != nil {
		a.resp.fail(w, r, e)
		return
	}
	msg, e := openMessage(body, b, q.Get("msg_signature"), ts, nonce)
	if e != nil {
		a.resp.fail(w, r, e)
		return
	}
	a.dispatch(w, r, msg, b != nil)
}

// dispatch acts on one verified message.
func (a *OfficialAccount) dispatch(w http.ResponseWriter, r *http.Request, msg *inbound, encrypted bool) {
	keyPrefix := "wechat:" + a.cfg.AppID
	msgKey := func() string { return keyPrefix + ":msg:" + strconv.FormatInt(msg.MsgID, 10) }
	switch msg.MsgType {
	case message.MsgTypeText:
		a.resp.answer(w, r, msg, a.resp.incoming(msg, msg.Content), msgKey(), encrypted)
	case message.MsgTypeVoice:
		if msg.Recognition == "" { // speech recognition is off
			a.resp.noReply(w)
			return
		}
		a.resp.answer(w, r, msg, a.resp.incoming(msg, msg.Recognition), msgKey(), encrypted)
	case message.MsgTypeEvent:
		a.event(w, r, msg, eventKey(keyPrefix, msg), encrypted)
	default:
		a.resp.log.Debug("wechat: message type ignored", "type", msg.MsgType)
		a.resp.noReply(w)
	}
}

// event acts on a follow, an unfollow or a menu press. Follows and
// unfollows are recorded on every attempt (they are idempotent, and an
// error makes the platform retry); only the welcome is deduplicated.
func (a *OfficialAccount) event(w http.ResponseWriter, r *http.Request, msg *inbound, key string, encrypted bool) {
	subscriber := chat.SubscriberID(chat.WeChat, msg.FromUserName)
	switch msg.Event {
	case message.EventSubscribe:
		if a.events != nil {
			if err := a.events.Subscribed(r.Context(), subscriber); err != nil {
				a.eventFailed(w, "subscribe", subscriber, err)
				return
			}
		}
		a.resp.answer(w, r, msg, a.resp.incoming(msg, "/start"), key, encrypted)
	case message.EventUnsubscribe:
		if a.events != nil {
			if err := a.events.Unsubscribed(r.Context(), subscriber); err != nil {
				a.eventFailed(w, "unsubscribe", subscriber, err)
				return
			}
		}
		a.resp.noReply(w)
	case message.EventClick:
		text, known := MenuText(msg.EventKey)
		if !known {
			a.resp.log.Warn("wechat: unknown menu key", "key", msg.EventKey)
			a.resp.noReply(w)
			return
		}
		a.resp.answer(w, r, msg, a.resp.incoming(msg, text), key, encrypted)
	default: // VIEW opens its URL in the client; scans, locations …
		a.resp.log.Debug("wechat: event ignored", "event", msg.Event)
		a.resp.noReply(w)
	}
}

// eventFailed answers 500 so that the platform retries the event.
func (a *OfficialAccount) eventFailed(w http.ResponseWriter, event, subscriber string, err error) {
	a.resp.log.Error("wechat: event not recorded", "event", event, "subscriber", subscriber, "err", err)
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// Shutdown waits until the answers that missed the reply budget are
// delivered, or ctx ends. Call it after the HTTP server has shut down.
func (a *OfficialAccount) Shutdown(ctx context.Context) error { return a.resp.shutdown(ctx) }
