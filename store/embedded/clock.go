package embedded

import (
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

const (
	// minExpiryTick is the shortest period between two expiry ticks: the
	// precision of TTLs on a small dataset.
	minExpiryTick = 100 * time.Millisecond
	// expiryTickCostFactor keeps expiry ticks under 2% of the server's time:
	// the next tick comes no sooner than this many times the last tick's
	// cost, since every tick walks (and sorts) all keys under the lock.
	expiryTickCostFactor = 50
)

// expiryClock counts miniredis's key TTLs down with the wall clock.
// miniredis's own ClockTTL mode does the same on every command but walks
// and sorts every key each time, which makes each command O(n log n); the
// clock instead FastForwards all TTLs by the time elapsed since the previous
// tick, from a timer (see Server.run) and right before every snapshot.
type expiryClock struct {
	mr   *miniredis.Miniredis
	mu   sync.Mutex
	last time.Time
}

func newExpiryClock(mr *miniredis.Miniredis) *expiryClock {
	return &expiryClock{mr: mr, last: time.Now()}
}

// advance expires keys whose TTL ran out since the previous call and returns
// the period to wait before the next call.
func (c *expiryClock) advance() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	c.mr.FastForward(now.Sub(c.last))
	c.last = now
	return max(minExpiryTick, expiryTickCostFactor*time.Since(now))
}
