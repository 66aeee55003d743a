package telegram

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// DefaultAPIBase is the Bot API base URL used when Config.APIBase is empty.
const DefaultAPIBase = "https://api.telegram.org"

// Config configures an Adapter. The keys are those of the telegram section
// of configs/tongbao.yaml; the token and the API base also come from
// TONGBAO_TELEGRAM_TOKEN and TONGBAO_TELEGRAM_API.
type Config struct {
	// Token is the bot token from @BotFather ("123456:ABC…"). It is never
	// logged.
	Token string `yaml:"token"`
	// APIBase is the Bot API base URL; the adapter calls
	// <APIBase>/bot<token>/<method>. Empty means DefaultAPIBase.
	APIBase string `yaml:"api"`
	// WebhookURL, when set, switches from long polling to a webhook: the
	// public https URL Telegram POSTs updates to (the /telegram route).
	WebhookURL string `yaml:"webhook_url"`
	// WebhookSecret is the secret_token Telegram sends back in the
	// X-Telegram-Bot-Api-Secret-Token header; required with WebhookURL.
	WebhookSecret string `yaml:"webhook_secret"`
	// PaidBroadcast adds allow_paid_broadcast to messages sent through
	// Send, lifting Telegram's 30 messages/s to 1,000/s (paid in Stars).
	PaidBroadcast bool `yaml:"paid_broadcast"`
	// BotName is the bot's @username without the "@". Empty takes it from
	// getMe; when set, New checks that the token belongs to this bot.
	BotName string `yaml:"bot_name"`
	// Limits are Telegram's flood limits the adapter paces every message
	// under; zero fields take DefaultLimits'. Their keys sit in the
	// telegram section itself (per_second, margin …).
	Limits Limits `yaml:",inline"`
}

// Limits are Telegram's flood limits, and the margin kept under them.
type Limits struct {
	// PerSecond is messages a second for the whole bot (30).
	PerSecond float64 `yaml:"per_second"`
	// PaidPerSecond is messages a second with paid broadcasts (1,000).
	PaidPerSecond float64 `yaml:"paid_per_second"`
	// PerChatSecond is messages a second to one chat (1).
	PerChatSecond float64 `yaml:"per_chat_second"`
	// PerGroupMinute is messages a minute to one group or channel (20).
	PerGroupMinute float64 `yaml:"per_group_minute"`
	// Margin is the fraction of every limit left unused, so that timing
	// jitter between the bot and Telegram never crosses it (0.08: the bot
	// sends 27.6 messages a second of the 30 allowed). 0 takes the
	// default; a tiny margin (0.001) sends at the limits themselves.
	Margin float64 `yaml:"margin"`
}

// DefaultLimits are Telegram's documented limits with an 8% margin.
func DefaultLimits() Limits {
	return Limits{PerSecond: 30, PaidPerSecond: 1000, PerChatSecond: 1, PerGroupMinute: 20, Margin: 0.08}
}

// limits are the configured limits with defaults for the zero fields.
func (c Config) limits() Limits {
	l, d := c.Limits, DefaultLimits()
	for _, f := range []struct{ set, def *float64 }{
		{&l.PerSecond, &d.PerSecond}, {&l.PaidPerSecond, &d.PaidPerSecond},
		{&l.PerChatSecond, &d.PerChatSecond}, {&l.PerGroupMinute, &d.PerGroupMinute}, {&l.Margin, &d.Margin},
	} {
		if *f.set == 0 {
			*f.set = *f.def
		}
	}
	return l
}

// tokenShape is what BotFather issues: the bot's user id, a colon, a key.
var tokenShape = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// secretShape is what Telegram accepts as a webhook secret_token.
var secretShape = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// Validate reports the first wrong setting, naming its key and saying how
// to fix it.
func (c Config) Validate() error {
	if c.Token == "" {
		return errors.New("telegram.token is empty: set it or TONGBAO_TELEGRAM_TOKEN to the token @BotFather gave you")
	}
	if !tokenShape.MatchString(c.Token) {
		return errors.New("telegram.token is malformed: it looks like 123456789:AAE…, as @BotFather gives it")
	}
	if c.APIBase != "" {
		if err := checkURL(c.APIBase); err != nil {
			return fmt.Errorf("telegram.api (TONGBAO_TELEGRAM_API) %w, e.g. %s", err, DefaultAPIBase)
		}
		if strings.HasSuffix(c.APIBase, "/") {
			return fmt.Errorf("telegram.api (TONGBAO_TELEGRAM_API) must not end with '/': %s", c.APIBase)
		}
	}
	if c.WebhookURL != "" {
		if err := checkURL(c.WebhookURL); err != nil {
			return fmt.Errorf("telegram.webhook_url %w, e.g. https://bot.example.org/telegram", err)
		}
		if !secretShape.MatchString(c.WebhookSecret) {
			return errors.New("telegram.webhook_secret must be 1-256 characters of A-Z, a-z, 0-9, _ and - when telegram.webhook_url is set")
		}
	}
	l := c.Limits
	if l.PerSecond < 0 || l.PaidPerSecond < 0 || l.PerChatSecond < 0 || l.PerGroupMinute < 0 {
		return errors.New("telegram limits (per_second, per_chat_second, per_group_minute) must not be negative")
	}
	if l.Margin < 0 || l.Margin >= 0.9 {
		return fmt.Errorf("telegram.margin must be a fraction from 0 to 0.9 (e.g. 0.08), not %v", l.Margin)
	}
	if c.BotName != "" && strings.HasPrefix(c.BotName, "@") {
		return fmt.Errorf("telegram.bot_name is written without '@': %s", strings.TrimPrefix(c.BotName, "@"))
	}
	return nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("must be an http(s) URL, not %q", raw)
	}
	return nil
}

// botID is the bot's user id: the token's part before the colon.
func (c Config) botID() string {
	id, _, _ := strings.Cut(c.Token, ":")
	return id
}

// apiBase is APIBase or its default.
func (c Config) apiBase() string {
	if c.APIBase == "" {
		return DefaultAPIBase
	}
	return c.APIBase
}

// LogValue shows the configuration without its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("api", c.apiBase()),
		slog.String("webhook_url", c.WebhookURL),
		slog.Bool("paid_broadcast", c.PaidBroadcast),
		slog.String("bot_name", c.BotName),
		slog.Any("limits", c.limits()),
	)
}
