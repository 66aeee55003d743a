package store

import (
	"context"
	"fmt"
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
