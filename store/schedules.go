package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Schedule puts member in a named schedule, due at a time (an automatic
// reminder, a digest run).
func (s *Store) Schedule(ctx context.Context, name, member string, due time.Time) error {
	return s.rdb.ZAdd(ctx, s.k.schedule(name), redis.Z{Score: float64(due.Unix()), Member: member}).Err()
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
	due, err := popDueScript.Run(ctx, s.rdb, []string{s.k.schedule(name)}, now.Unix(), 100).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("store: due in %s: %w", name, err)
	}
	return due, nil
}
