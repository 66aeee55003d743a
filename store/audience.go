package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// CountBulletinAudience is how many active subscribers the bulletin goes
// to (see Audience), those who take a daily digest included: who will
// receive it, now or in their digest. The console shows it before an
// admin publishes.
func (s *Store) CountBulletinAudience(ctx context.Context, b *content.Bulletin) (int64, error) {
	keys, within, err := s.bulletinSets(ctx, b)
	if err != nil {
		return 0, err
	}
	return s.countSets(ctx, keys, within)
}

// bulletinSets are the subscriber sets a bulletin goes to: the union of
// keys, intersected (when within names any) with the union of within —
// the platforms its audience is restricted to. Every one is a {sub} key,
// so one command may touch them together on Redis Cluster.
func (s *Store) bulletinSets(ctx context.Context, b *content.Bulletin) (keys, within []string, err error) {
	a := b.Audience
	if err := a.Check(); err != nil {
		return nil, nil, fmt.Errorf("store: bulletin %s: %w", b.ID, err)
	}
	if a.Chosen() {
		segs := make([]content.Segment, 0, len(a.Topics)+len(a.Units))
		for _, t := range a.Topics {
			segs = append(segs, content.Segment(content.SubTopic+":"+t))
		}
		for _, u := range a.Units {
			segs = append(segs, content.Segment("unit:"+u))
		}
		for _, seg := range segs {
			k, err := s.segmentKeys(seg)
			if err != nil {
				return nil, nil, err
			}
			keys = append(keys, k...)
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
	} else if keys, err = s.subscribedKeys(ctx, b); err != nil {
		return nil, nil, err
	}
	for _, p := range a.Platforms {
		within = append(within, s.k.subs("platform", p))
	}
	return keys, within, nil
}

// restrict leaves in the set tmp only active subscribers and, when within
// names sets, only those in one of them.
func (s *Store) restrict(ctx context.Context, p redis.Pipeliner, tmp string, within []string) {
	p.SInterStore(ctx, tmp, tmp, s.k.byStatus(content.StatusActive))
	if len(within) == 0 {
		return
	}
	w := s.k.subs("tmp", randomToken())
	p.SUnionStore(ctx, w, within...)
	p.SInterStore(ctx, tmp, tmp, w)
	p.Del(ctx, w)
}

// countSets counts the active subscribers in the union of keys and, when
// within names sets, in the union of those too.
func (s *Store) countSets(ctx context.Context, keys, within []string) (int64, error) {
	if len(keys) == 1 && len(within) == 0 {
		n, err := s.rdb.SInterCard(ctx, 0, keys[0], s.k.byStatus(content.StatusActive)).Result()
		if err != nil {
			return 0, fmt.Errorf("store: count audience: %w", err)
		}
		return n, nil
	}
	tmp := s.k.subs("tmp", randomToken())
	var n *redis.IntCmd
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SUnionStore(ctx, tmp, keys...)
		s.restrict(ctx, p, tmp, within)
		n = p.SCard(ctx, tmp)
		p.Del(ctx, tmp)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("store: count audience: %w", err)
	}
	return n.Val(), nil
}
