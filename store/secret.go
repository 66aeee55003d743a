package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// Secret returns the deployment's read-link secret: the one already in
// Redis, or a new random one stored there, so every replica shares it. It is
// used only when TONGBAO_SECRET is not set.
func (s *Store) Secret(ctx context.Context) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("store: make secret: %w", err)
	}
	key := s.k.secret()
	if err := s.rdb.SetNX(ctx, key, hex.EncodeToString(b[:]), 0).Err(); err != nil {
		return "", fmt.Errorf("store: secret: %w", err)
	}
	v, err := s.rdb.Get(ctx, key).Result()
	if err != nil {
		return "", fmt.Errorf("store: secret: %w", err)
	}
	return v, nil
}
