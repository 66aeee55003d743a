package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongbao/bot/wechat/wechattest"
	"tongbao/store/redistest"
)

// The tests of `tongbao check`: one run where everything is right, and one
// per failure, each asserting the line and its fix. They use real Redis
// servers, the fake platforms and a real `tongbao serve`.

// persistentRedis is a redis-server of the test's own with the AOF on.
func persistentRedis(t *testing.T) string {
	return redistest.Start(t, redistest.WithArgs("--appendonly", "yes")).URL()
}

// dirSource writes a sources file with one folder source holding a sample
// bulletin, old enough to be read at once.
func dirSource(t *testing.T) string {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	data, err := os.ReadFile(samples + "qingxi-2022-06-08-county-executive.txt")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(inbox, "executive.txt")
	old := time.Now().Add(-time.Hour) // a folder source reads files that have settled
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(file, old, old); err != nil {
		t.Fatal(err)
	}
	return writeSources(t, "  - {name: inbox, type: dir, path: "+inbox+"}\n")
}

func writeSources(t *testing.T, entries string) string {
	file := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(file, []byte("sources:\n"+entries), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// checkEnv is newEnv without a public URL: check would ask the network
// for it. Tests that want one set a local one.
func checkEnv() testEnv {
	e := newEnv()
	delete(e, "TONGBAO_PUBLIC_URL")
	return e
}

// checkLine returns the line of out for subject with its fix line, or "".
func checkLine(out, subject string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if len(l) > 4 && strings.HasPrefix(l[4:], subject+":") {
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    fix: ") {
				return l + "\n" + lines[i+1]
			}
			return l
		}
	}
	return ""
}

// wantLine fails the test unless out has subject's line with mark and
// every one of wants in it or its fix.
func wantLine(t *testing.T, out, mark, subject string, wants ...string) {
	t.Helper()
	line := checkLine(out, subject)
	if !strings.HasPrefix(line, mark+" ") {
		t.Errorf("want a %s line for %s, got %q in:\n%s", mark, subject, line, out)
		return
	}
	for _, w := range wants {
		if !strings.Contains(line, w) {
			t.Errorf("the %s line lacks %q:\n%s", subject, w, line)
		}
	}
}

