package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrTokenRefused is a token the Bot API does not accept (401 or 404):
// wrong, revoked, or of another Bot API server. Retrying cannot fix it.
var ErrTokenRefused = errors.New("telegram: the Bot API refused the token")

// Status is what the Bot API says of a bot, for `tongbao check`.
type Status struct {
	// Username is the bot's @username without the "@".
	Username string
	// Webhook is where Telegram delivers the bot's updates.
	Webhook WebhookStatus
}

// WebhookStatus is getWebhookInfo's answer.
type WebhookStatus struct {
	// URL is the webhook Telegram posts updates to; empty while the bot
	// is polled.
	URL string
	// Pending is how many updates wait to be delivered.
	Pending int
	// LastError is Telegram's last failure to deliver to URL, at
	// LastErrorAt (zero when there was none).
	LastError   string
	LastErrorAt time.Time
}

// webhookInfo is the wire form of getWebhookInfo's result.
type webhookInfo struct {
	URL              string `json:"url"`
	PendingUpdates   int    `json:"pending_update_count"`
	LastErrorDate    int64  `json:"last_error_date"`
	LastErrorMessage string `json:"last_error_message"`
}

// Inspect asks the Bot API who the bot is (getMe) and where its updates go
// (getWebhookInfo), changing nothing. A refused token is ErrTokenRefused;
// hc may be nil.
func Inspect(ctx context.Context, cfg Config, hc *http.Client) (Status, error) {
	if hc == nil {
		hc = defaultClient()
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	api, err := dialAPI(cctx, cfg.Token, cfg.apiBase(), hc)
	if err != nil {
		var ae *apiError
		if tokenRefused(err) && errors.As(err, &ae) {
			return Status{}, fmt.Errorf("%w (getMe: %d %s)", ErrTokenRefused, ae.Code, ae.Description)
		}
		return Status{}, err
	}
	st := Status{Username: api.self().Username}
	var info webhookInfo
	if err := api.call(cctx, "getWebhookInfo", nil, &info); err != nil {
		return st, err
	}
	st.Webhook = WebhookStatus{URL: info.URL, Pending: info.PendingUpdates, LastError: info.LastErrorMessage}
	if info.LastErrorDate > 0 {
		st.Webhook.LastErrorAt = time.Unix(info.LastErrorDate, 0)
	}
	return st, nil
}

// tokenRefused reports whether the Bot API refused the token itself: 401
// for a wrong or revoked one, 404 for a token of no bot at that server.
func tokenRefused(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && (ae.Code == http.StatusUnauthorized || ae.Code == http.StatusNotFound)
}
