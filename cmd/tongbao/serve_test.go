package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tongbao/bot/telegram/telegramtest"
	"tongbao/bot/wechat/wechattest"
	"tongbao/store"
	"tongbao/store/redistest"
)

// The end-to-end tests run the shipped wiring — App.Run("serve") — against
// a real redis-server and the fake Telegram and WeChat servers.

var (
	redisServer *redistest.Server
	prefixSeq   atomic.Int64
)

func TestMain(m *testing.M) { redistest.Main(m, &redisServer) }

// syncBuffer collects a command's output from several goroutines.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed and dropped by every Write; nil while nobody waits
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.written != nil {
		close(b.written)
		b.written = nil
	}
	return b.buf.Write(p)
}

// await waits until cond holds of what was written so far, re-checking
// after every Write. The deadline only stops a broken test.
func (b *syncBuffer) await(t testing.TB, what string, cond func(string) bool) {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		b.mu.Lock()
		text := b.buf.String()
		if b.written == nil {
			b.written = make(chan struct{})
		}
		written := b.written
		b.mu.Unlock()
		if cond(text) {
			return
		}
		select {
		case <-written:
		case <-deadline:
			t.Fatalf("timed out waiting for %s:\n%s", what, text)
		}
	}
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is the environment of one test's Tongbao: its own key prefix on
// the shared redis-server.
type testEnv map[string]string

func newEnv() testEnv {
	return testEnv{
		"TONGBAO_REDIS_URL":    redisServer.URL(),
		"TONGBAO_REDIS_PREFIX": fmt.Sprintf("e2e%d:", prefixSeq.Add(1)),
		"TONGBAO_SECRET":       "e2e-secret",
		"TONGBAO_PUBLIC_URL":   "https://tb.example.gov.cn",
		// The sample bulletins are from 2022: these tests push them, so
		// the push cut-off (ingest_test.go tests it) is off.
		"TONGBAO_PUSH_WITHIN": "0",
	}
}

func (e testEnv) get(k string) string { return e[k] }

// run runs one tongbao command to completion.
func (e testEnv) run(t testing.TB, args ...string) (int, string) {
	t.Helper()
	var out syncBuffer
	code := NewApp(strings.NewReader(""), &out, &out, e.get).Run(context.Background(), args)
	return code, out.String()
}

