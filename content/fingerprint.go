package content

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

const (
	// minHashSize is the number of MinHash values: 64 estimates Jaccard
	// similarity within about ±0.06.
	minHashSize = 64
	// shingleLen is the character n-gram MinHash works on; 5 characters of
	// Chinese are specific enough that unrelated reports share few.
	shingleLen = 5
	// bandRows is how many MinHash values make one locality-sensitive band:
	// 16 bands of 4 find pairs above ~0.5 similarity with high probability.
	bandRows = 4
	// SameArticleThreshold is the estimated Jaccard similarity of character
	// 5-grams above which two texts are the same article republished.
	SameArticleThreshold = 0.6
)

// minHashSeeds are fixed so fingerprints stay comparable across versions.
var minHashSeeds = func() [minHashSize]uint64 {
	var s [minHashSize]uint64
	x := uint64(0x9E3779B97F4A7C15)
	for i := range s {
		x = splitmix64(x)
		s[i] = x
	}
	return s
}()

func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// normalizeForPrint folds a text to what survives republishing: widths and
// case folded, only letters and digits kept.
func normalizeForPrint(text string) []rune {
	var out []rune
	for _, r := range norm.NFKC.String(text) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			out = append(out, unicode.ToLower(r))
		}
	}
	return out
}

// MakeFingerprint computes the exact hash and the MinHash signature of a
// bulletin body.
func MakeFingerprint(body string) Fingerprint {
	rs := normalizeForPrint(body)
	sum := sha256.Sum256([]byte(string(rs)))
	fp := Fingerprint{Exact: hex.EncodeToString(sum[:16]), MinHash: make([]uint32, minHashSize)}
	for i := range fp.MinHash {
		fp.MinHash[i] = ^uint32(0)
	}
	shingle := func(s []rune) {
		// FNV-1a over the runes, inline: this runs once per character.
		v := uint64(14695981039346656037)
		for _, r := range s {
			v ^= uint64(r)
			v *= 1099511628211
		}
		for i, seed := range minHashSeeds {
			if m := uint32(splitmix64(v ^ seed)); m < fp.MinHash[i] {
				fp.MinHash[i] = m
			}
		}
	}
	if len(rs) < shingleLen {
		shingle(rs)
		return fp
	}
	for i := 0; i+shingleLen <= len(rs); i++ {
		shingle(rs[i : i+shingleLen])
	}
	return fp
}

// Similarity estimates the Jaccard similarity of the two texts' character
// 5-grams (0 to 1).
func (f Fingerprint) Similarity(g Fingerprint) float64 {
	if len(f.MinHash) == 0 || len(f.MinHash) != len(g.MinHash) {
		return 0
	}
	same := 0
	for i := range f.MinHash {
		if f.MinHash[i] == g.MinHash[i] {
			same++
		}
	}
	return float64(same) / float64(len(f.MinHash))
}

// SameArticle reports whether two fingerprints belong to the same article:
// the same normalized text, or near-identical text (a republished copy with
// a changed line or two).
func SameArticle(f, g Fingerprint) bool {
	return (f.Exact != "" && f.Exact == g.Exact) || f.Similarity(g) >= SameArticleThreshold
}

// Bands returns the locality-sensitive-hashing keys of the signature: two
// texts that are the same article share at least one band with high
// probability, so a store finds candidates without comparing all pairs.
func (f Fingerprint) Bands() []string {
	var out []string
	for b := 0; b+bandRows <= len(f.MinHash); b += bandRows {
		h := fnv.New64a()
		for _, v := range f.MinHash[b : b+bandRows] {
			fmt.Fprintf(h, "%08x", v)
		}
		out = append(out, fmt.Sprintf("%d:%016x", b/bandRows, h.Sum64()))
	}
	return out
}

// String is the exact hash, for logs and listings.
func (f Fingerprint) String() string { return strings.TrimSpace(f.Exact) }
