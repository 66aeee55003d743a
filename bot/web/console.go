package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	_ "embed"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"

	"tongbao/bot/chat"
	"tongbao/content"
)

// The admin console is server-rendered with templ (console_*.templ,
// compiled to the console_*_templ.go beside them): every value is escaped
// for where it lands — text, attribute, and a URL with a scheme other than
// http(s), mailto, tel or ftp is neutralised — which a page with forms, links and SVG
// built from admins' and bulletins' text needs. html/template did the same,
// but its reflection made the linker keep every exported method of the
// binary. No page runs script; the progress page refreshes itself with a
// meta tag.
//
//go:generate go tool templ generate

// Console settings.
const (
	// LinkTTL is how long a one-time sign-in link stays valid.
	LinkTTL = 10 * time.Minute
	// SessionIdle ends a session left unused this long.
	SessionIdle = 8 * time.Hour
	// sessionCookie names the session cookie.
	sessionCookie = "tongbao_console"
	// langCookie keeps the language chosen with ?lang=.
	langCookie = "tongbao_lang"
)

// ConsoleStore is what the console reads and changes in the store.
type ConsoleStore interface {
	UseConsoleLink(ctx context.Context, token string) (string, error)
	StartConsoleSession(ctx context.Context, sess content.ConsoleSession, idle time.Duration) (string, *content.ConsoleSession, error)
	ConsoleSession(ctx context.Context, token string, idle time.Duration, now time.Time) (*content.ConsoleSession, error)
	ConsoleSessions(ctx context.Context) ([]content.ConsoleSession, error)
	EndConsoleSession(ctx context.Context, handle string) (bool, error)
	ProposeBroadcast(ctx context.Context, pb *content.PendingBroadcast) error
	PendingBroadcasts(ctx context.Context) ([]content.PendingBroadcast, error)
	TakeBroadcast(ctx context.Context, id string) (*content.PendingBroadcast, error)

	IsAdmin(ctx context.Context, id string) (bool, error)
	Subscriber(ctx context.Context, id string) (*content.Subscriber, error)
	FindSubscribers(ctx context.Context, query string, status content.Status, topic string, limit int) ([]*content.Subscriber, error)
	UnreadSubscribers(ctx context.Context, bulletinID string, limit int) ([]*content.Subscriber, int64, error)
	CountSubscribers(ctx context.Context) (*content.SubscriberCounts, error)
	CountAudience(ctx context.Context, seg content.Segment, scope []string) (int64, error)
	CountBulletinAudience(ctx context.Context, b *content.Bulletin) (int64, error)
	SetUnit(ctx context.Context, id, unit string) error
	SetAdmin(ctx context.Context, id string, admin bool) error
	SetStatus(ctx context.Context, id string, status content.Status) error

	Bulletin(ctx context.Context, id string) (*content.Bulletin, error)
	Aliases(ctx context.Context, id string) ([]string, error)
	Timeline(ctx context.Context, f content.Filter, offset, limit int) ([]*content.Bulletin, int64, error)
	Search(ctx context.Context, query string, offset, limit int) ([]content.SearchHit, int64, error)
	CountBulletins(ctx context.Context) (int64, map[content.Kind]int64, error)
	Stats(ctx context.Context, bulletinID string) (*content.DeliveryStats, error)
	Reaches(ctx context.Context, ids []string) ([]content.Reach, error)

	QueueStats(ctx context.Context, platform string) (*content.QueueStats, error)
	DeadLetters(ctx context.Context, platform string, n int) ([]content.DeadLetter, error)
	RetryDeadLetter(ctx context.Context, platform string, index int64, at time.Time) (*content.DeadLetter, error)

	// The roster, through the functions `tongbao roster` and the chat's
	// 绑定申请 / 批准 / 拒绝 use.
	Roster(ctx context.Context) ([]content.Member, int64, error)
	Members(ctx context.Context, ids []int64) ([]content.Member, error)
	ApplyRoster(ctx context.Context, ch content.RosterChange, version int64) error
	Forget(ctx context.Context, m content.Member) error
	Invite(ctx context.Context, ids []int64, ttl time.Duration, now time.Time) (map[int64]string, error)
	Bind(ctx context.Context, memberID int64, subscriber string) (*content.Member, error)
	BindRequests(ctx context.Context) ([]content.BindRequest, error)
	TakeBindRequest(ctx context.Context, id int64) (content.BindRequest, error)
	RequestBind(ctx context.Context, subscriber string, m content.Member, now time.Time) (content.BindRequest, error)
	Scope(ctx context.Context, subscriber string) ([]string, error)

	SaveSession(ctx context.Context, subscriber, name string, v any, ttl time.Duration) error
	LoadSession(ctx context.Context, subscriber, name string, v any) error
	DeleteSession(ctx context.Context, subscriber, name string) error
	Audit(ctx context.Context, e content.AuditEntry) error
	AuditLog(ctx context.Context, n int) ([]content.AuditEntry, error)
}

// Announcer sends a broadcast through the queues (the dispatcher) and
// returns the announcement's id and how many it was queued for.
type Announcer interface {
	Announce(ctx context.Context, a chat.Announcement) (chat.Announced, error)
}

