package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// Audit appends an admin action to the audit log (a capped stream).
func (s *Store) Audit(ctx context.Context, e content.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	data, _ := json.Marshal(e)
	err := s.rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.k.audit(), MaxLen: 100000, Approx: true, Values: []string{"e", string(data)}}).Err()
	if err != nil {
		return fmt.Errorf("store: audit %s by %s: %w", e.Action, e.Actor, err)
	}
	return nil
}

// AuditLog returns the newest audit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, n int) ([]content.AuditEntry, error) {
	msgs, err := s.rdb.XRevRangeN(ctx, s.k.audit(), "+", "-", int64(n)).Result()
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
