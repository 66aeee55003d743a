package embedded

import (
	"time"
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

// tick counts miniredis's key TTLs down with the wall clock and returns the
// period to wait before the next tick. miniredis's own ClockTTL mode does
// the same on every command but walks and sorts every key each time, which
// makes each command O(n log n); a tick instead FastForwards all TTLs by
// the time elapsed since the previous tick. Ticks are journaled like
// writes, in order with them, so that a replay expires the same keys at the
// same points.
func (s *Server) tick() time.Duration {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	now := time.Now()
	elapsed := max(0, now.Sub(s.clockAt))
	s.mr.FastForward(elapsed)
	s.clockAt = now
	s.journal.append(&entry{Kind: kindTick, At: now, Tick: elapsed})
	return max(minExpiryTick, expiryTickCostFactor*time.Since(now))
}
