package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// everyKey sets every key of configs/tongbao.yaml to a value that is not
// its default, so a key read into the wrong field (or not at all) shows.
const everyKey = `
redis:
  url: redis://10.0.0.1:6379/2
  prefix: "x:"
  data_dir: /srv/tongbao
  embedded_fsync: 2s
  delivery_retention: 4320h
  queue_retention: 24h
listen: ":9000"
public_url: https://tongbao.example.gov.cn
admin_token: admin-token
metrics:
  listen: 127.0.0.1:9090
  token: scrape-token
admins: [tg:7, wx:oAbC]
topics: /etc/tongbao/topics.yaml
sources: /etc/tongbao/sources.yaml
summary_limit: 200
messages_per_minute: 12
telegram:
  token: "123:abc"
  api: https://tg.example.org
  webhook_url: https://tongbao.example.gov.cn/telegram
  webhook_secret: hook-secret
  paid_broadcast: true
  bot_name: tongbao_bot
  per_second: 25
  paid_per_second: 500
  per_chat_second: 0.5
  per_group_minute: 15
  margin: 0.1
wechat:
  app_id: wx123
  app_secret: app-secret
  token: wxtoken
  encoding_aes_key: ""
  require_encryption: true
  api_base: https://wx.example.org
  use_stable_token: true
  reply_budget: 3s
  per_second: 40
  template:
    id: tpl-1
    max_runes: 16
    fields: {first: "=新的通报", keyword1: title}
  menu:
    - {name: 最新会议, key: LATEST_MEETING}
wecom:
  corp_id: corp1
  agent_id: 1000002
  secret: wecom-secret
  token: wecomtoken
  encoding_aes_key: ""
  api_base: https://qy.example.org
  reply_budget: 2s
delivery:
  workers: 8
  max_attempts: 3
  send_timeout: 10s
  remind_after: 24h
  important_tags: [防汛]
  push_within: 48h
roster:
  platforms: [tg, wecom]
  sync_every: 6h
`

// TestConfigKeys: every key of the YAML file lands in its field.
func TestConfigKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tongbao.yaml")
	if err := os.WriteFile(path, []byte(everyKey), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		key       string
		got, want any
	}{
		{"redis.url", c.Redis.URL, "redis://10.0.0.1:6379/2"},
		{"redis.prefix", c.Redis.Prefix, "x:"},
		{"redis.data_dir", c.Redis.DataDir, "/srv/tongbao"},
		{"redis.embedded_fsync", c.Redis.FsyncEvery, 2 * time.Second},
		{"redis.delivery_retention", c.Redis.DeliveryRetention, 4320 * time.Hour},
		{"redis.queue_retention", c.Redis.QueueRetention, 24 * time.Hour},
		{"listen", c.Listen, ":9000"},
		{"public_url", c.PublicURL, "https://tongbao.example.gov.cn"},
		{"admin_token", c.AdminToken, "admin-token"},
		{"metrics.listen", c.Metrics.Listen, "127.0.0.1:9090"},
		{"metrics.token", c.Metrics.Token, "scrape-token"},
		{"admins", strings.Join(c.Admins, ","), "tg:7,wx:oAbC"},
		{"topics", c.Topics, "/etc/tongbao/topics.yaml"},
		{"sources", c.Sources, "/etc/tongbao/sources.yaml"},
		{"summary_limit", c.SummaryLimit, 200},
		{"messages_per_minute", c.MessagesPerMinute, 12},
		{"telegram.token", c.Telegram.Token, "123:abc"},
		{"telegram.api", c.Telegram.APIBase, "https://tg.example.org"},
		{"telegram.webhook_url", c.Telegram.WebhookURL, "https://tongbao.example.gov.cn/telegram"},
		{"telegram.webhook_secret", c.Telegram.WebhookSecret, "hook-secret"},
		{"telegram.paid_broadcast", c.Telegram.PaidBroadcast, true},
		{"telegram.bot_name", c.Telegram.BotName, "tongbao_bot"},
		{"telegram.per_second", c.Telegram.Limits.PerSecond, 25.0},
		{"telegram.paid_per_second", c.Telegram.Limits.PaidPerSecond, 500.0},
		{"telegram.per_chat_second", c.Telegram.Limits.PerChatSecond, 0.5},
		{"telegram.per_group_minute", c.Telegram.Limits.PerGroupMinute, 15.0},
		{"telegram.margin", c.Telegram.Limits.Margin, 0.1},
		{"wechat.app_id", c.WeChat.AppID, "wx123"},
		{"wechat.app_secret", c.WeChat.AppSecret, "app-secret"},
		{"wechat.token", c.WeChat.Token, "wxtoken"},
		{"wechat.require_encryption", c.WeChat.RequireEncryption, true},
		{"wechat.api_base", c.WeChat.APIBase, "https://wx.example.org"},
		{"wechat.use_stable_token", c.WeChat.UseStableToken, true},
		{"wechat.reply_budget", c.WeChat.ReplyBudget, 3 * time.Second},
		{"wechat.per_second", c.WeChat.PerSecond, 40.0},
		{"wechat.template.id", c.WeChat.Template.ID, "tpl-1"},
		{"wechat.template.max_runes", c.WeChat.Template.MaxRunes, 16},
		{"wechat.template.fields", c.WeChat.Template.Fields["keyword1"], "title"},
		{"wechat.menu", len(c.WeChat.Menu), 1},
		{"wecom.corp_id", c.WeCom.CorpID, "corp1"},
		{"wecom.agent_id", c.WeCom.AgentID, int64(1000002)},
		{"wecom.secret", c.WeCom.Secret, "wecom-secret"},
		{"wecom.token", c.WeCom.Token, "wecomtoken"},
		{"wecom.api_base", c.WeCom.APIBase, "https://qy.example.org"},
		{"wecom.reply_budget", c.WeCom.ReplyBudget, 2 * time.Second},
		{"delivery.workers", c.Delivery.Dispatch.Workers, 8},
		{"delivery.max_attempts", c.Delivery.Dispatch.MaxAttempts, 3},
		{"delivery.send_timeout", c.Delivery.Dispatch.SendTimeout, 10 * time.Second},
		{"delivery.remind_after", c.Delivery.Dispatch.RemindAfter, 24 * time.Hour},
		{"delivery.important_tags", strings.Join(c.Delivery.Dispatch.ImportantTags, ","), "防汛"},
		{"delivery.push_within", c.Delivery.Ingest.PushWithin, 48 * time.Hour},
		{"roster.platforms", strings.Join(c.Roster.Platforms, ","), "tg,wecom"},
		{"roster.sync_every", c.Roster.SyncEvery, 6 * time.Hour},
	} {
		if f.got != f.want {
			t.Errorf("%s: got %v (%T), want %v", f.key, f.got, f.got, f.want)
		}
	}
}

