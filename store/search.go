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
)

// termWeights returns each indexed word of a bulletin with its BM25 term
// weight (tf saturation and length normalization; idf is applied at query
// time).
func termWeights(seg *content.Segmenter, b *content.Bulletin) map[string]float64 {
	tf := map[string]float64{}
	for _, field := range structuredText(b) {
		for _, w := range seg.SearchWords(content.Simplify(field)) {
			tf[w] += titleWeight
		}
	}
	bodyLen := 0
	for _, p := range b.Paragraphs {
		for _, w := range seg.SearchWords(content.Simplify(p)) {
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

// structuredText is what counts like the title for search: the title, the
// topics, the meeting's name, body, chair and approved documents, and the
// document number — so 查 招商引资 finds a meeting tagged with it, and
// 朱俊华 the meetings he chaired, even when the text words it otherwise.
func structuredText(b *content.Bulletin) []string {
	out := append([]string{b.Title, b.DocNumber}, b.Tags...)
	if m := b.Meeting; m != nil {
		out = append(out, m.Name, m.Organ, m.Chair.Name)
		out = append(out, m.Approved...)
	}
	return out
}

// Search finds the bulletins that contain every word of the query (AND),
// ranked by BM25 with a bonus when the query appears as written, newest
// first among equals. It returns up to limit hits from offset and the
// number of matches, which is a lower bound when it reaches
// content.SearchCountCap.
//
// It never intersects whole posting lists (their cost grows with the
// corpus): the candidates are every posting of a word found in at most
// candidateDepth bulletins — so a query with one such word is exact — and
// otherwise each word's candidateDepth strongest postings (on equal
// weight, the newest, as ids start with the date); each candidate's
// weights for the other words come in one ZMSCORE per word. The count is
// ZINTERCARD … LIMIT, sent with the first round trip.
func (s *Store) Search(ctx context.Context, query string, offset, limit int) ([]content.SearchHit, int64, error) {
	seg, err := s.segmenter()
	if err != nil {
		return nil, 0, err
	}
	query = content.Simplify(query)
	terms := uniqueWords(seg.Words(query))
	if len(terms) == 0 {
		terms = uniqueWords(seg.SearchWords(query))
	}
	if len(terms) == 0 {
		return nil, 0, nil
	}
	keys := make([]string, len(terms))
	for i, t := range terms {
		keys[i] = s.k.cat("ix", t)
	}
	// Document frequencies (for idf), each word's strongest postings, and
	// the count of bulletins holding every word (early-stopped at the cap).
	dfs := make([]*redis.IntCmd, len(terms))
	tops := make([]*redis.ZSliceCmd, len(terms))
	var docs, count *redis.IntCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		docs = p.ZCard(ctx, s.k.cat("tl"))
		for i, k := range keys {
			dfs[i] = p.ZCard(ctx, k)
			tops[i] = p.ZRevRangeWithScores(ctx, k, 0, candidateDepth-1)
		}
		if len(keys) > 1 {
			count = p.ZInterCard(ctx, content.SearchCountCap, keys...)
		}
		return nil
	}); err != nil {
		// Each command's own error is checked below: a server without
		// ZINTERCARD (the embedded store) fails only that one, and the
		// count then falls back to the matches found.
		for _, c := range append([]redis.Cmder{docs}, append(cmders(dfs), cmders(tops)...)...) {
			if c.Err() != nil {
				return nil, 0, fmt.Errorf("store: search: %w", c.Err())
			}
		}
	}
	n := float64(docs.Val())
	idf := make([]float64, len(terms))
	exact := false
	for i := range terms {
		df := float64(dfs[i].Val())
		if df == 0 {
			return nil, 0, nil // AND: a word nothing contains matches nothing
		}
		idf[i] = math.Log(1 + (n-df+0.5)/(df+0.5))
		exact = exact || df <= candidateDepth
	}
	matches, err := s.scoreCandidates(ctx, keys, idf, tops)
	if err != nil {
		return nil, 0, err
	}
	total := int64(len(matches))
	switch {
	case exact:
	case len(keys) == 1:
		total = min(dfs[0].Val(), content.SearchCountCap)
	case count.Err() == nil:
		total = max(total, count.Val())
	}
	// Phrase-ish ranking rewards the query as written, in the title or
	// text; words the user typed apart ("防汛 安全生产") are not a phrase, and
	// then no extra hits need fetching for it.
	phrase, extra := "", 0
	if len(strings.Fields(query)) == 1 {
		phrase, extra = normalizeMatch(query), rerankExtra
	}
	depth := min(len(matches), offset+limit+extra)
	ids := make([]string, depth)
	for i := range ids {
		ids[i] = matches[i].id
	}
	bs, err := s.Bulletins(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	hits := make([]content.SearchHit, 0, len(bs))
	for i, b := range bs {
		if b == nil {
			continue
		}
		h := content.SearchHit{Bulletin: b, Score: matches[i].score}
		if len([]rune(phrase)) > 1 {
			switch {
			case strings.Contains(fold(b.Title), phrase):
				h.Score += 2
			case strings.Contains(fold(b.Text()), phrase):
				h.Score += 1
			}
		}
		hits = append(hits, h)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if offset >= len(hits) {
		return nil, total, nil
	}
	hits = hits[offset:min(offset+limit, len(hits))]
	for i := range hits {
		hits[i].Snippet = snippet(hits[i].Bulletin, terms, query)
	}
	return hits, total, nil
}

// Search tuning.
const (
	// candidateDepth is how many of a word's strongest postings are
	// candidates; a word in fewer bulletins makes the search exact.
	candidateDepth = 300
	// rerankExtra is how many hits beyond the page get the phrase bonus,
	// which can move them up into it.
	rerankExtra = 10
)

// match is a candidate that holds every word, with its BM25 score.
type match struct {
	id    string
	score float64
}

// scoreCandidates keeps the candidates (every word's strongest postings,
// tops) that hold every word and ranks them by score, then date. A
// candidate's weight for the word whose postings named it is already known;
// one ZMSCORE per word asks for the others'.
func (s *Store) scoreCandidates(ctx context.Context, keys []string, idf []float64, tops []*redis.ZSliceCmd) ([]match, error) {
	known := map[string][]float64{}
	var candidates []string
	for i, top := range tops {
		for _, z := range top.Val() {
			id := z.Member.(string)
			w, ok := known[id]
			if !ok {
				w = make([]float64, len(keys))
				known[id] = w
				candidates = append(candidates, id)
			}
			w[i] = z.Score
		}
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	asked := make([][]string, len(keys))
	for _, id := range candidates {
		for i, w := range known[id] {
			if w == 0 {
				asked[i] = append(asked[i], id)
			}
		}
	}
	weights := make([]*redis.FloatSliceCmd, len(keys))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			if len(asked[i]) > 0 {
				weights[i] = p.ZMScore(ctx, k, asked[i]...)
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	for i, ids := range asked {
		for c, id := range ids {
			// No score (0) means the word is not in that bulletin.
			known[id][i] = weights[i].Val()[c]
		}
	}
	var out []match
	for _, id := range candidates {
		m := match{id: id}
		all := true
		for i, w := range known[id] {
			if w == 0 {
				all = false
				break
			}
			m.score += idf[i] * w
		}
		if all {
			out = append(out, m)
		}
	}
	// On equal scores the newer first: ids start with the publication date.
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].id > out[j].id
	})
	return out, nil
}

// cmders lists commands of one type as redis.Cmder.
func cmders[C redis.Cmder](cmds []C) []redis.Cmder {
	out := make([]redis.Cmder, len(cmds))
	for i, c := range cmds {
		out[i] = c
	}
	return out
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
