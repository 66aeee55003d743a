package content

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// t2sTable is OpenCC's traditional → simplified character table
// (scripts/gen-t2s.sh): "traditional<TAB>simplified" a line.
//
//go:embed dict/t2s.txt
var t2sTable string

var (
	t2sOnce sync.Once
	t2s     map[rune]rune
)

// loadT2S builds the character map on first use (about 4,100 entries).
func loadT2S() {
	t2s = make(map[rune]rune, 4200)
	for line := range strings.Lines(t2sTable) {
		from, to, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if !ok {
			continue
		}
		f, _ := utf8.DecodeRuneInString(from)
		t, _ := utf8.DecodeRuneInString(to)
		t2s[f] = t
	}
}

// Simplify returns s with traditional Chinese characters replaced by their
// simplified forms (縣委常委會 → 县委常委会), character by character, so the
// result has as many characters as s and positions carry over. Text with no
// traditional character is returned as it is, without allocating. Use it to
// match and index; keep the original text for display.
func Simplify(s string) string {
	t2sOnce.Do(loadT2S)
	for i, r := range s {
		if r < 0x3400 {
			continue
		}
		if _, ok := t2s[r]; !ok {
			continue
		}
		var b strings.Builder
		b.Grow(len(s))
		b.WriteString(s[:i])
		for _, r := range s[i:] {
			if to, ok := t2s[r]; ok {
				r = to
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	return s
}
