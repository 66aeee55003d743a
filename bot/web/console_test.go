package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/bot/msg"
	"tongbao/bot/telegram"
	"tongbao/bot/web"
	"tongbao/bot/wechat"
	"tongbao/content"
	"tongbao/store"
)

// consoleFixture is a console over a real store and dispatcher (with no
// platform senders: deliveries wait in the queues).
type consoleFixture struct {
	st     *store.Store
	srv    *httptest.Server
	b      *content.Bulletin
	prefix string
}

const consoleAdmin = "tg:1"

func setupConsole(t testing.TB, cfg web.ConsoleConfig, secure bool, wrap ...func(web.ConsoleStore) web.ConsoleStore) *consoleFixture {
	t.Helper()
	f := setup(t)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, id := range []string{consoleAdmin, "tg:2", "wx:oNotAdmin"} {
		if _, _, err := f.st.Touch(ctx, id, "", "zh", true); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.SetAdmin(ctx, consoleAdmin, true); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetAdmin(ctx, "tg:2", true); err != nil {
		t.Fatal(err)
	}
	disp := dispatch.New(dispatch.Config{Owner: "test"}, dispatch.Deps{Store: f.st, Limiter: f.st, Links: f.links, Logger: quiet})
	parser := content.NewParser(content.ParserConfig{}, content.ParserDeps{})
	s := web.New(web.Config{}, web.Deps{Store: store.NewBulletinCache(f.st, 64), Links: f.links, Logger: quiet})
	var cst web.ConsoleStore = f.st
	for _, w := range wrap {
		cst = w(cst)
	}
	s.MountConsole(web.NewConsole(cfg, web.ConsoleDeps{
		Store: cst, Announcer: disp, Reminder: disp, Notifier: dispatch.NewNotifier(f.st), Parse: parser.Parse,
		Ingest: func(ctx context.Context, in content.Input, edit func(*content.Bulletin), at time.Time) (web.IngestResult, error) {
			// The test's stand-in for the ingest pipeline, which the
			// end-to-end test in cmd/tongbao runs for real.
			b, err := parser.Parse(in)
			if err != nil {
				return web.IngestResult{}, err
			}
			edit(b)
			res, err := f.st.SaveBulletin(ctx, b)
			if err != nil {
				return web.IngestResult{}, err
			}
			if !at.IsZero() {
				return web.IngestResult{ID: b.ID, Title: b.Title, New: res.New}, disp.PublishAt(ctx, b.ID, at)
			}
			n, err := disp.Publish(ctx, b)
			return web.IngestResult{ID: b.ID, Title: b.Title, New: res.New, Pushed: n}, err
		},
		Preview: func(a chat.Announcement, lang string) []chat.Preview {
			r := disp.AnnouncementReply(a, lang)
			return []chat.Preview{telegram.Preview(r), wechat.PreviewOA(r), wechat.PreviewWeCom(r)}
		},
		Platforms: []string{"tg", "wx"}, Topics: []string{"防汛", "人才"}, Secure: secure, Logger: quiet,
	}))
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &consoleFixture{st: f.st, srv: ts, b: f.b, prefix: fmt.Sprintf("wt%d:", seq)}
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t      testing.TB
	c      *http.Client
	base   string
	lastTo string
}

func newBrowser(t testing.TB, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) (int, string, *http.Response) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	b.lastTo = resp.Header.Get("Location")
	return resp.StatusCode, string(out), resp
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	code, body, _ := b.do("GET", path, nil)
	return code, body
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the CSRF token from a page's forms.
func (b *browser) csrf() string {
	b.t.Helper()
	_, body := b.get("/admin/")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on the overview:\n%s", body)
	}
	return m[1]
}

// signIn spends a fresh link for id and returns the answer to the POST.
func (f *consoleFixture) signIn(t testing.TB, b *browser, id string) (int, *http.Response) {
	t.Helper()
	token, err := f.st.NewConsoleLink(context.Background(), id, web.LinkTTL)
	if err != nil {
		t.Fatal(err)
	}
	code, _, resp := b.do("POST", "/admin/signin", url.Values{"token": {token}})
	return code, resp
}

