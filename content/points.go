package content

import (
	"regexp"
	"strings"
)

// pointVerbs follow who speaks for the meeting when its directives begin.
// "张三在主持学习时强调" puts the occasion between the speaker and the verb.
const pointVerbs = `(?:在[^，,。；;]*?时)?(?:还|同时|并|在讲话中)?(强调|要求|提出|指出|表示|号召|明确|部署)[,，:：]?`

// pointMarker opens the meeting's directives: 会议强调, or the chair or an
// attendee by name (孙立军强调 — at a 工作会议 the leader's speech is the
// point of the meeting).
var pointMarker = regexp.MustCompile(`会议` + pointVerbs)

// pointsSpeaker is whose own words a meeting's points are: the chair's
// when the report never speaks for the meeting (会议强调 …) but has points,
// which are then the chair's (张三强调 …); "" otherwise.
func pointsSpeaker(m *Meeting, paras []string) string {
	if len(m.Points) == 0 || m.Chair.Name == "" {
		return ""
	}
	for _, p := range paras {
		if pointMarker.MatchString(p) {
			return ""
		}
	}
	return m.Chair.Name
}

// pointMarkerFor is pointMarker with the meeting's own people as speakers.
func pointMarkerFor(m *Meeting) *regexp.Regexp {
	var names []string
	for _, p := range append([]Person{m.Chair}, m.Attendees...) {
		if p.Name != "" {
			names = append(names, regexp.QuoteMeta(p.Name))
		}
	}
	if len(names) == 0 {
		return pointMarker
	}
	// 他强调 / 她要求: the speaker just named, not 其他要求.
	return regexp.MustCompile(`(?:会议|` + strings.Join(names, "|") + `|(?:^|[，。；：\s])[他她])` + pointVerbs)
}

// pointsOf collects the meeting's directives: every sentence that starts
// with 要 (or "各部门要…") after marker (会议强调 / 要求 / 提出 / 号召 / 明确 /
// 部署) until the end of that paragraph, and after 指出 when 指出 itself
// introduces a 要 sentence (otherwise 指出 introduces an assessment, not a
// directive).
func pointsOf(paras []string, marker *regexp.Regexp) []string {
	var points []string
	for pi, p := range paras {
		locs := marker.FindAllStringSubmatchIndex(p, -1)
		if n := len(locs); n > 0 && trimEndPunct(p[locs[n-1][1]:]) == "" {
			// "会议强调：" closes its paragraph; the points follow as a
			// numbered list, one paragraph each.
			points = appendListed(points, paras[pi+1:])
		}
		for i, loc := range locs {
			end := len(p)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			sentences := splitSentences(p[loc[1]:end])
			if verb := p[loc[2]:loc[3]]; (verb == "指出" || verb == "表示") && (len(sentences) == 0 || directive(sentences[0]) == "") {
				continue
			}
			for _, s := range sentences {
				if d := directive(s); d != "" {
					for _, part := range splitSeries(d) {
						points = appendNew(points, part)
					}
				}
			}
		}
	}
	return points
}

// seriesMark opens the next item of a series inside one sentence: "要压实
// 责任，二是要强化预警，三是…".
var seriesMark = regexp.MustCompile(`[，,；;](?:[二三四五六七八九十]是|第[二三四五六七八九十][，,、]?|其次[，,]?|最后[，,]?)`)

// splitSeries splits a directive that runs a numbered series in one
// sentence into its items.
func splitSeries(d string) []string {
	var out []string
	start := 0
	for _, loc := range seriesMark.FindAllStringIndex(d, -1) {
		out = append(out, d[start:loc[0]])
		start = loc[0] + len(string([]rune(d[loc[0]:])[0]))
	}
	out = append(out, d[start:])
	for i := range out {
		out[i] = trimEndPunct(stripEnumerator(out[i]))
	}
	return out
}

// shortHeadingRunes is how short a list item's heading is before the
// sentence after it is kept with it.
const shortHeadingRunes = 10

// appendListed adds the heading of each numbered paragraph ("二、要压实
// 责任。严格落实…") that opens paras, stopping at the first one not numbered.
func appendListed(points, paras []string) []string {
	for _, q := range paras {
		if enumerator.FindString(q) == "" && numeralModal.FindString(q) == "" {
			break
		}
		sentences := splitSentences(q)
		if len(sentences) == 0 {
			break
		}
		heading := directive(sentences[0])
		if heading == "" {
			heading = trimEndPunct(stripEnumerator(sentences[0]))
		}
		if runeLen(heading) < shortHeadingRunes && len(sentences) > 1 {
			// "要高度重视。" says little alone; the sentence after it says what.
			heading += "，" + trimEndPunct(sentences[1])
		}
		if heading != "" {
			points = appendNew(points, heading)
		}
	}
	return points
}

// notModalBefore are characters that make 要 part of another word (主要,
// 重要, 需要, 只要 …) rather than "must".
const notModalBefore = "主重需只想首紧摘纲必概扼"

// directive returns the "要…" directive a sentence states, or "". The
// directive may follow a short subject ("各乡镇、各部门要…") or a clause of
// context ("当前已进入主汛期，要时刻绷紧防汛这根弦…").
func directive(s string) string {
	s = trimEndPunct(stripEnumerator(trimSpace(s)))
	if isDirective(s) {
		return s
	}
	clauses := splitOutside(s, func(r rune) bool { return r == '，' || r == ',' })
	for i := 1; i < len(clauses) && i <= 2; i++ {
		if strings.HasPrefix(clauses[i], "要") {
			return strings.Join(clauses[i:], "，")
		}
	}
	return ""
}

// enumerator opens one of a series of directives: 一是, 第二，, （三）, 4、,
// 首先, 其次; numeralModal is 一要 / 二要, where only the numeral goes.
var (
	enumerator   = regexp.MustCompile(`^(?:[一二三四五六七八九十]{1,2}(?:是|、)|第[一二三四五六七八九十]{1,2}[，,、]?|[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[、.．]|首先[，,]?|其次[，,]?|再次[，,]?|最后[，,]?)`)
	numeralModal = regexp.MustCompile(`^[一二三四五六七八九十]{1,2}要`)
)

// stripEnumerator removes the series marker a directive starts with.
func stripEnumerator(s string) string {
	if loc := numeralModal.FindStringIndex(s); loc != nil {
		return s[loc[1]-len("要"):]
	}
	return s[len(enumerator.FindString(s)):]
}

// isDirective reports whether a sentence starts as a "要…" directive,
// possibly with a short subject first ("各乡镇、各部门要…").
func isDirective(s string) bool {
	s = trimSpace(s)
	if strings.HasPrefix(s, "要") {
		return true
	}
	i := strings.Index(s, "要")
	if i <= 0 {
		return false
	}
	subject := s[:i]
	if runeLen(subject) > 16 || strings.ContainsAny(subject, "，,：:") {
		return false
	}
	prev := []rune(subject)
	return !strings.ContainsRune(notModalBefore, prev[len(prev)-1]) && !strings.Contains(subject, "是")
}
