package chat

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	if err := Wait(context.Background(), time.Nanosecond); err != nil {
		t.Errorf("Wait after the time = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Wait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on an ended context = %v, want context.Canceled", err)
	}
}

func TestClassifySend(t *testing.T) {
	tests := map[string]struct {
		err   error
		want  SendFailure
		after time.Duration
	}{
		"refusal":         {&SendError{Failure: FailBlocked, Err: errors.New("403")}, FailBlocked, 0},
		"wrapped refusal": {fmt.Errorf("push: %w", &SendError{Failure: FailRateLimited, RetryAfter: 3 * time.Second}), FailRateLimited, 3 * time.Second},
		"network error":   {errors.New("connection reset"), FailRetry, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, after := ClassifySend(tc.err)
			if f != tc.want || after != tc.after {
				t.Errorf("ClassifySend = %s, %s; want %s, %s", f, after, tc.want, tc.after)
			}
		})
	}
}

func TestSplitSubscriberID(t *testing.T) {
	tests := map[string]struct {
		id       string
		platform Platform
		native   string
		ok       bool
	}{
		"telegram":  {"tg:123", Telegram, "123", true},
		"wecom":     {"wecom:zhang:san", WeCom, "zhang:san", true},
		"no colon":  {"tg123", "", "", false},
		"no native": {"wx:", "", "", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, native, ok := SplitSubscriberID(tc.id)
			if p != tc.platform || native != tc.native || ok != tc.ok {
				t.Errorf("SplitSubscriberID(%q) = %q, %q, %v", tc.id, p, native, ok)
			}
			if ok && SubscriberID(p, native) != tc.id {
				t.Errorf("SubscriberID(%q, %q) = %q, want %q", p, native, SubscriberID(p, native), tc.id)
			}
		})
	}
}
