package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// CountBulletinAudience is how many active subscribers the bulletin goes
// to (see Audience), those who take a daily digest included: who will
// receive it, now or in their digest. The console shows it before an
// admin publishes.
func (s *Store) CountBulletinAudience(ctx context.Context, b *content.Bulletin) (int64, error) {
	keys, within, done, err := s.bulletinSets(ctx, b)
	if err != nil {
		return 0, err
	}
	defer done()
	among := []string{s.k.byStatus(content.StatusActive)}
	if within != "" {
		among = append(among, within)
	}
	tmp := s.k.subs("tmp", randomToken())
	var n *redis.IntCmd
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SUnionStore(ctx, tmp, keys...)
		n = p.SInterCard(ctx, 0, append([]string{tmp}, among...)...)
		p.Del(ctx, tmp)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("store: count audience of %s: %w", b.ID, err)
	}
	return n.Val(), nil
}

// bulletinSets are the subscriber sets a bulletin goes to: the union of
// keys, and of those the ones in the set within unless it is "" (the
// platforms its audience is restricted to). Every one is a {sub} key, so
// one command may touch them together on Redis Cluster. done removes
// what was made for the purpose.
func (s *Store) bulletinSets(ctx context.Context, b *content.Bulletin) (keys []string, within string, done func(), err error) {
	a := b.Audience
	if err := a.Check(); err != nil {
		return nil, "", nil, fmt.Errorf("store: bulletin %s: %w", b.ID, err)
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
				return nil, "", nil, err
			}
			keys = append(keys, k...)
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
	} else if keys, err = s.subscribedKeys(ctx, b); err != nil {
		return nil, "", nil, err
	}
	within, done, err = s.platformSet(ctx, a.Platforms)
	return keys, within, done, err
}

// platformSet is the set of the subscribers on any of the platforms, ""
// for none named; done removes it when it was made for the purpose (for
// more than one platform).
func (s *Store) platformSet(ctx context.Context, platforms []string) (set string, done func(), err error) {
	switch len(platforms) {
	case 0:
		return "", func() {}, nil
	case 1:
		return s.k.subs("platform", platforms[0]), func() {}, nil
	}
	keys := make([]string, len(platforms))
	for i, p := range platforms {
		keys[i] = s.k.subs("platform", p)
	}
	tmp := s.k.subs("tmp", randomToken())
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SUnionStore(ctx, tmp, keys...)
		p.Expire(ctx, tmp, time.Hour)
		return nil
	}); err != nil {
		return "", nil, fmt.Errorf("store: audience platforms: %w", err)
	}
	return tmp, func() { s.rdb.Del(context.WithoutCancel(ctx), tmp) }, nil
}