// Reminder sends one reminder to each subscriber who received a bulletin
// and has not read it, never twice (the dispatcher).
type Reminder interface {
	Remind(ctx context.Context, actor, bulletinID string) (int, error)
}

// Notifier tells one person something of the catalog through the
// delivery queues, once per name (the dispatcher's Notifier): the
// requester of a bind request, when an admin decides it.
type Notifier interface {
	Notify(ctx context.Context, subscriber, once string, n content.Notice) error
}

// ConsoleConfig configures the console.
type ConsoleConfig struct {
	// Approval turns on the two-person rule: a broadcast composed by one
	// admin goes out only when another approves it.
	Approval bool `yaml:"approval"`
}

// SourceRow is one configured source as the sources page shows it.
type SourceRow struct {
	Name, Type, Where string
	LastSuccess       time.Time
	LastError         string
	NextPoll          time.Time
	Failures          int
	Seen, New         int64
}

// ConsoleDeps are the parts the console acts through: the same store,
// dispatcher and ingest pipeline the chat and the CLI use.
type ConsoleDeps struct {
	Store     ConsoleStore
	Announcer Announcer
	Reminder  Reminder
	// Notifier tells requesters what became of their bind requests, as
	// the chat's 批准 / 拒绝 do; nil: they are not told.
	Notifier Notifier
	// Parse reads an input into a bulletin without storing it (the
	// publish preview).
	Parse func(in content.Input) (*content.Bulletin, error)
	// Ingest stores an input through the ingest pipeline, with edit applied
	// to the parsed bulletin before it is stored, and pushes it when due:
	// now, or at a time (zero for now).
	Ingest func(ctx context.Context, in content.Input, edit func(*content.Bulletin), at time.Time) (IngestResult, error)
	// Sources lists the configured sources with their status; Poll polls
	// one now. Both nil when no sources are configured.
	Sources func(ctx context.Context) ([]SourceRow, error)
	Poll    func(ctx context.Context, name string) error
	// Preview is an announcement as each configured platform shows it to
	// a subscriber who reads lang, built by the adapters' send paths'
	// rendering (nil: the broadcast preview shows none).
	Preview func(a chat.Announcement, lang string) []chat.Preview
	// Admins are the admins named in the configuration; the store names
	// the others.
	Admins []string
	// Platforms are the platforms with queues (tg, wx, wecom, console).
	Platforms []string
	// Topics are the names of the topic list, offered as a publication's
	// audience.
	Topics []string
	// Secure marks the session cookie Secure (the public URL is https).
	Secure bool
	Now    func() time.Time
	Logger *slog.Logger
}

// Console is the admin web console under /admin/.
type Console struct {
	cfg  ConsoleConfig
	deps ConsoleDeps
	log  *slog.Logger
}

//go:embed console/console.css
var consoleCSS []byte

// NewConsole builds the console; mount it with Server.MountConsole.
func NewConsole(cfg ConsoleConfig, deps ConsoleDeps) *Console {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	return &Console{cfg: cfg, deps: deps, log: deps.Logger}
}

// MountConsole adds the console's routes.
func (s *Server) MountConsole(c *Console) {
	c.routes(s.mux)
}

// admin is the signed-in admin of a request.
type admin struct {
	session *content.ConsoleSession
	lang    string
}

type adminHandler func(w http.ResponseWriter, r *http.Request, a admin)

// signedIn serves a page only to a signed-in admin; a form (POST) also
// needs the session's CSRF token. Anyone else gets the sign-in page and
// nothing changes.
func (c *Console) signedIn(h adminHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := c.lang(w, r)
		cookie, err := r.Cookie(sessionCookie)
		if err != nil || cookie.Value == "" {
			c.refuse(w, r, lang, http.StatusUnauthorized, "signin.needed")
			return
		}
		sess, err := c.deps.Store.ConsoleSession(r.Context(), cookie.Value, SessionIdle, c.deps.Now())
		if err != nil {
			if !isNotFound(err) {
				c.fail(w, r, lang, err)
				return
			}
			c.refuse(w, r, lang, http.StatusUnauthorized, "signin.needed")
			return
		}
		// The role is checked on every request: an admin removed from the
		// role is out at once.
		if ok, err := c.isAdmin(r.Context(), sess.Admin); err != nil {
			c.fail(w, r, lang, err)
			return
		} else if !ok {
			c.refuse(w, r, lang, http.StatusForbidden, "signin.notadmin")
			return
		}
		if r.Method == http.MethodPost {
			if err := r.ParseMultipartForm(maxUploadRequest); err != nil && !errors.Is(err, http.ErrNotMultipart) {
				c.refuse(w, r, lang, http.StatusBadRequest, "form.bad")
				return
			}
			got := r.PostFormValue("csrf")
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
				c.refuse(w, r, lang, http.StatusForbidden, "form.csrf")
				return
			}
		}
		h(w, r, admin{session: sess, lang: lang})
	}
}

