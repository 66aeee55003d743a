package store

import (
	"context"
	"fmt"
	"time"
)

// Once reports whether key is seen for the first time within ttl — for
// dropping platform retries (a Telegram update id, a WeChat MsgId).
func (s *Store) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.k.once(key), 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("store: once %s: %w", key, err)
	}
	return ok, nil
}
