package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"tongbao/bot"
	"tongbao/bot/dispatch"
	"tongbao/bot/ingest"
	"tongbao/bot/telegram"
	"tongbao/bot/web"
	"tongbao/bot/wechat"
	"tongbao/content"
	"tongbao/store"
)

// Config is every setting of Tongbao. Defaults are set in defaultConfig;
// a YAML file (configs/tongbao.yaml documents every key) overrides them,
// TONGBAO_* environment variables override the file (secrets belong
// there), and command-line flags override everything. The sections of
// the packages are their own Config types.
type Config struct {
	// Redis is the store: "embedded" or a Redis URL, the key prefix, the
	// embedded store's folder and fsync interval, the retentions.
	Redis store.Config `yaml:"redis"`

	// Listen is the HTTP address of `tongbao serve`.
	Listen string `yaml:"listen"`
	// PublicURL is the base of personal read links (https://tongbao.example.gov.cn).
	PublicURL string `yaml:"public_url"`
	// Secret keys the HMAC of read links; from TONGBAO_SECRET.
	Secret string `yaml:"secret"`
	// AdminToken is the bearer token of the HTTP admin API
	// (TONGBAO_ADMIN_TOKEN); empty turns the API off.
	AdminToken string `yaml:"admin_token"`
	// Topics and Sources are file paths; the built-in lists when empty.
	Topics  string `yaml:"topics"`
	Sources string `yaml:"sources"`
	// ParserConfig holds summary_limit, the longest summary in characters.
	content.ParserConfig `yaml:",inline"`
	// Config holds the conversation's keys: admins (subscriber ids with
	// the admin role) and messages_per_minute.
	bot.Config `yaml:",inline"`

	Metrics MetricsConfig `yaml:"metrics"`
	// Console configures the admin web console (/admin/).
	Console web.ConsoleConfig `yaml:"console"`

	Telegram telegram.Config    `yaml:"telegram"`
	WeChat   WeChatConfig       `yaml:"wechat"`
	WeCom    wechat.WeComConfig `yaml:"wecom"`
	Delivery DeliveryConfig     `yaml:"delivery"`
	Roster   RosterConfig       `yaml:"roster"`

	// source names where each setting came from, for error messages.
	source map[string]string
}

// MetricsConfig keeps /metrics from whoever can reach the main address:
// an address of its own, a bearer token, or both.
type MetricsConfig struct {
	// Listen serves /metrics on this address only (127.0.0.1:9090), not
	// on the main one (TONGBAO_METRICS_LISTEN).
	Listen string `yaml:"listen"`
	// Token is the bearer token a scrape must send (TONGBAO_METRICS_TOKEN).
	Token string `yaml:"token"`
}

// WeChatConfig configures the WeChat Official Account: the adapter's
// settings, its send rate and its custom menu.
type WeChatConfig struct {
	wechat.OAConfig `yaml:",inline"`
	// PerSecond bounds customer-service and template sends a second.
	PerSecond float64 `yaml:"per_second"`
	// Menu is the custom menu `tongbao wechat menu` creates (the default
	// menu when empty).
	Menu wechat.MenuButtons `yaml:"menu"`
}

// RosterConfig is the roster section: how roster people are reached and
// how often serve takes the WeCom directory in.
type RosterConfig struct {
	// Platforms is the order in which a person's accounts are tried
	// (wecom, wx, tg): a bulletin sent by roster, and 催读, go to the first
	// platform on which they have an active account.
	Platforms []string `yaml:"platforms"`
	// SyncEvery runs `tongbao roster sync wecom` inside serve this often
	// (one replica at a time; TONGBAO_ROSTER_SYNC_EVERY); 0: never.
	SyncEvery time.Duration `yaml:"sync_every"`
}

// DeliveryConfig is the delivery section: the dispatcher's keys (workers,
// max_attempts, send_timeout, remind_after, important_tags) and the ingest
// pipeline's (push_within).
type DeliveryConfig struct {
	Dispatch dispatch.Config `yaml:",inline"`
	Ingest   ingest.Config   `yaml:",inline"`
}