// store opens the test's store, to set up subscribers and check state.
func (e testEnv) store(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{URL: e["TONGBAO_REDIS_URL"], Prefix: e["TONGBAO_REDIS_PREFIX"]}, store.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serving is a `tongbao serve` running in the test process.
type serving struct {
	addr string
	out  *syncBuffer
	stop func() int
}

// serve starts `tongbao serve` and waits until it is ready.
func (e testEnv) serve(t testing.TB, extra ...string) *serving {
	t.Helper()
	addr := e["TONGBAO_LISTEN"]
	if addr == "" {
		addr = freeAddr(t)
	}
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	args := append([]string{"serve", "--listen", addr}, extra...)
	go func() { done <- NewApp(strings.NewReader(""), out, out, e.get).Run(ctx, args) }()
	var once sync.Once
	code := 0
	s := &serving{addr: "http://" + addr, out: out, stop: func() int {
		once.Do(func() { cancel(); code = <-done })
		return code
	}}
	t.Cleanup(func() { s.stop() })
	// /readyz tells nobody when it turns ready: ask every 50 ms. The
	// deadline only stops a broken start.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := http.Get(s.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		select {
		case c := <-done:
			done <- c // for stop
			t.Fatalf("serve exited with %d:\n%s", c, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not get ready:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitUntil waits until cond, which reads something that tells nobody
// when it changes (the store, a command's output, /readyz, a log), holds:
// it asks again every few milliseconds. The deadline only stops a broken
// test; a loaded machine may take long.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(3 * time.Minute)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// awaitTG waits until cond, which reads the fake's records, holds,
// re-checking on every record (telegramtest.Server.Await).
func awaitTG(t testing.TB, fake *telegramtest.Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := fake.Await(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v (%d sent)", what, err, len(fake.Sent()))
	}
}

// waitDrained waits until each platform's queue has nothing waiting and
// nothing being sent (delayed deliveries aside): every delivery is sent
// and marked, and a duplicate would already have arrived.
func waitDrained(t testing.TB, st *store.Store, platforms ...string) {
	t.Helper()
	for _, p := range platforms {
		waitUntil(t, "the "+p+" queue to drain", func() bool {
			qs, err := st.QueueStats(context.Background(), p)
			return err == nil && qs.Pending == 0 && qs.Lag == 0
		})
	}
}

const (
	lanxiID  = "20220527-62a4a24c"
	qingxiID = "20220608-0ce36211"
	noticeID = "20220601-28428f91"
)

var sampleFiles = []string{samples + "lanxi-2022-05-27-standing-committee.txt", samples + "lanxi-2022-05-27-standing-committee.gbk.html",
	samples + "qingxi-2022-06-01-flood-notice.txt", samples + "qingxi-2022-06-08-county-executive.txt"}

func TestIngestStatsAndAsk(t *testing.T) {
	e := newEnv()
	code, out := e.run(t, append([]string{"ingest"}, sampleFiles...)...)
	if code != 0 || !strings.Contains(out, "3 new, 1 duplicate, 0 failed") || !strings.Contains(out, "gbk.html: "+lanxiID+" duplicate of "+lanxiID) {
		t.Fatalf("ingest: %d\n%s", code, out)
	}
	code, out = e.run(t, append([]string{"ingest"}, sampleFiles...)...)
	if code != 0 || !strings.Contains(out, "0 new, 4 duplicate") {
		t.Errorf("second ingest: %d\n%s", code, out)
	}
	if code, out = e.run(t, "stats"); code != 0 || !strings.Contains(out, "bulletins: 3 (meetings 2, notices 1, news 0)") {
		t.Errorf("stats: %d\n%s", code, out)
	}
	if code, out = e.run(t, "stats", qingxiID); code != 0 || !strings.Contains(out, "青溪县召开县政府第十二次常务会议") {
		t.Errorf("stats of one: %d\n%s", code, out)
	}
	if code, _ = e.run(t, "stats", "nope"); code != 1 {
		t.Errorf("stats of an unknown id: exit %d", code)
	}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"ask", "最新会议"}, []string{"县政府第十二次常务会议", "王立新", "2022-06-08"}},
		{[]string{"ask", "最近的常委会"}, []string{"市委常委会(扩大)会议", "朱俊华", "2022-05-27"}},
		{[]string{"ask", "latest meeting", "--lang", "en"}, []string{"Chaired by", "王立新", "Published: 2022-06-08"}},
		{[]string{"ask", "搜索", "防汛"}, []string{"共找到3条", "…防汛", "1. ", "2. ", "3. "}},
	}
	for _, tc := range tests {
		code, out := e.run(t, tc.args...)
		if code != 0 {
			t.Errorf("%v: exit %d", tc.args, code)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
	if code, out := e.run(t, "subscribers", "--count"); code != 0 || !strings.Contains(out, "total") {
		t.Errorf("subscribers: %d\n%s", code, out)
	}
}

// telegramEnv points Tongbao at a fake Bot API.
func telegramEnv(t testing.TB, e testEnv, opts ...telegramtest.Option) *telegramtest.Server {
	fake := telegramtest.New(opts...)
	t.Cleanup(fake.Close)
	e["TONGBAO_TELEGRAM_TOKEN"] = fake.Token()
	e["TONGBAO_TELEGRAM_API"] = fake.URL()
	return fake
}

// say sends a text as a Telegram user and returns the bot's replies to it,
// joined, once they hold every one of want (a reply may come in several
// parts). A reply that lacks one is reported when the wait gives up.
func say(t *testing.T, fake *telegramtest.Server, user telegramtest.User, text string, want ...string) string {
	t.Helper()
	before := len(fake.SentTo(user.ID))
	fake.SendText(user, text)
	replies := func() string { return joined(fake.SentTo(user.ID)[before:]) }
	hasAll := func() bool {
		got := replies()
		for _, w := range want {
			if !strings.Contains(got, w) {
				return false
			}
		}
		return len(fake.SentTo(user.ID)) > before
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := fake.Await(ctx, hasAll); err != nil {
		got := replies()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%q: reply lacks %q:\n%s", text, w, got)
			}
		}
	}
	return replies()
}

func joined(ms []telegramtest.SentMessage) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n")
}

