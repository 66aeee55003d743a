package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// The store's one rate limiter is the generic cell rate algorithm (GCRA):
// per limit key one number, the theoretical arrival time of the next event,
// so a limit costs O(1) memory whatever its rate. A content.Rate of
// Interval T and Burst b allows b events at once, then one every T: "n per
// window d" with bursts of n is Interval d/n, Burst n. Every platform
// limit, a sender's message rate (Allow) and a WeCom member's (RateLimitN)
// go through it; the send slots of pace.go reserve on the same schedule.

// gcraScript counts n events against several keys at once: they are
// allowed only if every key allows them, and then counted in all. KEYS:
// the limit keys, then, when ARGV[3] is 1, a marker of a refusal already
// reported. ARGV: now (ms), n, marker flag, then per limit key its interval
// (ms) and burst. Returns {wait, first}: wait 0 when allowed, else the
// milliseconds until the events would be (nothing is counted then); first
// 1 when a refusal is the first since the marker lapsed.
var gcraScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local marked = ARGV[3] == '1'
local nlim = #KEYS
if marked then nlim = nlim - 1 end
local wait = 0
local tats = {}
for i = 1, nlim do
  local interval = tonumber(ARGV[2*i+2])
  local burst = tonumber(ARGV[2*i+3])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local allow_at = tat + (n - burst) * interval
  if allow_at > now and allow_at - now > wait then wait = allow_at - now end
  tats[i] = tat + n * interval
end
if wait > 0 then
  local first = 0
  if marked and redis.call('SET', KEYS[#KEYS], 1, 'NX', 'PX', wait) then first = 1 end
  return {wait, first}
end
for i = 1, nlim do
  redis.call('SET', KEYS[i], tats[i], 'PX', tats[i] - now + 1000)
end
return {0, 0}`)

// RateLimit counts one event against every rate of scope (a platform's
// overall limit and a chat's) and returns 0 when it may happen now, or how
// long to wait first (nothing is counted then). It holds across replicas:
// the counters live in Redis under the scope's hash tag, so one script
// checks them all, on Redis Cluster too.
func (s *Store) RateLimit(ctx context.Context, scope string, rates []content.Rate, now time.Time) (time.Duration, error) {
	return s.RateLimitN(ctx, scope, 1, rates, now)
}

// RateLimitN is RateLimit for n events at once (a reply cut into n
// messages): all are allowed or none. n above a rate's burst could never
// be allowed and is an error.
func (s *Store) RateLimitN(ctx context.Context, scope string, n int, rates []content.Rate, now time.Time) (time.Duration, error) {
	wait, _, err := s.limit(ctx, scope, n, rates, "", now)
	return wait, err
}

// Allow counts one event (a message someone sent) against rate for scope
// (its sender) and returns 0 when it is within the rate, else how long
// until it would be. A refused event also reports first=true when it is
// the first refusal since that wait began, so the caller answers once
// ("too fast, write again in …") and stays silent until the wait is over.
func (s *Store) Allow(ctx context.Context, scope string, rate content.Rate, now time.Time) (wait time.Duration, first bool, err error) {
	return s.limit(ctx, scope, 1, []content.Rate{rate}, "told", now)
}

// limit runs gcraScript for n events against rates in scope, with the
// refusal marker named marker ("" for none).
func (s *Store) limit(ctx context.Context, scope string, n int, rates []content.Rate, marker string, now time.Time) (time.Duration, bool, error) {
	keys := make([]string, 0, len(rates)+1)
	args := []any{now.UnixMilli(), n, 0}
	for _, r := range rates {
		burst := max(r.Burst, 1)
		if n > burst {
			return 0, false, fmt.Errorf("store: rate limit %s: %d events at once exceed the burst of %d for %s", scope, n, burst, r.Key)
		}
		keys = append(keys, s.k.rate(scope, r.Key))
		args = append(args, max(r.Interval.Milliseconds(), 1), burst)
	}
	if marker != "" {
		keys = append(keys, s.k.rate(scope, marker))
		args[2] = 1
	}
	res, err := gcraScript.Run(ctx, s.rdb, keys, args...).Int64Slice()
	if err != nil || len(res) != 2 {
		return 0, false, fmt.Errorf("store: rate limit %s: %w", scope, err)
	}
	return time.Duration(res[0]) * time.Millisecond, res[1] == 1, nil
}
