package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// A platform's access token (WeChat's, WeCom's) is fetched by whichever
// replica needs it first and shared through Redis, so the replicas do not
// invalidate each other's tokens by fetching new ones.

// Token returns a token saved by SaveToken; ErrNotFound when there is none
// or it expired.
func (s *Store) Token(ctx context.Context, name string) (string, error) {
	v, err := s.rdb.Get(ctx, s.k.token(name)).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: token %s: %w", name, err)
	}
	return v, nil
}

// SaveToken keeps a token for ttl (0 keeps it until deleted).
func (s *Store) SaveToken(ctx context.Context, name, value string, ttl time.Duration) error {
	if ttl < 0 {
		return fmt.Errorf("store: save token %s: negative time to live %s", name, ttl)
	}
	if err := s.rdb.Set(ctx, s.k.token(name), value, ttl).Err(); err != nil {
		return fmt.Errorf("store: save token %s: %w", name, err)
	}
	return nil
}

// DeleteToken forgets a token; a missing one is no error.
func (s *Store) DeleteToken(ctx context.Context, name string) error {
	if err := s.rdb.Del(ctx, s.k.token(name)).Err(); err != nil {
		return fmt.Errorf("store: delete token %s: %w", name, err)
	}
	return nil
}