func (f *consoleFixture) admin(t testing.TB, id string) *browser {
	t.Helper()
	b := newBrowser(t, f.srv.URL)
	if code, _ := f.signIn(t, b, id); code != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %d", id, code)
	}
	return b
}

func sessionCount(t testing.TB, st *store.Store) int {
	t.Helper()
	list, err := st.ConsoleSessions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestConsoleSignInWithAOneTimeLink(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, true)
	ctx := context.Background()
	token, err := f.st.NewConsoleLink(ctx, consoleAdmin, web.LinkTTL)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, f.srv.URL)
	// Opening the link (as a chat app's preview does) spends nothing.
	for range 2 {
		if code, body := b.get("/admin/signin/" + token); code != 200 || !strings.Contains(body, `id="signin"`) {
			t.Fatalf("sign-in page: %d\n%s", code, body)
		}
	}
	code, _, resp := b.do("POST", "/admin/signin", url.Values{"token": {token}})
	if code != http.StatusSeeOther || b.lastTo != "/admin/" {
		t.Fatalf("sign-in: %d to %q", code, b.lastTo)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "tongbao_console" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/admin/" || cookie.MaxAge != 0 {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Strict, path /admin/, a session cookie", cookie)
	}
	if code, body := b.get("/admin/"); code != 200 || !strings.Contains(body, consoleAdmin) {
		t.Fatalf("overview: %d", code)
	}
	// The session lapses after 8 idle hours: its key lives no longer.
	ttl := redisServer.Client(t).PTTL(ctx, f.prefix+"console:sess:"+store.ConsoleHash(cookie.Value)).Val()
	if ttl <= 0 || ttl > web.SessionIdle {
		t.Errorf("session TTL %v, want at most %v", ttl, web.SessionIdle)
	}
	if log, _ := f.st.AuditLog(ctx, 5); len(log) == 0 || log[0].Action != "console.signin" || log[0].Actor != consoleAdmin {
		t.Errorf("sign-in not audited: %+v", log)
	}
	// The session is listed, and revoking it signs the browser out.
	_, body := b.get("/admin/sessions")
	if !strings.Contains(body, "tg:1") {
		t.Fatalf("sessions page lacks the session:\n%s", body)
	}
	list, _ := f.st.ConsoleSessions(ctx)
	other := f.admin(t, "tg:2")
	if code, _, _ := other.do("POST", "/admin/sessions/revoke", url.Values{"csrf": {other.csrf()}, "handle": {list[0].Handle}}); code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", code)
	}
	if code, _ := b.get("/admin/"); code != http.StatusUnauthorized {
		t.Errorf("a revoked session still opens the console: %d", code)
	}
}

