package bot

import (
	"context"
	"time"
	"tongbao/bot/chat"
	"tongbao/bot/msg"
)

// rateWindow is the window MessagesPerMinute counts in. The store counts
// in fixed windows aligned to the clock (Store.Allow), so the next one
// starts at the next whole multiple of it.
const rateWindow = time.Minute

// rateLimit counts a message against its sender's limit. A sender over it
// gets one reply saying when they may write again, then silence until
// then (limited with no replies). The local console is never limited: its
// user is the person at the keyboard.
func (b *Bot) rateLimit(ctx context.Context, t *turn) (limited bool, replies []chat.Reply, err error) {
	if t.in.Platform == chat.Console {
		return false, nil, nil
	}
	allowed, firstOver, err := b.store.Allow(ctx, "msg:"+t.sub.ID, b.cfg.MessagesPerMinute, rateWindow)
	if err != nil || allowed {
		return false, nil, err
	}
	if !firstOver {
		return true, nil, nil
	}
	return true, []chat.Reply{chat.Text(msg.Say(t.lang, "too.fast", secondsUntilNextWindow(time.Now(), rateWindow)))}, nil
}

// secondsUntilNextWindow is how many whole seconds (at least 1) remain
// before the clock-aligned window that now falls in ends.
func secondsUntilNextWindow(now time.Time, window time.Duration) int {
	left := window - time.Duration(now.UnixNano()%int64(window))
	return int((left + time.Second - 1) / time.Second)
}