// TestCheckAllPass: a complete deployment — Redis with the AOF, serve
// running at the public URL with a Telegram webhook, an Official Account
// and a WeCom app on the fake platforms, a folder source — passes every
// check, and healthcheck finds serve ready.
func TestCheckAllPass(t *testing.T) {
	wx := wechattest.NewServer(wechattest.Options{})
	t.Cleanup(wx.Close)
	e := checkEnv()
	fake := telegramEnv(t, e)
	addr := freeAddr(t)
	public := "http://" + addr
	for k, v := range map[string]string{
		"TONGBAO_REDIS_URL":          persistentRedis(t),
		"TONGBAO_LISTEN":             addr,
		"TONGBAO_PUBLIC_URL":         public,
		"TONGBAO_SECRET":             "0123456789abcdef0123456789abcdef",
		"TONGBAO_METRICS_TOKEN":      "scrape-token",
		"TONGBAO_TELEGRAM_WEBHOOK":   public + "/telegram",
		"TONGBAO_TELEGRAM_SECRET":    "hook-secret",
		"TONGBAO_WECHAT_APPID":       wechattest.DefaultAppID,
		"TONGBAO_WECHAT_SECRET":      wechattest.DefaultAppSecret,
		"TONGBAO_WECHAT_TOKEN":       "wxtoken",
		"TONGBAO_WECHAT_AESKEY":      testAESKey,
		"TONGBAO_WECHAT_API":         wx.URL(),
		"TONGBAO_WECHAT_TEMPLATE_ID": "tmpl-new-bulletin",
		"TONGBAO_WECOM_CORPID":       wechattest.DefaultCorpID,
		"TONGBAO_WECOM_AGENTID":      fmt.Sprint(wechattest.DefaultAgentID),
		"TONGBAO_WECOM_SECRET":       wechattest.DefaultCorpSecret,
		"TONGBAO_WECOM_TOKEN":        "wctoken",
		"TONGBAO_WECOM_AESKEY":       testAESKey,
		"TONGBAO_WECOM_API":          wx.URL(),
		"TONGBAO_SOURCES":            dirSource(t),
	} {
		e[k] = v
	}
	s := e.serve(t)
	// serve sets the webhook as it starts receiving, just after /readyz.
	awaitTG(t, fake, "setWebhook", func() bool { w, ok := fake.Webhook(); return ok && w.URL != "" })
	code, out := e.run(t, "check")
	if code != 0 || strings.Contains(out, "✗") || strings.Contains(out, "⚠") || !strings.Contains(out, "all checks passed") {
		t.Fatalf("check = %d, want 0 with every line ✓:\n%s", code, out)
	}
	for subject, want := range map[string]string{
		"settings":            "all valid",
		"Redis":               "version ",
		"Redis persistence":   "AOF on",
		"public URL":          public + "/healthz answers",
		"Telegram token":      "@TongbaoBot",
		"Telegram webhook":    "set to " + public + "/telegram",
		"WeChat access token": wechattest.DefaultAppID,
		"WeChat callback":     public + "/wechat answers",
		"WeCom access token":  wechattest.DefaultCorpID,
		"WeCom callback":      public + "/wecom answers",
		"source inbox":        "lists 1 item; 1 of 1 new read",
	} {
		wantLine(t, out, "✓", subject, want)
	}

	if code, out := e.run(t, "healthcheck"); code != 0 || out != "ready\n" {
		t.Errorf("healthcheck of a ready serve = %d %q, want 0 \"ready\\n\"", code, out)
	}
	s.stop()
	if code, out := e.run(t, "healthcheck", "--url", s.addr+"/readyz"); code != 1 || !strings.Contains(out, "connection refused") {
		t.Errorf("healthcheck of a stopped serve = %d %q, want 1 and the reason", code, out)
	}
}

// A token Telegram does not know is a failure with the way to a new one.
func TestCheckBadTelegramToken(t *testing.T) {
	e := checkEnv()
	telegramEnv(t, e)
	e["TONGBAO_TELEGRAM_TOKEN"] = "123456789:not-this-bot"
	code, out := e.run(t, "check")
	if code != 1 {
		t.Errorf("check = %d, want 1:\n%s", code, out)
	}
	wantLine(t, out, "✗", "Telegram token", "the Bot API refused the token (getMe: 401 Unauthorized)", "fix: copy the token again from @BotFather", "TONGBAO_TELEGRAM_TOKEN")
	if strings.Contains(out, "not-this-bot") {
		t.Errorf("the report shows the token:\n%s", out)
	}
}

// A webhook configured but not (or otherwise) set at Telegram fails with
// how to set it.
func TestCheckTelegramWebhook(t *testing.T) {
	e := checkEnv()
	fake := telegramEnv(t, e)
	e["TONGBAO_TELEGRAM_WEBHOOK"] = "https://tb.example.gov.cn/telegram"
	e["TONGBAO_TELEGRAM_SECRET"] = "hook-secret"
	code, out := e.run(t, "check")
	if code != 1 {
		t.Errorf("check = %d, want 1:\n%s", code, out)
	}
	wantLine(t, out, "✗", "Telegram webhook", "no webhook is set", "fix: start tongbao serve: it sets telegram.webhook_url")

	// Another program has set its own webhook for the bot.
	resp, err := http.Post(fake.URL()+"/bot"+fake.Token()+"/setWebhook?url=https://elsewhere.example.com/hook", "", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("setWebhook: %v %v", resp, err)
	}
	resp.Body.Close()
	_, out = e.run(t, "check")
	wantLine(t, out, "✗", "Telegram webhook", "posts updates to https://elsewhere.example.com/hook", "fix: restart tongbao serve", "no other program uses this bot's token")
}

