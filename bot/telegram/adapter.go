package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// Handler answers what a user did: the conversation core.
type Handler interface {
	Handle(ctx context.Context, in chat.Incoming) []chat.Reply
}

// Deduper remembers keys so that an update Telegram delivers twice (a
// lost webhook answer, a restart before the poll offset was confirmed) is
// handled once, across replicas: store.Store.Once (SET NX EX) implements
// it.
type Deduper interface {
	// Once reports whether key is new; it stays known for ttl.
	Once(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// Blocker records that a subscriber blocked the bot (Telegram answered
// 403 to a reply): store.Store.SetStatus implements it.
type Blocker interface {
	SetStatus(ctx context.Context, subscriberID string, status content.Status) error
}

// Adapter connects the bot to Telegram: it receives updates by long
// polling (Run) or by webhook (Run + ServeHTTP), hands them to the Handler,
// renders and sends its replies, and is the chat.Sender for Telegram.
type Adapter struct {
	cfg     Config
	client  *http.Client
	conn    atomic.Pointer[connection] // nil until connected
	up      chan struct{}              // closed once connected
	upOnce  sync.Once
	h       Handler
	dedupe  Deduper
	blocker Blocker
	log     *slog.Logger
	lanes   *lanes
	pace    *pacer
	retry   retryPolicy
	// replyTTL is how long a reply is worth sending (replyTTL).
	replyTTL time.Duration
	// connectBackoff is Connect's first wait after a failure.
	connectBackoff time.Duration
	// pollTimeout is getUpdates' long-poll timeout.
	pollTimeout time.Duration
}

// Deps are the adapter's collaborators.
type Deps struct {
	// Handler answers what people send. Required.
	Handler Handler
	// Dedupe drops updates Telegram delivers twice. Required.
	Dedupe Deduper
	// Blocker marks subscribers blocked when a reply to them gets 403; nil
	// only logs the 403.
	Blocker Blocker
	// Pacer counts the bot's messages, shared with the other replicas;
	// nil counts them in this process.
	Pacer Pacer
	// HTTP makes the Bot API calls (a pooled client when nil). It should
	// not have a Timeout shorter than a long poll: every call carries its
	// own deadline.
	HTTP *http.Client
	// Logger receives warnings and errors (slog.Default when nil).
	Logger *slog.Logger
}

// Bounds of the adapter's work.
const (
	// maxPending bounds the updates admitted and not yet handled; a
	// webhook beyond it answers 503 and Telegram retries later.
	maxPending = 4096
	// updateTTL is how long an update id is remembered: Telegram keeps
	// undelivered updates for 24 hours.
	updateTTL = 24 * time.Hour
	// handleTimeout bounds handling one update, sending and retrying the
	// replies included.
	handleTimeout = 2 * time.Minute
	// callTimeout bounds one Bot API call other than a long poll.
	callTimeout = 15 * time.Second
	// maxBody bounds a webhook request body; updates are a few KiB.
	maxBody = 1 << 20
)

// New connects to the Bot API (getMe), checks the bot's name and sets its
// command menu in Chinese and English; it fails when Telegram cannot be
// reached. Call Run to start receiving.
func New(ctx context.Context, cfg Config, deps Deps) (*Adapter, error) {
	a, err := Open(cfg, deps)
	if err != nil {
		return nil, err
	}
	if err := a.connect(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// Open checks the configuration and returns an adapter that is not
// connected yet: Connect connects it, retrying while Telegram cannot be
// reached. Until then Ready is false, Send and Edit hold messages back
// (FailRateLimited), the webhook answers 503 and Run waits.
func Open(cfg Config, deps Deps) (*Adapter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	if deps.Handler == nil || deps.Dedupe == nil {
		return nil, errors.New("telegram: Deps.Handler and Deps.Dedupe are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.HTTP == nil {
		deps.HTTP = defaultClient()
	}
	if deps.Pacer == nil {
		deps.Pacer = newLocalPacer()
	}
	return newAdapter(cfg, deps), nil
}

// connection is the Bot API client and the bot's account once getMe
// answered.
type connection struct {
	api botAPI
	me  user
}

// errWrongBot is a token that belongs to another bot than the configured
// one.
var errWrongBot = errors.New("telegram: the token belongs to another bot")

// connect calls getMe once, checks the bot's name, marks the adapter
// connected and sets the command menu.
func (a *Adapter) connect(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	api, err := dialAPI(cctx, a.cfg.Token, a.cfg.apiBase(), a.client)
	cancel()
	if err != nil {
		return err
	}
	me := api.self()
	if a.cfg.BotName != "" && !strings.EqualFold(a.cfg.BotName, me.Username) {
		return fmt.Errorf("%w: @%s, not telegram.bot_name @%s", errWrongBot, me.Username, a.cfg.BotName)
	}
	a.conn.Store(&connection{api: api, me: me})
	a.upOnce.Do(func() { close(a.up) })
	// The command menu is a convenience: a Bot API (or a stand-in for one)
	// that refuses it does not keep the bot from working.
	if err := a.setCommands(ctx); err != nil {
		a.log.Warn("telegram: command menu not set", "err", err)
	}
	a.log.Info("telegram: connected", "bot", "@"+me.Username, "config", a.cfg)
	return nil
}

// Connect connects the adapter (see Open), retrying with backoff from one
// second to a minute while Telegram cannot be reached or fails, and logging
// each failure. It returns nil once connected or when ctx ends, and an
// error when Telegram refuses the token (401, 404) or the token belongs to
// another bot than Config.BotName: retrying cannot fix those.
func (a *Adapter) Connect(ctx context.Context) error {
	backoff := a.connectBackoff
	for ctx.Err() == nil {
		err := a.connect(ctx)
		if err == nil {
			return nil
		}
		var ae *apiError
		if errors.Is(err, errWrongBot) || errors.As(err, &ae) && (ae.Code == http.StatusUnauthorized || ae.Code == http.StatusNotFound) {
			return fmt.Errorf("telegram: the token is refused: %w", err)
		}
		if ctx.Err() != nil {
			break
		}
		a.log.Warn("telegram: unavailable; the bot works without Telegram until it answers", "retry_in", backoff, "err", err)
		if chat.Wait(ctx, backoff+rand.N(backoff/4)) != nil {
			break
		}
		backoff = min(2*backoff, time.Minute)
	}
	return nil
}

// Ready reports whether the adapter is connected to the Bot API.
func (a *Adapter) Ready() bool { return a.conn.Load() != nil }

// connected waits until the adapter is connected, or ctx ends.
func (a *Adapter) connected(ctx context.Context) error {
	select {
	case <-a.up:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// api is the Bot API client, or offline before the adapter is connected.
func (a *Adapter) api() botAPI {
	if c := a.conn.Load(); c != nil {
		return c.api
	}
	return offline{}
}

// self is the bot's account (zero before the adapter is connected).
func (a *Adapter) self() user {
	if c := a.conn.Load(); c != nil {
		return c.me
	}
	return user{}
}

// errOffline is a call made before the adapter is connected.
var errOffline = errors.New("telegram: not connected to the Bot API yet")

// offline is the botAPI before getMe answered: every call fails.
type offline struct{}

func (offline) self() user                                      { return user{} }
func (offline) call(context.Context, string, params, any) error { return errOffline }

func newAdapter(cfg Config, deps Deps) *Adapter {
	return &Adapter{
		cfg:            cfg,
		client:         deps.HTTP,
		up:             make(chan struct{}),
		h:              deps.Handler,
		dedupe:         deps.Dedupe,
		blocker:        deps.Blocker,
		log:            deps.Logger.With("platform", string(chat.Telegram)),
		lanes:          newLanes(maxPending),
		pace:           newPacer(cfg, deps.Pacer),
		retry:          defaultRetry,
		replyTTL:       replyTTL,
		connectBackoff: time.Second,
		pollTimeout:    30 * time.Second,
	}
}

// defaultClient keeps enough idle connections for concurrent sends; the
// standard transport keeps two per host.
func defaultClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t}
}

// commandList is the bot's menu in one language; the scope is the default
// one (every chat), and an empty language is the fallback for users whose
// language has no list of its own.
type commandList struct {
	lang     string
	commands []botCommand
}

// menu holds the command lists set at start, their descriptions from the
// message catalog. Chinese is the fallback.
var menu = func() []commandList {
	entries := []struct{ cmd, key string }{
		{cmd: "start", key: "tg.cmd.start"},
		{cmd: "latest", key: "tg.cmd.latest"},
		{cmd: "recent", key: "tg.cmd.recent"},
		{cmd: "search", key: "tg.cmd.search"},
		{cmd: "full", key: "tg.cmd.full"},
		{cmd: "sub", key: "tg.cmd.sub"},
		{cmd: "unsub", key: "tg.cmd.unsub"},
		{cmd: "mysubs", key: "tg.cmd.mysubs"},
		{cmd: "topics", key: "tg.cmd.topics"},
		{cmd: "digest", key: "tg.cmd.digest"},
		{cmd: "instant", key: "tg.cmd.instant"},
		{cmd: "help", key: "tg.cmd.help"},
	}
	list := func(lang string) []botCommand {
		var out []botCommand
		for _, e := range entries {
			out = append(out, botCommand{e.cmd, msg.Say(lang, e.key)})
		}
		return out
	}
	zh := list("zh")
	return []commandList{{"", zh}, {"zh", zh}, {"en", list("en")}}
}()

// setCommands sets the command menu.
func (a *Adapter) setCommands(ctx context.Context) error {
	for _, l := range menu {
		js, err := json.Marshal(l.commands)
		if err != nil {
			return fmt.Errorf("telegram: encode commands: %w", err)
		}
		p := params{"commands": string(js), "scope": `{"type":"default"}`}
		if l.lang != "" {
			p["language_code"] = l.lang
		}
		if err := a.call(ctx, a.retry, "setMyCommands", p, nil); err != nil {
			return fmt.Errorf("telegram: set commands (%q): %w", l.lang, err)
		}
	}
	return nil
}