func TestConsoleRefusesWithNothingChanged(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	before := sessionCount(t, f.st)

	t.Run("no session", func(t *testing.T) {
		b := newBrowser(t, f.srv.URL)
		for _, path := range []string{"/admin/", "/admin/bulletins", "/admin/bulletins/" + f.b.ID, "/admin/publish", "/admin/broadcast",
			"/admin/subscribers", "/admin/sources", "/admin/audit", "/admin/dead", "/admin/sessions"} {
			if code, body := b.get(path); code != http.StatusUnauthorized || !strings.Contains(body, "后台") {
				t.Errorf("GET %s without a session: %d", path, code)
			}
		}
		code, _, _ := b.do("POST", "/admin/subscribers/update", url.Values{"id": {"tg:2"}, "op": {"block"}})
		if code != http.StatusUnauthorized {
			t.Errorf("POST without a session: %d", code)
		}
	})
	t.Run("reused link", func(t *testing.T) {
		token, _ := f.st.NewConsoleLink(ctx, consoleAdmin, web.LinkTTL)
		b := newBrowser(t, f.srv.URL)
		if code, _, _ := b.do("POST", "/admin/signin", url.Values{"token": {token}}); code != http.StatusSeeOther {
			t.Fatalf("first use: %d", code)
		}
		n := sessionCount(t, f.st)
		if code, _, _ := newBrowser(t, f.srv.URL).do("POST", "/admin/signin", url.Values{"token": {token}}); code != http.StatusUnauthorized {
			t.Errorf("second use: %d", code)
		}
		if sessionCount(t, f.st) != n {
			t.Error("a reused link opened a session")
		}
		before = n
	})
	t.Run("expired link", func(t *testing.T) {
		token, _ := f.st.NewConsoleLink(ctx, consoleAdmin, web.LinkTTL)
		// Expire it now, as ten minutes would.
		if err := redisServer.Client(t).Del(ctx, f.prefix+"console:link:"+store.ConsoleHash(token)).Err(); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := newBrowser(t, f.srv.URL).do("POST", "/admin/signin", url.Values{"token": {token}}); code != http.StatusUnauthorized {
			t.Errorf("expired link: %d", code)
		}
		if code, _, _ := newBrowser(t, f.srv.URL).do("POST", "/admin/signin", url.Values{"token": {"made-up"}}); code != http.StatusUnauthorized {
			t.Errorf("made-up link: %d", code)
		}
		if sessionCount(t, f.st) != before {
			t.Error("an expired link opened a session")
		}
	})
	t.Run("non-admin's link", func(t *testing.T) {
		code, _ := f.signIn(t, newBrowser(t, f.srv.URL), "wx:oNotAdmin")
		if code != http.StatusForbidden {
			t.Errorf("non-admin: %d", code)
		}
		if sessionCount(t, f.st) != before {
			t.Error("a non-admin's link opened a session")
		}
	})
	t.Run("CSRF token", func(t *testing.T) {
		b := f.admin(t, consoleAdmin)
		audited, _ := f.st.AuditLog(ctx, 1000)
		for name, token := range map[string][]string{"missing": nil, "wrong": {"0123456789abcdef"}, "empty": {""}} {
			form := url.Values{"id": {"tg:2"}, "op": {"block"}}
			if token != nil {
				form["csrf"] = token
			}
			if code, _, _ := b.do("POST", "/admin/subscribers/update", form); code != http.StatusForbidden {
				t.Errorf("%s CSRF token: %d", name, code)
			}
			if code, _, _ := b.do("POST", "/admin/bulletins/"+f.b.ID+"/remind", form); code != http.StatusForbidden {
				t.Errorf("%s CSRF token (remind): %d", name, code)
			}
		}
		if sub, _ := f.st.Subscriber(ctx, "tg:2"); sub.Status != content.StatusActive {
			t.Errorf("tg:2 is %s after refused forms", sub.Status)
		}
		if after, _ := f.st.AuditLog(ctx, 1000); len(after) != len(audited) {
			t.Errorf("refused forms were audited: %d entries, were %d", len(after), len(audited))
		}
		// Another session's token is wrong too.
		other := f.admin(t, "tg:2")
		if code, _, _ := b.do("POST", "/admin/subscribers/update", url.Values{"csrf": {other.csrf()}, "id": {"tg:2"}, "op": {"block"}}); code != http.StatusForbidden {
			t.Errorf("another session's CSRF token: %d", code)
		}
		// The right one works.
		if code, _, _ := b.do("POST", "/admin/subscribers/update", url.Values{"csrf": {b.csrf()}, "id": {"tg:2"}, "op": {"block"}}); code != http.StatusSeeOther {
			t.Errorf("the right CSRF token: %d", code)
		}
		if sub, _ := f.st.Subscriber(ctx, "tg:2"); sub.Status != content.StatusBlocked {
			t.Errorf("tg:2 is %s after blocking", sub.Status)
		}
		if _, body := b.get("/admin/subscribers?q=tg:2"); !strings.Contains(body, "已屏蔽") || !strings.Contains(body, `value="unblock"`) {
			t.Errorf("the subscribers page does not offer to unblock tg:2:\n%s", body)
		}
		if log, _ := f.st.AuditLog(ctx, 1); log[0].Action != "console.subscriber" || log[0].Actor != consoleAdmin || log[0].Detail["status"] != "blocked" {
			t.Errorf("block audited as %+v", log[0])
		}
	})
	t.Run("admin role withdrawn", func(t *testing.T) {
		b := f.admin(t, "tg:2")
		if err := f.st.SetAdmin(ctx, "tg:2", false); err != nil {
			t.Fatal(err)
		}
		if code, _ := b.get("/admin/"); code != http.StatusForbidden {
			t.Errorf("a former admin's session: %d", code)
		}
		f.st.SetAdmin(ctx, "tg:2", true)
	})
}

