package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tongbao/bot/telegram/telegramtest"
	"tongbao/bot/wechat/wechattest"
)

// chromium finds Debian's chromium (scripts/test.sh installs it); the
// browser tests skip without one.
func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium found: apt-get install chromium (scripts/test.sh does)")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and returns
// a tab's context; the browser stops with the test.
func newBrowser(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("hide-scrollbars", true),
		// A browser in China: Accept-Language zh-CN.
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return tab
}

// screenshots is where the browser tests write their screenshots:
// $TONGBAO_SCREENSHOTS, else a folder in the system's temporary folder.
func screenshots(t testing.TB) string {
	dir := os.Getenv("TONGBAO_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "tongbao-console-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shoot saves the current page at a phone's and a desktop's width.
func shoot(t testing.TB, tab context.Context, dir, name string) {
	t.Helper()
	for _, v := range []struct {
		suffix string
		w, h   int64
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		if err := chromedp.Do(tab, chromedp.EmulateViewport(v.w, v.h)); err != nil {
			t.Fatalf("viewport: %v", err)
		}
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+v.suffix+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// run runs browser actions, failing the test on an error.
func run(t testing.TB, tab context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// text reads the text of the first element matching sel.
func text(t testing.TB, tab context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

var unreadHeading = regexp.MustCompile(`\((\d+)\)`)

// unreadCount reads the number in the bulletin page's 未读名单 (N).
func unreadCount(t testing.TB, tab context.Context) int {
	t.Helper()
	m := unreadHeading.FindStringSubmatch(text(t, tab, "#unread"))
	if m == nil {
		t.Fatal("no unread count on the page")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var readLink = regexp.MustCompile(`https?://[^\s"<>]+/r/[A-Za-z0-9._~%-]+`)

// TestConsoleInABrowser drives the console in headless Chromium over a
// real `tongbao serve` with fake Telegram and WeChat: sign in with a
// one-time link, publish a bulletin, see it reach both platforms, open a
// personal read link, see the read rate rise and the unread list shrink,
// send 催读, and broadcast under the two-person rule (the second admin signs
// in with the link 后台 gets in chat); it screenshots every
// page at a phone's and a desktop's width.
func TestConsoleInABrowser(t *testing.T) {
	chromium(t)
	e := newEnv()
	tg := telegramEnv(t, e)
	wx := wechatEnv(t, e, testAESKey)
	addr := freeAddr(t)
	e["TONGBAO_LISTEN"] = addr
	e["TONGBAO_PUBLIC_URL"] = "http://" + addr
	e["TONGBAO_ADMINS"] = "tg:1001,tg:1002"
	cfgFile := filepath.Join(t.TempDir(), "tongbao.yaml")
	if err := os.WriteFile(cfgFile, []byte("console:\n  approval: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e["TONGBAO_CONFIG"] = cfgFile
	st := e.store(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	addSubscribers(t, st, "tg", "", 1001, 4)
	addSubscribers(t, st, "wx", "oUser", 1, 2)
	for id, unit := range map[string]string{"tg:1003": "县应急管理局", "tg:1004": "县应急管理局", "wx:oUser1": "县水利局", "wx:oUser2": "县水利局"} {
		if err := st.SetUnit(ctx, id, unit); err != nil {
			t.Fatal(err)
		}
	}
	e.serve(t)
	dir := screenshots(t)
	tab := newBrowser(t, ctx)
	base := "http://" + addr

	// Sign in with a one-time link; the link then opens nothing.
	code, out := e.run(t, "console-link", "--as", "tg:1001")
	if code != 0 {
		t.Fatalf("console-link: %d %s", code, out)
	}
	link := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
	run(t, tab, "open the link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("signin")))
	shoot(t, tab, dir, "01-signin")
	run(t, tab, "sign in", chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	shoot(t, tab, dir, "02-overview")

	// Publish: paste, preview, correct the title, send.
	data, err := os.ReadFile(samples + "qingxi-2022-06-01-flood-notice.txt")
	if err != nil {
		t.Fatal(err)
	}
	run(t, tab, "publish form", chromedp.Navigate(base+"/admin/publish"), chromedp.WaitVisible(chromedp.ID("preview")),
		chromedp.SetValue(chromedp.CSS(`textarea[name="text"]`), string(data)))
	shoot(t, tab, dir, "03-publish")
	run(t, tab, "preview", chromedp.Click(chromedp.ID("preview")), chromedp.WaitVisible(chromedp.ID("send-form")))
	if card := text(t, tab, ".card"); !strings.Contains(card, "防汛") {
		t.Errorf("the preview's card: %q", card)
	}
	shoot(t, tab, dir, "04-publish-preview")
	if n := len(tg.Sent()) + len(wx.CustomMessages()); n != 0 {
		t.Fatalf("%d messages sent before publishing", n)
	}
	const title = "关于做好2022年防汛工作的通知（更正）"
	run(t, tab, "publish", chromedp.SetValue(chromedp.CSS(`input[name="title"]`), title), chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.ID("unread-list")))

	// It reaches the 4 Telegram and 2 WeChat subscribers, corrected.
	sent, err := tg.WaitSent(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wechattest.WaitFor(ctx, wx, wx.CustomMessages, 2); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent[0].PlainText, title) {
		t.Errorf("Telegram got %q, want the corrected title", sent[0].PlainText)
	}
	url, err := chromedp.Run(tab, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	bulletin := url[strings.LastIndex(url, "/")+1:]
	if i := strings.Index(bulletin, "?"); i >= 0 {
		bulletin = bulletin[:i]
	}
	// Deliveries are recorded as the platforms accept them: wait for all six.
	waitUntil(t, "six deliveries recorded", func() bool {
		s, err := st.Stats(ctx, bulletin)
		return err == nil && s.Delivered == 6
	})
	run(t, tab, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("unread-list")))
	if got := text(t, tab, "#rate"); got != "0%" {
		t.Errorf("read rate before any read: %s", got)
	}
	unread := unreadCount(t, tab)
	if unread != 6 {
		t.Fatalf("unread before any read: %d", unread)
	}
	shoot(t, tab, dir, "05-bulletin")

	// tg:1003 opens their personal link: the rate rises, the list shrinks.
	var personal string
	for _, m := range tg.SentTo(1003) {
		all := m.Text
		for _, b := range m.Buttons() {
			all += " " + b.URL
		}
		if l := readLink.FindString(all); l != "" {
			personal = l
		}
	}
	if personal == "" {
		t.Fatalf("no read link in tg:1003's push: %+v", tg.SentTo(1003))
	}
	reader := newBrowser(t, ctx)
	run(t, reader, "open the read link", chromedp.Navigate(personal), chromedp.WaitVisible(chromedp.CSS("h1")))
	run(t, tab, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("unread-list")))
	if got := unreadCount(t, tab); got != unread-1 {
		t.Errorf("unread after one read: %d, want %d", got, unread-1)
	}
	if got := text(t, tab, "#rate"); got != "17%" {
		t.Errorf("read rate after one read of six: %s", got)
	}
	if list := text(t, tab, "#unread-list"); strings.Contains(list, "tg:1003") || !strings.Contains(list, "tg:1004") {
		t.Errorf("unread list after tg:1003 read: %s", list)
	}

	// 催读: the five unread get one reminder each, the reader none.
	tgBefore, wxBefore := len(tg.Sent()), len(wx.CustomMessages())
	run(t, tab, "remind", chromedp.Click(chromedp.ID("remind")),
		// The page before had a notice too (published): wait for this one.
		chromedp.WaitVisible(chromedp.Search(`//p[@class="notice"][contains(., "催读")]`)))
	shoot(t, tab, dir, "06-bulletin-reminded")
	if _, err := tg.WaitSent(ctx, tgBefore+3); err != nil {
		t.Fatal(err)
	}
	if _, err := wechattest.WaitFor(ctx, wx, wx.CustomMessages, wxBefore+2); err != nil {
		t.Fatal(err)
	}
	for _, m := range tg.Sent()[tgBefore:] {
		if m.ChatID == 1003 {
			t.Error("the one who read it was reminded")
		}
	}

	// Broadcast under the two-person rule: tg:1001 proposes, tg:1002
	// approves, and only then does it go out.
	run(t, tab, "broadcast form", chromedp.Navigate(base+"/admin/broadcast"), chromedp.WaitVisible(chromedp.ID("bc-preview")),
		chromedp.SetValue(chromedp.CSS(`textarea[name="text"]`), "明天上午9点至11点停电检修，请提前做好准备。"))
	shoot(t, tab, dir, "07-broadcast")
	run(t, tab, "broadcast preview", chromedp.Click(chromedp.ID("bc-preview")), chromedp.WaitVisible(chromedp.ID("count")))
	if got := text(t, tab, "#count"); !strings.Contains(got, "6") {
		t.Errorf("audience count: %q", got)
	}
	shoot(t, tab, dir, "08-broadcast-preview")
	tgBefore, wxBefore = len(tg.Sent()), len(wx.CustomMessages())
	run(t, tab, "propose", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("pending")))
	shoot(t, tab, dir, "09-broadcast-pending")
	approveButtons, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("button.approve").length`))
	if err != nil {
		t.Fatal(err)
	}
	if approveButtons != 0 {
		t.Error("the proposer is offered the approve button")
	}
	// The second admin asks the bot for a link in chat: 后台.
	admin2 := telegramtest.User{ID: 1002, FirstName: "王", LanguageCode: "zh-hans"}
	replies := say(t, tg, admin2, "后台", "/admin/signin/")
	chatLink := regexp.MustCompile(`https?://\S+/admin/signin/[0-9a-f]+`).FindString(replies)
	if chatLink == "" {
		t.Fatalf("后台 got no link: %s", replies)
	}
	second := newBrowser(t, ctx)
	run(t, second, "sign in from chat", chromedp.Navigate(chatLink), chromedp.WaitVisible(chromedp.ID("signin")), chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.CSS(".tiles")))
	// Nothing went out before the approval.
	for _, m := range tg.Sent()[tgBefore:] {
		if strings.Contains(m.PlainText, "停电检修") {
			t.Fatalf("broadcast sent to %d before approval", m.ChatID)
		}
	}
	if n := len(wx.CustomMessages()) - wxBefore; n != 0 {
		t.Fatalf("%d WeChat messages before approval", n)
	}
	tgBefore = len(tg.Sent())
	run(t, second, "approve", chromedp.Navigate(base+"/admin/broadcast"), chromedp.WaitVisible(chromedp.CSS("button.approve")),
		chromedp.Click(chromedp.CSS("button.approve")), chromedp.WaitVisible(chromedp.ID("progress")))
	if _, err := tg.WaitSent(ctx, tgBefore+4); err != nil {
		t.Fatal(err)
	}
	if _, err := wechattest.WaitFor(ctx, wx, wx.CustomMessages, wxBefore+2); err != nil {
		t.Fatal(err)
	}
	// Once every delivery is recorded the progress page says it is done
	// (while it is not, the page reloads itself: TestConsoleBroadcastNeedsASecondAdmin).
	progressURL, err := chromedp.Run(second, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	announcement := strings.TrimPrefix(progressURL[:strings.Index(progressURL, "?")], base+"/admin/broadcast/")
	waitUntil(t, "the broadcast's deliveries recorded", func() bool {
		s, err := st.Stats(ctx, announcement)
		return err == nil && s.Delivered == 6
	})
	run(t, second, "progress", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("progress")))
	if got := text(t, second, "#progress"); !strings.Contains(got, "已发送 6/6") || !strings.Contains(got, "发送完成") {
		t.Errorf("progress: %q", got)
	}
	shoot(t, second, dir, "10-broadcast-progress")
	log, _ := st.AuditLog(ctx, 50)
	actions := map[string]string{}
	for _, entry := range log { // newest first
		if _, seen := actions[entry.Action]; !seen {
			actions[entry.Action] = entry.Actor
		}
	}
	for action, actor := range map[string]string{"console.signin": "tg:1002", "console.publish": "tg:1001", "remind": "tg:1001",
		"console.propose": "tg:1001", "console.approve": "tg:1002", "broadcast": "tg:1001"} {
		if actions[action] != actor {
			t.Errorf("audit: %s by %q, want %s", action, actions[action], actor)
		}
	}

	// The remaining pages, for the screenshots; the roster with people in it.
	rosterFile := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(rosterFile, []byte("姓名,单位,职务\n张三,县应急管理局,局长\n李四,县水利局,科员\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := e.run(t, "roster", "import", rosterFile); code != 0 {
		t.Fatalf("roster import: %d %s", code, out)
	}
	for i, p := range []string{"bulletins", "subscribers", "sources", "audit", "dead", "sessions", "roster"} {
		run(t, tab, p, chromedp.Navigate(base+"/admin/"+p), chromedp.WaitVisible(chromedp.CSS("main")))
		shoot(t, tab, dir, fmt.Sprintf("%02d-%s", 11+i, p))
	}
	run(t, tab, "english", chromedp.Navigate(base+"/admin/?lang=en"), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	shoot(t, tab, dir, "18-overview-en")
	t.Logf("screenshots in %s", dir)
}
