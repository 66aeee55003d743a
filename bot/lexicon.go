package bot

import (
	"context"
	"strings"
	"sync"
	"unicode"

	"tongbao/content"
)

// lexicon is the bot's copy of the store's lexicon (the places, bodies,
// people, posts, meeting names and types and document numbers of the
// stored bulletins, each naming a facet), refreshed with what is new before
// each question, with an index of near misses: every entry of three or more
// characters is also found by its one-character deletions, so a word with
// one wrong, missing or extra character finds it (常委汇 → 常委会).
type lexicon struct {
	mu     sync.RWMutex
	since  int64
	facets map[string][]string // folded word → facets
	near   nearIndex
}

func newLexicon() *lexicon {
	return &lexicon{facets: map[string][]string{}, near: nearIndex{}}
}

// refresh adds the words stored since the last refresh.
func (l *lexicon) refresh(ctx context.Context, st BulletinReader) error {
	l.mu.RLock()
	since := l.since
	l.mu.RUnlock()
	words, next, err := st.LexiconSince(ctx, since)
	if err != nil {
		return err
	}
	if len(words) == 0 && next == since {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for w, fs := range words {
		for _, f := range fs {
			if !contains(l.facets[w], f) {
				l.facets[w] = append(l.facets[w], f)
			}
		}
		l.near.add(w)
	}
	l.since = max(l.since, next)
	return nil
}

// lookup is the facets a folded word names.
func (l *lexicon) lookup(w string) []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.facets[w]
}

// closest is the lexicon word within one character of w, if any.
func (l *lexicon) closest(w string) (string, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.near.closest(w)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// minNearRunes is the shortest word a near miss may resolve to (two
// characters differ in too many ways); maxNearRunes the longest, one more
// than the longest stretch of a question tried as a near miss (a long
// meeting name is found by its parts: its place, body and type).
const (
	minNearRunes = 3
	maxNearRunes = maxNearWindow + 1
)

// nearIndex finds words by their one-character deletions (the symmetric
// delete method): a typed word and an entry within one insertion,
// deletion or substitution share a deletion, or one is the other's.
type nearIndex map[string][]string

func (n nearIndex) add(w string) {
	rs := []rune(w)
	if len(rs) < minNearRunes || len(rs) > maxNearRunes {
		return
	}
	n[w] = appendNew(n[w], w)
	for i := range rs {
		d := string(rs[:i]) + string(rs[i+1:])
		n[d] = appendNew(n[d], w)
	}
}

func appendNew(list []string, w string) []string {
	if contains(list, w) {
		return list
	}
	return append(list, w)
}

// closest returns the entry nearest to w (the longest on a tie), or false.
func (n nearIndex) closest(w string) (string, bool) {
	rs := []rune(w)
	if len(rs) < minNearRunes-1 {
		return "", false
	}
	best := ""
	consider := func(cands []string) {
		for _, c := range cands {
			if editWithinOne([]rune(c), rs) && (len(c) > len(best) || best == "") {
				best = c
			}
		}
	}
	consider(n[w])
	for i := range rs {
		consider(n[string(rs[:i])+string(rs[i+1:])])
	}
	return best, best != ""
}

// editWithinOne reports whether a and b differ by at most one inserted,
// deleted or substituted rune.
func editWithinOne(a, b []rune) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		diff := 0
		for i := range a {
			if a[i] != b[i] {
				diff++
			}
		}
		return diff <= 1
	case 1:
		for i := range b {
			if a[i] != b[i] {
				return string(a[i+1:]) == string(b[i:])
			}
		}
		return true
	}
	return false
}

// foldQuestion is how a question is compared with the lexicon: simplified
// characters, lower case; Chinese punctuation dropped (常委会(扩大)会议 is
// one name), ASCII punctuation turned into spaces, except what dates,
// times and document numbers are written with.
func foldQuestion(s string) string {
	s = content.Simplify(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(unicode.ToLower(r))
		case r == '〔' || r == '〕' || r == '[' || r == ']' || r == '/' || r == '-' || r == '.' || r == ':' || r == '：' || r == '~' || r == '—' || r == '\'' || r == '’':
			b.WriteRune(r) // dates, document numbers, times, it's
		case r < 0x80 || unicode.IsSpace(r):
			b.WriteByte(' ')
		}
	}
	// A space between two Chinese characters was punctuation inside a name.
	rs := []rune(b.String())
	out := make([]rune, 0, len(rs))
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && unicode.Is(unicode.Han, rs[i-1]) && unicode.Is(unicode.Han, rs[i+1]) {
			continue
		}
		out = append(out, r)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
