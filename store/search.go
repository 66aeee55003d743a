package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// BM25 parameters. Document length is normalized against a fixed typical
// length rather than the corpus average, so a posting's score never changes
// after it is written (no re-indexing as the corpus grows); government
// bulletins vary less in length than the web pages BM25 was tuned on.
const (
	bm25K1        = 1.2
	bm25B         = 0.75
	typicalDocLen = 400.0
	// titleWeight counts a word in the title as this many body mentions.
	titleWeight = 3
	// recencyWeight turns a publication time (Unix seconds) into a score
	// far below one relevance point, so it only breaks ties.
	recencyWeight = 1e-12
	// rerankDepth is how many top hits get the phrase bonus and snippets.
	rerankDepth = 50
)

// termWeights returns each indexed word of a bulletin with its BM25 term
// weight (tf saturation and length normalization; idf is applied at query
// time).
func termWeights(seg *content.Segmenter, b *content.Bulletin) map[string]float64 {
	tf := map[string]float64{}
	for _, w := range seg.SearchWords(b.Title) {
		tf[w] += titleWeight
	}
	bodyLen := 0
	for _, p := range b.Paragraphs {
		for _, w := range seg.SearchWords(p) {
			tf[w]++
			bodyLen++
		}
	}
	norm := bm25K1 * (1 - bm25B + bm25B*float64(bodyLen)/typicalDocLen)
	out := make(map[string]float64, len(tf))
	for w, f := range tf {
		out[w] = f * (bm25K1 + 1) / (f + norm)
	}
	return out
}

// Search finds the bulletins that contain every word of the query (AND),
// ranked by BM25 with a bonus when the query appears as written, newest
// first among equals. It returns up to limit hits from offset and the
// number of matches.
func (s *Store) Search(ctx context.Context, query string, offset, limit int) ([]content.SearchHit, int64, error) {
	seg, err := s.segmenter()
	if err != nil {
		return nil, 0, err
	}
	terms := uniqueWords(seg.Words(query))
	if len(terms) == 0 {
		terms = uniqueWords(seg.SearchWords(query))
	}
	if len(terms) == 0 {
		return nil, 0, nil
	}
	// Document frequencies for idf.
	dfs := make([]*redis.IntCmd, len(terms))
	var docs *redis.IntCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		docs = p.ZCard(ctx, s.k.cat("tl"))
		for i, t := range terms {
			dfs[i] = p.ZCard(ctx, s.k.cat("ix", t))
		}
		return nil
	}); err != nil {
		return nil, 0, fmt.Errorf("store: search: %w", err)
	}
	n := float64(docs.Val())
	keys := make([]string, 0, len(terms)+1)
	weights := make([]float64, 0, len(terms)+1)
	for i, t := range terms {
		df := float64(dfs[i].Val())
		if df == 0 {
			return nil, 0, nil // AND: a word nothing contains matches nothing
		}
		keys = append(keys, s.k.cat("ix", t))
		weights = append(weights, math.Log(1+(n-df+0.5)/(df+0.5)))
	}
	keys = append(keys, s.k.cat("tl"))
	weights = append(weights, recencyWeight)

	depth := max(offset+limit, rerankDepth)
	tmp := s.k.cat("tmp", randomToken())
	var top *redis.ZSliceCmd
	var total *redis.IntCmd
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZInterStore(ctx, tmp, &redis.ZStore{Keys: keys, Weights: weights, Aggregate: "SUM"})
		top = p.ZRevRangeWithScores(ctx, tmp, 0, int64(depth-1))
		total = p.ZCard(ctx, tmp)
		p.Del(ctx, tmp)
		return nil
	}); err != nil {
		return nil, 0, fmt.Errorf("store: search: %w", err)
	}
	ids := make([]string, len(top.Val()))
	for i, z := range top.Val() {
		ids[i] = z.Member.(string)
	}
	bs, err := s.Bulletins(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	phrase := normalizeMatch(query)
	hits := make([]content.SearchHit, 0, len(bs))
	for i, b := range bs {
		if b == nil {
			continue
		}
		h := content.SearchHit{Bulletin: b, Score: top.Val()[i].Score}
		// Phrase-ish ranking: the query as written, in the title or text.
		if len([]rune(phrase)) > 1 {
			switch {
			case strings.Contains(normalizeMatch(b.Title), phrase):
				h.Score += 2
			case strings.Contains(normalizeMatch(b.Text()), phrase):
				h.Score += 1
			}
		}
		h.Snippet = snippet(b, terms, query)
		hits = append(hits, h)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if offset >= len(hits) {
		return nil, total.Val(), nil
	}
	return hits[offset:min(offset+limit, len(hits))], total.Val(), nil
}

func uniqueWords(ws []string) []string {
	seen := map[string]bool{}
	out := ws[:0]
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// snippetBefore and snippetAfter frame a search snippet, in characters.
const (
	snippetBefore = 24
	snippetAfter  = 56
)

// snippet cuts the paragraph text around the place where the most query
// words occur close together (the whole query, when it occurs as written).
func snippet(b *content.Bulletin, terms []string, query string) string {
	text := []rune(strings.Join(b.Paragraphs, " "))
	lower := []rune(strings.ToLower(string(text)))
	type hit struct{ at, term, length int }
	var hits []hit
	needles := append([]string{strings.ToLower(strings.Join(strings.Fields(query), ""))}, terms...)
	for ti, n := range needles {
		nr := []rune(n)
		if len(nr) == 0 {
			continue
		}
		for from := 0; ; {
			i := runeIndex(lower[from:], nr)
			if i < 0 {
				break
			}
			hits = append(hits, hit{from + i, ti, len(nr)})
			from += i + len(nr)
		}
	}
	if len(hits) == 0 {
		return b.Summary
	}
	// The window with the most distinct words wins; the whole query counts
	// for all of them.
	best, bestScore := hits[0], -1
	for _, h := range hits {
		seen := map[int]bool{}
		for _, o := range hits {
			if o.at >= h.at && o.at+o.length <= h.at+snippetAfter {
				seen[o.term] = true
			}
		}
		score := len(seen)
		if seen[0] {
			score += len(needles)
		}
		if score > bestScore || (score == bestScore && h.at < best.at) {
			best, bestScore = h, score
		}
	}
	at := best.at
	start := max(at-snippetBefore, 0)
	// Start after a sentence or clause mark when one is near.
	for i := at - 1; i > start; i-- {
		if strings.ContainsRune("。；！？，", text[i]) {
			start = i + 1
			break
		}
	}
	end := min(at+best.length+snippetAfter, len(text))
	out := strings.TrimFunc(string(text[start:end]), unicode.IsSpace)
	if start > 0 {
		out = "…" + out
	}
	if end < len(text) {
		out += "…"
	}
	return out
}

func runeIndex(hay, needle []rune) int {
	for i := 0; i+len(needle) <= len(hay); i++ {
		match := true
		for j := range needle {
			if hay[i+j] != needle[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

// randomToken is a short random name for temporary keys.
func randomToken() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
