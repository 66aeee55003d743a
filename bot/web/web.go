package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tongbao/bot/metrics"
	"tongbao/bot/msg"
	"tongbao/bot/readlink"
	"tongbao/content"
)

// Store is what the web side needs of the store.
type Store interface {
	Bulletin(ctx context.Context, id string) (*content.Bulletin, error)
	Timeline(ctx context.Context, f content.Filter, offset, limit int) ([]*content.Bulletin, int64, error)
	MarkRead(ctx context.Context, bulletinID string, dense int64, via string, published, at time.Time) (bool, error)
	Ping(ctx context.Context) error
}

// Config is what an operator sets of the server.
type Config struct {
	// MetricsToken, when set, is the bearer token /metrics requires
	// (metrics.token, TONGBAO_METRICS_TOKEN).
	MetricsToken string
	// AdminToken is the bearer token the admin API requires
	// (TONGBAO_ADMIN_TOKEN); empty turns the API off.
	AdminToken string
}

// Deps are the server's collaborators.
type Deps struct {
	// Store holds the bulletins and the reads. Required.
	Store Store
	// Links verifies personal read links (/r/…).
	Links *readlink.Links
	// Metrics counts reads (nil: not counted).
	Metrics *metrics.Metrics
	// Gatherer serves /metrics (nil: no metrics route, as when metrics
	// have an address of their own: see MetricsHandler).
	Gatherer prometheus.Gatherer
	// Admin is what the admin API does (nil, or no Config.AdminToken: off).
	Admin *Admin
	// Ready reports whether the process is ready for traffic (adapters
	// started); nil means ready once the store answers.
	Ready func() bool
	// Unavailable names the platforms that cannot be reached yet (and are
	// retried): /readyz lists them but stays ready, since the rest serves.
	Unavailable func() []string
	// Logger receives errors (slog.Default when nil).
	Logger *slog.Logger
}

// Server routes Tongbao's HTTP requests.
type Server struct {
	mux   *http.ServeMux
	cfg   Config
	deps  Deps
	pages *pageCache
	log   *slog.Logger
}

// New returns the HTTP handler with the reader, health and metrics routes.
// Adapters add theirs with Handle.
func New(cfg Config, deps Deps) *Server {
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	s := &Server{mux: http.NewServeMux(), cfg: cfg, deps: deps, pages: newPageCache(1024), log: deps.Logger}
	s.mux.HandleFunc("GET /r/{token}", s.read)
	s.mux.HandleFunc("GET /b/{id}", s.public)
	s.mux.HandleFunc("GET /{$}", s.index)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if deps.Gatherer != nil {
		s.mux.Handle("GET /metrics", MetricsHandler(deps.Gatherer, cfg.MetricsToken))
	}
	s.mountAdmin(deps.Admin)
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
	if err := s.deps.Store.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("store unavailable\n"))
		return
	}
	if s.deps.Ready != nil && !s.deps.Ready() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("starting\n"))
		return
	}
	if s.deps.Unavailable != nil {
		if down := s.deps.Unavailable(); len(down) > 0 {
			w.Write([]byte("ready; unavailable, retrying: " + strings.Join(down, ", ") + "\n"))
			return
		}
	}
	w.Write([]byte("ready\n"))
}

// read serves a personal link: a forged or damaged token gets a 404 page
// and records nothing; a good one records the first read and shows the
// bulletin.
func (s *Server) read(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	token := r.PathValue("token")
	id, dense, err := s.deps.Links.Verify(token)
	if err != nil {
		s.badLink(w, lang)
		return
	}
	b, err := s.deps.Store.Bulletin(r.Context(), id)
	if errors.Is(err, content.ErrNotFound) {
		s.badLink(w, lang)
		return
	}
	if err != nil {
		s.unavailable(w, lang, err, "../")
		return
	}
	first, err := s.deps.Store.MarkRead(r.Context(), b.ID, dense, content.ViaLink, b.PublishedAt, time.Now())
	if err != nil {
		s.unavailable(w, lang, err, "../")
		return
	}
	if first && s.deps.Metrics != nil {
		s.deps.Metrics.Reads.WithLabelValues(content.ViaLink).Inc()
	}
	writePage(w, http.StatusOK, "private, no-store", s.bulletinPage(b, lang, true))
}

