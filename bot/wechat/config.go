package wechat

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"
	"tongbao/bot/msg"
)

// Default API bases; tests point them at wechattest.
const (
	DefaultAPIBase      = "https://api.weixin.qq.com"
	DefaultWeComAPIBase = "https://qyapi.weixin.qq.com"
)

// DefaultReplyBudget is how long a callback waits for the conversation core
// before answering "no reply" and sending the answer as a customer-service
// (or WeCom app) message instead: the platform gives up after 5 s and then
// retries, so 4 s leaves a second for the network and the encryption.
const DefaultReplyBudget = 4 * time.Second

// maxReplyBudget is the platform's own patience: a budget this long means
// the platform has already given up when the answer is written.
const maxReplyBudget = 5 * time.Second

// OAConfig configures an Official Account (公众号). The environment
// variables in the comments are the ones `tongbao serve` reads.
type OAConfig struct {
	AppID     string `yaml:"app_id"`     // TONGBAO_WECHAT_APPID
	AppSecret string `yaml:"app_secret"` // TONGBAO_WECHAT_SECRET
	Token     string `yaml:"token"`      // TONGBAO_WECHAT_TOKEN: the callback token (3–32 letters and digits)
	// EncodingAESKey (TONGBAO_WECHAT_AESKEY, 43 characters) is for
	// compatible and safe mode. Leave it empty for plain mode only.
	EncodingAESKey string `yaml:"encoding_aes_key"`
	// RequireEncryption refuses unencrypted callbacks: plain mode signs only
	// the query string, so a callback URL that leaked (a log) could be
	// replayed with any body. Set it once the account is in safe mode.
	RequireEncryption bool `yaml:"require_encryption"`
	// APIBase replaces https://api.weixin.qq.com (TONGBAO_WECHAT_API).
	APIBase string `yaml:"api_base"`
	// UseStableToken fetches the access token from /cgi-bin/stable_token,
	// which does not invalidate tokens other deployments of the same app
	// hold (use it when something else also calls the API with this app).
	UseStableToken bool `yaml:"use_stable_token"`
	// Template is the template message sent when a push falls outside the
	// 48-hour customer-service window.
	Template TemplateConfig `yaml:"template"`
	// ReplyBudget is how long a callback waits for a passive reply
	// (DefaultReplyBudget when zero; must stay under 5 s).
	ReplyBudget time.Duration `yaml:"reply_budget"`
}

// TemplateConfig maps a reply onto a template message (模板消息). Fields
// maps each template key (first, keyword1, …, remark) to a source:
//
//	title       the card's title, else the reply's first title or line
//	summary     the card's description, else the reply's text
//	text        the reply's whole text
//	url         the card's link, else the reply's first link
//	now         the send time in China Standard Time, "2006-01-02 15:04"
//	field:标签   the value of the reply's field labelled 标签 (e.g. field:时间)
//	=文字        the literal text 文字
//
// The message's own link is the card's link (else the first link).
//
// The fallback is optional: without an ID there is none (pushes outside the
// window fail as the platform says), and fields without an ID are refused
// as a mistake. With an ID and no fields, DefaultTemplateFields apply.
type TemplateConfig struct {
	ID     string            `yaml:"id"`     // template id; empty disables the fallback
	Fields map[string]string `yaml:"fields"` // template key -> source; DefaultTemplateFields when empty
	// MaxRunes cuts every value to this many characters (ending in "…");
	// 0 leaves them whole. New-style templates allow 20 per keyword.
	MaxRunes int `yaml:"max_runes"`
}

// WeComConfig configures a WeCom (企业微信) self-built app.
type WeComConfig struct {
	CorpID         string `yaml:"corp_id"`          // TONGBAO_WECOM_CORPID
	AgentID        int64  `yaml:"agent_id"`         // TONGBAO_WECOM_AGENTID
	Secret         string `yaml:"secret"`           // TONGBAO_WECOM_SECRET: the app's secret
	Token          string `yaml:"token"`            // TONGBAO_WECOM_TOKEN: the callback token
	EncodingAESKey string `yaml:"encoding_aes_key"` // TONGBAO_WECOM_AESKEY: 43 characters
	// APIBase replaces https://qyapi.weixin.qq.com (TONGBAO_WECOM_API).
	APIBase string `yaml:"api_base"`
	// ReplyBudget is as in OAConfig.
	ReplyBudget time.Duration `yaml:"reply_budget"`
}

// Validate reports the first wrong setting, naming its key and the
// environment variable that sets it.
func (c OAConfig) Validate() error {
	if err := firstError(
		required("wechat", "app_id", "TONGBAO_WECHAT_APPID", c.AppID),
		required("wechat", "app_secret", "TONGBAO_WECHAT_SECRET", c.AppSecret),
		checkToken("wechat", "TONGBAO_WECHAT_TOKEN", c.Token),
		checkOptionalAESKey("wechat", "TONGBAO_WECHAT_AESKEY", c.EncodingAESKey),
		checkBase("wechat", "TONGBAO_WECHAT_API", c.APIBase),
		checkBudget("wechat", c.ReplyBudget),
	); err != nil {
		return err
	}
	return c.Template.validate()
}

