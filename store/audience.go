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
//
// It counts without building the union when it can: those who take
// everything (usually nearly everyone) are counted in place, and only the
// others in the union, less them. A subscriber is on one platform, so a
// restriction to several is the sum of the counts on each. Every count
// then costs about the size of the smallest set it meets.
func (s *Store) CountBulletinAudience(ctx context.Context, b *content.Bulletin) (int64, error) {
	keys, platforms, err := s.bulletinSets(ctx, b)
	if err != nil {
		return 0, err
	}
	all := s.k.subs("all")
	rest := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == all })
	among := [][]string{{s.k.byStatus(content.StatusActive)}}
	if len(platforms) > 0 {
		among = among[:0]
		for _, pl := range platforms {
			among = append(among, []string{s.k.byStatus(content.StatusActive), pl})
		}
	}
	tmp := s.k.subs("tmp", randomToken())
	var ns []*redis.IntCmd
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if len(rest) < len(keys) {
			for _, in := range among {
				ns = append(ns, p.SInterCard(ctx, 0, append([]string{all}, in...)...))
			}
		}
		if len(rest) == 0 {
			return nil
		}
		p.SUnionStore(ctx, tmp, rest...)
		if len(rest) < len(keys) {
			p.SDiffStore(ctx, tmp, tmp, all)
		}
		for _, in := range among {
			ns = append(ns, p.SInterCard(ctx, 0, append([]string{tmp}, in...)...))
		}
		p.Del(ctx, tmp)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("store: count audience of %s: %w", b.ID, err)
	}
	var n int64
	for _, c := range ns {
		n += c.Val()
	}
	return n, nil
}

// bulletinSets are the subscriber sets a bulletin goes to: the union of
// keys, and of those the ones in one of platforms (the sets of the
// platforms its audience is restricted to) unless none is named. Every
// one is a {sub} key, so one command may touch them together on Redis
// Cluster.
func (s *Store) bulletinSets(ctx context.Context, b *content.Bulletin) (keys, platforms []string, err error) {
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
		platforms = append(platforms, s.k.subs("platform", p))
	}
	return keys, platforms, nil
}

// unionSet is one set of the subscribers in any of sets, "" for none; done
// removes it when it was made for the purpose (for more than one set).
func (s *Store) unionSet(ctx context.Context, sets []string) (set string, done func(), err error) {
	switch len(sets) {
	case 0:
		return "", func() {}, nil
	case 1:
		return sets[0], func() {}, nil
	}
	tmp := s.k.subs("tmp", randomToken())
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SUnionStore(ctx, tmp, sets...)
		p.Expire(ctx, tmp, time.Hour)
		return nil
	}); err != nil {
		return "", nil, fmt.Errorf("store: audience platforms: %w", err)
	}
	return tmp, func() { s.rdb.Del(context.WithoutCancel(ctx), tmp) }, nil
}
