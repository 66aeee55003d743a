package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tongbao/bot/telegram"
	"tongbao/bot/wechat"
	"tongbao/content"
	"tongbao/content/source"
	"tongbao/store"
	"tongbao/store/embedded"
)

// checkTimeout bounds each online check: a platform or a source that has
// not answered by then is reported as unreachable.
const checkTimeout = 30 * time.Second

func runCheck(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("check", "[--config FILE] [--redis URL] [--listen ADDR] [--sources FILE]", `
Reads the configuration and environment as serve does, then checks what
serve needs, one line each: ✓ fine, ⚠ works but should be fixed, ✗ will
not work — each ⚠ and ✗ with the fix. It checks the settings, the store
(Redis reachable, its version, persistence), that the public URL answers,
the Telegram token (getMe) and webhook, the WeChat Official Account's and
WeCom's credentials (an access token) and callback addresses (verified as
the platform does), and that each source can be fetched and read. It
changes nothing. Exit status 1 when any check failed (✗), 0 otherwise.
Run it before starting serve and after changing a setting; the public URL
and callback checks need serve running.`)
	common := addCommonFlags(fs)
	common.addListen(fs, "HTTP address serve listens on (default :8080, or listen in the config)")
	common.addSources(fs, "sources file (default: $TONGBAO_SOURCES, else sources in tongbao.yaml)")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(app.Stderr, "tongbao check: unexpected argument %q\n", rest[0])
		return errUsage
	}
	c := &checker{w: app.Stdout, http: &http.Client{Timeout: checkTimeout}}
	cfg, err := app.config(common)
	if err != nil {
		c.report(problem("settings", err.Error(), "correct the setting named above in the config file or the environment (configs/tongbao.yaml documents every key)"))
		return c.done()
	}
	c.report(ok("settings", settingsOrigin(*common.config, app.Getenv)))
	for _, f := range settingChecks(cfg) {
		c.report(f)
	}
	st := c.checkStore(ctx, app, cfg)
	if st != nil {
		defer st.Close()
	}
	c.checkPublicURL(ctx, cfg)
	if cfg.Telegram.Token != "" {
		c.checkTelegram(ctx, cfg)
	}
	if cfg.WeChat.AppID != "" {
		c.checkWeChat(ctx, cfg)
	}
	if cfg.WeCom.CorpID != "" {
		c.checkWeCom(ctx, cfg)
	}
	if cfg.Sources != "" {
		c.checkSources(ctx, app, cfg, st)
	}
	return c.done()
}

// settingsOrigin says where the settings came from, for the first line.
func settingsOrigin(flagPath string, getenv func(string) string) string {
	path := flagPath
	if path == "" {
		path = getenv("TONGBAO_CONFIG")
	}
	if path == "" {
		return "built-in defaults and TONGBAO_* variables, all valid"
	}
	return path + " and TONGBAO_* variables, all valid"
}

// verdict is how one check came out.
type verdict int

const (
	passed verdict = iota // fine
	warned                // works, but should be fixed
	failed                // will not work
)

func (v verdict) mark() string { return [...]string{"✓", "⚠", "✗"}[v] }

// finding is one line of `tongbao check`: what was checked, what was
// found and, for a warning or a failure, what to change.
type finding struct {
	verdict verdict
	subject string
	detail  string
	fix     string
}

func ok(subject, detail string) finding { return finding{passed, subject, detail, ""} }
func warning(subject, detail, fix string) finding {
	return finding{warned, subject, detail, fix}
}
func problem(subject, detail, fix string) finding {
	return finding{failed, subject, detail, fix}
}

func (f finding) String() string {
	s := f.verdict.mark() + " " + f.subject + ": " + f.detail
	if f.fix != "" {
		s += "\n    fix: " + f.fix
	}
	return s
}

// checker prints findings as they come and counts them.
type checker struct {
	w      io.Writer
	http   *http.Client
	counts [3]int
}

func (c *checker) report(f finding) {
	c.counts[f.verdict]++
	fmt.Fprintln(c.w, f)
}

