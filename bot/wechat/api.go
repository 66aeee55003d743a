package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
	"tongbao/bot/chat"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/util"
)

// apiTimeout bounds every API call, whatever the caller's context allows:
// the platforms answer in well under a second when healthy.
const apiTimeout = 10 * time.Second

// maxAPIAnswer bounds what is read of an API answer; real ones are tiny.
const maxAPIAnswer = 1 << 20

// tokenBackoff is how long a replica waits after a failed token fetch
// before it asks again; sends meanwhile fail with the same error.
const tokenBackoff = 30 * time.Second

// errAccessToken marks failures to get an access token: a problem of the
// account (credentials, IP allow-list, the network), not of a recipient.
var errAccessToken = errors.New("wechat: no access token")

// APIError is a refusal by the platform's API: an errcode, or an HTTP
// status other than 200 (then Code is 0).
type APIError struct {
	Path   string // e.g. /cgi-bin/message/custom/send
	Code   int    // errcode
	Msg    string // errmsg
	Status int    // HTTP status when it was not 200
}

// Error implements error.
func (e *APIError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("wechat: %s: HTTP %d", e.Path, e.Status)
	}
	return fmt.Sprintf("wechat: %s: errcode %d: %s", e.Path, e.Code, e.Msg)
}

// tokenFetcher asks the platform for a new access token.
type tokenFetcher func(ctx context.Context, c *apiClient) (credential.ResAccessToken, error)

// apiClient calls one platform's JSON API with an access token shared
// through a cache.Cache. It does its own HTTP so that every call has a
// context, its own base URL and its own http.Client: silenceper's calls go
// through the package-global util.DefaultHTTPClient and URI modifier.
type apiClient struct {
	base    string
	http    *http.Client
	cache   cache.Cache
	key     string // cache key of the access token
	fetch   tokenFetcher
	expired func(code int) bool // errcodes meaning "get a new token"

	mu          sync.Mutex // one token fetch at a time per replica
	failed      error      // the last fetch's error, answered until failedUntil
	failedUntil time.Time
}

// call sends body (nil: a GET) to path with the access token and decodes
// the answer into out (nil: discard). When the platform says the token is
// expired or superseded it fetches a new one and retries, once.
func (c *apiClient) call(ctx context.Context, path string, body, out any) error {
	return c.callQuery(ctx, path, nil, body, out)
}

// callQuery is call with query parameters besides the access token.
func (c *apiClient) callQuery(ctx context.Context, path string, q url.Values, body, out any) error {
	tok, err := c.token(ctx)
	if err != nil {
		return err
	}
	err = c.callWith(ctx, tok, path, q, body, out)
	var ae *APIError
	if !errors.As(err, &ae) || !c.expired(ae.Code) {
		return err
	}
	if tok, err = c.refresh(ctx, tok); err != nil {
		return err
	}
	return c.callWith(ctx, tok, path, q, body, out)
}

func (c *apiClient) callWith(ctx context.Context, tok, path string, q url.Values, body, out any) error {
	all := url.Values{"access_token": {tok}}
	for k, v := range q {
		all[k] = v
	}
	return c.do(ctx, path, all, body, out)
}

