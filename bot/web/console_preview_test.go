package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/bot/telegram"
	"tongbao/bot/telegram/telegramtest"
	"tongbao/bot/web"
	"tongbao/bot/wechat"
	"tongbao/bot/wechat/wechattest"
)

// TestBroadcastPreviewPerPlatform: the preview shows the announcement as
// each platform its audience reaches shows it — Telegram's bold title and
// link, WeChat's news card — with the admin's markup shown as text.
func TestBroadcastPreviewPerPlatform(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	a := f.admin(t, consoleAdmin)
	const text = `明天上午停电检修 <script>alert(1)</script> & <b>不是粗体</b>`
	code, body, _ := a.do("POST", "/admin/broadcast/preview", url.Values{"csrf": {a.csrf()}, "text": {text}, "audience": {"all"}})
	if code != 200 {
		t.Fatalf("preview: %d\n%s", code, body)
	}
	tg, wx := section(body, "preview-tg"), section(body, "preview-wx")
	for _, want := range []string{"<b>通知</b>", `明天上午停电检修 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;不是粗体&lt;/b&gt;`,
		`<a href="http://unused/r/`, `rel="noopener noreferrer nofollow">`, `/4096 字符`, `<span class="key">`} {
		if !strings.Contains(tg, want) {
			t.Errorf("the Telegram preview lacks %q:\n%s", want, tg)
		}
	}
	// The card's title is the announcement's first 30 characters.
	if !strings.Contains(wx, `<p class="ct">通知：明天上午停电检修 &lt;script&gt;alert(1)&lt;/scr…</p><p>明天上午停电检修 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;不是粗体&lt;/b&gt;</p>`) {
		t.Errorf("the WeChat preview is not the news card:\n%s", wx)
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "<b>不是粗体") {
		t.Errorf("the preview carries the admin's markup live")
	}
	if strings.Contains(body, `id="preview-wecom"`) {
		t.Errorf("WeCom, with no subscribers, is previewed")
	}
	// With a WeCom member, WeCom's text card joins, with its limits.
	if _, _, err := f.st.Touch(context.Background(), "wecom:zhangsan", "", "zh", true); err != nil {
		t.Fatal(err)
	}
	_, body, _ = a.do("POST", "/admin/broadcast/preview", url.Values{"csrf": {a.csrf()}, "text": {text}, "audience": {"all"}})
	wecom := section(body, "preview-wecom")
	for _, want := range []string{`<p class="ct">通知：明天上午停电检修`, `<p class="note">详情 ›</p>`, "/128 字节，描述 ", "/512 字节"} {
		if !strings.Contains(wecom, want) {
			t.Errorf("the WeCom preview lacks %q:\n%s", want, wecom)
		}
	}
	// An audience on one platform previews that platform only.
	_, body, _ = a.do("POST", "/admin/broadcast/preview", url.Values{"csrf": {a.csrf()}, "text": {text}, "audience": {"platform"}, "value": {"wx"}})
	if strings.Contains(body, `id="preview-tg"`) || !strings.Contains(body, `id="preview-wx"`) {
		t.Errorf("a broadcast to WeChat previews other platforms or not WeChat")
	}
}

