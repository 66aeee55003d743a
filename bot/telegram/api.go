package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// botAPI is all the adapter asks of a Bot API client: the bot's own
// account and one method call with form parameters. It is the seam that
// keeps go-telegram-bot-api, which is no longer maintained, replaceable:
// only tgClient touches the library.
type botAPI interface {
	// self is the bot's account, as getMe returned it at start.
	self() user
	// call invokes a Bot API method and decodes its result into out (nil
	// discards it). A refusal by the Bot API is an *apiError; anything
	// else (network, timeout, a body that is not the Bot API's) is not.
	call(ctx context.Context, method string, p params, out any) error
}

// params are a Bot API call's parameters, sent as a form.
type params map[string]string

// apiError is a call the Bot API answered with ok=false.
type apiError struct {
	Code        int
	Description string
	// RetryAfter is parameters.retry_after in seconds (429 only).
	RetryAfter int
}

func (e *apiError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("bot api %d %s (retry after %ds)", e.Code, e.Description, e.RetryAfter)
	}
	return fmt.Sprintf("bot api %d %s", e.Code, e.Description)
}

// tgClient is botAPI over go-telegram-bot-api/v5.
type tgClient struct {
	bot  *tgbotapi.BotAPI
	http *http.Client
	base string // the API base URL, for errors that must not show the token
	me   user
}

// dialAPI connects to the Bot API at base with token; the library calls
// getMe, which fails on a wrong token or base.
func dialAPI(ctx context.Context, token, base string, hc *http.Client) (*tgClient, error) {
	c := &tgClient{http: hc, base: base}
	bot, err := tgbotapi.NewBotAPIWithClient(token, base+"/bot%s/%s", boundClient{ctx, hc})
	if err != nil {
		return nil, c.wrap("getMe", err)
	}
	bot.Client = hc // calls bind their own context; New's must not outlive it
	c.bot = bot
	c.me = user{ID: bot.Self.ID, IsBot: bot.Self.IsBot, FirstName: bot.Self.FirstName, Username: bot.Self.UserName}
	return c, nil
}

func (c *tgClient) self() user { return c.me }

func (c *tgClient) call(ctx context.Context, method string, p params, out any) error {
	// The library builds requests without a context: a shallow copy of the
	// BotAPI with a client bound to ctx makes each call cancellable.
	b := *c.bot
	b.Client = boundClient{ctx, c.http}
	resp, err := b.MakeRequest(method, tgbotapi.Params(p))
	if err != nil {
		return c.wrap(method, err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		return fmt.Errorf("telegram: decode %s result: %w", method, err)
	}
	return nil
}

// wrap turns the library's error into an *apiError, or for a transport
// error replaces the request URL, which holds the token, by one without it.
func (c *tgClient) wrap(method string, err error) error {
	var te *tgbotapi.Error // the library returns a pointer; a value target never matches
	if errors.As(err, &te) {
		err = &apiError{Code: te.Code, Description: te.Message, RetryAfter: te.RetryAfter}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: c.base + "/bot<token>/" + method, Err: ue.Err}
	}
	return fmt.Errorf("telegram: %s: %w", method, err)
}

// boundClient sends every request with its context.
type boundClient struct {
	ctx context.Context
	hc  *http.Client
}

func (b boundClient) Do(r *http.Request) (*http.Response, error) {
	return b.hc.Do(r.WithContext(b.ctx))
}
