package chat

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sender delivers replies to one platform's chats. Adapters implement it;
// the dispatcher and the conversation use it.
type Sender interface {
	// Platform is the platform this sender delivers to.
	Platform() Platform
	// Send delivers one reply to a chat (a native chat id) and returns the
	// platform's message id when it has one. Errors are *SendError when the
	// platform said something the caller must act on.
	Send(ctx context.Context, chatID string, r Reply) (messageID string, err error)
}

// SendFailure classifies why a platform refused a message, so the
// dispatcher knows what to do next.
type SendFailure int

// The classes of send failure.
const (
	// FailRetry: a transient fault (5xx, timeout, busy): retry with backoff.
	FailRetry SendFailure = iota
	// FailRateLimited: the platform asked us to slow down; retry after
	// SendError.RetryAfter.
	FailRateLimited
	// FailBlocked: the user blocked the bot or deleted the chat (Telegram
	// 403): mark the subscriber blocked, do not retry.
	FailBlocked
	// FailLeft: the user unfollowed the account (WeChat 43004): mark the
	// subscriber left, do not retry.
	FailLeft
	// FailPermanent: the request itself is wrong (400): do not retry.
	FailPermanent
	// FailQuota: a daily quota is used up (WeChat 45009): retry much later.
	FailQuota
)

// String names the failure class for logs and metrics.
func (f SendFailure) String() string {
	switch f {
	case FailRetry:
		return "retry"
	case FailRateLimited:
		return "rate_limited"
	case FailBlocked:
		return "blocked"
	case FailLeft:
		return "left"
	case FailPermanent:
		return "permanent"
	case FailQuota:
		return "quota"
	}
	return "unknown"
}

// SendError is a platform's refusal, classified.
type SendError struct {
	Failure    SendFailure
	RetryAfter time.Duration
	Err        error
}

// Error describes the refusal with its class.
func (e *SendError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("send %s (retry after %s): %v", e.Failure, e.RetryAfter, e.Err)
	}
	return fmt.Sprintf("send %s: %v", e.Failure, e.Err)
}

// Unwrap returns the platform's own error.
func (e *SendError) Unwrap() error { return e.Err }

// ClassifySend returns how a send error should be handled: a *SendError's
// class, or FailRetry for anything else (network errors, timeouts).
func ClassifySend(err error) (SendFailure, time.Duration) {
	var se *SendError
	if errors.As(err, &se) {
		return se.Failure, se.RetryAfter
	}
	return FailRetry, 0
}

// Wait waits for d or until ctx ends, whichever comes first, and returns
// ctx's error if it ended first. Senders and the dispatcher use it to wait
// out a platform's RetryAfter or a backoff without outliving their context.
func Wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