// TestConsoleShowsScriptAsText: script in a subscriber's name and unit, a
// bulletin's title and a broadcast's text is shown as text everywhere.
func TestConsoleShowsScriptAsText(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	if _, _, err := f.st.Touch(ctx, "tg:66", evil, "zh", true); err != nil {
		t.Fatal(err)
	}
	b := f.admin(t, consoleAdmin)
	if code, _, _ := b.do("POST", "/admin/subscribers/update", url.Values{"csrf": {b.csrf()}, "id": {"tg:66"}, "op": {"unit"}, "unit": {`</td><script>1</script>`}}); code != http.StatusSeeOther {
		t.Fatalf("set unit: %d", code)
	}
	bl := *f.b
	bl.ID, bl.Title, bl.Summary, bl.Paragraphs, bl.Meeting = "20220608-evil", evil, evil, []string{"一段不同的正文。" + evil}, nil
	bl.Fingerprint = content.MakeFingerprint(bl.Paragraphs[0])
	if res, err := f.st.SaveBulletin(ctx, &bl); err != nil || !res.New {
		t.Fatal(res, err)
	}
	pages := map[string]string{}
	for _, path := range []string{"/admin/subscribers?q=tg:66", "/admin/bulletins", "/admin/bulletins/" + bl.ID, "/admin/", "/admin/audit"} {
		_, pages[path] = b.get(path)
	}
	_, pages["broadcast preview"], _ = b.do("POST", "/admin/broadcast/preview", url.Values{"csrf": {b.csrf()}, "text": {evil}, "audience": {"all"}})
	for where, body := range pages {
		if strings.Contains(body, "<script") || strings.Contains(body, "<img") {
			t.Errorf("%s carries live markup", where)
		}
		if where != "/admin/" && !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s does not show the script as text:\n%s", where, body)
		}
	}
}

func TestConsoleRemindsTheUnreadOnce(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	// Three deliveries, one read.
	for _, id := range []string{"tg:2", "wx:oNotAdmin", "tg:42"} {
		sub, _ := f.st.Subscriber(ctx, id)
		d := content.Delivery{BulletinID: f.b.ID, Subscriber: id, Dense: sub.Dense}
		claims, _, err := f.st.BeginDeliveries(ctx, []content.Delivery{d}, []string{f.b.ID}, []string{"t"}, time.Minute)
		if err != nil || claims[0] != content.ClaimOK {
			t.Fatal(err, claims)
		}
		if err := f.st.FinishDelivery(ctx, "tg", d, f.b.ID, "t"); err != nil {
			t.Fatal(err)
		}
	}
	tg2, _ := f.st.Subscriber(ctx, "tg:2")
	f.st.MarkRead(ctx, f.b.ID, tg2.Dense, content.ViaLink, f.b.PublishedAt, time.Now())
	b := f.admin(t, consoleAdmin)
	_, body := b.get("/admin/bulletins/" + f.b.ID)
	if !strings.Contains(body, "未读名单 (2)") || !strings.Contains(body, "wx:oNotAdmin") || strings.Contains(body, "<code>tg:2</code>") {
		t.Fatalf("unread list wrong:\n%s", body)
	}
	if !strings.Contains(body, `id="rate">33%`) {
		t.Errorf("read rate not 33%%")
	}
	csrf := b.csrf()
	if code, _, _ := b.do("POST", "/admin/bulletins/"+f.b.ID+"/remind", url.Values{"csrf": {csrf}}); code != http.StatusSeeOther || !strings.Contains(b.lastTo, "done=reminded") {
		t.Fatalf("remind: %d %s", code, b.lastTo)
	}
	b.do("POST", "/admin/bulletins/"+f.b.ID+"/remind", url.Values{"csrf": {csrf}})
	if !strings.Contains(b.lastTo, "done=reminded0") {
		t.Errorf("a second 催读 reminded someone: %s", b.lastTo)
	}
	st, _ := f.st.Stats(ctx, f.b.ID)
	if st.Reminded != 2 {
		t.Errorf("reminded %d, want the 2 unread once each", st.Reminded)
	}
	if log, _ := f.st.AuditLog(ctx, 3); log[0].Action != "remind" || log[0].Actor != consoleAdmin {
		t.Errorf("remind audited as %+v", log[0])
	}
}

