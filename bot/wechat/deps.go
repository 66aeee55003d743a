package wechat

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"
	"tongbao/bot/chat"
)

// Both adapters serve their callback and send.
var (
	_ http.Handler = (*OfficialAccount)(nil)
	_ chat.Sender  = (*OfficialAccount)(nil)
	_ http.Handler = (*WeCom)(nil)
	_ chat.Sender  = (*WeCom)(nil)
)

// Handler is the conversation core: it answers what a user sent.
type Handler interface {
	Handle(ctx context.Context, in chat.Incoming) []chat.Reply
}

// Events records follows and unfollows of the Official Account.
// subscriberID is chat.SubscriberID(chat.WeChat, openid).
type Events interface {
	// Subscribed creates the subscriber, or makes a returning one active.
	// The welcome is then the Handler's answer to "/start".
	Subscribed(ctx context.Context, subscriberID string) error
	// Unsubscribed marks the subscriber as left: nothing more is pushed.
	Unsubscribed(ctx context.Context, subscriberID string) error
}

// Deduper remembers keys across replicas: Once reports true the first
// time key is seen within ttl (SET NX EX). The platforms retry a callback
// up to 3 times; only the first is processed.
type Deduper interface {
	Once(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// Deps are what an adapter needs besides its config.
type Deps struct {
	// Handler answers what people send. Required.
	Handler Handler
	// Tokens holds the access token every replica shares. Required.
	Tokens TokenStore
	// Limits counts the messages to each WeCom member across replicas.
	// Required for WeCom; the Official Account does not use it.
	Limits MemberLimiter
	// Dedupe drops platform retries of a callback. Required.
	Dedupe Deduper
	// Events receives follows and unfollows (Official Account only); nil
	// ignores them.
	Events Events
	// HTTP makes the API calls; nil uses a pooled client. Each call is also
	// bounded by its context and apiTimeout.
	HTTP *http.Client
	// Logger receives warnings and errors; nil uses slog.Default().
	Logger *slog.Logger
}

// prepare checks an adapter's config and the dependencies its
// constructor (named by who) requires — Handler, Tokens and Dedupe, and
// Limits when needLimits — and fills in the optional ones.
func (d Deps) prepare(who string, cfg interface{ Validate() error }, needLimits bool) (Deps, error) {
	if err := cfg.Validate(); err != nil {
		return d, err
	}
	if d.Handler == nil || d.Tokens == nil || d.Dedupe == nil || needLimits && d.Limits == nil {
		need := "Deps.Handler, Deps.Tokens and Deps.Dedupe"
		if needLimits {
			need = "Deps.Handler, Deps.Tokens, Deps.Limits and Deps.Dedupe"
		}
		return d, fmt.Errorf("wechat: %s needs %s", who, need)
	}
	return d.defaults(), nil
}

// defaults fills in the optional dependencies.
func (d Deps) defaults() Deps {
	if d.HTTP == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 32 // the dispatcher sends concurrently to one host
		d.HTTP = &http.Client{Transport: t}
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return d
}
