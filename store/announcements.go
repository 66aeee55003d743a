package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// SaveAnnouncement stores an admin's announcement so it can be read
// through personal links and counted like a bulletin; it is not added to
// the timeline or the search index.
func (s *Store) SaveAnnouncement(ctx context.Context, b *content.Bulletin) error {
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("store: encode announcement: %w", err)
	}
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.k.bulletin(b.ID), data, 0)
		p.ZAdd(ctx, s.k.cat("announcements"), redis.Z{Score: float64(b.PublishedAt.Unix()), Member: b.ID})
		return nil
	}); err != nil {
		return fmt.Errorf("store: save announcement %s: %w", b.ID, err)
	}
	return nil
}
