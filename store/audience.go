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
// admin publishes. A subscriber is on one platform, so a restriction to
// several is the sum of the counts on each (see countActive).
func (s *Store) CountBulletinAudience(ctx context.Context, b *content.Bulletin) (int64, error) {
	keys, platforms, err := s.bulletinSets(ctx, b)
	if err != nil {
		return 0, err
	}
	among := [][]string{nil}
	if len(platforms) > 0 {
		among = among[:0]
		for _, pl := range platforms {
			among = append(among, []string{pl})
		}
	}
	n, err := s.countActive(ctx, keys, among)
	if err != nil {
		return 0, fmt.Errorf("store: count audience of %s: %w", b.ID, err)
	}
	return n, nil
}

// countActive is how many active subscribers are in the union of keys
// and in every set of one of among, summed over among (whose restrictions
// must not overlap; {nil} for no restriction).
//
// It counts without building the union when it can: those who take
// everything (usually nearly everyone) are counted in place, and only the
// others in the union, less them. Nor does it intersect with the active
// subscribers, the largest set there is: every subscriber has exactly one
// status, so the active ones of a set are the set less its blocked and
// left ones, few as a rule. Every count then costs about the size of the
// smallest set it meets, and one without a restriction the size of the
// inactive ones.
func (s *Store) countActive(ctx context.Context, keys []string, among [][]string) (int64, error) {
	all := s.k.subs("all")
	rest := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == all })
	var inactive []string
	for _, st := range content.Statuses {
		if st != content.StatusActive {
			inactive = append(inactive, s.k.byStatus(st))
		}
	}
	var plus, minus []*redis.IntCmd
	count := func(p redis.Pipeliner, set string, in []string) {
		sets := append([]string{set}, in...)
		if len(in) == 0 {
			plus = append(plus, p.SCard(ctx, set))
		} else {
			plus = append(plus, p.SInterCard(ctx, 0, sets...))
		}
		for _, st := range inactive {
			minus = append(minus, p.SInterCard(ctx, 0, append(slices.Clip(sets), st)...))
		}
	}
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if len(rest) < len(keys) {
			for _, in := range among {
				count(p, all, in)
			}
		}
		var set string
		switch {
		case len(rest) == 0:
			return nil
		case len(rest) == 1 && len(rest) == len(keys):
			set = rest[0]
		default:
			set = s.k.subs("tmp", randomToken())
			p.SUnionStore(ctx, set, rest...)
			if len(rest) < len(keys) {
				p.SDiffStore(ctx, set, set, all)
			}
			defer p.Del(ctx, set) // queued after the counts below
		}
		for _, in := range among {
			count(p, set, in)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	var n int64
	for _, c := range plus {
		n += c.Val()
	}
	for _, c := range minus {
		n -= c.Val()
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
