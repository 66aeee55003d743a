package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrLeaseLost is Hold's error when a renewal found the lease held by
// another owner (or could not renew it) and run was cancelled.
var ErrLeaseLost = errors.New("store: lease lost")

// leaseScript renews a lease held by the same owner or takes a free one.
// KEYS: lease. ARGV: owner, ttl ms.
var leaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] or not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`)

// Hold runs run while owner (a replica) holds the named lease, so one
// replica at a time polls a source, runs the scheduler or fans a bulletin
// out. It takes the lease, or returns held=false at once when another
// owner has it; otherwise it renews the lease every ttl/3 while run runs,
// cancels run's context when a renewal finds the lease lost or fails
// (the lease may be gone before Redis answers again), and returns
// held=true when run returns — with ErrLeaseLost if it was cancelled so.
// The lease is not released: it lapses ttl after the last renewal, so a
// holder that finished is not followed at once by another.
func (s *Store) Hold(ctx context.Context, name, owner string, ttl time.Duration, run func(ctx context.Context)) (held bool, err error) {
	if held, err := s.lease(ctx, name, owner, ttl); err != nil || !held {
		return false, err
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(rctx)
	}()
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-done:
			return true, err
		case <-t.C:
			if err != nil || ctx.Err() != nil {
				continue
			}
			if ok, lerr := s.lease(ctx, name, owner, ttl); (lerr != nil || !ok) && ctx.Err() == nil {
				err = ErrLeaseLost
				if lerr != nil {
					err = fmt.Errorf("%w: %w", ErrLeaseLost, lerr)
				}
				cancel()
			}
		}
	}
}

// lease takes or renews a named lease for owner for ttl and reports
// whether owner holds it.
func (s *Store) lease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, s.rdb, []string{s.k.lease(name)}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: lease %s: %w", name, err)
	}
	return n == 1, nil
}
