// Package web is Tongbao's HTTP side: the reader pages behind personal
// links (/r/<token>, which record the first read), health and readiness
// checks, Prometheus metrics, the token-protected admin API (upload a
// bulletin, read its stats), and the mount points of the platform callbacks
// (/telegram, /wechat, /wecom).
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tongbao/bot"
	"tongbao/bot/metrics"
	"tongbao/content"
)

// Store is what the web side needs of the store.
type Store interface {
	Bulletin(ctx context.Context, id string) (*content.Bulletin, error)
	MarkRead(ctx context.Context, bulletinID string, dense int64, via string, published, at time.Time) (bool, error)
	Ping(ctx context.Context) error
}

// Options configure the server.
type Options struct {
	Store   Store
	Links   *bot.Links
	Metrics *metrics.Metrics
	// Gatherer serves /metrics (nil: no metrics route).
	Gatherer prometheus.Gatherer
	// Admin is the admin API (nil or without a token: off).
	Admin *Admin
	// Ready reports whether the process is ready for traffic (adapters
	// started); nil means ready once the store answers.
	Ready func() bool
	// Unavailable names the platforms that cannot be reached yet (and are
	// retried): /readyz lists them but stays ready, since the rest serves.
	Unavailable func() []string
	Logger      *slog.Logger
}

// Server routes Tongbao's HTTP requests.
type Server struct {
	mux   *http.ServeMux
	opts  Options
	cache *bot.BulletinCache
	pages sync.Map // bulletin id → rendered page ([]byte)
	log   *slog.Logger
}

// New returns the HTTP handler with the reader, health and metrics routes.
// Adapters add theirs with Handle.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{mux: http.NewServeMux(), opts: opts, cache: bot.NewBulletinCache(1024), log: opts.Logger}
	s.mux.HandleFunc("GET /r/{token}", s.read)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("GET /{$}", s.home)
	if opts.Gatherer != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{}))
	}
	s.mountAdmin(opts.Admin)
	return s
}

// Handle mounts a handler (a platform callback) on a path.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.opts.Store.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("store unavailable\n"))
		return
	}
	if s.opts.Ready != nil && !s.opts.Ready() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("starting\n"))
		return
	}
	if s.opts.Unavailable != nil {
		if down := s.opts.Unavailable(); len(down) > 0 {
			w.Write([]byte("ready; unavailable, retrying: " + strings.Join(down, ", ") + "\n"))
			return
		}
	}
	w.Write([]byte("ready\n"))
}

func (s *Server) home(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("通报 Tongbao\n"))
}

// read serves a personal link: a forged or damaged token gets a 404 page
// and records nothing; a good one records the first read and shows the
// bulletin.
func (s *Server) read(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	id, dense, err := s.opts.Links.Verify(token)
	if err != nil {
		s.notFound(w)
		return
	}
	b, err := s.cache.Get(r.Context(), s.opts.Store, id)
	if errors.Is(err, content.ErrNotFound) {
		s.notFound(w)
		return
	}
	if err != nil {
		s.unavailable(w, err)
		return
	}
	first, err := s.opts.Store.MarkRead(r.Context(), b.ID, dense, content.ViaLink, b.PublishedAt, time.Now())
	if err != nil {
		s.unavailable(w, err)
		return
	}
	if first && s.opts.Metrics != nil {
		s.opts.Metrics.Reads.WithLabelValues(content.ViaLink).Inc()
	}
	page, err := s.page(b)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Write(page)
}

// page renders a bulletin's reader page once and keeps it: a page holds
// nothing personal, so every reader of a bulletin gets the same bytes.
func (s *Server) page(b *content.Bulletin) ([]byte, error) {
	if p, ok := s.pages.Load(b.ID); ok {
		return p.([]byte), nil
	}
	p := readerPage(pageData(b))
	s.pages.Store(b.ID, p)
	return p, nil
}

func (s *Server) notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(messagePage("链接无效", "这个链接无效或已损坏。请从推送消息中重新打开，或在对话中发送「最新通报」。"))
}

func (s *Server) unavailable(w http.ResponseWriter, err error) {
	s.log.Error("web: reader page", "err", err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write(messagePage("暂时无法打开", "服务暂时不可用，请稍后再试。"))
}

func pageData(b *content.Bulletin) view {
	v := view{Bulletin: b, Date: b.PublishedAt.In(content.Shanghai).Format("2006年1月2日 15:04"), Kind: b.Kind.Label()}
	for _, img := range b.Images {
		if strings.HasPrefix(img, "https://") || strings.HasPrefix(img, "http://") {
			v.Images = append(v.Images, img)
		}
	}
	return v
}
