package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// SaveBulletin stores one bulletin unless it is already stored or is a
// republished copy of a stored one; see SaveBulletins.
func (s *Store) SaveBulletin(ctx context.Context, b *content.Bulletin) (content.SaveResult, error) {
	res, err := s.SaveBulletins(ctx, []*content.Bulletin{b})
	if err != nil {
		return content.SaveResult{}, err
	}
	return res[0], nil
}

// SaveBulletins stores bulletins, pipelined: each is checked against the
// exact fingerprints and the near-duplicate bands of what is stored (and of
// the batch); a copy is not stored again but its URL is recorded as an
// alias of the original. Saving is idempotent by id.
func (s *Store) SaveBulletins(ctx context.Context, bs []*content.Bulletin) ([]content.SaveResult, error) {
	seg, err := s.segmenter()
	if err != nil {
		return nil, err
	}
	results := make([]content.SaveResult, len(bs))

	// 1. Claim each exact fingerprint; a claim that fails names the
	//    bulletin stored with that text.
	claims := make([]*redis.BoolCmd, len(bs))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, b := range bs {
			claims[i] = p.SetNX(ctx, s.k.cat("fp", b.Fingerprint.Exact), b.ID, 0)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: save bulletins: claim fingerprints: %w", err)
	}
	owners := make([]*redis.StringCmd, len(bs))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, b := range bs {
			results[i].ID = b.ID
			if claims[i].Val() {
				results[i].New = true
				continue
			}
			owners[i] = p.Get(ctx, s.k.cat("fp", b.Fingerprint.Exact))
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: save bulletins: read fingerprints: %w", err)
	}
	for i := range bs {
		if owners[i] != nil {
			results[i].DuplicateOf, results[i].Similarity = owners[i].Val(), 1
		}
	}

	// 2. Near duplicates among the stored bulletins and earlier ones in
	//    this batch.
	if err := s.findNearDuplicates(ctx, bs, results); err != nil {
		return nil, err
	}

	// 3. Write the new ones with their indexes; record copies as aliases.
	// Cutting words is most of the client's work: it runs on every core.
	weights := make([]map[string]float64, len(bs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				weights[i] = termWeights(seg, bs[i])
			}
		}()
	}
	for i := range bs {
		if results[i].New {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	seq, err := s.takeSequence(ctx, results)
	if err != nil {
		return nil, err
	}
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, b := range bs {
			r := results[i]
			if !r.New {
				if b.URL != "" {
					p.SAdd(ctx, s.k.cat("alias", r.DuplicateOf), b.URL)
				}
				if r.Similarity < 1 {
					// Point this variant's exact text at the original too.
					p.Set(ctx, s.k.cat("fp", b.Fingerprint.Exact), r.DuplicateOf, 0)
				}
				continue
			}
			if err := s.writeBulletin(ctx, p, b, timelineScore(b.PublishedAt, seq[i]), weights[i]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: save bulletins: %w", err)
	}
	return results, nil
}

// Aliases are the other addresses a bulletin was published at: copies
// recognized as duplicates when they came in, and so neither stored nor
// pushed again. Sorted.
func (s *Store) Aliases(ctx context.Context, id string) ([]string, error) {
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
	slices.Sort(out)
	return out, nil
}

// findNearDuplicates marks as duplicates the bulletins whose MinHash bands
// meet a stored (or earlier batch) bulletin with similarity above the
// threshold.
func (s *Store) findNearDuplicates(ctx context.Context, bs []*content.Bulletin, results []content.SaveResult) error {
	bands := make([][]*redis.StringSliceCmd, len(bs))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, b := range bs {
			if !results[i].New {
				continue
			}
			for _, band := range b.Fingerprint.Bands() {
				bands[i] = append(bands[i], p.SMembers(ctx, s.k.cat("lsh", band)))
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("store: near-duplicate lookup: %w", err)
	}
	candidates := map[string]bool{}
	for i := range bs {
		for _, c := range bands[i] {
			for _, id := range c.Val() {
				candidates[id] = true
			}
		}
	}
	ids := make([]string, 0, len(candidates))
	for id := range candidates {
		ids = append(ids, id)
	}
	stored, err := s.Bulletins(ctx, ids)
	if err != nil {
		return err
	}
	for i, b := range bs {
		if !results[i].New {
			continue
		}
		best, bestSim := "", 0.0
		compare := func(other *content.Bulletin) {
			if other == nil || other.ID == b.ID {
				return
			}
			if sim := b.Fingerprint.Similarity(other.Fingerprint); sim > bestSim {
				best, bestSim = other.ID, sim
			}
		}
		for _, o := range stored {
			compare(o)
		}
		for j := 0; j < i; j++ {
			if results[j].New {
				compare(bs[j])
			}
		}
		if best != "" && bestSim >= content.SameArticleThreshold {
			results[i] = content.SaveResult{ID: b.ID, DuplicateOf: best, Similarity: bestSim}
		}
	}
	return nil
}

// sequenceSpan is how many stored bulletins the timeline tells apart
// within one second of publication: 2^20 steps of the score's fraction,
// four float64 ulps apart at today's Unix times.
const sequenceSpan = 1 << 20

// takeSequence numbers the new bulletins of a batch in the order they are
// stored (one INCRBY for the batch); the others get 0.
func (s *Store) takeSequence(ctx context.Context, results []content.SaveResult) ([]int64, error) {
	seq := make([]int64, len(results))
	n := int64(0)
	for _, r := range results {
		if r.New {
			n++
		}
	}
	if n == 0 {
		return seq, nil
	}
	last, err := s.rdb.IncrBy(ctx, s.k.cat("seq"), n).Result()
	if err != nil {
		return nil, fmt.Errorf("store: save bulletins: number them: %w", err)
	}
	next := last - n + 1
	for i, r := range results {
		if r.New {
			seq[i], next = next, next+1
		}
	}
	return seq, nil
}

// timelineScore orders bulletins by publication time and, among those
// published in the same second (most sites give only a date), by when
// they were stored: the later stored is the newer. The store number adds
// a fraction below one, so a date range on whole seconds still holds
// exactly the bulletins published in it.
func timelineScore(published time.Time, seq int64) float64 {
	return float64(published.Unix()) + float64(seq%sequenceSpan)/sequenceSpan
}

// writeBulletin queues the bulletin and every index entry it needs, with
// its timeline score and its words' BM25 weights.
func (s *Store) writeBulletin(ctx context.Context, p redis.Pipeliner, b *content.Bulletin, score float64, weights map[string]float64) error {
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode bulletin %s: %w", b.ID, err)
	}
	member := redis.Z{Score: score, Member: b.ID}
	p.Set(ctx, s.k.bulletin(b.ID), data, 0)
	p.ZAdd(ctx, s.k.cat("tl"), member)
	p.ZAdd(ctx, s.k.cat("kind", string(b.Kind)), member)
	for _, tag := range b.Tags {
		p.ZAdd(ctx, s.k.cat("tag", tag), member)
	}
	for _, band := range b.Fingerprint.Bands() {
		p.SAdd(ctx, s.k.cat("lsh", band), b.ID)
	}
	facets, words := bulletinFacets(b)
	s.writeFacets(ctx, p, member, facets, words)
	for term, weight := range weights {
		p.ZAdd(ctx, s.k.cat("ix", term), redis.Z{Score: weight, Member: b.ID})
	}
	return nil
}

// Bulletin returns one stored bulletin, or ErrNotFound.
func (s *Store) Bulletin(ctx context.Context, id string) (*content.Bulletin, error) {
	data, err := s.rdb.Get(ctx, s.k.bulletin(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: get bulletin %s: %w", id, err)
	}
	var b content.Bulletin
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("store: decode bulletin %s: %w", id, err)
	}
	return &b, nil
}

// Bulletins returns the stored bulletins with these ids, in order; a
// missing one is nil.
func (s *Store) Bulletins(ctx context.Context, ids []string) ([]*content.Bulletin, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.StringCmd, len(ids))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.Get(ctx, s.k.bulletin(id))
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: get bulletins: %w", err)
	}
	out := make([]*content.Bulletin, len(ids))
	for i, c := range cmds {
		data, err := c.Bytes()
		if err != nil {
			continue
		}
		var b content.Bulletin
		if err := json.Unmarshal(data, &b); err != nil {
			return nil, fmt.Errorf("store: decode bulletin %s: %w", ids[i], err)
		}
		out[i] = &b
	}
	return out, nil
}

