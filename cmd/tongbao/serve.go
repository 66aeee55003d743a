package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"tongbao/bot"
	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/bot/ingest"
	"tongbao/bot/metrics"
	"tongbao/bot/readlink"
	"tongbao/bot/telegram"
	"tongbao/bot/web"
	"tongbao/bot/wechat"
	"tongbao/content"
	"tongbao/content/source"
	"tongbao/store"
)

func runServe(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("serve", "[--config FILE] [--redis URL] [--listen ADDR]", `
Runs Tongbao: the HTTP server (/telegram, /wechat, /wecom, the web reader at /
with personal /r/ links, /metrics unless metrics.listen gives it an address
of its own, /healthz, /readyz), the configured platform adapters, the sender
workers and the scheduler (digests, reminders). Any number of replicas can
share one Redis. SIGTERM shuts down gracefully: deliveries in progress finish
or go back to the queue.`)
	common := addCommonFlags(fs)
	common.addListen(fs, "HTTP address (default :8080, or listen in the config)")
	common.addSources(fs, "sources file to poll (default: $TONGBAO_SOURCES, else sources in tongbao.yaml; none when unset)")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := app.config(common)
	if err != nil {
		return err
	}
	log := app.logger(slog.LevelInfo)
	if err := refuseBadSettings(cfg, log); err != nil {
		return err
	}
	svc, err := app.buildService(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer svc.close()
	return svc.run(ctx)
}

// service is a running Tongbao: the store, the conversation, the platform
// adapters, the dispatcher and the HTTP server. serve and demo both run it.
type service struct {
	cfg     *Config
	log     *slog.Logger
	st      *store.Store
	bot     *bot.Bot
	disp    *dispatch.Dispatcher
	web     *web.Server
	metrics *metrics.Metrics
	owner   string
	ready   atomic.Bool
	tg      *telegram.Adapter // nil without Telegram
	// previews show a reply as each configured platform sends it.
	previews []func(chat.Reply) chat.Preview
	// runners are the long-running parts (adapters, workers, scheduler).
	runners []func(ctx context.Context) error
	// stoppers shut parts down after the HTTP server stops.
	stoppers []func(ctx context.Context) error

	// registry gathers the metrics, for a metrics.listen of their own.
	registry *prometheus.Registry
}

// buildService wires everything the configuration asks for; extra senders
// (the demo's console) join the configured platforms.
func (a *App) buildService(ctx context.Context, cfg *Config, log *slog.Logger, extra ...chat.Sender) (*service, error) {
	st, err := a.openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	svc := &service{cfg: cfg, log: log, st: st}
	host, _ := os.Hostname()
	var nonce [3]byte
	_, _ = rand.Read(nonce[:])
	svc.owner = fmt.Sprintf("%s-%d-%x", host, os.Getpid(), nonce)
	if err := svc.build(ctx, a, extra); err != nil {
		st.Close()
		return nil, err
	}
	return svc, nil
}

func (s *service) build(ctx context.Context, a *App, extra []chat.Sender) error {
	cfg, st, log := s.cfg, s.st, s.log
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.metrics = metrics.New(reg)
	core, err := a.newBot(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	s.bot = core
	parser, err := a.parser(cfg)
	if err != nil {
		return err
	}
	// The admin upload and the sources share the ingest pipeline; it is
	// made below, once its publisher, the dispatcher, is.
	var pipeline *ingest.Pipeline
	admin := &web.Admin{Stats: st.Stats, Audit: st.Audit, Ingest: func(ctx context.Context, in content.Input, aud content.Audience) (web.IngestResult, error) {
		s, err := pipeline.StoreEdited(ctx, in, func(b *content.Bulletin) { b.Audience = aud })
		queued := 0
		if err == nil && s.Due {
			queued, err = pipeline.Push(ctx, s.Bulletin)
		}
		if err != nil && !errors.Is(err, ingest.ErrNotPushed) {
			return web.IngestResult{}, err
		}
		return web.IngestResult{ID: s.Bulletin.ID, Title: s.Bulletin.Title, New: s.Result.New, DuplicateOf: s.Result.DuplicateOf, Pushed: queued}, nil
	}}
	s.registry = reg
	var mainGatherer prometheus.Gatherer = reg // /metrics on the main address unless it has its own
	if cfg.Metrics.Listen != "" {
		mainGatherer = nil
	}
	s.web = web.New(web.Config{MetricsToken: cfg.Metrics.Token, AdminToken: cfg.AdminToken}, web.Deps{Store: store.NewBulletinCache(st, 1024), Links: core.Links(), Metrics: s.metrics, Gatherer: mainGatherer,
		Ready: s.ready.Load, Unavailable: s.unavailable, Admin: admin, Logger: log})
	handler := countingHandler{core, s.metrics}

	senders := append([]chat.Sender{}, extra...)
	if cfg.Telegram.Token != "" {
		tg, err := telegram.Open(cfg.Telegram, telegram.Deps{Handler: handler, Dedupe: st, Blocker: st, Pacer: st, Logger: log})
		if err != nil {
			return fmt.Errorf("telegram: %w", err)
		}
		s.tg = tg
		s.web.Handle("/telegram", tg)
		senders = append(senders, tg)
		s.previews = append(s.previews, telegram.Preview)
		// Telegram unreachable at start stops nothing else: Connect retries
		// while the rest serves, and Run waits for it.
		s.runners = append(s.runners, tg.Connect)
		if cfg.Telegram.WebhookURL != "" {
			s.runners = append(s.runners, tg.Run)
		} else {
			s.runners = append(s.runners, func(ctx context.Context) error { return s.whileLeased(ctx, "telegram:poll", tg.Run) })
		}
		log.Info("telegram adapter configured", "mode", map[bool]string{true: "webhook", false: "polling"}[cfg.Telegram.WebhookURL != ""])
	}
	deps := wechat.Deps{Handler: handler, Tokens: st, Limits: st, Dedupe: st, Events: subscriberEvents{st}, Logger: log}
	// A WeChat adapter answers its callback path, sends, and is shut down
	// after the HTTP server.
	mount := func(path string, a interface {
		http.Handler
		chat.Sender
		Shutdown(context.Context) error
	}) {
		s.web.Handle(path, a)
		senders = append(senders, a)
		s.stoppers = append(s.stoppers, a.Shutdown)
		log.Info("wechat adapter ready", "platform", a.Platform(), "path", path)
	}
	if cfg.WeChat.AppID != "" {
		oa, err := wechat.NewOfficialAccount(cfg.WeChat.OAConfig, deps)
		if err != nil {
			return fmt.Errorf("wechat: %w", err)
		}
		mount("/wechat", oa)
		s.previews = append(s.previews, wechat.PreviewOA)
	}
	if cfg.WeCom.CorpID != "" {
		wc, err := wechat.NewWeCom(cfg.WeCom, deps)
		if err != nil {
			return fmt.Errorf("wecom: %w", err)
		}
		mount("/wecom", wc)
		s.previews = append(s.previews, wechat.PreviewWeCom)
		if every := cfg.Roster.SyncEvery; every > 0 {
			s.runners = append(s.runners, func(ctx context.Context) error {
				return s.whileLeased(ctx, "roster:sync", func(ctx context.Context) error { return syncWeComEvery(ctx, wc, st, every, log) })
			})
			log.Info("syncing the roster from the WeCom directory", "every", every)
		}
	}
	platforms := make([]string, 0, len(senders))
	for _, snd := range senders {
		platforms = append(platforms, string(snd.Platform()))
	}
	reg.MustRegister(metrics.NewQueueCollector(st, platforms))
	s.disp = a.newDispatcher(cfg, st, senders, core.Links(), s.metrics, s.owner, log)
	pipeline = ingest.New(cfg.Delivery.Ingest, ingest.Deps{Parser: parser, Store: st, Publisher: s.disp, Logger: log})
	core.SetAnnouncer(s.disp)
	core.SetReminder(s.disp)
	s.runners = append(s.runners, s.disp.Run, func(ctx context.Context) error {
		s.disp.RunScheduler(ctx, 30*time.Second)
		return nil
	})
	var srcs []source.Config
	var poller *source.Poller
	if cfg.Sources != "" {
		if srcs, err = a.sourceConfigs(cfg); err != nil {
			return err
		}
		if poller, err = newSourcePoller(srcs, pipeline, st, s.owner, log); err != nil {
			return err
		}
		s.runners = append(s.runners, poller.Run)
		log.Info("polling sources", "count", len(srcs), "file", cfg.Sources)
	}
	s.mountConsole(parser, pipeline, srcs, poller, platforms)
	return nil
}

// unavailable names the platforms not reachable yet, for /readyz.
func (s *service) unavailable() []string {
	if s.tg != nil && !s.tg.Ready() {
		return []string{"telegram"}
	}
	return nil
}

// newDispatcher builds the dispatcher with the configured limits; the
// Telegram adapter paces its own messages, replies and pushes together.
func (a *App) newDispatcher(cfg *Config, st *store.Store, senders []chat.Sender, links *readlink.Links, m *metrics.Metrics, owner string, log *slog.Logger) *dispatch.Dispatcher {
	dc := cfg.Delivery.Dispatch
	dc.Owner = owner
	dc.Limits = map[chat.Platform]dispatch.Limits{
		chat.WeChat: {PerSecond: cfg.WeChat.PerSecond},
	}
	return dispatch.New(dc, dispatch.Deps{Store: store.NewBulletinCache(st, 512), Senders: senders, Limiter: st, Links: links, Metrics: m, Logger: log})
}

// whileLeased runs fn only while this replica holds a lease, so of several
// replicas exactly one polls Telegram; another takes over if it dies.
func (s *service) whileLeased(ctx context.Context, name string, fn func(context.Context) error) error {
	const ttl = 30 * time.Second
	for ctx.Err() == nil {
		var runErr error
		held, err := s.st.Hold(ctx, name, s.owner, ttl, func(ctx context.Context) { runErr = fn(ctx) })
		if runErr != nil && err == nil && ctx.Err() == nil { // not cancelled by a lost lease
			return runErr
		}
		if !held { // another replica has it (or Redis did not answer): ask again later
			select {
			case <-ctx.Done():
			case <-time.After(ttl / 3):
			}
		}
	}
	return nil
}

// run serves HTTP and runs every part until ctx is cancelled, then shuts
// down in order: HTTP first (no new work), then adapters and workers.
func (s *service) run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (set --listen or TONGBAO_LISTEN): %w", s.cfg.Listen, err)
	}
	stopMetrics, err := s.serveMetrics()
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMetrics()
	return s.serveOn(ctx, ln)
}