// section is the part of a page inside the element with the id, up to
// the next platform's preview.
func section(page, id string) string {
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := page[i+1:]
	if j := strings.Index(rest, `id="preview-`); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

var sentCell = regexp.MustCompile(`(?s)id="queue-(\w+)">.*?class="n sent">(\d+)<`)

// TestOverviewShowsSentPerPlatform: deliveries the dispatcher sends to
// fake Telegram and WeChat servers are counted on the overview, per
// platform.
func TestOverviewShowsSentPerPlatform(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	const n = 12
	for i := range n {
		if _, _, err := f.st.Touch(ctx, fmt.Sprintf("tg:%d", 2001+i), "", "zh", true); err != nil {
			t.Fatal(err)
		}
	}
	fake := telegramtest.New()
	t.Cleanup(fake.Close)
	tg, err := telegram.New(ctx, telegram.Config{Token: fake.Token(), APIBase: fake.URL(), Limits: telegram.Limits{PerSecond: 1e6, PaidPerSecond: 1e6}},
		telegram.Deps{Handler: noAnswers{}, Dedupe: f.st, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	wxFake := wechattest.NewServer(wechattest.Options{})
	t.Cleanup(wxFake.Close)
	oa, err := wechat.NewOfficialAccount(wechat.OAConfig{AppID: wechattest.DefaultAppID, AppSecret: wechattest.DefaultAppSecret, Token: "tongbao", APIBase: wxFake.URL()},
		wechat.Deps{Handler: noAnswers{}, Tokens: f.st, Limits: f.st, Dedupe: f.st, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	disp := dispatch.New(dispatch.Config{Owner: "sender", SendTimeout: 2 * time.Second, ClaimLease: 3 * time.Second, ReclaimIdle: 4 * time.Second},
		dispatch.Deps{Store: f.st, Senders: []chat.Sender{tg, oa}, Limiter: f.st, Logger: discard})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { disp.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	queued, err := disp.Publish(ctx, f.b)
	if err != nil {
		t.Fatal(err)
	}
	tgWant := n + 3         // and tg:1, tg:2 and tg:42
	if queued != tgWant+1 { // and wx:oNotAdmin
		t.Fatalf("queued %d, want %d on Telegram and 1 on WeChat", queued, tgWant)
	}
	wait, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if _, err := fake.WaitSent(wait, tgWant); err != nil {
		t.Fatal(err)
	}
	if _, err := wechattest.WaitFor(wait, wxFake, wxFake.CustomMessages, 1); err != nil {
		t.Fatal(err)
	}
	waitAcknowledged(t, f, "tg")
	waitAcknowledged(t, f, "wx")
	_, page := f.admin(t, consoleAdmin).get("/admin/")
	got := map[string]string{}
	for _, m := range sentCell.FindAllStringSubmatch(page, -1) {
		got[m[1]] = m[2]
	}
	if got["tg"] != fmt.Sprint(tgWant) || got["wx"] != "1" {
		t.Errorf("the overview shows sent %v, want tg %d and wx 1", got, tgWant)
	}
}

// noAnswers answers nothing: the test only pushes.
type noAnswers struct{}

func (noAnswers) Handle(context.Context, chat.Incoming) []chat.Reply { return nil }

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// waitAcknowledged waits until the platform's queue has nothing waiting
// or being sent. Redis tells nobody when a queue changes, so it asks
// every few milliseconds; the deadline only stops a broken test.
func waitAcknowledged(t *testing.T, f *consoleFixture, platform string) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(2 * time.Minute)
	for {
		qs, err := f.st.QueueStats(context.Background(), platform)
		if err == nil && qs.Pending == 0 && qs.Lag == 0 {
			return
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("the %s queue: %+v, %v", platform, qs, err)
		}
	}
}

// BenchmarkBroadcastPreview renders the broadcast preview — the audience
// counted, the announcement rendered for each platform — over the store
// of BenchmarkConsolePages. Target: ≤ 50 ms at the 99th percentile.
func BenchmarkBroadcastPreview(b *testing.B) {
	f := setupConsole(b, web.ConsoleConfig{}, false)
	seedConsole(b, f)
	br := f.admin(b, consoleAdmin)
	form := url.Values{"csrf": {br.csrf()}, "text": {strings.Repeat("明天上午9点至11点停电检修，请提前做好准备。\n", 40)}, "audience": {"all"}}
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		code, _, _ := br.do("POST", "/admin/broadcast/preview", form)
		lat = append(lat, time.Since(t0))
		if code != http.StatusOK {
			b.Fatalf("preview: %d", code)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)])/float64(time.Millisecond), "p99-ms")
}