// Timeline returns bulletins newest first, offset and limit paging them,
// and how many match in all (estimated past a few thousand when the filter
// combines several sets; see selectIDs).
func (s *Store) Timeline(ctx context.Context, f content.Filter, offset, limit int) ([]*content.Bulletin, int64, error) {
	key := s.k.cat("tl")
	var sets []string
	if f.Kind != "" {
		sets = append(sets, s.k.cat("kind", string(f.Kind)))
	}
	if f.Tag != "" {
		sets = append(sets, s.k.cat("tag", f.Tag))
	}
	for _, facet := range f.Facets {
		sets = append(sets, s.k.cat("f", facet))
	}
	rng := &redis.ZRangeBy{Min: "-inf", Max: "+inf", Offset: int64(offset), Count: int64(limit)}
	if !f.From.IsZero() {
		rng.Min = fmt.Sprint(f.From.Unix())
	}
	if !f.To.IsZero() {
		rng.Max = "(" + fmt.Sprint(f.To.Unix())
	}
	var ids []string
	var total int64
	switch len(sets) {
	case 0, 1:
		if len(sets) == 1 {
			key = sets[0]
		}
		var idsCmd *redis.StringSliceCmd
		var countCmd *redis.IntCmd
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			idsCmd = p.ZRevRangeByScore(ctx, key, rng)
			countCmd = p.ZCount(ctx, key, rng.Min, rng.Max)
			return nil
		}); err != nil {
			return nil, 0, fmt.Errorf("store: timeline: %w", err)
		}
		ids, total = idsCmd.Val(), countCmd.Val()
	default:
		var err error
		if ids, total, err = s.selectIDs(ctx, sets, rng, offset, limit); err != nil {
			return nil, 0, err
		}
	}
	bs, err := s.Bulletins(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	return compact(bs), total, nil
}

