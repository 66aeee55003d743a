package wechat

import (
	"context"
	"time"

	"tongbao/content"
)

// MemberLimiter counts messages to one WeCom member across replicas (the
// store's RateLimitN): it returns 0 when n more may be sent now, else how
// long until they could be (nothing is counted then), and an error when n
// exceeds a rate's burst.
type MemberLimiter interface {
	RateLimitN(ctx context.Context, scope string, n int, rates []content.Rate, now time.Time) (time.Duration, error)
}

// wecomRates limit the app messages to one member. WeCom drops, silently,
// those beyond 30 in a minute or 1,000 in an hour, so the limit must never
// let more through in any minute: 30 may go at once (a busy reply, a
// backlog), then one more every 62 s — a minute plus 2 s so that delays
// between our count and WeCom's receipt never push a member over. A
// steadier rate would let more than 30 into some minute after a burst of
// 30 (a GCRA of n per minute admits up to 2n-1 in one). At one a minute
// after the burst, a member gets at most 30 + 59 an hour, well under the
// 1,000 an hour, which therefore needs no rate of its own.
var wecomRates = []content.Rate{{Key: "sent", Interval: time.Minute + 2*time.Second, Burst: 30}}