// TestConfigEnv: every TONGBAO_* variable overrides its key.
func TestConfigEnv(t *testing.T) {
	env := map[string]string{
		"TONGBAO_REDIS_URL": "redis://e:1", "TONGBAO_REDIS_PREFIX": "e:", "TONGBAO_DATA": "/e/data",
		"TONGBAO_LISTEN": ":7000", "TONGBAO_PUBLIC_URL": "https://e.example", "TONGBAO_SECRET": "e-secret",
		"TONGBAO_ADMIN_TOKEN": "e-admin", "TONGBAO_METRICS_LISTEN": "127.0.0.1:9999", "TONGBAO_METRICS_TOKEN": "e-scrape",
		"TONGBAO_TOPICS": "/e/topics.yaml", "TONGBAO_SOURCES": "/e/sources.yaml",
		"TONGBAO_TELEGRAM_TOKEN": "9:e", "TONGBAO_TELEGRAM_API": "https://tg.e", "TONGBAO_TELEGRAM_WEBHOOK": "https://e/telegram",
		"TONGBAO_TELEGRAM_SECRET": "e-hook", "TONGBAO_TELEGRAM_PAID_BROADCAST": "true",
		"TONGBAO_WECHAT_APPID": "wxe", "TONGBAO_WECHAT_SECRET": "e-app", "TONGBAO_WECHAT_TOKEN": "etoken",
		"TONGBAO_WECHAT_AESKEY": "e-aes", "TONGBAO_WECHAT_API": "https://wx.e", "TONGBAO_WECHAT_TEMPLATE_ID": "e-tpl",
		"TONGBAO_WECOM_CORPID": "ecorp", "TONGBAO_WECOM_SECRET": "e-wecom", "TONGBAO_WECOM_TOKEN": "ewecom",
		"TONGBAO_WECOM_AESKEY": "e-wecom-aes", "TONGBAO_WECOM_API": "https://qy.e", "TONGBAO_WECOM_AGENTID": "7",
		"TONGBAO_ADMINS": "tg:1, wx:2", "TONGBAO_PUSH_WITHIN": "5h", "TONGBAO_ROSTER_SYNC_EVERY": "2h",
	}
	c, err := loadConfig("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"TONGBAO_REDIS_URL", c.Redis.URL, "redis://e:1"},
		{"TONGBAO_REDIS_PREFIX", c.Redis.Prefix, "e:"},
		{"TONGBAO_DATA", c.Redis.DataDir, "/e/data"},
		{"TONGBAO_LISTEN", c.Listen, ":7000"},
		{"TONGBAO_PUBLIC_URL", c.PublicURL, "https://e.example"},
		{"TONGBAO_SECRET", c.Secret, "e-secret"},
		{"TONGBAO_ADMIN_TOKEN", c.AdminToken, "e-admin"},
		{"TONGBAO_METRICS_LISTEN", c.Metrics.Listen, "127.0.0.1:9999"},
		{"TONGBAO_METRICS_TOKEN", c.Metrics.Token, "e-scrape"},
		{"TONGBAO_TOPICS", c.Topics, "/e/topics.yaml"},
		{"TONGBAO_SOURCES", c.Sources, "/e/sources.yaml"},
		{"TONGBAO_TELEGRAM_TOKEN", c.Telegram.Token, "9:e"},
		{"TONGBAO_TELEGRAM_API", c.Telegram.APIBase, "https://tg.e"},
		{"TONGBAO_TELEGRAM_WEBHOOK", c.Telegram.WebhookURL, "https://e/telegram"},
		{"TONGBAO_TELEGRAM_SECRET", c.Telegram.WebhookSecret, "e-hook"},
		{"TONGBAO_TELEGRAM_PAID_BROADCAST", c.Telegram.PaidBroadcast, true},
		{"TONGBAO_WECHAT_APPID", c.WeChat.AppID, "wxe"},
		{"TONGBAO_WECHAT_SECRET", c.WeChat.AppSecret, "e-app"},
		{"TONGBAO_WECHAT_TOKEN", c.WeChat.Token, "etoken"},
		{"TONGBAO_WECHAT_AESKEY", c.WeChat.EncodingAESKey, "e-aes"},
		{"TONGBAO_WECHAT_API", c.WeChat.APIBase, "https://wx.e"},
		{"TONGBAO_WECHAT_TEMPLATE_ID", c.WeChat.Template.ID, "e-tpl"},
		{"TONGBAO_WECOM_CORPID", c.WeCom.CorpID, "ecorp"},
		{"TONGBAO_WECOM_SECRET", c.WeCom.Secret, "e-wecom"},
		{"TONGBAO_WECOM_TOKEN", c.WeCom.Token, "ewecom"},
		{"TONGBAO_WECOM_AESKEY", c.WeCom.EncodingAESKey, "e-wecom-aes"},
		{"TONGBAO_WECOM_API", c.WeCom.APIBase, "https://qy.e"},
		{"TONGBAO_WECOM_AGENTID", c.WeCom.AgentID, int64(7)},
		{"TONGBAO_ADMINS", strings.Join(c.Admins, ","), "tg:1,wx:2"},
		{"TONGBAO_PUSH_WITHIN", c.Delivery.Ingest.PushWithin, 5 * time.Hour},
		{"TONGBAO_ROSTER_SYNC_EVERY", c.Roster.SyncEvery, 2 * time.Hour},
	} {
		if f.got != f.want {
			t.Errorf("%s: got %v, want %v", f.name, f.got, f.want)
		}
	}
}