func defaultConfig() *Config {
	c := &Config{source: map[string]string{}}
	c.Redis.URL = store.EmbeddedURL
	c.Redis.Prefix = store.DefaultPrefix
	c.Redis.DataDir = store.DefaultDataDir
	c.Redis.FsyncEvery = store.DefaultFsyncEvery
	c.Redis.QueueRetention = store.DefaultQueueRetention
	c.Listen = ":8080"
	c.SummaryLimit = 300
	c.MessagesPerMinute = 20
	c.Telegram.APIBase = telegram.DefaultAPIBase
	// Telegram's documented limits: ~30 messages/s per bot, 1/s per chat,
	// 20/min per group, with a margin under them.
	c.Telegram.Limits = telegram.DefaultLimits()
	c.WeChat.APIBase = wechat.DefaultAPIBase
	c.WeChat.PerSecond = 50
	// The template fallback is off until a template id is set; its fields
	// then default to wechat.DefaultTemplateFields.
	c.WeChat.Template.MaxRunes = 20
	c.WeCom.APIBase = wechat.DefaultWeComAPIBase
	c.Delivery.Dispatch.Workers = 32
	c.Delivery.Dispatch.MaxAttempts = 6
	c.Delivery.Dispatch.SendTimeout = 20 * time.Second
	c.Delivery.Ingest.PushWithin = 72 * time.Hour
	c.Roster.Platforms = slices.Clone(content.DefaultPlatformOrder)
	return c
}

// envSettings maps TONGBAO_* variables to the fields they set.
func (c *Config) envSettings() map[string]*string {
	return map[string]*string{
		"TONGBAO_REDIS_URL":          &c.Redis.URL,
		"TONGBAO_REDIS_PREFIX":       &c.Redis.Prefix,
		"TONGBAO_DATA":               &c.Redis.DataDir,
		"TONGBAO_LISTEN":             &c.Listen,
		"TONGBAO_PUBLIC_URL":         &c.PublicURL,
		"TONGBAO_SECRET":             &c.Secret,
		"TONGBAO_ADMIN_TOKEN":        &c.AdminToken,
		"TONGBAO_METRICS_LISTEN":     &c.Metrics.Listen,
		"TONGBAO_METRICS_TOKEN":      &c.Metrics.Token,
		"TONGBAO_TOPICS":             &c.Topics,
		"TONGBAO_SOURCES":            &c.Sources,
		"TONGBAO_TELEGRAM_TOKEN":     &c.Telegram.Token,
		"TONGBAO_TELEGRAM_API":       &c.Telegram.APIBase,
		"TONGBAO_TELEGRAM_WEBHOOK":   &c.Telegram.WebhookURL,
		"TONGBAO_TELEGRAM_SECRET":    &c.Telegram.WebhookSecret,
		"TONGBAO_WECHAT_APPID":       &c.WeChat.AppID,
		"TONGBAO_WECHAT_SECRET":      &c.WeChat.AppSecret,
		"TONGBAO_WECHAT_TOKEN":       &c.WeChat.Token,
		"TONGBAO_WECHAT_AESKEY":      &c.WeChat.EncodingAESKey,
		"TONGBAO_WECHAT_API":         &c.WeChat.APIBase,
		"TONGBAO_WECHAT_TEMPLATE_ID": &c.WeChat.Template.ID,
		"TONGBAO_WECOM_CORPID":       &c.WeCom.CorpID,
		"TONGBAO_WECOM_SECRET":       &c.WeCom.Secret,
		"TONGBAO_WECOM_TOKEN":        &c.WeCom.Token,
		"TONGBAO_WECOM_AESKEY":       &c.WeCom.EncodingAESKey,
		"TONGBAO_WECOM_API":          &c.WeCom.APIBase,
	}
}

// loadConfig builds the configuration from the defaults, the file (path
// may be ""; TONGBAO_CONFIG names one too) and the environment.
func loadConfig(path string, getenv func(string) string) (*Config, error) {
	c := defaultConfig()
	if path == "" {
		path = getenv("TONGBAO_CONFIG")
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
		c.source["redis.url"] = "redis.url in " + path
	}
	for name, field := range c.envSettings() {
		if v := getenv(name); v != "" {
			*field = v
			if field == &c.Redis.URL {
				c.source["redis.url"] = name
			}
		}
	}
	if v := getenv("TONGBAO_ADMINS"); v != "" {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				c.Admins = append(c.Admins, id)
			}
		}
	}
	if v := getenv("TONGBAO_TELEGRAM_PAID_BROADCAST"); v != "" {
		c.Telegram.PaidBroadcast, _ = strconv.ParseBool(v)
	}
	if v := getenv("TONGBAO_PUSH_WITHIN"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("config: TONGBAO_PUSH_WITHIN=%q is not a duration like 72h (0 pushes every new bulletin)", v)
		}
		c.Delivery.Ingest.PushWithin = d
	}
	if v := getenv("TONGBAO_ROSTER_SYNC_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("config: TONGBAO_ROSTER_SYNC_EVERY=%q is not a duration like 1h (0: never)", v)
		}
		c.Roster.SyncEvery = d
	}
	if v := getenv("TONGBAO_WECOM_AGENTID"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("config: TONGBAO_WECOM_AGENTID=%q is not a number", v)
		}
		c.WeCom.AgentID = id
	}
	return c, nil
}

