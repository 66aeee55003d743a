package store

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// complete records a delivery as done, whoever holds its lease: what
// FinishDelivery records, without a queue entry to acknowledge.
func (s *Store) complete(ctx context.Context, bulletinID string, dense int64) error {
	keys := []string{s.k.perBulletin(bulletinID, "dlv"), s.leaseKey(bulletinID, dense)}
	if err := completeScript.Run(ctx, s.rdb, keys, dense, int64(s.cfg.DeliveryRetention/time.Second), "").Err(); err != nil {
		return fmt.Errorf("store: complete b=%s s=%d: %w", bulletinID, dense, err)
	}
	return nil
}

// isDelivered reports whether a bulletin was delivered to a subscriber.
func (s *Store) isDelivered(ctx context.Context, bulletinID string, dense int64) (bool, error) {
	v, err := s.rdb.GetBit(ctx, s.k.perBulletin(bulletinID, "dlv"), dense).Result()
	return v == 1, err
}

// aliases are the other addresses a bulletin was published at (copies
// recognized as duplicates), sorted.
func (s *Store) aliases(ctx context.Context, id string) ([]string, error) {
	b, err := s.Bulletin(ctx, id)
	if err != nil {
		return nil, err
	}
	all, err := s.rdb.SMembers(ctx, s.k.cat("alias", id)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: aliases of %s: %w", id, err)
	}
	out := all[:0]
	for _, u := range all {
		if u != b.URL {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out, nil
}
