package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
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
		keys[i] = s.k.p + "{rl:" + platform + "}:" + r.Key
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

// SaveAnnouncement stores an admin's announcement so it can be read
// through personal links and counted like a bulletin; it is not added to
// the timeline or the search index.
func (s *Store) SaveAnnouncement(ctx context.Context, b *content.Bulletin) error {
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("store: encode announcement: %w", err)
	}
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.k.bulletin(b.ID), data, 0)
		p.ZAdd(ctx, s.k.cat("announcements"), redis.Z{Score: float64(b.PublishedAt.Unix()), Member: b.ID})
		return nil
	}); err != nil {
		return fmt.Errorf("store: save announcement %s: %w", b.ID, err)
	}
	return nil
}

// AddJob records unfinished work (a fan-out) so another run resumes it
// after a crash; RemoveJob marks it done; Jobs lists what is open.
func (s *Store) AddJob(ctx context.Context, kind, id string) error {
	return s.rdb.SAdd(ctx, s.k.misc("jobs", kind), id).Err()
}

// RemoveJob marks a job done.
func (s *Store) RemoveJob(ctx context.Context, kind, id string) error {
	return s.rdb.SRem(ctx, s.k.misc("jobs", kind), id).Err()
}

// Jobs lists the open jobs of a kind.
func (s *Store) Jobs(ctx context.Context, kind string) ([]string, error) {
	return s.rdb.SMembers(ctx, s.k.misc("jobs", kind)).Result()
}

// Schedule puts member in a named schedule, due at a time (an automatic
// reminder, a digest run).
func (s *Store) Schedule(ctx context.Context, name, member string, due time.Time) error {
	return s.rdb.ZAdd(ctx, s.k.misc("sched", name), redis.Z{Score: float64(due.Unix()), Member: member}).Err()
}

// popDueScript removes and returns the members due by now. KEYS: schedule.
// ARGV: now (s), limit.
var popDueScript = redis.NewScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due`)

// PopDue takes the members of a schedule that are due by now; each is
// returned to exactly one caller, so replicas never run one twice.
func (s *Store) PopDue(ctx context.Context, name string, now time.Time) ([]string, error) {
	due, err := popDueScript.Run(ctx, s.rdb, []string{s.k.misc("sched", name)}, now.Unix(), 100).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("store: due in %s: %w", name, err)
	}
	return due, nil
}

// DenseOf returns a subscriber's dense id (0 when unknown).
func (s *Store) DenseOf(ctx context.Context, id string) (int64, error) {
	v, err := s.rdb.HGet(ctx, s.k.subs("idx"), id).Result()
	if err == redis.Nil {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: dense id of %s: %w", id, err)
	}
	return strconv.ParseInt(v, 10, 64)
}