func conversation(t *testing.T, fake *telegramtest.Server) {
	user := telegramtest.User{ID: 4242, FirstName: "李", LanguageCode: "zh-hans"}
	steps := []struct {
		text string
		want []string
	}{
		{"/start", []string{"您好", "最新会议"}},
		{"最新会议", []string{"<b>青溪县召开县政府第十二次常务会议</b>", "县委副书记、县长王立新", "2022-06-08", "https://tb.example.gov.cn/r/" + qingxiID + "."}},
		{"最近的常委会", []string{"兰溪召开市委常委会(扩大)会议", "朱俊华", "2022-05-27"}},
		{"搜索 防汛", []string{"共找到3条", "1. ", "3. "}},
		{"订阅 防汛", []string{"「防汛」已包含在内", "只看防汛"}},
		{"只看防汛", []string{"只推送「防汛」"}},
		{"/latest@TongbaoBot", []string{"青溪县召开县政府第十二次常务会议"}},
	}
	for _, s := range steps {
		say(t, fake, user, s.text, s.want...)
	}
	// The card's 全文 button sends the full text.
	card := fake.SentTo(user.ID)[1]
	if len(card.Buttons()) == 0 {
		t.Fatalf("the card has no buttons: %+v", card)
	}
	before := len(fake.SentTo(user.ID))
	if _, err := fake.PressButton(user, user.ID, card.MessageID, "full:"+qingxiID); err != nil {
		t.Fatal(err)
	}
	awaitTG(t, fake, "the full text", func() bool { return len(fake.SentTo(user.ID)) > before })
	if got := joined(fake.SentTo(user.ID)[before:]); !strings.Contains(got, "会议还研究了其他事项。") {
		t.Errorf("full text:\n%s", got)
	}
	awaitTG(t, fake, "the callback answer", func() bool { return len(fake.CallbackAnswers()) == 1 })
}

func TestServeTelegramPolling(t *testing.T) {
	e := newEnv()
	fake := telegramEnv(t, e)
	e.run(t, append([]string{"ingest"}, sampleFiles...)...)
	s := e.serve(t)
	conversation(t, fake)

	// A new bulletin ingested while serve runs reaches the subscriber of
	// 防汛 once, with a personal link that records the read.
	code, out := e.run(t, "ingest", testInputs+"extra/dongyang-2023-07-20-executive.txt")
	if code != 0 || !strings.Contains(out, "queued 1 delivery of 1 bulletin (a running tongbao serve sends them)") {
		t.Fatalf("ingest: %d %s", code, out)
	}
	var push telegramtest.SentMessage
	awaitTG(t, fake, "the push", func() bool {
		for _, m := range fake.SentTo(4242) {
			if strings.Contains(m.Text, "东阳市召开市政府第35次常务会议") {
				push = m
				return true
			}
		}
		return false
	})
	link := regexp.MustCompile(`https://tb\.example\.gov\.cn(/r/[^"\s<]+)`).FindStringSubmatch(push.Text)
	if link == nil {
		t.Fatalf("no personal link in the push:\n%s", push.Text)
	}
	resp, err := http.Get(s.addr + link[1])
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("opening the link: %v %v", resp, err)
	}
	resp.Body.Close()
	code, out = e.run(t, "stats", "20230720-"+strings.Split(strings.Split(link[1], "20230720-")[1], ".")[0])
	if code != 0 || !strings.Contains(out, "delivered 1 · read 1") {
		t.Errorf("stats after the read: %d\n%s", code, out)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("serve exited %d after SIGTERM-like stop:\n%s", code, s.out.String())
	}
}

