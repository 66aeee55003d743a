package embedded

import (
	"time"
)

const (
	// minExpiryTick is the shortest period between two expiry ticks: the
	// precision of TTLs.
	minExpiryTick = 100 * time.Millisecond
	// expiryTickCostFactor keeps expiry ticks under 2% of the server's time
	// when many keys expire at once: the next tick comes no sooner than
	// this many times the last tick's cost.
	expiryTickCostFactor = 50
)

// tick deletes the keys whose deadline has passed and returns the period to
// wait before the next tick. It costs as much as the keys that expire (see
// expiries), not the whole dataset. A tick that deleted keys is journaled
// like a write, in order with the writes, so that a replay expires the same
// keys at the same points; one that deleted none changed nothing a replay
// must repeat, and is left out.
func (s *Server) tick() time.Duration {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	now := time.Now()
	if s.expiries.expire(now) > 0 {
		s.journal.append(&entry{Kind: kindTick, At: now})
	}
	return max(minExpiryTick, expiryTickCostFactor*time.Since(now))
}