// done prints the summary and fails the command when a check failed.
func (c *checker) done() error {
	problems, warnings := c.counts[failed], count(c.counts[warned], "warning", "warnings")
	switch {
	case problems > 0:
		fmt.Fprintf(c.w, "\n%d failed (✗), %s (⚠): fix the ✗ lines before serving\n", problems, warnings)
		return errReported
	case c.counts[warned] > 0:
		fmt.Fprintf(c.w, "\nready to serve, with %s (⚠)\n", warnings)
	default:
		fmt.Fprintln(c.w, "\nall checks passed")
	}
	return nil
}

// settingChecks are the checks that need nothing but the settings: serve
// runs them at start, logs the warnings and refuses to start on a failure.
func settingChecks(cfg *Config) []finding {
	var out []finding
	platforms := cfg.Telegram.Token != "" || cfg.WeChat.AppID != "" || cfg.WeCom.CorpID != ""
	if cfg.PublicURL == "" && platforms {
		out = append(out, warning("public URL", "public_url is not set: read links and callbacks point to "+cfg.publicURL()+", which subscribers cannot open",
			"set TONGBAO_PUBLIC_URL to the address this server is reached at from outside (https://tongbao.example.gov.cn)"))
	}
	if cfg.Secret != "" && len(cfg.Secret) < 16 {
		out = append(out, warning("secret", fmt.Sprintf("TONGBAO_SECRET is %d characters: read links signed with a short secret can be forged", len(cfg.Secret)),
			"set TONGBAO_SECRET to 32 random characters (openssl rand -hex 32); links already sent stop counting reads"))
	}
	if cfg.Metrics.Listen == "" && cfg.Metrics.Token == "" {
		out = append(out, warning("metrics", "/metrics is open to anyone who can reach "+cfg.Listen,
			"set metrics.listen (TONGBAO_METRICS_LISTEN) to serve them on a private address, or TONGBAO_METRICS_TOKEN to require a bearer token"))
	}
	out = append(out, telegramSettingChecks(cfg)...)
	if cfg.WeChat.AppID != "" {
		if cfg.WeChat.Template.ID == "" {
			out = append(out, warning("WeChat template", "no template id: pushes to followers who have not written in 48 hours cannot fall back to a template message and will fail",
				"set wechat.template.id or TONGBAO_WECHAT_TEMPLATE_ID to a template of the account (公众号后台 → 模板消息)"))
		}
		out = append(out, callbackPortCheck("WeChat callback", cfg, cfg.WeChat.APIBase, wechat.DefaultAPIBase)...)
	}
	if cfg.WeCom.CorpID != "" {
		out = append(out, callbackPortCheck("WeCom callback", cfg, cfg.WeCom.APIBase, wechat.DefaultWeComAPIBase)...)
	}
	if cfg.Sources != "" {
		if _, err := loadSourceConfigs(cfg.Sources); err != nil {
			out = append(out, problem("sources", err.Error(), "correct the sources file (configs/sources.yaml is a commented example) or TONGBAO_SOURCES"))
		}
	}
	return out
}

// telegramWebhookPorts are the only ports Telegram posts webhooks to.
var telegramWebhookPorts = map[string]bool{"443": true, "80": true, "88": true, "8443": true}

func telegramSettingChecks(cfg *Config) []finding {
	hook := cfg.Telegram.WebhookURL
	if cfg.Telegram.Token == "" || hook == "" {
		return nil
	}
	u, err := url.Parse(hook)
	if err != nil {
		return nil // Validate has refused it
	}
	var out []finding
	if strings.TrimRight(cfg.Telegram.APIBase, "/") == telegram.DefaultAPIBase {
		if u.Scheme != "https" {
			out = append(out, problem("Telegram webhook", "telegram.webhook_url "+hook+" is not https: Telegram posts updates over HTTPS only",
				"serve Tongbao behind HTTPS and set TONGBAO_TELEGRAM_WEBHOOK to https://…/telegram, or leave it empty to poll"))
		} else if port := u.Port(); port != "" && !telegramWebhookPorts[port] {
			out = append(out, problem("Telegram webhook", "telegram.webhook_url "+hook+" uses port "+port+": Telegram posts only to ports 443, 80, 88 and 8443",
				"put the webhook on port 443 (or 80, 88, 8443), or leave telegram.webhook_url empty to poll"))
		}
	}
	if u.Path != "/telegram" {
		out = append(out, warning("Telegram webhook", "telegram.webhook_url "+hook+" does not end in /telegram, where serve answers Telegram",
			"set it to "+cfg.publicURL()+"/telegram, unless a proxy rewrites the path"))
	} else if cfg.PublicURL != "" && !strings.HasPrefix(hook, cfg.publicURL()+"/") {
		out = append(out, warning("Telegram webhook", "telegram.webhook_url "+hook+" is not under public_url "+cfg.publicURL(),
			"set TONGBAO_TELEGRAM_WEBHOOK to "+cfg.publicURL()+"/telegram, unless this server is reached there too"))
	}
	return out
}