// publicURL is the base of personal links: the configured one, or this
// machine's address on the listen port (for a demo).
func (c *Config) publicURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	_, port, err := net.SplitHostPort(c.Listen)
	if err != nil || port == "" {
		port = "8080"
	}
	return "http://localhost:" + port
}

// redisSetting names where the Redis URL came from, for errors.
func (c *Config) redisSetting() string {
	if s := c.source["redis.url"]; s != "" {
		return s
	}
	return "redis.url (default)"
}

// Validate checks the settings that would otherwise fail later, naming the
// key and how to fix it.
func (c *Config) Validate() error {
	var problems []string
	if c.SummaryLimit < 60 {
		problems = append(problems, "summary_limit must be at least 60 characters")
	}
	if c.MessagesPerMinute < 1 {
		problems = append(problems, "messages_per_minute must be at least 1")
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || u.Scheme == "" || u.Host == "" {
			problems = append(problems, fmt.Sprintf("public_url %q is not an absolute URL (TONGBAO_PUBLIC_URL=https://host)", c.PublicURL))
		}
	}
	for _, id := range c.Admins {
		if !strings.Contains(id, ":") {
			problems = append(problems, fmt.Sprintf("admin %q is not platform:id (tg:123, wx:oAbC…)", id))
		}
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			problems = append(problems, fmt.Sprintf("metrics.listen %q is not host:port such as 127.0.0.1:9090 (TONGBAO_METRICS_LISTEN)", c.Metrics.Listen))
		} else if c.Metrics.Listen == c.Listen {
			problems = append(problems, fmt.Sprintf("metrics.listen %q is the main listen address: give metrics another port, or leave it empty", c.Metrics.Listen))
		}
	}
	if c.Telegram.WebhookURL != "" && c.Telegram.WebhookSecret == "" {
		problems = append(problems, "telegram.webhook_url is set without telegram.webhook_secret (TONGBAO_TELEGRAM_SECRET): webhook requests could not be verified")
	}
	if c.WeChat.AppID != "" {
		if err := c.WeChat.OAConfig.Validate(); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if c.WeCom.CorpID != "" {
		if err := c.WeCom.Validate(); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if c.Delivery.Dispatch.Workers < 1 || c.Delivery.Dispatch.MaxAttempts < 1 {
		problems = append(problems, "delivery.workers and delivery.max_attempts must be at least 1")
	}
	if c.Delivery.Ingest.PushWithin < 0 {
		problems = append(problems, "delivery.push_within must be 0 (push every new bulletin) or a positive duration like 72h")
	}
	if len(c.Roster.Platforms) == 0 || len(c.Roster.Platforms) > len(content.DefaultPlatformOrder) {
		problems = append(problems, "roster.platforms must list one to three of wecom, wx, tg, in the order to try them")
	}
	for i, p := range c.Roster.Platforms {
		if !slices.Contains(content.DefaultPlatformOrder, p) || slices.Index(c.Roster.Platforms, p) != i {
			problems = append(problems, fmt.Sprintf("roster.platforms: %q is not one of wecom, wx, tg, or is listed twice", p))
		}
	}
	if c.Roster.SyncEvery < 0 || (c.Roster.SyncEvery > 0 && c.Roster.SyncEvery < time.Minute) {
		problems = append(problems, "roster.sync_every must be 0 (never) or at least 1m (TONGBAO_ROSTER_SYNC_EVERY)")
	}
	if c.Roster.SyncEvery > 0 && c.WeCom.CorpID == "" {
		problems = append(problems, "roster.sync_every is set but no WeCom app is configured (wecom.corp_id, TONGBAO_WECOM_CORPID)")
	}
	if len(problems) > 0 {
		return fmt.Errorf("config: %s", strings.Join(problems, "; "))
	}
	return nil
}