func TestConsoleBroadcastNeedsASecondAdmin(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{Approval: true}, false)
	ctx := context.Background()
	a := f.admin(t, consoleAdmin)
	form := url.Values{"csrf": {a.csrf()}, "text": {"明天上午停电检修"}, "audience": {"platform"}, "value": {"tg"}, "urgent": {"1"}}
	code, body, _ := a.do("POST", "/admin/broadcast/preview", form)
	if code != 200 || !strings.Contains(body, "将发送给 3 人") {
		t.Fatalf("preview: %d\n%s", code, body)
	}
	if a.do("POST", "/admin/broadcast/send", form); !strings.Contains(a.lastTo, "done=proposed") {
		t.Fatalf("send under approval: %s", a.lastTo)
	}
	pending, _ := f.st.PendingBroadcasts(ctx)
	if len(pending) != 1 {
		t.Fatalf("%d pending", len(pending))
	}
	qs, _ := f.st.QueueStats(ctx, "tg")
	if qs.Length != 0 {
		t.Fatalf("a broadcast went out before approval: %+v", qs)
	}
	// Its proposer cannot approve it.
	if code, _, _ := a.do("POST", "/admin/broadcast/approve", url.Values{"csrf": {a.csrf()}, "id": {pending[0].ID}}); code != http.StatusForbidden {
		t.Errorf("self-approval: %d", code)
	}
	b := f.admin(t, "tg:2")
	if code, _, _ := b.do("POST", "/admin/broadcast/approve", url.Values{"csrf": {b.csrf()}, "id": {pending[0].ID}}); code != http.StatusSeeOther || !strings.HasPrefix(b.lastTo, "/admin/broadcast/a-") {
		t.Fatalf("approve: %d %s", code, b.lastTo)
	}
	if qs, _ := f.st.QueueStats(ctx, "tg"); qs.Length != 3 {
		t.Errorf("approved broadcast queued %d, want 3", qs.Length)
	}
	_, body = b.get(b.lastTo)
	if !strings.Contains(body, "已发送 0/3") || !strings.Contains(body, `http-equiv="refresh"`) {
		t.Errorf("progress page:\n%s", body)
	}
	// Approved once: a second approval finds nothing.
	if b.do("POST", "/admin/broadcast/approve", url.Values{"csrf": {b.csrf()}, "id": {pending[0].ID}}); !strings.Contains(b.lastTo, "done=gone") {
		t.Errorf("second approval: %s", b.lastTo)
	}
	if qs, _ := f.st.QueueStats(ctx, "tg"); qs.Length != 3 {
		t.Errorf("queued %d after a second approval", qs.Length)
	}
}

// TestConsolePagesInBothLanguages renders every page in Chinese and
// English; a key missing from the catalog fails it.
func TestConsolePagesInBothLanguages(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{Approval: true}, false)
	b := f.admin(t, consoleAdmin)
	for _, lang := range []string{"zh", "en"} {
		for _, path := range []string{"/admin/", "/admin/bulletins", "/admin/bulletins/" + f.b.ID, "/admin/bulletins/" + f.b.ID + "/chart.svg", "/admin/publish", "/admin/broadcast",
			"/admin/subscribers", "/admin/sources", "/admin/audit", "/admin/dead", "/admin/sessions"} {
			code, body := b.get(path + "?lang=" + lang)
			if code != 200 {
				t.Errorf("%s in %s: %d", path, lang, code)
			}
			// A key missing from the catalog renders as its apology.
			if strings.Contains(body, msg.Say(lang, "error")) {
				t.Errorf("%s in %s names a key the catalog lacks", path, lang)
			}
			if lang == "en" && strings.Contains(path, "sessions") && !strings.Contains(body, "Sessions") {
				t.Errorf("%s is not in English", path)
			}
		}
	}
	// The language chosen sticks; Accept-Language decides otherwise.
	if _, body := b.get("/admin/"); !strings.Contains(body, "Overview") {
		t.Error("?lang=en did not stick")
	}
	c := newBrowser(t, f.srv.URL)
	req, _ := http.NewRequest("GET", f.srv.URL+"/admin/", nil)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(out), "Please sign in") {
		t.Error("Accept-Language: en did not choose English")
	}
}