// compact drops nil entries (bulletins deleted between index and read).
func compact(bs []*content.Bulletin) []*content.Bulletin {
	out := bs[:0]
	for _, b := range bs {
		if b != nil {
			out = append(out, b)
		}
	}
	return out
}

// normalizeMatch folds what a user typed and what it is matched against:
// no spaces or punctuation, lower case.
func normalizeMatch(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		case r < 0x80:
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '|' {
				b.WriteRune(r)
			}
		case unicode.Is(unicode.Han, r):
			b.WriteRune(r) // the common case, and caseless
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// CountBulletins is how many bulletins are stored, by kind.
func (s *Store) CountBulletins(ctx context.Context) (total int64, byKind map[content.Kind]int64, err error) {
	kinds := []content.Kind{content.KindMeeting, content.KindNotice, content.KindNews}
	cmds := make([]*redis.IntCmd, len(kinds))
	var all *redis.IntCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		all = p.ZCard(ctx, s.k.cat("tl"))
		for i, k := range kinds {
			cmds[i] = p.ZCard(ctx, s.k.cat("kind", string(k)))
		}
		return nil
	}); err != nil {
		return 0, nil, fmt.Errorf("store: count bulletins: %w", err)
	}
	byKind = map[content.Kind]int64{}
	for i, k := range kinds {
		byKind[k] = cmds[i].Val()
	}
	return all.Val(), byKind, nil
}
