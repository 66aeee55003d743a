package content

import (
	"regexp"
	"strings"
)

// pointVerbs follow who speaks for the meeting when its directives begin.
// "张三在主持学习时强调" puts the occasion between the speaker and the verb.
const pointVerbs = `(?:在[^，,。；;]*?时)?(?:还|同时|并|在讲话中)?(强调|要求|提出|指出|表示|号召|明确|部署)[,，:：]?`

// pointVerb is how a meeting or a person introduces directives; who speaks
// stands right before it (see voiceBefore).
var pointVerb = regexp.MustCompile(pointVerbs)

// voicedPoint is one of a meeting's directives with who gave it (会议, or
// a person's name) and the verb the text uses (强调, 要求, 表示 …), so a
// summary says "会议要求：…" or "张三表示：…" as the report does.
type voicedPoint struct {
	text, who, verb string
}

// pointMark is where a speaker's directives begin in a paragraph: start
// is where the speaker's name (or 会议) starts, end where the directives
// start, verb the verb's span.
type pointMark struct {
	start, end int
	verb, who  string
}

// pointMarks finds where the meeting (会议强调), one of speakers by name
// (孙立军强调 — at a 工作会议 the leader's speech is the point of the
// meeting) or 他 / 她 (the one last named, not 其他要求) begins directives
// in p. last is who spoke last before p; the result's last mark, or last,
// is who spoke last after it.
func pointMarks(p string, speakers []string, last string) ([]pointMark, string) {
	var marks []pointMark
	for _, loc := range pointVerb.FindAllStringSubmatchIndex(p, -1) {
		before := p[:loc[0]]
		who := voiceBefore(before, speakers)
		if who == "" {
			continue
		}
		start := loc[0] - len(who)
		if who == "他" || who == "她" {
			who = nearestNamed(before, speakers, last)
			if who == "" {
				continue
			}
		}
		if who != "会议" {
			last = who
		}
		marks = append(marks, pointMark{start: start, end: loc[1], verb: p[loc[2]:loc[3]], who: who})
	}
	return marks, last
}

// nearestNamed is whom 他 / 她 refers to: the speaker named last in text
// before it ("国务院总理李华平发表讲话。他强调"), else who spoke last.
func nearestNamed(before string, speakers []string, last string) string {
	at := -1
	for _, name := range speakers {
		if i := strings.LastIndex(before, name); i > at {
			at, last = i, name
		}
	}
	return last
}

// voiceBefore is who the text just before a point verb names as the
// speaker: 会议, one of speakers, or 他 / 她 after a clause mark; "" when
// none.
func voiceBefore(before string, speakers []string) string {
	if strings.HasSuffix(before, "会议") {
		return "会议"
	}
	for _, name := range speakers {
		if name != "" && strings.HasSuffix(before, name) {
			return name
		}
	}
	for _, pronoun := range []string{"他", "她"} {
		if rest, ok := strings.CutSuffix(before, pronoun); ok && (rest == "" || strings.ContainsAny(lastRune(rest), "，。；：\t\n ")) {
			return pronoun
		}
	}
	return ""
}

// lastRune is the last character of s as a string, "" for "".
func lastRune(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1])
}

// speakersOf are the meeting's own people by name: the chair, then the
// attendees.
func speakersOf(m *Meeting) []string {
	var names []string
	for _, p := range append([]Person{m.Chair}, m.Attendees...) {
		if p.Name != "" {
			names = append(names, p.Name)
		}
	}
	return names
}

// pointsOf collects the meeting's directives: every sentence that starts
// with 要 after a speaker's 强调 / 要求 / 提出 / 号召 / 明确 / 部署 until the
// end of that paragraph, and after 指出 or 表示 when it introduces a 要
// sentence itself (otherwise it introduces an assessment, not a
// directive).
func pointsOf(paras []string, speakers []string) []voicedPoint {
	var points []voicedPoint
	last := "" // 他 / 她 before anyone is named is the chair (or the first attendee)
	if len(speakers) > 0 {
		last = speakers[0]
	}
	for pi, p := range paras {
		var marks []pointMark
		marks, last = pointMarks(p, speakers, last)
		if n := len(marks); n > 0 && trimEndPunct(p[marks[n-1].end:]) == "" {
			// "会议强调：" closes its paragraph; the points follow as a
			// numbered list, one paragraph each.
			for _, text := range appendListed(nil, paras[pi+1:]) {
				points = appendVoiced(points, voicedPoint{text, marks[n-1].who, marks[n-1].verb})
			}
		}
		for i, mk := range marks {
			end := len(p)
			if i+1 < len(marks) {
				end = marks[i+1].start
			}
			sentences := splitSentences(p[mk.end:end])
			if (mk.verb == "指出" || mk.verb == "表示") && (len(sentences) == 0 || directive(sentences[0]) == "") {
				continue
			}
			for _, s := range sentences {
				if d := directive(s); d != "" {
					for _, part := range splitSeries(d) {
						points = appendVoiced(points, voicedPoint{part, mk.who, mk.verb})
					}
				}
			}
		}
	}
	return points
}

// appendVoiced adds p unless a point saying it, or more, is already there
// (as appendNew).
func appendVoiced(points []voicedPoint, p voicedPoint) []voicedPoint {
	for _, q := range points {
		if strings.Contains(q.text, p.text) || strings.Contains(p.text, q.text) {
			return points
		}
	}
	return append(points, p)
}

// pointTexts are the directives' texts.
func pointTexts(points []voicedPoint) []string {
	var out []string
	for _, p := range points {
		out = append(out, p.text)
	}
	return out
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