// TestConsolePublishNowOrLater: the preview sends nothing; publishing
// corrects the title and pushes at once, or at the time chosen.
func TestConsolePublishNowOrLater(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	b := f.admin(t, consoleAdmin)
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "samples", "qingxi-2022-06-01-flood-notice.txt"))
	if err != nil {
		t.Fatal(err)
	}
	csrf := b.csrf()
	code, body, _ := b.do("POST", "/admin/publish/preview", url.Values{"csrf": {csrf}, "text": {string(data)}})
	if code != 200 || !strings.Contains(body, `id="send-form"`) {
		t.Fatalf("preview: %d\n%s", code, body)
	}
	if qs, _ := f.st.QueueStats(ctx, "tg"); qs.Length != 0 {
		t.Fatal("the preview queued deliveries")
	}
	later := time.Now().Add(2 * time.Hour).In(content.Shanghai)
	form := url.Values{"csrf": {csrf}, "title": {"更正后的标题"}, "kind": {"notice"}, "summary": {""}, "at": {later.Format("2006-01-02T15:04")}}
	if b.do("POST", "/admin/publish/send", form); !strings.Contains(b.lastTo, "done=scheduled") {
		t.Fatalf("send later: %s", b.lastTo)
	}
	id := strings.TrimPrefix(b.lastTo[:strings.Index(b.lastTo, "?")], "/admin/bulletins/")
	stored, err := f.st.Bulletin(ctx, id)
	if err != nil || stored.Title != "更正后的标题" {
		t.Fatalf("stored %+v %v", stored, err)
	}
	if qs, _ := f.st.QueueStats(ctx, "tg"); qs.Length != 0 {
		t.Error("a bulletin for later was queued now")
	}
	if due, _ := f.st.PopDue(ctx, "publish", later.Add(time.Minute)); len(due) != 1 || due[0] != id {
		t.Errorf("scheduled: %v", due)
	}
	if log, _ := f.st.AuditLog(ctx, 1); log[0].Action != "console.publish" || log[0].Detail["at"] == "" || log[0].Actor != consoleAdmin {
		t.Errorf("publish audited as %+v", log[0])
	}
	// The draft is spent: sending again needs a new preview.
	if code, _, _ := b.do("POST", "/admin/publish/send", form); code != http.StatusConflict {
		t.Errorf("a second send of one preview: %d", code)
	}
	// Garbage instead of a bulletin is refused with a reason, nothing stored.
	code, body, _ = b.do("POST", "/admin/publish/preview", url.Values{"csrf": {csrf}, "text": {"   "}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `class="error"`) {
		t.Errorf("empty text: %d", code)
	}
}

// TestConsoleShowsCopies: a copy of a bulletin from another site is merged
// into it, not pushed again; its page names the other address.
func TestConsoleShowsCopies(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	for _, u := range []string{"https://www.other-county.gov.cn/art/2022/6/8/1.html", "javascript:alert(1)"} {
		copied := *f.b
		copied.URL = u
		if res, err := f.st.SaveBulletin(ctx, &copied); err != nil || res.New || res.DuplicateOf != f.b.ID {
			t.Fatalf("saving a copy from %s: %+v, %v", u, res, err)
		}
	}
	b := f.admin(t, consoleAdmin)
	_, body := b.get("/admin/bulletins/" + f.b.ID)
	if !strings.Contains(body, `id="copies"`) || !strings.Contains(body, `href="https://www.other-county.gov.cn/art/2022/6/8/1.html"`) {
		t.Errorf("the bulletin page does not name the copy:\n%s", body)
	}
	if strings.Contains(body, `href="javascript:`) || strings.Contains(body, `href="about:invalid`) || !strings.Contains(body, "<li>javascript:alert(1)</li>") {
		t.Error("a copy's javascript: address is not shown as plain text")
	}
}
