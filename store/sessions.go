package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// SaveSession stores a small per-user conversation state (the last list
// shown, a broadcast draft) as JSON for ttl.
func (s *Store) SaveSession(ctx context.Context, subscriber, name string, v any, ttl time.Duration) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: session %s/%s: %w", subscriber, name, err)
	}
	return s.rdb.Set(ctx, s.k.session(subscriber, name), data, ttl).Err()
}

// LoadSession reads a session state into v; ErrNotFound when there is none.
func (s *Store) LoadSession(ctx context.Context, subscriber, name string, v any) error {
	data, err := s.rdb.Get(ctx, s.k.session(subscriber, name)).Bytes()
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
	return s.rdb.Del(ctx, s.k.session(subscriber, name)).Err()
}
