package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// gcraScript is the generic cell rate algorithm over several keys at once:
// the event is allowed only if every key allows it, and then counted in
// all. KEYS: the limit keys. ARGV: now (ms), then per key interval (ms)
// and burst. Returns 0 when allowed, else the milliseconds to wait.
var gcraScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local wait = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2*i])
  local burst = tonumber(ARGV[2*i+1])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local allow_at = tat - (burst - 1) * interval
  if allow_at > now and allow_at - now > wait then wait = allow_at - now end
  tats[i] = tat + interval
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, tats[i], 'PX', tats[i] - now + 1000)
end
return 0`)

// RateLimit counts one event against every rate (a platform's overall
// limit and a chat's) and returns 0 when it may happen now, or how long to
// wait first (nothing is counted then). It holds across replicas: the
// counters live in Redis under the platform's hash tag, so one script
// checks them all, on Redis Cluster too.
func (s *Store) RateLimit(ctx context.Context, platform string, rates []content.Rate, now time.Time) (time.Duration, error) {
	keys := make([]string, len(rates))
	args := []any{now.UnixMilli()}
	for i, r := range rates {
		keys[i] = s.k.rate(platform, r.Key)
		burst := r.Burst
		if burst < 1 {
			burst = 1
		}
		args = append(args, max(r.Interval.Milliseconds(), 1), burst)
	}
	ms, err := gcraScript.Run(ctx, s.rdb, keys, args...).Int64()
	if err != nil {
		return 0, fmt.Errorf("store: rate limit %s: %w", platform, err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Allow counts one event for key in the current fixed window and reports
// whether it is within limit; the first event over the limit reports
// first=true so the caller can answer once ("too fast") and stay silent
// after. Fixed windows are enough for spam control; platform send limits
// use the dispatcher's own limiters.
func (s *Store) Allow(ctx context.Context, key string, limit int, window time.Duration) (allowed, firstOver bool, err error) {
	k := s.k.rate(key, fmt.Sprint(time.Now().UnixNano()/int64(window)))
	var n *redis.IntCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		n = p.Incr(ctx, k)
		p.Expire(ctx, k, window+time.Second)
		return nil
	}); err != nil {
		return false, false, fmt.Errorf("store: rate %s: %w", key, err)
	}
	c := n.Val()
	return c <= int64(limit), c == int64(limit)+1, nil
}
