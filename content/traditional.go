package content

import (
	"strings"
	"unicode/utf8"
)

// originalText maps text read from the simplified form of a bulletin back
// to the characters the bulletin was written in: meetings are read from
// Simplify(text) so that 縣委常委會 matches the rules for 县委常委会, and what
// is shown keeps the original 縣委常委會.
type originalText struct {
	simplified string
	original   []rune
	// chars maps each simplified character of the text back to the
	// traditional one it was written as, for names the parser composed.
	chars map[rune]rune
}

// newOriginalText pairs a text with its simplified form; nil when the text
// has no traditional character (nothing to map back).
func newOriginalText(text string) *originalText {
	s := Simplify(text)
	if s == text {
		return nil
	}
	o := &originalText{simplified: s, original: []rune(text), chars: map[rune]rune{}}
	for i, r := range []rune(s) {
		if orig := o.original[i]; orig != r {
			if _, seen := o.chars[r]; !seen {
				o.chars[r] = orig
			}
		}
	}
	return o
}

// restore returns the original characters of s, a piece of the simplified
// text (Simplify keeps every character in place, so positions carry
// over); a name the parser composed (县委常委会 + 会议) is restored character
// by character, as the text writes each one.
func (o *originalText) restore(s string) string {
	if o == nil || s == "" {
		return s
	}
	i := strings.Index(o.simplified, s)
	if i < 0 {
		return strings.Map(func(r rune) rune {
			if orig, ok := o.chars[r]; ok {
				return orig
			}
			return r
		}, s)
	}
	start := utf8.RuneCountInString(o.simplified[:i])
	return string(o.original[start : start+utf8.RuneCountInString(s)])
}

// restoreAll restores each string of a list in place.
func (o *originalText) restoreAll(list []string) {
	for i := range list {
		list[i] = o.restore(list[i])
	}
}

// restoreMeeting puts a meeting read from simplified text back into the
// bulletin's own characters.
func (o *originalText) restoreMeeting(m *Meeting) {
	if o == nil || m == nil {
		return
	}
	m.Name, m.Organ, m.Held = o.restore(m.Name), o.restore(m.Organ), o.restore(m.Held)
	m.Chair.Name, m.Chair.Title = o.restore(m.Chair.Name), o.restore(m.Chair.Title)
	for i := range m.Attendees {
		m.Attendees[i].Name, m.Attendees[i].Title = o.restore(m.Attendees[i].Name), o.restore(m.Attendees[i].Title)
	}
	for _, list := range [][]string{m.Relayed, m.Heard, m.Studied, m.Approved, m.Decisions, m.Points} {
		o.restoreAll(list)
	}
}

// restorePoints puts voiced points back into the bulletin's own characters;
// the verb stays as the summary's own word.
func (o *originalText) restorePoints(points []voicedPoint) {
	for i := range points {
		points[i].text, points[i].who = o.restore(points[i].text), o.restore(points[i].who)
	}
}

// hasTraditional reports whether a title or any paragraph differs from
// its simplified form (simple, paragraph by paragraph).
func hasTraditional(title string, paras, simple []string) bool {
	if Simplify(title) != title {
		return true
	}
	for i := range paras {
		if paras[i] != simple[i] {
			return true
		}
	}
	return false
}

// simplifyAll is Simplify over each of a list's strings.
func simplifyAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = Simplify(s)
	}
	return out
}
