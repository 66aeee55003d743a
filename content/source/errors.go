package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"tongbao/content"
)

// Reasons a fetch or a source fails. FetchError wraps one of them; callers
// branch on them with errors.Is. Their texts are written for an operator.
var (
	ErrHTTP             = errors.New("the server answered with an error")
	ErrTimeout          = errors.New("the server did not answer in time")
	ErrUnreachable      = errors.New("cannot connect to the server")
	ErrIncomplete       = errors.New("the response broke off before its end")
	ErrTooLarge         = errors.New("the response is too large")
	ErrRedirectLoop     = errors.New("the redirects go round in a loop")
	ErrTooManyRedirects = errors.New("too many redirects")
	ErrScheme           = errors.New("only http and https addresses are fetched")
	ErrNotFeed          = errors.New("not an RSS, Atom or JSON feed")
	ErrNoLinks          = errors.New("no article links matched list_selector")
)

// FetchError says why fetching a URL failed, in words an operator can act
// on; Err keeps the underlying error for logs.
type FetchError struct {
	URL    string
	Reason error  // one of the package's sentinels
	Code   int    // the HTTP status, for ErrHTTP
	Detail string // plain-words detail: "limit 8 MiB", "connection refused"
	Err    error
}

// Error says what failed where: "URL: reason (detail)".
func (e *FetchError) Error() string {
	msg := e.Reason.Error()
	if e.Code != 0 {
		msg = fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
	}
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return e.URL + ": " + msg
}

// Unwrap returns the reason and the underlying error.
func (e *FetchError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Reason}
	}
	return []error{e.Reason, e.Err}
}

// plainError is an error whose message is written for an operator while
// the underlying error stays reachable by errors.Is and As.
type plainError struct {
	msg string
	err error
}

func (e *plainError) Error() string { return e.msg }
func (e *plainError) Unwrap() error { return e.err }

// permanent reports whether trying the same item again cannot help: the
// server says the page is gone or refused, the response is unusable, or the
// parser refused the text. Timeouts, 5xx and store failures are transient.
func permanent(err error) bool {
	var fe *FetchError
	if errors.As(err, &fe) && errors.Is(fe.Reason, ErrHTTP) {
		return fe.Code >= 400 && fe.Code < 500 && fe.Code != http.StatusRequestTimeout && fe.Code != http.StatusTooManyRequests
	}
	return content.Refused(err) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrRedirectLoop) ||
		errors.Is(err, ErrTooManyRedirects) || errors.Is(err, ErrScheme)
}

// maxReason bounds a reason kept in a status, in runes.
const maxReason = 300

// describe turns an error into the plain sentence a status shows.
func describe(err error) string {
	var fe *FetchError
	var msg string
	switch {
	case errors.As(err, &fe):
		msg = fe.Error()
	case errors.Is(err, context.Canceled):
		msg = "stopped before the poll finished"
	default:
		msg = cause(err)
	}
	if r := []rune(msg); len(r) > maxReason {
		msg = string(r[:maxReason]) + "…"
	}
	return strings.TrimSpace(msg)
}

// cause is an error's message, or for a network failure only its innermost
// reason ("connection refused", "i/o timeout") rather than Go's account of
// the dial — unless a plainError already put it in words.
func cause(err error) string {
	var nerr net.Error
	var plain *plainError
	if !errors.As(err, &nerr) || errors.As(err, &plain) {
		return err.Error()
	}
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return err.Error()
}