// TestConfigValidate: each wrong setting is refused with its key named.
func TestConfigValidate(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(*Config)
		key  string
	}{
		"summary limit":   {func(c *Config) { c.SummaryLimit = 10 }, "summary_limit"},
		"messages":        {func(c *Config) { c.MessagesPerMinute = 0 }, "messages_per_minute"},
		"public url":      {func(c *Config) { c.PublicURL = "tongbao.example" }, "public_url"},
		"admin id":        {func(c *Config) { c.Admins = []string{"123"} }, `admin "123"`},
		"metrics listen":  {func(c *Config) { c.Metrics.Listen = "9090" }, "metrics.listen"},
		"metrics on main": {func(c *Config) { c.Metrics.Listen = c.Listen }, "metrics.listen"},
		"webhook secret":  {func(c *Config) { c.Telegram.WebhookURL = "https://e/telegram" }, "telegram.webhook_secret"},
		"wechat":          {func(c *Config) { c.WeChat.AppID = "wx1" }, "app_secret"},
		"wecom":           {func(c *Config) { c.WeCom.CorpID = "corp" }, "agent_id"},
		"workers":         {func(c *Config) { c.Delivery.Dispatch.Workers = 0 }, "delivery.workers"},
		"push within":     {func(c *Config) { c.Delivery.Ingest.PushWithin = -time.Hour }, "delivery.push_within"},
		"roster platform": {func(c *Config) { c.Roster.Platforms = []string{"wecom", "sms"} }, "roster.platforms"},
		"roster twice":    {func(c *Config) { c.Roster.Platforms = []string{"tg", "tg"} }, "roster.platforms"},
		"roster sync":     {func(c *Config) { c.Roster.SyncEvery = time.Second }, "roster.sync_every"},
		"sync no wecom":   {func(c *Config) { c.Roster.SyncEvery = time.Hour }, "wecom.corp_id"},
	} {
		t.Run(name, func(t *testing.T) {
			c := defaultConfig()
			if err := c.Validate(); err != nil {
				t.Fatalf("the defaults: %v", err)
			}
			tc.edit(c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.key) {
				t.Errorf("got %v, want an error naming %s", err, tc.key)
			}
		})
	}
}
