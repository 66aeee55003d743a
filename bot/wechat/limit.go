package wechat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// window is one limit: at most n messages in any period of length d.
type window struct {
	n int
	d time.Duration
}

// WeCom drops, silently, app messages beyond 30 a minute and 1,000 an hour
// to one member. The windows are 2 s longer than the platform's so that
// delays between our count and WeCom's receipt never push a member over.
var wecomWindows = []window{
	{n: 30, d: time.Minute + 2*time.Second},
	{n: 1000, d: time.Hour + 2*time.Second},
}

// memberLimit counts messages per member in Redis, so the limits hold
// across replicas: a sorted set per member of send times (Redis TIME, one
// clock for every replica), trimmed to the longest window.
type memberLimit struct {
	rdb     redis.UniversalClient
	prefix  string
	windows []window // the longest last
}

// limitScript reserves ARGV[1] slots for KEYS[1] if every window has room
// and returns 0, or returns the microseconds until there would be room.
// ARGV[2] is a unique id; then pairs of (limit, window µs).
var limitScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = tonumber(ARGV[1])
local longest = tonumber(ARGV[#ARGV])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local wait = 0
for i = 3, #ARGV, 2 do
  local limit, span = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local used = redis.call('ZCOUNT', KEYS[1], '(' .. (now - span), '+inf')
  local over = used + n - limit
  if over > 0 then
    local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - span), '+inf', 'WITHSCORES', 'LIMIT', over - 1, 1)
    local w = tonumber(oldest[2]) + span - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i = 1, n do
  redis.call('ZADD', KEYS[1], now, now .. ':' .. i .. ':' .. ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], math.ceil(longest / 1000))
return 0
`)

// take reserves n messages to member. It returns 0 when they may be sent,
// else how long until they could be (nothing is reserved then).
func (l *memberLimit) take(ctx context.Context, member string, n int) (time.Duration, error) {
	args := []any{n, uniqueID()}
	for _, w := range l.windows {
		if n > w.n {
			return 0, fmt.Errorf("wechat: %d messages at once exceed the limit of %d per %s", n, w.n, w.d)
		}
		args = append(args, w.n, w.d.Microseconds())
	}
	wait, err := limitScript.Run(ctx, l.rdb, []string{l.prefix + member}, args...).Int64()
	if err != nil {
		return 0, fmt.Errorf("wechat: member limit %s: %w", member, err)
	}
	return time.Duration(wait) * time.Microsecond, nil
}

// uniqueID tells apart reservations made in the same microsecond.
func uniqueID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