// isAdmin reports whether id is an admin, by the configuration or the
// store, as the chat decides.
func (c *Console) isAdmin(ctx context.Context, id string) (bool, error) {
	if slices.Contains(c.deps.Admins, id) {
		return true, nil
	}
	return c.deps.Store.IsAdmin(ctx, id)
}

// isNotFound reports whether err says a thing is not stored; the store's
// ErrNotFound wraps content.ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, content.ErrNotFound) }

// lang picks the page language: ?lang= (kept in a cookie), the cookie,
// then the browser's Accept-Language; Chinese first.
func (c *Console) lang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/admin/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: c.deps.Secure, SameSite: http.SameSiteStrictMode})
		return l
	}
	if ck, err := r.Cookie(langCookie); err == nil && (ck.Value == "en" || ck.Value == "zh") {
		return ck.Value
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage returns "en" when the browser prefers English to Chinese,
// else "zh".
func acceptLanguage(h string) string {
	for _, part := range strings.Split(h, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "zh"
}

// consolePage is what every console page's view gets.
type consolePage struct {
	Lang   string
	Title  string
	Nav    string
	Admin  string
	CSRF   string
	Notice string
	// Refresh, when > 0, reloads the page after that many seconds (the
	// broadcast progress, without script).
	Refresh int
	// Data is the page's own: its view (consoleViews) takes it.
	Data any
}

// consoleViews are the console's pages by name, each with the type of the
// Data it shows.
var consoleViews = map[string]func(consolePage) templ.Component{
	"message":     pageView(messageView),
	"signin":      pageView(signinView),
	"sessions":    pageView(sessionsView),
	"overview":    pageView(overviewView),
	"bulletins":   pageView(bulletinsView),
	"bulletin":    pageView(bulletinView),
	"publish":     pageView(publishView),
	"broadcast":   pageView(broadcastView),
	"progress":    pageView(progressView),
	"subscribers": pageView(subscribersView),
	"sources":     pageView(sourcesView),
	"audit":       pageView(auditView),
	"dead":        pageView(deadView),
	"roster":      pageView(rosterView),
	"roster-plan": pageView(rosterImportView),
	"person":      pageView(personView),
	"invite":      pageView(inviteView),
}

// pageView gives a page's view of a consolePage: a view that fails when the
// page's Data is not what it shows.
func pageView[T any](v func(consolePage, T) templ.Component) func(consolePage) templ.Component {
	return func(p consolePage) templ.Component {
		d, ok := p.Data.(T)
		if !ok {
			return failedView(fmt.Errorf("page data is %T", p.Data))
		}
		return v(p, d)
	}
}

// failedView renders nothing and fails with err.
func failedView(err error) templ.Component {
	return templ.ComponentFunc(func(context.Context, io.Writer) error { return err })
}

// render writes a console page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, p consolePage) {
	if p.Notice == "" {
		p.Notice = c.notice(r, p.Lang)
	}
	v := failedView(fmt.Errorf("no page %q", name))
	if page, ok := consoleViews[name]; ok {
		v = page(p)
	}
	var buf bytes.Buffer
	if err := v.Render(r.Context(), &buf); err != nil {
		c.log.Error("web: console page", "page", name, "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString("<!doctype html><title>error</title><p>" + html.EscapeString(say(p.Lang, "error.body")))
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", consolePolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// consolePolicy lets the console load its own stylesheet and submit its
// own forms, and nothing else: no script at all.
const consolePolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// notice is the one-line message a redirect after an action carries
// (?done=key), shown at the top of the next page.
func (c *Console) notice(r *http.Request, lang string) string {
	if k := r.URL.Query().Get("done"); k != "" && hasMessage("done."+k) {
		return say(lang, "done."+k)
	}
	return ""
}

// refuse answers a request the console will not serve, changing nothing:
// a title for the status and the reason.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, lang string, status int, key string) {
	title := map[int]string{http.StatusOK: "refused.ok", http.StatusUnauthorized: "refused.401", http.StatusForbidden: "refused.403",
		http.StatusNotFound: "refused.404"}[status]
	if title == "" {
		title = "refused.other"
	}
	c.render(w, r, status, "message", consolePage{Lang: lang, Title: say(lang, title), Data: say(lang, key)})
}

// fail logs a store failure and answers 503.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, lang string, err error) {
	c.log.Error("web: console", "path", r.URL.Path, "err", err)
	c.render(w, r, http.StatusServiceUnavailable, "message", consolePage{Lang: lang, Title: say(lang, "error.title"), Data: say(lang, "error.body")})
}

// done redirects after an action (POST, redirect, GET) with a notice.
func done(w http.ResponseWriter, r *http.Request, to, key string) {
	u, _ := url.Parse(to)
	q := u.Query()
	q.Set("done", key)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// audit writes an admin's action to the audit log; a failure is logged,
// since the action itself has happened.
func (c *Console) audit(ctx context.Context, a admin, action string, detail map[string]string) {
	if err := c.deps.Store.Audit(ctx, content.AuditEntry{At: c.deps.Now(), Actor: a.session.Admin, Action: "console." + action, Detail: detail}); err != nil {
		c.log.Error("web: console audit", "action", action, "err", err)
	}
}