// callbackPortCheck fails a public URL the WeChat platforms cannot call
// back: they call only port 80 (http) and 443 (https). Only with the real
// API: a test's fake calls anything.
func callbackPortCheck(subject string, cfg *Config, apiBase, realBase string) []finding {
	if cfg.PublicURL == "" || (apiBase != "" && strings.TrimRight(apiBase, "/") != realBase) {
		return nil
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil {
		return nil
	}
	if p := u.Port(); p != "" && !(p == "80" && u.Scheme == "http" || p == "443" && u.Scheme == "https") {
		return []finding{problem(subject, "public_url "+cfg.PublicURL+" has port "+p+": WeChat calls back only on port 80 (http) or 443 (https)",
			"serve the public URL on the standard port (a reverse proxy in front of "+cfg.Listen+") and set TONGBAO_PUBLIC_URL without a port")}
	}
	return nil
}

// refuseBadSettings runs the setting checks for serve: it logs the
// warnings, and returns one error listing the failures, if any.
func refuseBadSettings(cfg *Config, log *slog.Logger) error {
	var bad []string
	for _, f := range settingChecks(cfg) {
		switch f.verdict {
		case warned:
			log.Warn(f.subject+": "+f.detail, "fix", f.fix)
		case failed:
			bad = append(bad, f.String())
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("settings that cannot work (tongbao check tells more):\n%s", strings.Join(bad, "\n"))
	}
	return nil
}

// checkStore opens the store and reports on it; it returns the store
// (nil when it cannot be opened, or is the embedded store a running serve
// holds) for the checks that read it.
func (c *checker) checkStore(ctx context.Context, app *App, cfg *Config) *store.Store {
	st, err := app.openStore(ctx, cfg, app.logger(slog.LevelError))
	embeddedStore := strings.TrimSpace(cfg.Redis.URL) == store.EmbeddedURL
	switch {
	case embeddedStore && errors.Is(err, embedded.ErrLocked):
		c.report(ok("store", "embedded, in "+cfg.Redis.DataDir+", open by a running tongbao (only one process may hold it)"))
		return nil
	case embeddedStore && err != nil:
		c.report(problem("store", err.Error(), "make "+cfg.Redis.DataDir+" a folder this user may write (TONGBAO_DATA or --data), or set TONGBAO_REDIS_URL to a Redis"))
		return nil
	case err != nil:
		c.report(problem("Redis", err.Error(), "start Redis, or correct "+cfg.redisSetting()+" (redis://host:6379/0); `redis-cli -u URL ping` from this machine must answer PONG"))
		return nil
	case st.Embedded():
		c.report(ok("store", fmt.Sprintf("embedded, in %s; every write journaled, fsynced every %s", cfg.Redis.DataDir, cfg.Redis.FsyncEvery)))
		return st
	}
	info, err := st.ServerInfo(ctx)
	if err != nil {
		c.report(problem("Redis", "answers, but "+err.Error(), "give Tongbao's Redis user the INFO command"))
		return st
	}
	if store.VersionBefore(info.Version, store.MinRedisVersion) {
		c.report(problem("Redis", "version "+info.Version+": Tongbao needs "+store.MinRedisVersion+" or newer (XAUTOCLAIM)", "upgrade Redis to 6.2 or newer (7.x recommended)"))
	} else {
		c.report(ok("Redis", "reachable ("+cfg.redisSetting()+"), version "+info.Version))
	}
	switch {
	case info.AOF && info.RDB:
		c.report(ok("Redis persistence", "AOF and RDB snapshots on"))
	case info.AOF:
		c.report(ok("Redis persistence", "AOF on"))
	case info.RDB:
		c.report(ok("Redis persistence", "RDB snapshots on (a crash loses the writes since the last one; AOF loses at most a second)"))
	case info.SaveUnknown:
		c.report(warning("Redis persistence", "the AOF is off and CONFIG GET is refused, so RDB snapshots are unknown",
			"make sure the Redis service keeps its data (appendonly yes, or save points): without persistence a restart loses every subscriber and delivery"))
	default:
		c.report(warning("Redis persistence", "neither RDB snapshots nor the AOF is on: a Redis restart loses every subscriber, bulletin and delivery",
			"set appendonly yes in redis.conf (or CONFIG SET appendonly yes, then CONFIG REWRITE), and keep its save points"))
	}
	return st
}

// checkPublicURL asks the public URL for /healthz, as a subscriber's
// phone would reach it.
func (c *checker) checkPublicURL(ctx context.Context, cfg *Config) {
	if cfg.PublicURL == "" {
		return // settingChecks warns when it matters
	}
	target := cfg.publicURL() + "/healthz"
	fix := "start tongbao serve, and make sure " + cfg.publicURL() + " reaches it from outside: DNS, the firewall, the reverse proxy forwarding to " + cfg.Listen + ", its TLS certificate"
	if err := c.get(ctx, target, "ok\n"); err != nil {
		c.report(problem("public URL", err.Error(), fix))
		return
	}
	c.report(ok("public URL", target+" answers"))
}

// get fetches target and checks that it answers 200 with want.
func (c *checker) get(ctx context.Context, target, want string) error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("GET %s: %w", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	switch {
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("GET %s answered %s", target, resp.Status)
	case string(body) != want:
		return fmt.Errorf("GET %s answered 200, but not as Tongbao does: something else serves that address", target)
	}
	return nil
}

// webhookFailingFor is how recent a webhook delivery error must be, with
// updates waiting, to count as failing now rather than in the past.
const webhookFailingFor = 10 * time.Minute

func (c *checker) checkTelegram(ctx context.Context, cfg *Config) {
	st, err := telegram.Inspect(ctx, cfg.Telegram, c.http)
	switch {
	case errors.Is(err, telegram.ErrTokenRefused):
		c.report(problem("Telegram token", err.Error(),
			"copy the token again from @BotFather (/mybots → your bot → API Token) into TONGBAO_TELEGRAM_TOKEN; /revoke there makes the old one invalid"))
		return
	case err != nil && st.Username == "":
		c.report(problem("Telegram token", "cannot ask the Bot API: "+err.Error(),
			"allow this machine outbound HTTPS to "+cfg.Telegram.APIBase+" (or set telegram.api to a Bot API server it can reach)"))
		return
	}
	c.report(ok("Telegram token", "the bot @"+st.Username))
	if err != nil {
		c.report(problem("Telegram webhook", "getWebhookInfo failed: "+err.Error(), "try again; if it persists, check the Bot API server at "+cfg.Telegram.APIBase))
		return
	}
	hook, want := st.Webhook, cfg.Telegram.WebhookURL
	switch {
	case want == "" && hook.URL != "":
		c.report(warning("Telegram webhook", "a webhook is set ("+hook.URL+") but Tongbao polls: serve deletes it when it starts polling",
			"if another program set it, it shares this bot's token: give each program its own bot"))
	case want == "":
		c.report(ok("Telegram webhook", "none: serve polls for updates"))
	case hook.URL == "":
		c.report(problem("Telegram webhook", "no webhook is set: Telegram holds the updates until one is",
			"start tongbao serve: it sets telegram.webhook_url ("+want+") at start"))
	case hook.URL != want:
		c.report(problem("Telegram webhook", "Telegram posts updates to "+hook.URL+", not to telegram.webhook_url "+want,
			"restart tongbao serve to set it again, and make sure no other program uses this bot's token"))
	case hook.LastError != "" && hook.Pending > 0 && time.Since(hook.LastErrorAt) < webhookFailingFor:
		c.report(problem("Telegram webhook", fmt.Sprintf("Telegram cannot deliver to %s: %s (%s; %d updates waiting)", want, hook.LastError, clock(hook.LastErrorAt), hook.Pending),
			"Telegram must reach "+want+" over HTTPS with a valid certificate: check DNS, the firewall and that the proxy forwards /telegram to tongbao serve"))
	case hook.LastError != "":
		c.report(warning("Telegram webhook", fmt.Sprintf("set to %s; its last delivery error was at %s: %s", want, clock(hook.LastErrorAt), hook.LastError),
			"nothing if it has passed; otherwise make sure Telegram reaches "+want+" over HTTPS"))
	default:
		c.report(ok("Telegram webhook", "set to "+want+", no delivery errors"))
	}
}

func (c *checker) checkWeChat(ctx context.Context, cfg *Config) {
	base := cfg.WeChat.APIBase
	if err := cfg.WeChat.CheckToken(ctx, c.http); err != nil {
		c.report(problem("WeChat access token", err.Error(), wechatTokenFix(err, base, map[int]string{
			40013: "TONGBAO_WECHAT_APPID is not the account's AppID: copy it from 公众号后台 → 设置与开发 → 基本配置",
			40125: "TONGBAO_WECHAT_SECRET is not the account's AppSecret: copy it (or reset it) in 公众号后台 → 设置与开发 → 基本配置",
			40001: "TONGBAO_WECHAT_SECRET is not the account's AppSecret: copy it (or reset it) in 公众号后台 → 设置与开发 → 基本配置",
			40164: "add this server's public IP address to the IP白名单 in 公众号后台 → 设置与开发 → 基本配置",
			61004: "add this server's public IP address to the IP白名单 in 公众号后台 → 设置与开发 → 基本配置",
		})))
	} else {
		c.report(ok("WeChat access token", "issued for "+cfg.WeChat.AppID))
	}
	c.checkCallback(ctx, "WeChat callback", cfg, "/wechat", func(ctx context.Context, endpoint string) error {
		return cfg.WeChat.CheckCallback(ctx, c.http, endpoint)
	}, "in 公众号后台 → 设置与开发 → 基本配置 → 服务器配置 the 服务器地址(URL) must be %s and the 令牌(Token) TONGBAO_WECHAT_TOKEN; the address must reach tongbao serve")
}

func (c *checker) checkWeCom(ctx context.Context, cfg *Config) {
	base := cfg.WeCom.APIBase
	if err := cfg.WeCom.CheckToken(ctx, c.http); err != nil {
		c.report(problem("WeCom access token", err.Error(), wechatTokenFix(err, base, map[int]string{
			40013: "TONGBAO_WECOM_CORPID is not the 企业ID: copy it from 管理后台 → 我的企业 → 企业信息",
			40001: "TONGBAO_WECOM_SECRET is not the app's Secret: copy it from 管理后台 → 应用管理 → the app → Secret",
			60020: "add this server's public IP address to the app's 企业可信IP in 管理后台 → 应用管理 → the app",
		})))
	} else {
		c.report(ok("WeCom access token", "issued for "+cfg.WeCom.CorpID))
	}
	c.checkCallback(ctx, "WeCom callback", cfg, "/wecom", func(ctx context.Context, endpoint string) error {
		return cfg.WeCom.CheckCallback(ctx, c.http, endpoint)
	}, "in 管理后台 → 应用管理 → the app → 接收消息 → 设置API接收 the URL must be %s, with Token and EncodingAESKey equal to TONGBAO_WECOM_TOKEN and TONGBAO_WECOM_AESKEY; the address must reach tongbao serve")
}

// checkCallback verifies a platform's callback at the public URL; fix is
// a format with the callback address.
func (c *checker) checkCallback(ctx context.Context, subject string, cfg *Config, path string, verify func(context.Context, string) error, fix string) {
	if cfg.PublicURL == "" {
		return // settingChecks warns
	}
	endpoint := cfg.publicURL() + path
	if err := verify(ctx, endpoint); err != nil {
		c.report(problem(subject, err.Error(), fmt.Sprintf(fix, endpoint)))
		return
	}
	c.report(ok(subject, endpoint+" answers the platform's verification"))
}

// wechatTokenFix says what to change after a refused token request: the
// fix for the platform's errcode, else how to reach the API.
func wechatTokenFix(err error, base string, fixes map[int]string) string {
	var ae *wechat.APIError
	if errors.As(err, &ae) {
		if fix, ok := fixes[ae.Code]; ok {
			return fix
		}
		if ae.Code != 0 {
			return fmt.Sprintf("look up errcode %d in the platform's global return codes (全局返回码)", ae.Code)
		}
	}
	return "allow this machine outbound HTTPS to " + base + " (or correct its api_base setting)"
}

// checkSources fetches each source once and parses what it lists; st (may
// be nil) skips the items already handed over.
func (c *checker) checkSources(ctx context.Context, app *App, cfg *Config, st *store.Store) {
	srcs, err := loadSourceConfigs(cfg.Sources)
	if err != nil {
		return // settingChecks has reported it
	}
	parser, err := app.parser(cfg)
	if err != nil {
		c.report(problem("sources", err.Error(), "correct topics (TONGBAO_TOPICS)"))
		return
	}
	var seen source.StatusStore
	if st != nil {
		seen = st
	}
	fetcher := source.NewFetcher(source.FetcherConfig{}, source.FetcherDeps{})
	for _, src := range srcs {
		c.report(checkSource(ctx, src, fetcher, seen, parser))
	}
}

// checkSource fetches one source and parses its new items.
func checkSource(ctx context.Context, src source.Config, f *source.Fetcher, seen source.StatusStore, parser *content.Parser) finding {
	subject := "source " + src.Name
	ctx, cancel := context.WithTimeout(ctx, 2*checkTimeout)
	defer cancel()
	items, err := source.Preview(ctx, src, f, seen)
	if err != nil {
		return problem(subject, err.Error(), "correct its address in the sources file, or ask the site's owner; `tongbao sources check "+src.Name+"` shows what it lists")
	}
	if len(items) == 0 {
		return warning(subject, src.Where()+" lists nothing", "check its address and, for a site, its selectors; `tongbao sources check "+src.Name+"` shows what it lists")
	}
	var fresh, parsed int
	var reason error
	for _, it := range items {
		if it.Seen {
			continue
		}
		fresh++
		if it.Err != nil {
			reason = it.Err
			continue
		}
		for _, in := range it.Inputs {
			if _, err := parser.Parse(in); err != nil {
				reason = err
				continue
			}
			parsed++
			break
		}
	}
	if fresh > 0 && parsed == 0 {
		return problem(subject, fmt.Sprintf("%s lists %s, and none of the new ones could be read: %v", src.Where(), count(len(items), "item", "items"), reason),
			"check that its address lists bulletins (not a login or error page); `tongbao sources check "+src.Name+"` shows each item")
	}
	detail := fmt.Sprintf("%s lists %s", src.Where(), count(len(items), "item", "items"))
	if fresh > 0 {
		detail += fmt.Sprintf("; %d of %d new read", parsed, fresh)
	}
	if parsed < fresh {
		return warning(subject, detail+fmt.Sprintf(" (last refusal: %v)", reason), "`tongbao sources check "+src.Name+"` shows why each item was refused")
	}
	return ok(subject, detail)
}

func runHealthcheck(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("healthcheck", "[--config FILE] [--url URL]", `
Asks a running tongbao serve whether it is ready (GET /readyz) and exits 0
when it answers 200, 1 otherwise: the container image's HEALTHCHECK, which
has no shell or curl to do it.`)
	config := fs.String("config", "", "configuration file (default: $TONGBAO_CONFIG), for the listen address")
	target := fs.String("url", "", "readiness URL (default: http://127.0.0.1:PORT/readyz, PORT from listen or TONGBAO_LISTEN)")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(app.Stderr, "tongbao healthcheck: unexpected argument %q\n", rest[0])
		return errUsage
	}
	if *target == "" {
		cfg, err := loadConfig(*config, app.Getenv)
		if err != nil {
			return err
		}
		*target = readyURL(cfg.Listen)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s %s", *target, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprint(app.Stdout, string(body))
	return nil
}

// readyURL is /readyz on this machine at the listen address's port (its
// host when it names one other than "all addresses").
func readyURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil || port == "" {
		port = "8080"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz"
}