func TestServeTelegramWebhook(t *testing.T) {
	e := newEnv()
	fake := telegramEnv(t, e)
	addr := freeAddr(t)
	e["TONGBAO_LISTEN"] = addr
	e["TONGBAO_TELEGRAM_WEBHOOK"] = "http://" + addr + "/telegram"
	e["TONGBAO_TELEGRAM_SECRET"] = "hook-secret"
	e.run(t, append([]string{"ingest"}, sampleFiles...)...)
	s := e.serve(t)
	awaitTG(t, fake, "setWebhook", func() bool { w, ok := fake.Webhook(); return ok && w.URL != "" })
	conversation(t, fake)
	// A request without the secret is refused and not processed.
	body := `{"update_id":999999,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"from":{"id":7,"is_bot":false,"first_name":"x"},"text":"最新会议"}}`
	for _, secret := range []string{"", "wrong"} {
		req, _ := http.NewRequest("POST", s.addr+"/telegram", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 401 {
			t.Errorf("secret %q: %v %v", secret, resp, err)
		}
		resp.Body.Close()
	}
	// A refused request is never handed to the bot: nothing can arrive
	// later, so the check needs no wait.
	if n := len(fake.SentTo(7)); n != 0 {
		t.Errorf("a request without the secret was answered (%d messages)", n)
	}
}

const testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

// wechatEnv points Tongbao at a fake WeChat API.
func wechatEnv(t testing.TB, e testEnv, aesKey string) *wechattest.Server {
	fake := wechattest.NewServer(wechattest.Options{})
	t.Cleanup(fake.Close)
	e["TONGBAO_WECHAT_APPID"] = wechattest.DefaultAppID
	e["TONGBAO_WECHAT_SECRET"] = wechattest.DefaultAppSecret
	e["TONGBAO_WECHAT_TOKEN"] = "wxtoken"
	e["TONGBAO_WECHAT_AESKEY"] = aesKey
	e["TONGBAO_WECHAT_API"] = fake.URL()
	e["TONGBAO_WECHAT_TEMPLATE_ID"] = "tmpl-bulletin"
	return fake
}

func TestServeWeChatSafeMode(t *testing.T) {
	e := newEnv()
	fake := wechatEnv(t, e, testAESKey)
	e.run(t, append([]string{"ingest"}, sampleFiles...)...)
	s := e.serve(t)
	st := e.store(t)
	ctx := context.Background()
	client := wechattest.NewOAClient(s.addr+"/wechat", "wxtoken", testAESKey, wechattest.DefaultAppID)
	client.Mode = wechattest.Safe
	if err := client.Verify(); err != nil {
		t.Fatalf("URL verification: %v", err)
	}
	// A follow creates the subscriber and welcomes them.
	reply, err := client.SendEvent("oFollower", "subscribe", "")
	if err != nil {
		t.Fatal(err)
	}
	if !reply.Encrypted || !strings.Contains(reply.Content, "您好") {
		t.Errorf("welcome: %+v", reply)
	}
	if sub, err := st.Subscriber(ctx, "wx:oFollower"); err != nil || sub.Status != "active" {
		t.Errorf("subscriber after follow: %+v, %v", sub, err)
	}
	// An encrypted 最新会议 gets the meeting as a passive news card.
	reply, err = client.SendText("oFollower", "最新会议", 1001)
	if err != nil {
		t.Fatal(err)
	}
	text := reply.Content
	for _, a := range reply.Articles {
		text += a.Title + a.Description + a.URL
	}
	if !reply.Encrypted || !strings.Contains(text, "县政府第十二次常务会议") || !strings.Contains(text, "/r/"+qingxiID+".") {
		t.Errorf("passive reply: %+v", reply)
	}
	// The same account answers a plain (unencrypted, signed) message too.
	plain := wechattest.NewOAClient(s.addr+"/wechat", "wxtoken", testAESKey, wechattest.DefaultAppID)
	plain.Mode = wechattest.Plain
	preply, err := plain.SendText("oFollower", "最近的常委会", 1002)
	if err != nil {
		t.Fatal(err)
	}
	ptext := preply.Content
	for _, a := range preply.Articles {
		ptext += a.Title + a.Description
	}
	if preply.Encrypted || !strings.Contains(ptext, "市委常委会(扩大)会议") {
		t.Errorf("plain reply: %+v", preply)
	}
	// The platform retries the same MsgId: answered once.
	again, err := client.SendText("oFollower", "最新会议", 1001)
	if err != nil || !again.Empty {
		t.Errorf("retry of MsgId 1001: %+v, %v", again, err)
	}
	// Forged requests change nothing.
	// Only this test's keys: the redis-server is shared with the other
	// tests, whose keys come and go (and expire) meanwhile.
	keys := func() int64 {
		n, err := redisServer.Client(t).Eval(ctx, `return #redis.call('KEYS', ARGV[1])`, nil, "*"+e["TONGBAO_REDIS_PREFIX"]+"*").Int64()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := keys()
	for _, f := range []wechattest.Forgery{wechattest.ForgeSignature, wechattest.ForgeMsgSignature, wechattest.ForgeCiphertext, wechattest.ForgeGarbage, wechattest.ForgeOversized} {
		if _, err := client.Forged(f).SendText("oIntruder", "最新会议", 2000+int64(f)); err == nil {
			t.Errorf("forgery %d was accepted", f)
		}
	}
	if after := keys(); after != before {
		t.Errorf("forged requests changed Redis: %d keys before, %d after", before, after)
	}
	if _, err := st.Subscriber(ctx, "wx:oIntruder"); err == nil {
		t.Error("a forged request created a subscriber")
	}
	// A push outside the 48-hour window falls back to the template.
	fake.InjectFault(wechattest.Fault{Path: "/cgi-bin/message/custom/send", OpenID: "oFollower", ErrCode: wechattest.CodeOutOfWindow})
	if code, out := e.run(t, "ingest", testInputs+"extra/dongyang-2023-07-20-executive.txt"); code != 0 {
		t.Fatalf("ingest: %s", out)
	}
	tmpls, err := wechattest.WaitFor(ctx, fake, fake.TemplateMessages, 1)
	if err != nil {
		t.Fatalf("no template message: %v\n%s", err, s.out.String())
	}
	if tm := tmpls[0]; tm.ToUser != "oFollower" || tm.TemplateID != "tmpl-bulletin" || !strings.Contains(tm.URL, "/r/") {
		t.Errorf("template message: %+v", tm)
	}
	// Unfollowing marks the subscriber left.
	if _, err := client.SendEvent("oFollower", "unsubscribe", ""); err != nil {
		t.Fatal(err)
	}
	if sub, _ := st.Subscriber(ctx, "wx:oFollower"); sub.Status != "left" {
		t.Errorf("status after unfollow: %s", sub.Status)
	}
}

func TestServeWeChatPlainMode(t *testing.T) {
	e := newEnv()
	wechatEnv(t, e, "")
	e.run(t, append([]string{"ingest"}, sampleFiles...)...)
	s := e.serve(t)
	client := wechattest.NewOAClient(s.addr+"/wechat", "wxtoken", "", wechattest.DefaultAppID)
	reply, err := client.SendText("oPlain", "最近的常委会", 77)
	if err != nil {
		t.Fatal(err)
	}
	text := reply.Content
	for _, a := range reply.Articles {
		text += a.Title + a.Description
	}
	if reply.Encrypted || !strings.Contains(text, "市委常委会(扩大)会议") {
		t.Errorf("plain reply: %+v", reply)
	}
	reply, err = client.SendText("oPlain", "搜索 防汛", 78)
	if err != nil || !strings.Contains(reply.Content, "共找到3条") {
		t.Errorf("search reply: %+v, %v", reply, err)
	}
}

func TestWeChatMenuCommand(t *testing.T) {
	e := newEnv()
	fake := wechatEnv(t, e, testAESKey)
	code, out := e.run(t, "wechat", "menu")
	if code != 0 || !strings.Contains(out, "menu created") {
		t.Fatalf("wechat menu: %d %s", code, out)
	}
	if menus := fake.Menus(); len(menus) != 1 {
		t.Errorf("menus created: %d", len(menus))
	}
	if code, _ := e.run(t, "wechat"); code != exitUsage {
		t.Errorf("wechat without a task: exit %d", code)
	}
}

func TestBroadcastAndRemindCommands(t *testing.T) {
	e := newEnv()
	tg := telegramEnv(t, e)
	st := e.store(t)
	addSubscribers(t, st, "tg", "", 7000, 3)
	e.run(t, "ingest", samples+"qingxi-2022-06-08-county-executive.txt")
	e.serve(t)
	awaitTG(t, tg, "the bulletin's pushes", func() bool { return len(tg.Sent()) == 3 })
	waitDrained(t, st, "tg") // remind counts the deliveries marked after the sends
	if code, out := e.run(t, "broadcast", "--text", "明天上午9点全县视频会议", "--to", "platform:tg"); code != exitUsage || !strings.Contains(out, "--yes") {
		t.Errorf("broadcast without --yes off a terminal: %d %s", code, out)
	}
	code, out := e.run(t, "broadcast", "--text", "明天上午9点全县视频会议", "--to", "platform:tg", "--yes")
	if code != 0 || !strings.Contains(out, "Announcement to platform:tg: 3 active subscribers\n明天上午9点全县视频会议\n") || !strings.Contains(out, "queued for 3 subscribers") {
		t.Fatalf("broadcast: %d %s", code, out)
	}
	awaitTG(t, tg, "the announcement", func() bool { return len(tg.Sent()) == 6 })
	if !strings.Contains(tg.SentTo(7000)[1].Text, "明天上午9点全县视频会议") {
		t.Errorf("announcement: %s", tg.SentTo(7000)[1].Text)
	}
	log, _ := st.AuditLog(context.Background(), 5)
	if len(log) == 0 || log[0].Action != "broadcast" {
		t.Errorf("audit = %+v", log)
	}
	if code, out := e.run(t, "remind", qingxiID); code != 0 || !strings.Contains(out, "reminded 3") {
		t.Fatalf("remind: %d %s", code, out)
	}
	awaitTG(t, tg, "the reminders", func() bool { return len(tg.Sent()) == 9 })
	if code, out := e.run(t, "remind", qingxiID); code != 0 || !strings.Contains(out, "reminded 0") {
		t.Errorf("second remind: %d %s", code, out)
	}
	if code, _ := e.run(t, "broadcast", "--text", "x", "--to", "planet:mars", "--yes"); code != exitUsage {
		t.Errorf("unknown segment: exit %d", code)
	}
	// An unknown topic reaches nobody: said, exit 1, nothing queued.
	code, out = e.run(t, "broadcast", "--text", "x", "--to", "topic:火星探测", "--yes")
	if code != exitFailure || !strings.Contains(out, `unknown topic "火星探测" (topics: `) || strings.Contains(out, "queued") {
		t.Errorf("unknown topic: %d %s", code, out)
	}
	// A topic named in English is its Chinese topic.
	if code, out := e.run(t, "broadcast", "--text", "汛期值班安排", "--to", "topic:flood control", "--yes"); code != 0 || !strings.Contains(out, "Announcement to topic:防汛: ") {
		t.Errorf("English topic name: %d %s", code, out)
	}
}

func TestWeChatMassCommand(t *testing.T) {
	e := newEnv()
	fake := wechatEnv(t, e, testAESKey)
	if code, _ := e.run(t, "wechat", "mass", "--text", "全县防汛动员"); code != exitUsage {
		t.Errorf("mass without --preview or --yes: exit %d", code)
	}
	if code, out := e.run(t, "wechat", "mass", "--text", "全县防汛动员", "--preview", "oAdmin"); code != 0 || len(fake.Previews()) != 1 {
		t.Fatalf("preview: %d %s", code, out)
	}
	for i := 0; i < 2; i++ { // the second run is the same clientmsgid: not sent again
		if code, out := e.run(t, "wechat", "mass", "--text", "全县防汛动员", "--tag", "2", "--yes"); code != 0 || !strings.Contains(out, "msg_id") {
			t.Fatalf("mass: %d %s", code, out)
		}
	}
	if n := len(fake.MassMessages()); n != 1 {
		t.Errorf("%d mass sends recorded, want 1", n)
	}
}

func TestAdminAPI(t *testing.T) {
	e := newEnv()
	tg := telegramEnv(t, e)
	e["TONGBAO_ADMIN_TOKEN"] = "admin-token"
	st := e.store(t)
	addSubscribers(t, st, "tg", "", 8000, 2)
	s := e.serve(t)
	post := func(token, contentType string, body []byte) (int, string) {
		req, _ := http.NewRequest("POST", s.addr+"/admin/bulletins", bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	page, _ := os.ReadFile(samples + "lanxi-2022-05-27-standing-committee.gbk.html")
	if code, _ := post("", "text/html", page); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code, _ := post("wrong", "text/html", page); code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	code, out := post("admin-token", "text/html; charset=gbk", page)
	if code != 201 || !strings.Contains(out, `"id":"`+lanxiID+`"`) || !strings.Contains(out, `"pushed":2`) {
		t.Fatalf("upload: %d %s", code, out)
	}
	awaitTG(t, tg, "the pushes", func() bool { return len(tg.Sent()) == 2 })
	text, _ := os.ReadFile(samples + "lanxi-2022-05-27-standing-committee.txt")
	if code, out := post("admin-token", "text/plain; charset=utf-8", text); code != 200 || !strings.Contains(out, `"duplicate_of":"`+lanxiID+`"`) {
		t.Errorf("duplicate upload: %d %s", code, out)
	}
	if code, out := post("admin-token", "application/octet-stream", []byte("\x00\x01\x02")); code != 422 || !strings.Contains(out, "binary") {
		t.Errorf("binary upload: %d %s", code, out)
	}
	req, _ := http.NewRequest("GET", s.addr+"/admin/stats/"+lanxiID, nil)
	req.Header.Set("Authorization", "Bearer admin-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"delivered":2`) {
		t.Errorf("stats: %d %s", resp.StatusCode, body)
	}
	log, _ := st.AuditLog(context.Background(), 5)
	if len(log) == 0 || log[0].Action != "upload" {
		t.Errorf("audit: %+v", log)
	}
}

// TestServeStartsWithoutTelegram: Telegram unreachable at start stops
// nothing else; /readyz and the log say so, and the bot starts working
// when Telegram answers.
func TestServeStartsWithoutTelegram(t *testing.T) {
	e := newEnv()
	fake := telegramEnv(t, e)
	fake.AddFault(telegramtest.ServerError().For("getMe").Times(1 << 20))
	s := e.serve(t)
	readyz := func() string {
		resp, err := http.Get(s.addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("/readyz = %d %s", resp.StatusCode, body)
		}
		return string(body)
	}
	if got := readyz(); !strings.Contains(got, "unavailable, retrying: telegram") {
		t.Errorf("/readyz while Telegram is down = %q", got)
	}
	s.out.await(t, "the log to say Telegram is unavailable", func(log string) bool {
		return strings.Contains(log, "telegram: unavailable")
	})
	fake.ClearFaults()
	waitUntil(t, "Telegram connected", func() bool { return readyz() == "ready\n" })
	say(t, fake, telegramtest.User{ID: 4343, FirstName: "王", LanguageCode: "zh-hans"}, "/start", "您好")
}