// An unreachable Redis is a failure naming the setting to correct.
func TestCheckUnreachableRedis(t *testing.T) {
	e := checkEnv()
	e["TONGBAO_REDIS_URL"] = "redis://" + freeAddr(t) + "/0"
	code, out := e.run(t, "check")
	if code != 1 {
		t.Errorf("check = %d, want 1:\n%s", code, out)
	}
	wantLine(t, out, "✗", "Redis", "cannot reach Redis", "fix: start Redis, or correct TONGBAO_REDIS_URL")
}

// A Redis that keeps nothing on disk (redistest starts them with save ""
// and appendonly no) is a warning with the setting to turn on; warnings
// alone exit 0.
func TestCheckRedisWithoutPersistence(t *testing.T) {
	e := checkEnv()
	code, out := e.run(t, "check")
	if code != 0 {
		t.Errorf("check = %d, want 0 (warnings only):\n%s", code, out)
	}
	wantLine(t, out, "✓", "Redis", "reachable (TONGBAO_REDIS_URL), version")
	wantLine(t, out, "⚠", "Redis persistence", "neither RDB snapshots nor the AOF is on", "fix: set appendonly yes in redis.conf")
	if !strings.Contains(out, "ready to serve, with ") {
		t.Errorf("no summary of the warnings:\n%s", out)
	}
}

// A public URL that reaches nothing, or something other than Tongbao, is a
// failure with what to look at.
func TestCheckWrongPublicURL(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.Write([]byte("healthy"))
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(other.Close)
	for name, tc := range map[string]struct{ url, want string }{
		"nothing listens":  {"http://" + freeAddr(t), "connection refused"},
		"another server":   {other.URL, "not as Tongbao does"},
		"no such endpoint": {other.URL + "/tongbao", "404 Not Found"},
	} {
		t.Run(name, func(t *testing.T) {
			e := checkEnv()
			e["TONGBAO_PUBLIC_URL"] = tc.url
			code, out := e.run(t, "check")
			if code != 1 {
				t.Errorf("check = %d, want 1:\n%s", code, out)
			}
			wantLine(t, out, "✗", "public URL", tc.want, "fix: start tongbao serve, and make sure "+tc.url+" reaches it")
		})
	}
}

