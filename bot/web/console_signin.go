package web

import (
	"net/http"
	"sort"

	"tongbao/content"
)

// routes mounts the console under /admin/.
func (c *Console) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/static/console.css", c.stylesheet)
	mux.HandleFunc("GET /admin/signin/{token}", c.signinPage)
	mux.HandleFunc("POST /admin/signin", c.signin)
	mux.HandleFunc("POST /admin/signout", c.signedIn(c.signout))
	mux.HandleFunc("GET /admin/sessions", c.signedIn(c.sessions))
	mux.HandleFunc("POST /admin/sessions/revoke", c.signedIn(c.revoke))

	mux.HandleFunc("GET /admin/{$}", c.signedIn(c.overview))
	mux.HandleFunc("GET /admin/bulletins", c.signedIn(c.bulletins))
	mux.HandleFunc("GET /admin/bulletins/{id}", c.signedIn(c.bulletin))
	mux.HandleFunc("GET /admin/bulletins/{id}/chart.svg", c.signedIn(c.chart))
	mux.HandleFunc("POST /admin/bulletins/{id}/remind", c.signedIn(c.remind))
	mux.HandleFunc("GET /admin/publish", c.signedIn(c.publishForm))
	mux.HandleFunc("POST /admin/publish/preview", c.signedIn(c.publishPreview))
	mux.HandleFunc("POST /admin/publish/send", c.signedIn(c.publishSend))
	mux.HandleFunc("GET /admin/broadcast", c.signedIn(c.broadcastForm))
	mux.HandleFunc("POST /admin/broadcast/preview", c.signedIn(c.broadcastPreview))
	mux.HandleFunc("POST /admin/broadcast/send", c.signedIn(c.broadcastSend))
	mux.HandleFunc("POST /admin/broadcast/approve", c.signedIn(c.broadcastApprove))
	mux.HandleFunc("POST /admin/broadcast/withdraw", c.signedIn(c.broadcastWithdraw))
	mux.HandleFunc("GET /admin/broadcast/{id}", c.signedIn(c.broadcastProgress))
	mux.HandleFunc("GET /admin/subscribers", c.signedIn(c.subscribers))
	mux.HandleFunc("POST /admin/subscribers/update", c.signedIn(c.updateSubscriber))
	mux.HandleFunc("GET /admin/sources", c.signedIn(c.sources))
	mux.HandleFunc("POST /admin/sources/poll", c.signedIn(c.poll))
	mux.HandleFunc("GET /admin/audit", c.signedIn(c.auditLog))
	mux.HandleFunc("GET /admin/dead", c.signedIn(c.deadLetters))
	mux.HandleFunc("POST /admin/dead/retry", c.signedIn(c.retryDead))
}

// stylesheet serves the console's one stylesheet.
func (c *Console) stylesheet(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(consoleCSS)
}

// signinPage answers a one-time link with a button that signs in: link
// previews (chat apps fetch links they show) must not spend the link, so
// only the POST does.
func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	lang := c.lang(w, r)
	c.render(w, r, http.StatusOK, "signin", consolePage{Lang: lang, Title: say(lang, "signin.title"), Data: r.PathValue("token")})
}

// signin spends a one-time link and opens a session; a link that is
// unknown, expired or used, or that names someone who is no longer an
// admin, opens nothing.
func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	lang := c.lang(w, r)
	ctx := r.Context()
	id, err := c.deps.Store.UseConsoleLink(ctx, r.PostFormValue("token"))
	if isNotFound(err) {
		c.refuse(w, r, lang, http.StatusUnauthorized, "signin.badlink")
		return
	}
	if err != nil {
		c.fail(w, r, lang, err)
		return
	}
	if ok, err := c.isAdmin(ctx, id); err != nil {
		c.fail(w, r, lang, err)
		return
	} else if !ok {
		c.refuse(w, r, lang, http.StatusForbidden, "signin.notadmin")
		return
	}
	now := c.deps.Now()
	agent := []rune(r.UserAgent())
	token, sess, err := c.deps.Store.StartConsoleSession(ctx, content.ConsoleSession{Admin: id, Started: now, Seen: now, Agent: string(agent[:min(len(agent), 120)])}, SessionIdle)
	if err != nil {
		c.fail(w, r, lang, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/admin/", HttpOnly: true, Secure: c.deps.Secure,
		SameSite: http.SameSiteStrictMode})
	c.audit(ctx, admin{session: sess}, "signin", map[string]string{"session": sess.Handle[:12], "from": r.RemoteAddr})
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

func (c *Console) signout(w http.ResponseWriter, r *http.Request, a admin) {
	if _, err := c.deps.Store.EndConsoleSession(r.Context(), a.session.Handle); err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/admin/", MaxAge: -1, HttpOnly: true, Secure: c.deps.Secure, SameSite: http.SameSiteStrictMode})
	c.audit(r.Context(), a, "signout", map[string]string{"session": a.session.Handle[:12]})
	c.refuse(w, r, a.lang, http.StatusOK, "signin.out")
}

// sessionRow is one open session on the sessions page.
type sessionRow struct {
	content.ConsoleSession
	Short string
	Mine  bool
}

func (c *Console) sessions(w http.ResponseWriter, r *http.Request, a admin) {
	list, err := c.deps.Store.ConsoleSessions(r.Context())
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	rows := make([]sessionRow, len(list))
	for i, s := range list {
		rows[i] = sessionRow{ConsoleSession: s, Short: s.Handle[:12], Mine: s.Handle == a.session.Handle}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Seen.After(rows[j].Seen) })
	c.render(w, r, http.StatusOK, "sessions", c.page(a, "sessions", rows))
}

func (c *Console) revoke(w http.ResponseWriter, r *http.Request, a admin) {
	handle := r.PostFormValue("handle")
	ok, err := c.deps.Store.EndConsoleSession(r.Context(), handle)
	if err != nil {
		c.fail(w, r, a.lang, err)
		return
	}
	if ok {
		c.audit(r.Context(), a, "revoke", map[string]string{"session": handle[:min(len(handle), 12)]})
	}
	done(w, r, "/admin/sessions", "revoked")
}

// page starts a signed-in page.
func (c *Console) page(a admin, nav string, data any) consolePage {
	return consolePage{Lang: a.lang, Title: say(a.lang, "nav."+nav), Nav: nav, Admin: a.session.Admin, CSRF: a.session.CSRF, Data: data}
}
