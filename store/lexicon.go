package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The lexicon is every word the stored bulletins give a meaning to — the
// places, bodies, meeting names and types, people, posts and document
// numbers — each with the facet it names. It is written with the bulletin
// (so a name is understood the moment its bulletin is stored) into one
// sorted set scored by when the word first appeared, which lets a reader
// fetch only what is new since it last looked.

// lexSep separates a word from its facet in a lexicon member.
const lexSep = "\t"

// writeFacets queues a bulletin's facet index entries and lexicon words.
func (s *Store) writeFacets(ctx context.Context, p redis.Pipeliner, member redis.Z, facets []string, words []lexEntry) {
	for _, f := range facets {
		p.ZAdd(ctx, s.k.cat("f", f), member)
	}
	if len(words) == 0 {
		return
	}
	now := float64(time.Now().UnixMilli())
	zs := make([]redis.Z, len(words))
	for i, w := range words {
		zs[i] = redis.Z{Score: now, Member: w.word + lexSep + w.facet}
	}
	p.ZAddNX(ctx, s.k.cat("lex"), zs...)
}

// LexiconSince returns the lexicon words that appeared after since (a
// cursor from an earlier call; 0 for all of them) as word → facets, and the
// cursor to pass next time. Words are folded (simplified characters, no
// punctuation, lower case).
func (s *Store) LexiconSince(ctx context.Context, since int64) (map[string][]string, int64, error) {
	// Replicas' clocks differ a little: look back a few seconds; a word seen
	// twice is harmless.
	const overlap = 1000
	minScore := "-inf"
	if since > 0 {
		minScore = strconv.FormatInt(since-overlap, 10)
	}
	zs, err := s.rdb.ZRangeByScoreWithScores(ctx, s.k.cat("lex"), &redis.ZRangeBy{Min: minScore, Max: "+inf"}).Result()
	if err != nil {
		return nil, since, fmt.Errorf("store: lexicon: %w", err)
	}
	out := make(map[string][]string, len(zs))
	next := since
	for _, z := range zs {
		word, facet, ok := strings.Cut(z.Member.(string), lexSep)
		if !ok {
			continue
		}
		out[word] = append(out[word], facet)
		next = max(next, int64(z.Score))
	}
	return out, next, nil
}