// A source whose address answers an error, or lists no bulletin that can
// be read, is a failure with where to look.
func TestCheckBrokenSource(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/list.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><body><ul class="news"><li><a href="/login.html">登录</a></li></ul></body></html>`)
		case "/login.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><body><form>用户名 密码</form></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)
	e := checkEnv()
	e["TONGBAO_SOURCES"] = writeSources(t, fmt.Sprintf(
		"  - {name: gone, type: feed, url: %s/rss.xml}\n  - {name: login-wall, type: site, url: %s/list.html, list_selector: \"ul.news li a\"}\n",
		site.URL, site.URL))
	code, out := e.run(t, "check")
	if code != 1 {
		t.Errorf("check = %d, want 1:\n%s", code, out)
	}
	wantLine(t, out, "✗", "source gone", "404", "fix: correct its address in the sources file", "tongbao sources check gone")
	wantLine(t, out, "✗", "source login-wall", "none of the new ones could be read", "fix: check that its address lists bulletins", "tongbao sources check login-wall")
}

// WeChat credentials the platform refuses fail with where to copy them.
func TestCheckWeChatCredentials(t *testing.T) {
	wx := wechattest.NewServer(wechattest.Options{})
	t.Cleanup(wx.Close)
	e := checkEnv()
	for k, v := range map[string]string{
		"TONGBAO_WECHAT_APPID": wechattest.DefaultAppID, "TONGBAO_WECHAT_SECRET": "not-the-secret",
		"TONGBAO_WECHAT_TOKEN": "wxtoken", "TONGBAO_WECHAT_API": wx.URL(),
		"TONGBAO_WECOM_CORPID": wechattest.DefaultCorpID, "TONGBAO_WECOM_AGENTID": "1000002",
		"TONGBAO_WECOM_SECRET": "not-the-secret", "TONGBAO_WECOM_TOKEN": "wctoken",
		"TONGBAO_WECOM_AESKEY": testAESKey, "TONGBAO_WECOM_API": wx.URL(),
		"TONGBAO_PUBLIC_URL": "http://" + freeAddr(t),
	} {
		e[k] = v
	}
	code, out := e.run(t, "check")
	if code != 1 {
		t.Errorf("check = %d, want 1:\n%s", code, out)
	}
	wantLine(t, out, "✗", "WeChat access token", "errcode 40125", "fix: TONGBAO_WECHAT_SECRET is not the account's AppSecret")
	wantLine(t, out, "✗", "WeCom access token", "errcode 40001", "fix: TONGBAO_WECOM_SECRET is not the app's Secret")
	wantLine(t, out, "✗", "WeChat callback", "connection refused", "服务器地址(URL) must be "+e["TONGBAO_PUBLIC_URL"]+"/wechat")
	if strings.Contains(out, "not-the-secret") {
		t.Errorf("the report shows a secret:\n%s", out)
	}
}

// serve refuses a setting that cannot work, saying why and how to fix it,
// before it opens anything. (With the platforms' real API bases: no test
// reaches them, since serve stops first.)
func TestServeRefusesSettingsThatCannotWork(t *testing.T) {
	telegram := func(hook string) map[string]string {
		return map[string]string{"TONGBAO_TELEGRAM_TOKEN": "123456789:real-looking-token", "TONGBAO_TELEGRAM_SECRET": "hook-secret", "TONGBAO_TELEGRAM_WEBHOOK": hook}
	}
	for name, tc := range map[string]struct {
		env   map[string]string
		wants []string
	}{
		"telegram webhook over http": {
			telegram("http://tb.example.gov.cn/telegram"),
			[]string{"✗ Telegram webhook: telegram.webhook_url http://tb.example.gov.cn/telegram is not https", "fix: serve Tongbao behind HTTPS"},
		},
		"telegram webhook on another port": {
			telegram("https://tb.example.gov.cn:8080/telegram"),
			[]string{"uses port 8080: Telegram posts only to ports 443, 80, 88 and 8443", "fix: put the webhook on port 443"},
		},
		"wechat callback on another port": {
			map[string]string{"TONGBAO_PUBLIC_URL": "https://tb.example.gov.cn:8443", "TONGBAO_WECHAT_APPID": wechattest.DefaultAppID,
				"TONGBAO_WECHAT_SECRET": "secret", "TONGBAO_WECHAT_TOKEN": "wxtoken"},
			[]string{"✗ WeChat callback: public_url https://tb.example.gov.cn:8443 has port 8443: WeChat calls back only on port 80 (http) or 443 (https)",
				"fix: serve the public URL on the standard port"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv()
			for k, v := range tc.env {
				e[k] = v
			}
			code, out := e.run(t, "serve", "--listen", freeAddr(t))
			if code != 1 {
				t.Fatalf("serve = %d, want 1:\n%s", code, out)
			}
			for _, want := range append([]string{"settings that cannot work"}, tc.wants...) {
				if !strings.Contains(out, want) {
					t.Errorf("serve's refusal lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// The embedded store is checked by opening it; while serve holds it, check
// says so instead of failing.
func TestCheckEmbeddedStore(t *testing.T) {
	e := testEnv{"TONGBAO_METRICS_TOKEN": "scrape-token"}
	data := t.TempDir()
	code, out := e.run(t, "check", "--data", data)
	if code != 0 {
		t.Errorf("check = %d, want 0:\n%s", code, out)
	}
	wantLine(t, out, "✓", "store", "embedded, in "+data+"; every write journaled, fsynced every 1s")
	e.serve(t, "--data", data)
	code, out = e.run(t, "check", "--data", data)
	if code != 0 {
		t.Errorf("check beside serve = %d, want 0:\n%s", code, out)
	}
	wantLine(t, out, "✓", "store", "embedded, in "+data+", open by a running tongbao")
}
