package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"tongbao/content"
)

// Defaults of FetcherConfig.
const (
	// DefaultUserAgent names Tongbao and where to read about it, so a site's
	// webmaster knows who is asking.
	DefaultUserAgent = "Tongbao/1.0 (+https://github.com/tongbao/tongbao; bulletin reader)"
	// DefaultTimeout bounds one request, body included: a government page is
	// a few hundred kilobytes, which even a slow county server sends in
	// seconds.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxBytes is the largest response read: what the parser accepts.
	DefaultMaxBytes = content.DefaultMaxInput
	// DefaultPerHost is how many requests may be in flight to one host.
	DefaultPerHost = 2
	// DefaultMinDelay is the least time between two requests to one host:
	// county sites run on small servers, and a crawler that pauses a second
	// between pages is never the reason one falls over.
	DefaultMinDelay = time.Second
	// MaxRedirects is how many redirects one fetch follows.
	MaxRedirects = 5
)

// FetcherConfig is what an operator sets of a Fetcher. The zero value
// gives the defaults.
type FetcherConfig struct {
	// UserAgent is sent with every request (DefaultUserAgent when empty).
	UserAgent string `yaml:"user_agent"`
	// Timeout bounds one request including its body (DefaultTimeout when 0).
	Timeout time.Duration `yaml:"timeout"`
	// MaxBytes is the largest body read (DefaultMaxBytes when 0).
	MaxBytes int64 `yaml:"max_bytes"`
	// PerHost is how many requests may be in flight to one host
	// (DefaultPerHost when 0).
	PerHost int `yaml:"per_host"`
	// MinDelay is the least time between the starts of two requests to one
	// host (DefaultMinDelay when 0; negative for none).
	MinDelay time.Duration `yaml:"min_delay"`
}

// FetcherDeps are a Fetcher's collaborators.
type FetcherDeps struct {
	// HTTP supplies the transport (proxies, TLS); its Timeout and
	// CheckRedirect are replaced by the Fetcher's own. http.DefaultTransport
	// when nil.
	HTTP *http.Client
}

// Validators are what a server said to make the next fetch conditional.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Response is a fetched page.
type Response struct {
	// URL is the address the body came from, after redirects.
	URL string
	// NotModified is true when the server answered 304 to a conditional
	// request; Body is then empty.
	NotModified bool
	Body        []byte
	// ContentType is the media type without parameters.
	ContentType string
	// Charset is the charset the Content-Type declares, or "" (also for
	// the ISO-8859-1 that unconfigured servers claim for every page).
	Charset string
	// Validators make the next fetch of this URL conditional.
	Validators Validators
}

// Fetcher fetches pages and feeds politely. It is safe for concurrent use.
type Fetcher struct {
	client    http.Client
	userAgent string
	timeout   time.Duration
	maxBytes  int64
	perHost   int
	every     rate.Limit

	mu    sync.Mutex
	hosts map[string]*hostGate
}

// hostGate limits the requests to one host: slots bounds how many are in
// flight, pace spaces their starts by MinDelay.
type hostGate struct {
	slots chan struct{}
	pace  *rate.Limiter
}

// NewFetcher returns a fetcher.
func NewFetcher(cfg FetcherConfig, deps FetcherDeps) *Fetcher {
	f := &Fetcher{
		userAgent: cfg.UserAgent, timeout: cfg.Timeout, maxBytes: cfg.MaxBytes, perHost: cfg.PerHost,
		hosts: map[string]*hostGate{},
	}
	if deps.HTTP != nil {
		f.client = *deps.HTTP
	}
	f.client.Timeout = 0 // each request has its own deadline
	f.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if f.userAgent == "" {
		f.userAgent = DefaultUserAgent
	}
	if f.timeout <= 0 {
		f.timeout = DefaultTimeout
	}
	if f.maxBytes <= 0 {
		f.maxBytes = DefaultMaxBytes
	}
	if f.perHost <= 0 {
		f.perHost = DefaultPerHost
	}
	switch {
	case cfg.MinDelay == 0:
		f.every = rate.Every(DefaultMinDelay)
	case cfg.MinDelay < 0:
		f.every = rate.Inf
	default:
		f.every = rate.Every(cfg.MinDelay)
	}
	return f
}

// gate returns the limiter of a host ("host:port").
func (f *Fetcher) gate(host string) *hostGate {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.hosts[host]
	if !ok {
		g = &hostGate{slots: make(chan struct{}, f.perHost), pace: rate.NewLimiter(f.every, 1)}
		f.hosts[host] = g
	}
	return g
}

