package content

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Shanghai is the time zone of every bulletin time (China Standard Time,
// UTC+8, no daylight saving since 1991). A fixed zone needs no tzdata on the
// server.
var Shanghai = time.FixedZone("CST", 8*3600)

// trimSpace trims ASCII and Unicode space, including the full-width space
// (U+3000) and no-break space that Chinese pages indent with.
func trimSpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\ufeff' || r == '\u200b'
	})
}

// collapseSpace trims a line and folds runs of spaces inside it to one.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range trimSpace(s) {
		if unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isHan reports whether r is a Chinese character.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// hanCount counts the Chinese characters in s.
func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if isHan(r) {
			n++
		}
	}
	return n
}

// allHan reports whether s is non-empty and made only of Chinese characters.
func allHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isHan(r) {
			return false
		}
	}
	return true
}

// runeLen is the length of s in characters.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// sentenceEnds are the marks that end a sentence for summaries and points.
const sentenceEnds = "。！？!?；;"

// splitSentences splits a paragraph after every sentence-ending mark,
// keeping the mark with its sentence, and keeps closing quotes with the
// sentence they close.
func splitSentences(p string) []string {
	var out []string
	start := 0
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		if !strings.ContainsRune(sentenceEnds, rs[i]) {
			continue
		}
		end := i + 1
		for end < len(rs) && strings.ContainsRune("”’\"')）", rs[end]) {
			end++
		}
		if s := trimSpace(string(rs[start:end])); s != "" {
			out = append(out, s)
		}
		start = end
		i = end - 1
	}
	if s := trimSpace(string(rs[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// splitClauses splits a sentence at commas, semicolons and full stops
// (half- and full-width), dropping the marks.
func splitClauses(s string) []string {
	return splitOutside(s, func(r rune) bool { return strings.ContainsRune(",，;；。:：!！?？", r) })
}

// splitEnum splits an enumeration at the Chinese enumeration comma 、.
func splitEnum(s string) []string {
	return splitOutside(s, func(r rune) bool { return r == '、' })
}

// splitOutside splits s at runes for which sep is true, except inside
// quotation marks, brackets and 《book titles》, and trims the parts.
func splitOutside(s string, sep func(rune) bool) []string {
	var parts []string
	var cur strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '“', '《', '（', '(', '「', '『', '【', '‘', '〔', '[':
			depth++
		case '”', '》', '）', ')', '」', '』', '】', '’', '〕', ']':
			if depth > 0 {
				depth--
			}
		}
		if depth == 0 && sep(r) {
			if t := trimSpace(cur.String()); t != "" {
				parts = append(parts, t)
			}
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	if t := trimSpace(cur.String()); t != "" {
		parts = append(parts, t)
	}
	return parts
}

// trimEndPunct removes sentence and clause marks from the end of s.
func trimEndPunct(s string) string {
	return strings.TrimRight(trimSpace(s), "。，,；;：:！!？?、 ")
}
