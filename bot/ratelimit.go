package bot

import (
	"context"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// rateLimit counts a message against its sender's limit: MessagesPerMinute
// a minute, as many at once (someone pasting several questions), the
// allowance refilling one message every minute/MessagesPerMinute. A
// sender over it gets one reply saying when they may write again, then
// silence until then (limited with no replies). The local console is
// never limited: its user is the person at the keyboard.
func (b *Bot) rateLimit(ctx context.Context, t *turn) (limited bool, replies []chat.Reply, err error) {
	if t.in.Platform == chat.Console {
		return false, nil, nil
	}
	n := b.cfg.MessagesPerMinute
	rate := content.Rate{Key: "msg", Interval: time.Minute / time.Duration(n), Burst: n}
	wait, first, err := b.store.Allow(ctx, "msg:"+t.sub.ID, rate, time.Now())
	if err != nil || wait == 0 {
		return false, nil, err
	}
	if !first {
		return true, nil, nil
	}
	return true, []chat.Reply{chat.Text(msg.Say(t.lang, "too.fast", wholeSeconds(wait)))}, nil
}

// wholeSeconds is d rounded up to whole seconds, at least 1.
func wholeSeconds(d time.Duration) int {
	return max(int((d+time.Second-1)/time.Second), 1)
}