// Fetch gets rawURL, following up to MaxRedirects redirects, conditionally
// when v holds validators from an earlier fetch (a 304 gives a Response
// with NotModified). A failure is a *FetchError; a cancelled ctx is
// returned as is.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	visited := map[string]bool{}
	cur := rawURL
	for hop := 0; ; hop++ {
		u, err := url.Parse(cur)
		if err != nil || u.Host == "" {
			return nil, &FetchError{URL: cur, Reason: ErrScheme, Detail: "not an absolute address", Err: err}
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			if hop > 0 {
				return nil, &FetchError{URL: rawURL, Reason: ErrScheme, Detail: "redirected to " + cur}
			}
			return nil, &FetchError{URL: cur, Reason: ErrScheme}
		}
		u.Fragment = ""
		cur = u.String()
		if visited[cur] {
			return nil, &FetchError{URL: rawURL, Reason: ErrRedirectLoop, Detail: "back to " + cur}
		}
		if hop > MaxRedirects {
			return nil, &FetchError{URL: rawURL, Reason: ErrTooManyRedirects, Detail: fmt.Sprintf("more than %d", MaxRedirects)}
		}
		visited[cur] = true
		resp, next, err := f.once(ctx, u, v)
		if err != nil || next == "" {
			return resp, err
		}
		loc, err := u.Parse(next)
		if err != nil {
			return nil, &FetchError{URL: cur, Reason: ErrHTTP, Detail: "redirect to a malformed address", Err: err}
		}
		cur = loc.String()
	}
}

// once makes one request. It returns the response, or the address a
// redirect points to.
func (f *Fetcher) once(ctx context.Context, u *url.URL, v Validators) (*Response, string, error) {
	g := f.gate(u.Host)
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
	defer func() { <-g.slots }()
	if err := g.pace.Wait(ctx); err != nil {
		return nil, "", ctx.Err()
	}

	rctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", &FetchError{URL: u.String(), Reason: ErrScheme, Err: err}
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,*/*;q=0.5")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, "", f.failure(ctx, u.String(), err)
	}
	defer resp.Body.Close()

	switch code := resp.StatusCode; {
	case code == http.StatusMovedPermanently || code == http.StatusFound || code == http.StatusSeeOther ||
		code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect:
		loc := resp.Header.Get("Location")
		if loc == "" {
			return nil, "", &FetchError{URL: u.String(), Reason: ErrHTTP, Code: code, Detail: "redirect without a Location"}
		}
		return nil, loc, nil
	case code == http.StatusNotModified && (v.ETag != "" || v.LastModified != ""):
		return &Response{URL: u.String(), NotModified: true, Validators: validators(resp.Header, v)}, "", nil
	case code < 200 || code > 299:
		return nil, "", &FetchError{URL: u.String(), Reason: ErrHTTP, Code: code}
	}
	if resp.ContentLength > f.maxBytes {
		return nil, "", &FetchError{URL: u.String(), Reason: ErrTooLarge, Detail: fmt.Sprintf("%s announced, limit %s", size(resp.ContentLength), size(f.maxBytes))}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, "", f.failure(ctx, u.String(), err)
	}
	if int64(len(body)) > f.maxBytes {
		return nil, "", &FetchError{URL: u.String(), Reason: ErrTooLarge, Detail: "cut off at " + size(f.maxBytes)}
	}
	mt, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return &Response{
		URL: u.String(), Body: body, ContentType: mt, Charset: usableCharset(params["charset"]),
		Validators: validators(resp.Header, Validators{}),
	}, "", nil
}

// failure classifies a transport error. A cancelled ctx (shutdown) is
// returned as is: it is not the server's fault.
func (f *Fetcher) failure(ctx context.Context, u string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var dns *net.DNSError
	var nerr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &nerr) && nerr.Timeout()):
		return &FetchError{URL: u, Reason: ErrTimeout, Detail: "after " + f.timeout.String(), Err: err}
	case errors.As(err, &dns):
		return &FetchError{URL: u, Reason: ErrUnreachable, Detail: "unknown host " + dns.Name, Err: err}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &FetchError{URL: u, Reason: ErrUnreachable, Detail: "connection refused", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF):
		return &FetchError{URL: u, Reason: ErrIncomplete, Err: err}
	}
	return &FetchError{URL: u, Reason: ErrUnreachable, Err: err}
}

// validators reads the response's validators, keeping the request's when
// a 304 does not repeat them.
func validators(h http.Header, prev Validators) Validators {
	v := Validators{ETag: h.Get("ETag"), LastModified: h.Get("Last-Modified")}
	if v.ETag == "" && v.LastModified == "" {
		return prev
	}
	return v
}

// usableCharset drops the charsets servers declare by default rather than
// by knowledge (Tomcat and others claim ISO-8859-1 for every page): for a
// Chinese page they are always wrong, and content.Decode does better from
// the page's meta tag and its bytes.
func usableCharset(cs string) string {
	switch strings.ToLower(strings.TrimSpace(cs)) {
	case "iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252":
		return ""
	}
	return strings.TrimSpace(cs)
}

// size renders a byte count for people.
func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