// do performs one request and decodes the answer; an errcode is an *APIError.
func (c *apiClient) do(ctx context.Context, path string, q url.Values, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	method, reader := http.MethodGet, io.Reader(nil)
	if body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // the platforms show "<a href>" and "&" as written
		if err := enc.Encode(body); err != nil {
			return fmt.Errorf("wechat: %s: encode: %w", path, err)
		}
		method, reader = http.MethodPost, &buf
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path+"?"+q.Encode(), reader)
	if err != nil {
		return fmt.Errorf("wechat: %s: %w", path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL carries the access token or the secret
		}
		return fmt.Errorf("wechat: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIAnswer))
	if err != nil {
		return fmt.Errorf("wechat: %s: read answer: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return &APIError{Path: path, Status: resp.StatusCode}
	}
	var st util.CommonError
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("wechat: %s: answer is not JSON: %w", path, err)
	}
	if out != nil { // also on errors: 45065 carries the first mass send's msg_id
		if err := json.Unmarshal(data, out); err != nil && st.ErrCode == 0 {
			return fmt.Errorf("wechat: %s: decode answer: %w", path, err)
		}
	}
	if st.ErrCode != 0 {
		return &APIError{Path: path, Code: int(st.ErrCode), Msg: st.ErrMsg}
	}
	return nil
}

// token returns the shared access token, fetching one when there is none.
func (c *apiClient) token(ctx context.Context) (string, error) {
	if tok, _ := cache.GetContext(ctx, c.cache, c.key).(string); tok != "" {
		return tok, nil
	}
	return c.refresh(ctx, "")
}

// refresh fetches a new access token and shares it, unless the cache
// already holds one other than stale (another goroutine or replica has
// refreshed it meanwhile).
// After a failed fetch it answers the same error for tokenBackoff without
// asking again: the token endpoints allow 2,000 calls a day, and a
// dispatcher with a wrong secret would spend them in seconds.
func (c *apiClient) refresh(ctx context.Context, stale string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tok, _ := cache.GetContext(ctx, c.cache, c.key).(string); tok != "" && tok != stale {
		return tok, nil
	}
	if time.Now().Before(c.failedUntil) {
		return "", c.failed
	}
	tok, ttl, err := c.fetchShared(ctx)
	if err != nil {
		c.failed, c.failedUntil = fmt.Errorf("%w: %w", errAccessToken, err), time.Now().Add(tokenBackoff)
		return "", c.failed
	}
	if err := cache.SetContext(ctx, c.cache, c.key, tok, ttl); err != nil {
		return "", fmt.Errorf("%w: share it: %w", errAccessToken, err)
	}
	return tok, nil
}

// fetchShared fetches a token and says how long replicas may use it: its
// lifetime less a margin, so that none uses it in its last minutes.
func (c *apiClient) fetchShared(ctx context.Context) (string, time.Duration, error) {
	res, err := c.fetch(ctx, c)
	if err != nil {
		return "", 0, err
	}
	if res.AccessToken == "" {
		return "", 0, errors.New("empty answer")
	}
	ttl := time.Duration(res.ExpiresIn) * time.Second
	if ttl > 10*time.Minute {
		ttl -= 5 * time.Minute
	} else {
		ttl /= 2
	}
	return res.AccessToken, ttl, nil
}

// fetchToken is a tokenFetcher for GET endpoints (/cgi-bin/token,
// /cgi-bin/gettoken) taking the credentials in the query.
func fetchToken(path string, q url.Values) tokenFetcher {
	return func(ctx context.Context, c *apiClient) (credential.ResAccessToken, error) {
		var res credential.ResAccessToken
		err := c.do(ctx, path, q, nil, &res)
		return res, err
	}
}

// fetchStableToken is a tokenFetcher for POST /cgi-bin/stable_token. It
// never forces a refresh: that would invalidate the token of every other
// deployment of the app, and is limited to a few calls a day.
func fetchStableToken(appID, secret string) tokenFetcher {
	body := map[string]any{"grant_type": "client_credential", "appid": appID, "secret": secret, "force_refresh": false}
	return func(ctx context.Context, c *apiClient) (credential.ResAccessToken, error) {
		var res credential.ResAccessToken
		err := c.do(ctx, "/cgi-bin/stable_token", nil, body, &res)
		return res, err
	}
}

// classifier maps a platform's errcode to what the dispatcher should do.
type classifier func(code int) (chat.SendFailure, time.Duration)

// sendError turns a failed API call into a *chat.SendError.
func sendError(err error, classify classifier) error {
	var ae *APIError
	switch {
	case errors.Is(err, errAccessToken):
		return &chat.SendError{Failure: chat.FailRetry, RetryAfter: time.Minute, Err: err}
	case errors.As(err, &ae) && ae.Status != 0:
		if ae.Status >= 500 || ae.Status == http.StatusTooManyRequests {
			return &chat.SendError{Failure: chat.FailRetry, Err: err}
		}
		return &chat.SendError{Failure: chat.FailPermanent, Err: err}
	case errors.As(err, &ae):
		f, after := classify(ae.Code)
		return &chat.SendError{Failure: f, RetryAfter: after, Err: err}
	}
	return &chat.SendError{Failure: chat.FailRetry, Err: err} // network, timeout
}
