package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// Once reports whether key is seen for the first time within ttl — for
// dropping platform retries (a Telegram update id, a WeChat MsgId).
func (s *Store) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.k.misc("once", key), 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("store: once %s: %w", key, err)
	}
	return ok, nil
}

// Allow counts one event for key in the current fixed window and reports
// whether it is within limit; the first event over the limit reports
// first=true so the caller can answer once ("too fast") and stay silent
// after. Fixed windows are enough for spam control; platform send limits
// use the dispatcher's own limiters.
func (s *Store) Allow(ctx context.Context, key string, limit int, window time.Duration) (allowed, firstOver bool, err error) {
	k := s.k.misc("rate", key, fmt.Sprint(time.Now().UnixNano()/int64(window)))
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

// SaveSession stores a small per-user conversation state (the last list
// shown, a broadcast draft) as JSON for ttl.
func (s *Store) SaveSession(ctx context.Context, subscriber, name string, v any, ttl time.Duration) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: session %s/%s: %w", subscriber, name, err)
	}
	return s.rdb.Set(ctx, s.k.misc("sess", subscriber, name), data, ttl).Err()
}

// LoadSession reads a session state into v; ErrNotFound when there is none.
func (s *Store) LoadSession(ctx context.Context, subscriber, name string, v any) error {
	data, err := s.rdb.Get(ctx, s.k.misc("sess", subscriber, name)).Bytes()
	if errors.Is(err, redis.Nil) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: session %s/%s: %w", subscriber, name, err)
	}
	return json.Unmarshal(data, v)
}

// DeleteSession forgets a session state.
func (s *Store) DeleteSession(ctx context.Context, subscriber, name string) error {
	return s.rdb.Del(ctx, s.k.misc("sess", subscriber, name)).Err()
}

// Audit appends an admin action to the audit log (a capped stream).
func (s *Store) Audit(ctx context.Context, e content.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	data, _ := json.Marshal(e)
	err := s.rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.k.misc("audit"), MaxLen: 100000, Approx: true, Values: []string{"e", string(data)}}).Err()
	if err != nil {
		return fmt.Errorf("store: audit %s by %s: %w", e.Action, e.Actor, err)
	}
	return nil
}

// AuditLog returns the newest audit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, n int) ([]content.AuditEntry, error) {
	msgs, err := s.rdb.XRevRangeN(ctx, s.k.misc("audit"), "+", "-", int64(n)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	out := make([]content.AuditEntry, 0, len(msgs))
	for _, m := range msgs {
		var e content.AuditEntry
		if raw, ok := m.Values["e"].(string); ok && json.Unmarshal([]byte(raw), &e) == nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// leaseScript renews a lease held by the same owner or takes a free one.
// KEYS: lease. ARGV: owner, ttl ms.
var leaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] or not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`)

// Lease takes or renews a named lease for owner (a replica) for ttl, so one
// replica at a time polls a source or runs a scheduler. It reports whether
// owner holds it.
func (s *Store) Lease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, s.rdb, []string{s.k.misc("lease", name)}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: lease %s: %w", name, err)
	}
	return n == 1, nil
}

// Secret returns the deployment's read-link secret: the one already in
// Redis, or a new random one stored there, so every replica shares it. It is
// used only when TONGBAO_SECRET is not set.
func (s *Store) Secret(ctx context.Context) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("store: make secret: %w", err)
	}
	key := s.k.misc("secret")
	if err := s.rdb.SetNX(ctx, key, hex.EncodeToString(b[:]), 0).Err(); err != nil {
		return "", fmt.Errorf("store: secret: %w", err)
	}
	v, err := s.rdb.Get(ctx, key).Result()
	if err != nil {
		return "", fmt.Errorf("store: secret: %w", err)
	}
	return v, nil
}
