package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// A consumer of a delivery queue (one replica's dispatcher) renews a
// heartbeat while it runs. When a replica dies, its heartbeat lapses within
// seconds and another takes over the deliveries it had received, and the
// send leases it held, at once: waiting for the entries' idle time (which
// must exceed the longest send) would hold them back for most of a minute.

func (s *Store) aliveKey(consumer string) string { return s.k.alive(consumer) }

// Heartbeat marks a consumer alive for ttl; a running consumer renews it
// well within ttl.
func (s *Store) Heartbeat(ctx context.Context, consumer string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.aliveKey(consumer), 1, ttl).Err(); err != nil {
		return fmt.Errorf("store: heartbeat of %s: %w", consumer, err)
	}
	return nil
}

// ReclaimDead takes over for consumer, up to count, the deliveries that
// other consumers of a platform's queue received and had not settled when
// they died: a consumer is dead when its heartbeat lapsed and it has not
// read the queue for idle either (so one that never sends heartbeats but
// still reads is left alone). It returns the deliveries and, for each, the
// consumer it was taken from.
func (s *Store) ReclaimDead(ctx context.Context, platform, consumer string, idle time.Duration, count int) ([]content.Delivery, []string, error) {
	consumers, err := s.rdb.XInfoConsumers(ctx, s.stream(platform), queueGroup).Result()
	if err != nil {
		return nil, nil, fmt.Errorf("store: consumers of %s: %w", platform, err)
	}
	var out []content.Delivery
	var from []string
	for _, c := range consumers {
		if len(out) >= count {
			break
		}
		// The embedded store reports -1 when it did not record the time.
		if c.Name == consumer || c.Idle >= 0 && c.Idle < idle {
			continue
		}
		alive, err := s.rdb.Exists(ctx, s.aliveKey(c.Name)).Result()
		if err != nil {
			return out, from, fmt.Errorf("store: heartbeat of %s: %w", c.Name, err)
		}
		if alive > 0 {
			continue
		}
		if c.Pending == 0 {
			// A replica that stopped with nothing pending: forget it, so
			// the list does not grow with every restart. (A consumer that
			// reads again is created again.)
			if err := s.rdb.XGroupDelConsumer(ctx, s.stream(platform), queueGroup, c.Name).Err(); err != nil {
				return out, from, fmt.Errorf("store: forget consumer %s on %s: %w", c.Name, platform, err)
			}
			continue
		}
		pending, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
			Stream: s.stream(platform), Group: queueGroup, Start: "-", End: "+", Count: int64(count - len(out)), Consumer: c.Name,
		}).Result()
		if err != nil {
			return out, from, fmt.Errorf("store: pending of %s on %s: %w", c.Name, platform, err)
		}
		if len(pending) == 0 {
			continue
		}
		ids := make([]string, len(pending))
		for i, p := range pending {
			ids[i] = p.ID
		}
		msgs, err := s.rdb.XClaim(ctx, &redis.XClaimArgs{
			Stream: s.stream(platform), Group: queueGroup, Consumer: consumer, Messages: ids,
		}).Result()
		if err != nil {
			return out, from, fmt.Errorf("store: take over %s's deliveries on %s: %w", c.Name, platform, err)
		}
		for _, d := range decodeDeliveries(msgs) {
			out = append(out, d)
			from = append(from, c.Name)
		}
	}
	return out, from, nil
}

// dropLeaseScript drops a send lease held by a claim of the given owner
// (its token starts with "owner/"). KEYS: the lease. ARGV: the prefix.
var dropLeaseScript = redis.NewScript(`
local t = redis.call('GET', KEYS[1])
if t and string.sub(t, 1, #ARGV[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`)

// DropLeasesOf drops the send leases of deliveries (on claimIDs[i]) that
// dead consumers (owners[i]) held, so they can be sent at once; a lease
// another sender took since is kept.
func (s *Store) DropLeasesOf(ctx context.Context, ds []content.Delivery, claimIDs, owners []string) error {
	if len(ds) == 0 {
		return nil
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, d := range ds {
			dropLeaseScript.Eval(ctx, p, []string{s.leaseKey(claimIDs[i], d.Dense)}, owners[i]+"/")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: drop %d leases of dead consumers: %w", len(ds), err)
	}
	return nil
}