// serveOn runs everything with a listener already open; a nil listener
// runs without HTTP (the demo when its port is taken).
func (s *service) serveOn(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.web, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	httpErr := make(chan error, 1)
	if ln != nil {
		go func() { httpErr <- srv.Serve(ln) }()
		s.log.Info("tongbao is serving", "listen", ln.Addr().String(), "public_url", s.cfg.publicURL(), "store", s.storeKind())
	}

	runCtx, stopRunners := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	errs := make(chan error, len(s.runners))
	for _, r := range s.runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r(runCtx); err != nil {
				errs <- err
			}
		}()
	}
	s.ready.Store(true)
	var result error
	select {
	case <-ctx.Done():
	case err := <-httpErr:
		if !errors.Is(err, http.ErrServerClosed) {
			result = fmt.Errorf("http: %w", err)
		}
	case err := <-errs:
		result = err
	}
	s.ready.Store(false)
	s.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	for _, stop := range s.stoppers {
		stop(shutdownCtx)
	}
	stopRunners()
	wg.Wait()
	return result
}

func (s *service) storeKind() string {
	if s.st.Embedded() {
		return "embedded (" + s.cfg.Redis.DataDir + ")"
	}
	return "redis"
}

func (s *service) close() {
	if err := s.st.Close(); err != nil {
		s.log.Error("closing the store", "err", err)
	}
}

// countingHandler counts incoming messages before the conversation
// answers them.
type countingHandler struct {
	core    *bot.Bot
	metrics *metrics.Metrics
}

func (h countingHandler) Handle(ctx context.Context, in chat.Incoming) []chat.Reply {
	h.metrics.Updates.WithLabelValues(string(in.Platform)).Inc()
	return h.core.Handle(ctx, in)
}

// subscriberEvents records WeChat follows and unfollows in the store.
type subscriberEvents struct{ st *store.Store }

// Subscribed reactivates a returning follower; a new one is created by the
// conversation's answer to the follow ("/start"), which welcomes them.
func (e subscriberEvents) Subscribed(ctx context.Context, id string) error {
	_, err := e.st.Subscriber(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return e.st.SetStatus(ctx, id, content.StatusActive)
}

func (e subscriberEvents) Unsubscribed(ctx context.Context, id string) error {
	if _, _, err := e.st.Touch(ctx, id, "", "", false); err != nil {
		return err
	}
	return e.st.SetStatus(ctx, id, content.StatusLeft)
}
