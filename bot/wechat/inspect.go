package wechat

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// CheckToken asks the Official Account's API for an access token with the
// configured credentials, as `tongbao check` does. It uses
// /cgi-bin/stable_token without force_refresh, which leaves the tokens
// running replicas hold valid. A refusal is an *APIError whose Code says
// why: 40013 a wrong AppID, 40125 a wrong AppSecret, 40164 or 61004 this
// server's IP missing from the allow-list. hc may be nil.
func (c OAConfig) CheckToken(ctx context.Context, hc *http.Client) error {
	return askToken(ctx, apiBase(c.APIBase, DefaultAPIBase), hc, fetchStableToken(c.AppID, c.AppSecret))
}

// CheckToken asks WeCom for an access token with the configured
// credentials (/cgi-bin/gettoken, which hands every caller the same valid
// token). A refusal is an *APIError: 40013 a wrong CorpID, 40001 a wrong
// secret, 60020 this server's IP not allowed. hc may be nil.
func (c WeComConfig) CheckToken(ctx context.Context, hc *http.Client) error {
	q := url.Values{"corpid": {c.CorpID}, "corpsecret": {c.Secret}}
	return askToken(ctx, apiBase(c.APIBase, DefaultWeComAPIBase), hc, fetchToken("/cgi-bin/gettoken", q))
}

// askToken fetches one access token and throws it away.
func askToken(ctx context.Context, base string, hc *http.Client, fetch tokenFetcher) error {
	if hc == nil {
		hc = Deps{}.defaults().HTTP
	}
	res, err := fetch(ctx, &apiClient{base: base, http: hc})
	if err != nil {
		return err
	}
	if res.AccessToken == "" {
		return fmt.Errorf("wechat: the token endpoint answered no access_token")
	}
	return nil
}

// CheckCallback verifies the callback URL (服务器地址 / URL) as the platform
// does when an administrator saves it: a signed GET with an echostr that a
// server with the same token must echo. endpoint is the public address of
// /wechat.
func (c OAConfig) CheckCallback(ctx context.Context, hc *http.Client, endpoint string) error {
	echo := randomDigits()
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), randomDigits()
	q := url.Values{"signature": {util.Signature(c.Token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {echo}}
	return verifyURL(ctx, hc, endpoint, q, echo)
}

// CheckCallback verifies the app's callback URL (接收消息服务器 URL) as WeCom
// does: a GET with an encrypted, signed echostr that a server with the same
// token and EncodingAESKey must decrypt and echo. endpoint is the public
// address of /wecom.
func (c WeComConfig) CheckCallback(ctx context.Context, hc *http.Client, endpoint string) error {
	b, err := newBox(c.Token, c.EncodingAESKey, c.CorpID)
	if err != nil {
		return err
	}
	echo := randomDigits()
	var random [16]byte
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails
	enc := base64.StdEncoding.EncodeToString(util.AESEncryptMsg(random[:], []byte(echo), b.receiver, b.key))
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), randomDigits()
	q := url.Values{"msg_signature": {util.Signature(b.token, ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {enc}}
	return verifyURL(ctx, hc, endpoint, q, echo)
}

// verifyURL sends the verification GET and checks that the answer is echo.
func verifyURL(ctx context.Context, hc *http.Client, endpoint string, q url.Values, echo string) error {
	if hc == nil {
		hc = Deps{}.defaults().HTTP
	}
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("wechat: callback %s: %w", endpoint, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("wechat: callback %s: %w", endpoint, unwrapURL(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	switch {
	case resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("wechat: callback %s refused the signature (HTTP 403): its token is not this one", endpoint)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("wechat: callback %s answered HTTP %d", endpoint, resp.StatusCode)
	case string(body) != echo:
		return fmt.Errorf("wechat: callback %s answered 200 without the echostr: it is not a Tongbao callback", endpoint)
	}
	return nil
}

// unwrapURL drops the request URL from a transport error: it carries the
// signature and nonce, which are noise in a report.
func unwrapURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// randomDigits is a nonce or echostr: ten random digits.
func randomDigits() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := uint64(0)
	for _, x := range b {
		n = n<<8 | uint64(x)
	}
	return fmt.Sprintf("%010d", n%10_000_000_000)
}