// badLink answers a personal link that names nothing: 404, nothing recorded.
func (s *Server) badLink(w http.ResponseWriter, lang string) {
	s.message(w, lang, http.StatusNotFound, msg.Say(lang, "web.badlink"), msg.Say(lang, "web.badlink.text"), "../")
}

// public serves a bulletin's page to anyone, from the index: it records
// no read. Announcements are for their recipients only.
func (s *Server) public(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	b, err := s.deps.Store.Bulletin(r.Context(), r.PathValue("id"))
	if errors.Is(err, content.ErrNotFound) || (err == nil && b.Kind == content.KindAnnouncement) {
		s.message(w, lang, http.StatusNotFound, msg.Say(lang, "web.missing"), msg.Say(lang, "web.missing.text"), "../")
		return
	}
	if err != nil {
		s.unavailable(w, lang, err, "../")
		return
	}
	writePage(w, http.StatusOK, "public, max-age=300", s.bulletinPage(b, lang, false))
}

// bulletinPage is a bulletin's page in a language, personal (behind a
// read link) or public, rendered once and kept.
func (s *Server) bulletinPage(b *content.Bulletin, lang string, personal bool) []byte {
	key := b.ID + " " + lang + " public"
	if personal {
		key = b.ID + " " + lang + " personal"
	}
	page, _ := s.pages.get(key, 0, func() ([]byte, error) { return readerPage(pageData(b, lang), personal), nil }) // rendering cannot fail
	return page
}

// message answers with a short page; index leads back to the index from
// the page's address.
func (s *Server) message(w http.ResponseWriter, lang string, status int, title, text, index string) {
	writePage(w, status, "no-store", messagePage(lang, title, text, index))
}

// unavailable logs a store failure and answers 503 with a polite page.
func (s *Server) unavailable(w http.ResponseWriter, lang string, err error, index string) {
	s.log.Error("web: reader page", "err", err)
	s.message(w, lang, http.StatusServiceUnavailable, msg.Say(lang, "web.down"), msg.Say(lang, "web.down.text"), index)
}

// pageLang is the language a page is written in: ?lang=en or ?lang=zh
// when given, else English when the browser prefers English to Chinese
// (Accept-Language), else Chinese.
func pageLang(r *http.Request) string {
	switch r.URL.Query().Get("lang") {
	case "en":
		return "en"
	case "zh":
		return "zh"
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(q) == "q=0" {
			continue
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			return "zh"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return "en"
		}
	}
	return "zh"
}

// writePage sends an HTML page with the headers every page gets: no
// script may run, no referrer leaves (a personal link's token is in the
// address), and the caching the caller chose.
func writePage(w http.ResponseWriter, status int, cacheControl string, page []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", cacheControl)
	h.Set("Vary", "Accept-Language")
	w.WriteHeader(status)
	w.Write(page)
}

// publishedText is when b was published, as a page in lang writes it: the
// day, and the time of day when the bulletin gives one.
func publishedText(b *content.Bulletin, lang string) string {
	t := b.PublishedAt.In(content.Shanghai)
	day := msg.Say(lang, "web.date", t.Year(), int(t.Month()), t.Day(), t.Format("Jan"), t.Format("January"))
	if b.DateOnly || t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return day
	}
	return day + " " + t.Format("15:04")
}

// kindLabel names a kind of bulletin on a page in lang; a kind the
// catalog has no label for is shown as news.
func kindLabel(k content.Kind, lang string) string {
	switch k {
	case content.KindMeeting, content.KindNotice, content.KindAnnouncement, content.KindNews:
	default:
		k = content.KindNews
	}
	return msg.Say(lang, "web.kind."+string(k))
}

// pageData is what a bulletin's page in lang shows beside the bulletin
// itself.
func pageData(b *content.Bulletin, lang string) view {
	v := view{Bulletin: b, Lang: lang, Date: publishedText(b, lang), Kind: kindLabel(b.Kind, lang)}
	for _, img := range b.Images {
		if u, ok := webAddress(img); ok {
			v.Images = append(v.Images, u)
		}
	}
	v.Source, _ = webAddress(b.URL)
	return v
}

// webAddress returns s as an absolute http(s) address a browser can load
// (the HTML reader makes a page's pictures absolute when it knows the
// page's address); false for anything else, such as a bare file name from
// a text copy.
func webAddress(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false
	}
	return u.String(), true
}
