package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// selectScanPage is how many ids of the smallest set one round trip
// reads.
const selectScanPage = 200

// selectIDs pages, newest first, through the bulletins that are in every
// one of sets with a score in rng's range: it walks the smallest set and
// asks the others for its members' scores (ZMSCORE), so its cost follows
// the page, not the size of the sets, and it runs on a Redis Cluster (no
// multi-key command). The total is exact when the smallest set's range
// holds at most selectScanMax members, and otherwise estimated from the
// share of them that matched.
func (s *Store) selectIDs(ctx context.Context, sets []string, rng *redis.ZRangeBy, offset, limit int) ([]string, int64, error) {
	counts := make([]*redis.IntCmd, len(sets))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range sets {
			counts[i] = p.ZCount(ctx, k, rng.Min, rng.Max)
		}
		return nil
	}); err != nil {
		return nil, 0, fmt.Errorf("store: select: %w", err)
	}
	smallest := 0
	for i, c := range counts {
		if c.Val() < counts[smallest].Val() {
			smallest = i
		}
	}
	inRange := counts[smallest].Val()
	if inRange == 0 {
		return nil, 0, nil
	}
	others := make([]string, 0, len(sets)-1)
	for i, k := range sets {
		if i != smallest {
			others = append(others, k)
		}
	}
	var ids []string
	found, scanned := 0, 0
	for from := int64(0); from < inRange; from += selectScanPage {
		page, err := s.rdb.ZRevRangeByScore(ctx, sets[smallest], &redis.ZRangeBy{Min: rng.Min, Max: rng.Max, Offset: from, Count: selectScanPage}).Result()
		if err != nil {
			return nil, 0, fmt.Errorf("store: select: %w", err)
		}
		if len(page) == 0 {
			break
		}
		scores := make([]*redis.FloatSliceCmd, len(others))
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range others {
				scores[i] = p.ZMScore(ctx, k, page...)
			}
			return nil
		}); err != nil {
			return nil, 0, fmt.Errorf("store: select: %w", err)
		}
		for j, id := range page {
			in := true
			for i := range others {
				// A missing member scores 0; every stored one has a date.
				if scores[i].Val()[j] == 0 {
					in = false
					break
				}
			}
			if !in {
				continue
			}
			if found >= offset && found < offset+limit {
				ids = append(ids, id)
			}
			found++
		}
		scanned += len(page)
		if found >= offset+limit && int64(scanned) < inRange {
			// Enough for the page; estimate the rest.
			return ids, max(int64(found), int64(float64(found)/float64(scanned)*float64(inRange))), nil
		}
	}
	return ids, int64(found), nil
}
