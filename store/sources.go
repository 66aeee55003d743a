package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// maxSourceItems is how many handed-over items are remembered per source:
// a feed lists a few dozen items and a list page a few pages of them, so
// ten thousand covers years of a busy site. The oldest are forgotten first;
// one that comes back is caught by bulletin dedupe.
const maxSourceItems = 10000

// SaveSourceStatus replaces a source's status (JSON written by package
// content/source).
func (s *Store) SaveSourceStatus(ctx context.Context, name string, data []byte) error {
	if err := s.rdb.Set(ctx, s.k.source(name, "status"), data, 0).Err(); err != nil {
		return fmt.Errorf("store: save source status %s: %w", name, err)
	}
	return nil
}

// LoadSourceStatus returns a source's status; ErrNotFound when the source
// was never polled.
func (s *Store) LoadSourceStatus(ctx context.Context, name string) ([]byte, error) {
	data, err := s.rdb.Get(ctx, s.k.source(name, "status")).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: source status %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: load source status %s: %w", name, err)
	}
	return data, nil
}

// MarkSourceItems remembers items (opaque ids) as handed over by a source,
// keeping the newest maxSourceItems.
func (s *Store) MarkSourceItems(ctx context.Context, name string, items []string) error {
	if len(items) == 0 {
		return nil
	}
	key := s.k.source(name, "items")
	now := float64(time.Now().UnixMilli())
	members := make([]redis.Z, len(items))
	for i, it := range items {
		members[i] = redis.Z{Score: now, Member: it}
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, key, members...)
		p.ZRemRangeByRank(ctx, key, 0, -maxSourceItems-1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: mark source items %s: %w", name, err)
	}
	return nil
}

// SourceItemsSeen reports, for each item, whether MarkSourceItems
// remembers it for the source.
func (s *Store) SourceItemsSeen(ctx context.Context, name string, items []string) ([]bool, error) {
	seen := make([]bool, len(items))
	if len(items) == 0 {
		return seen, nil
	}
	scores, err := s.rdb.ZMScore(ctx, s.k.source(name, "items"), items...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: source items %s: %w", name, err)
	}
	for i, sc := range scores {
		seen[i] = sc != 0 // a missing member reads as 0; marks are times in ms
	}
	return seen, nil
}
