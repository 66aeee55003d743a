package bot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"tongbao/bot/chat"
)

// TestConsoleIsNotRateLimited: the person at the local console may type as
// fast as they like; everyone else is told once when they may write again.
func TestConsoleIsNotRateLimited(t *testing.T) {
	b := newTestBot(t, newTestStore(t), 3)
	for i := 1; i <= 26; i++ {
		got := render(b.Handle(context.Background(), chat.Incoming{Platform: chat.Console, UserID: "me", ChatID: "me", Text: "最新会议"}))
		if !strings.Contains(got, "青溪") {
			t.Fatalf("console message %d: %q", i, got)
		}
	}
	for i := 1; i <= 3; i++ {
		ask(t, b, "77", "最新会议")
	}
	got := ask(t, b, "77", "最新会议")
	m := regexp.MustCompile(`请 (\d+) 秒后再发`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("the first message over the limit does not say when to write again: %q", got)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1 || n > 60 {
		t.Errorf("write again in %d seconds", n)
	}
	if got := b.Handle(context.Background(), chat.Incoming{Platform: chat.Telegram, UserID: "77", ChatID: "77", Text: "最新会议"}); got != nil {
		t.Errorf("a second message over the limit got a reply: %s", render(got))
	}
}

func TestWholeSeconds(t *testing.T) {
	tests := map[string]struct {
		d    time.Duration
		want int
	}{
		"whole":            {20 * time.Second, 20},
		"part of a second": {19*time.Second + time.Millisecond, 20},
		"less than one":    {100 * time.Millisecond, 1},
		"a minute / 3":     {time.Minute / 3, 20},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := wholeSeconds(tc.d); got != tc.want {
				t.Errorf("wholeSeconds(%s) = %d, want %d", tc.d, got, tc.want)
			}
		})
	}
}