// Validate reports the first wrong setting, naming its key and the
// environment variable that sets it.
func (c WeComConfig) Validate() error {
	agent := error(nil)
	if c.AgentID <= 0 {
		agent = fmt.Errorf("wecom: agent_id must be the app's positive AgentId (TONGBAO_WECOM_AGENTID), got %d", c.AgentID)
	}
	aesKey := required("wecom", "encoding_aes_key", "TONGBAO_WECOM_AESKEY", c.EncodingAESKey)
	if aesKey == nil {
		aesKey = checkOptionalAESKey("wecom", "TONGBAO_WECOM_AESKEY", c.EncodingAESKey)
	}
	return firstError(
		required("wecom", "corp_id", "TONGBAO_WECOM_CORPID", c.CorpID),
		agent,
		required("wecom", "secret", "TONGBAO_WECOM_SECRET", c.Secret),
		checkToken("wecom", "TONGBAO_WECOM_TOKEN", c.Token),
		aesKey,
		checkBase("wecom", "TONGBAO_WECOM_API", c.APIBase),
		checkBudget("wecom", c.ReplyBudget),
	)
}

// DefaultTemplateFields is the field mapping of a template given by id
// alone: a typical "new notice" template (first, keyword1, keyword2,
// remark) filled with a fixed greeting, the title, the card's 发布 field
// and the summary. The mapping is operator config (tongbao.yaml overrides
// it); the greeting and the field's label are the catalog's Chinese, the
// language of the account's one template.
func DefaultTemplateFields() map[string]string {
	return map[string]string{
		"first":    "=" + msg.Say("zh", "wx.template.first"),
		"keyword1": "title",
		"keyword2": "field:" + msg.Say("zh", "card.published"),
		"remark":   "summary",
	}
}

// fields is the mapping in use: the configured one, else the default.
func (t TemplateConfig) fields() map[string]string {
	if len(t.Fields) == 0 {
		return DefaultTemplateFields()
	}
	return t.Fields
}

func (t TemplateConfig) validate() error {
	if t.ID == "" {
		if len(t.Fields) > 0 {
			return fmt.Errorf("wechat: template.fields is set but template.id is empty: set the template id (TONGBAO_WECHAT_TEMPLATE_ID) or remove the fields")
		}
		return nil
	}
	if t.MaxRunes < 0 {
		return fmt.Errorf("wechat: template.max_runes must not be negative, got %d", t.MaxRunes)
	}
	for key, src := range t.Fields {
		if !validSource(src) {
			return fmt.Errorf("wechat: template.fields.%s = %q: want title, summary, text, url, now, field:LABEL or =text", key, src)
		}
	}
	return nil
}

// validSource reports whether src is one of TemplateConfig's sources.
func validSource(src string) bool {
	switch {
	case src == "title", src == "summary", src == "text", src == "url", src == "now":
		return true
	case strings.HasPrefix(src, "field:"):
		return len(src) > len("field:")
	case strings.HasPrefix(src, "="):
		return true
	}
	return false
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func required(section, key, env, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s: %s is empty: set it in the config or with %s", section, key, env)
	}
	return nil
}

// checkToken applies the platform's rule for the callback token.
func checkToken(section, env, token string) error {
	if err := required(section, "token", env, token); err != nil {
		return err
	}
	if len(token) < 3 || len(token) > 32 {
		return fmt.Errorf("%s: token must be 3–32 letters and digits as on the platform's settings page (%s), got %d characters", section, env, len(token))
	}
	for _, r := range token {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return fmt.Errorf("%s: token must be letters and digits only (%s)", section, env)
		}
	}
	return nil
}

func checkOptionalAESKey(section, env, key string) error {
	if key == "" {
		return nil
	}
	if _, err := decodeAESKey(key); err != nil {
		return fmt.Errorf("%s: encoding_aes_key (%s): %w", section, env, err)
	}
	return nil
}

// decodeAESKey turns a 43-character EncodingAESKey into its 32-byte AES key.
func decodeAESKey(key string) ([]byte, error) {
	if len(key) != 43 {
		return nil, fmt.Errorf("want the 43 characters shown on the platform's settings page, got %d", len(key))
	}
	b, err := base64.StdEncoding.DecodeString(key + "=")
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("not the base64 of a 32-byte key")
	}
	return b, nil
}

func checkBase(section, env, base string) error {
	if base == "" {
		return nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: api_base %q must be an http(s) URL such as %s (%s)", section, base, DefaultAPIBase, env)
	}
	return nil
}

func checkBudget(section string, d time.Duration) error {
	if d < 0 || d >= maxReplyBudget {
		return fmt.Errorf("%s: reply_budget must be between 0 (default %s) and %s, got %s", section, DefaultReplyBudget, maxReplyBudget, d)
	}
	return nil
}

// budget returns d or the default.
func budget(d time.Duration) time.Duration {
	if d == 0 {
		return DefaultReplyBudget
	}
	return d
}

// apiBase returns base without a trailing slash, or def.
func apiBase(base, def string) string {
	if base == "" {
		return def
	}
	return strings.TrimRight(base, "/")
}
