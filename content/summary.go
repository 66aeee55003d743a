package content

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// DefaultSummaryLimit is the longest summary, in characters, unless the
// parser is told otherwise: about what a phone shows without scrolling.
const DefaultSummaryLimit = 300

// summaryBuilder appends whole pieces of text while they fit the limit.
type summaryBuilder struct {
	b     strings.Builder
	limit int
	n     int
}

// add appends s when it fits, reporting whether it did.
func (sb *summaryBuilder) add(s string) bool {
	l := runeLen(s)
	if sb.n+l > sb.limit {
		return false
	}
	sb.b.WriteString(s)
	sb.n += l
	return true
}

// meetingSummary leads with when, who chaired and what the meeting did, then
// lists the main points while they fit.
// points are the meeting's directives (its Points) with who gave them and
// how, which the summary says as the text does: 会议要求, 张三表示.
func meetingSummary(m *Meeting, lead string, points []voicedPoint, limit int) string {
	when := heldPhrase(m, lead)
	head := ""
	if when != "" {
		head = when + "，"
	}
	speaker, spoke := speakerOf(m, lead, points)
	switch {
	case spoke:
		// A 工作会议 held with a leader's speech and someone else chairing.
		head += displayName(m) + "召开，" + speaker.Title + speaker.Name + "出席并讲话"
		if m.Chair.Name != "" && m.Chair.Name != speaker.Name {
			head += "，" + m.Chair.Title + m.Chair.Name + "主持"
		}
	case m.Chair.Name != "":
		verb := "主持召开"
		if strings.HasSuffix(m.Type, "学习") {
			verb = "主持" // a study session is chaired, not convened
		}
		head += m.Chair.Title + m.Chair.Name + verb + displayName(m)
	case strings.HasPrefix(m.Name, m.Organ):
		head += m.Name + "召开" // 中共中央政治局会议召开, not 中共中央政治局召开中共中央政治局会议
	default:
		head += m.Organ + "召开" + m.Name
	}
	// Optional parts, most telling first; each is kept only if it fits.
	var parts []string
	if len(m.Relayed) > 0 {
		parts = append(parts, "传达学习"+enumerate(m.Relayed, 2, "项精神"))
	}
	if len(m.Heard) > 0 {
		parts = append(parts, "听取"+enumerate(m.Heard, 3, "项")+"汇报")
	}
	if len(m.Approved) > 0 {
		parts = append(parts, "审议通过"+enumerate(m.Approved, 3, "项"))
	}
	if len(m.Reviewed) > 0 {
		parts = append(parts, "审议"+enumerate(m.Reviewed, 3, "项"))
	}
	if len(m.Decisions) > 0 {
		parts = append(parts, decisionsPart(m.Decisions))
	}
	if len(m.Studied) > 0 {
		studied := enumerate(m.Studied, 3, "项")
		if !studySuffix.MatchString(studied) {
			studied += "工作"
		}
		parts = append(parts, "研究部署"+studied)
	}

	// One character stays reserved for the closing 。 of each sentence.
	sb := &summaryBuilder{limit: limit - 1}
	if !sb.add(head) {
		return ""
	}
	for _, p := range parts {
		sb.add("，" + p)
	}
	sb.limit++
	sb.add("。")
	sb.limit--
	said := 0
	voice := ""
	for _, p := range points {
		text := pointHeadline(p.text)
		switch {
		case said == 0:
			text = p.who + p.verb + "：" + text
		case p.who != voice:
			// Another voice starts its own sentence: "会议要求：…。张三强调：…"
			text = "。" + p.who + p.verb + "：" + text
		default:
			text = "；" + text
		}
		if sb.add(text) {
			said++
			voice = p.who
		}
	}
	if said > 0 {
		sb.limit++
		sb.add("。")
	}
	return sb.b.String()
}

// decisionsPart says what the meeting decided: each decision's first
// clause, up to three ("决定…；决定…"), or the first and how many more.
func decisionsPart(decisions []string) string {
	var heads []string
	for _, d := range decisions {
		if settledVerb(d) == "" {
			d = "决定" + d
		}
		heads = append(heads, decisionHeadline(d))
	}
	if len(heads) > 3 {
		return fmt.Sprintf("%s等%d项事项", heads[0], len(heads))
	}
	return strings.Join(heads, "；")
}

// decisionHeadlineRunes is how long a decision's headline grows, clause
// by clause, before it stops: "决定从今年4月开始" alone says when, not what.
const decisionHeadlineRunes = 20

// decisionHeadline shortens a long decision to its first clauses, enough
// of them to say what was decided.
func decisionHeadline(d string) string {
	if runeLen(d) <= 30 {
		return d
	}
	clauses := splitClauses(d)
	head := ""
	for _, c := range clauses {
		if head != "" {
			head += "，"
		}
		head += c
		if runeLen(head) >= decisionHeadlineRunes {
			break
		}
	}
	return head
}

// displayName is the meeting's name with the body that held it in front
// when the name leaves the place out: 市委常委会 → 兰溪市委常委会.
func displayName(m *Meeting) string {
	mm := organPrefix.FindStringSubmatch(m.Name)
	if mm != nil && mm[1] == "" && m.Organ != mm[2] && strings.HasSuffix(m.Organ, mm[2]) {
		return m.Organ + strings.TrimPrefix(m.Name, mm[2])
	}
	if mm == nil && m.Organ != "" && !strings.Contains(m.Name, m.Organ) && !wholeArea.MatchString(m.Name) {
		return joinOverlap(m.Organ, m.Name)
	}
	return m.Name
}

// joinOverlap joins a body and a name that repeats the body's end once:
// 镇党委 + 党委会 → 镇党委会, not 镇党委党委会.
func joinOverlap(organ, name string) string {
	o := []rune(organ)
	for n := min(len(o)-1, runeLen(name)-1); n >= 2; n-- {
		if strings.HasPrefix(name, string(o[len(o)-n:])) {
			return string(o[:len(o)-n]) + name
		}
	}
	return organ + name
}

// wholeArea starts the name of a meeting for a whole area (全市人才工作会议),
// which reads wrong with the organ in front.
var wholeArea = regexp.MustCompile(`^(?:全省|全市|全县|全区|全州|全镇|全乡|\p{Han}{2,4}(?:省|市|县|区))`)

// enumerate lists up to n items joined by 、, or the first with a count
// ("A等7项精神") when there are more.
func enumerate(items []string, n int, unit string) string {
	if len(items) <= n {
		if !slices.ContainsFunc(items, func(it string) bool { return !strings.HasPrefix(it, "《") || !strings.HasSuffix(it, "》") }) {
			return strings.Join(items, "") // 《甲》《乙》
		}
		return strings.Join(items, "、")
	}
	return fmt.Sprintf("%s等%d%s", items[0], len(items), unit)
}

// pointHeadline shortens a long directive to its first clause, which in
// Chinese official prose states the directive; the rest elaborates.
func pointHeadline(p string) string {
	if runeLen(p) <= 30 {
		return p
	}
	clauses := splitClauses(p)
	if len(clauses) > 0 && runeLen(clauses[0]) >= 6 {
		return clauses[0]
	}
	return p
}

// shortSummaryRunes is how short a summary is before TextRank adds a
// sentence beyond a third of them.
const shortSummaryRunes = 40

// rankedSentences is how many sentences TextRank weighs, from the start:
// four times the longest bulletin of the national corpus (47), about 13
// pages. A longer document (a 50-page work report) states its purpose in
// its opening pages, which the lead bias favours anyway, and linking every
// sentence of it to every other costs n² for a summary of a few of them.
const rankedSentences = 200

// textRankSummary picks the most central sentences by sentence-level
// TextRank over segmented words and returns them in document order,
// whole, within the limit. Only the first rankedSentences are weighed.
func textRankSummary(seg *Segmenter, paras []string, limit int) string {
	var ss []string
	var words [][]int32 // each sentence's distinct words, as sorted ids
	ids := map[string]int32{}
	for _, p := range paras {
		if len(ss) == rankedSentences {
			break
		}
		if heading(p) != "" {
			continue
		}
		for _, s := range splitSentences(p) {
			if len(ss) == rankedSentences {
				break
			}
			// "为做好…工作，现将有关事项通知如下：" states the purpose; the
			// formula after it says nothing.
			s = purpose(s)
			if hanCount(s) < 8 || dateOnlyLine.MatchString(s) || isRemark(s) || strings.HasSuffix(s, "：") || strings.HasSuffix(s, ":") {
				continue
			}
			ss = append(ss, s)
			words = append(words, wordIDs(seg.Words(s), ids))
		}
	}
	n := len(ss)
	if n == 0 {
		return ""
	}
	scores := pageRank(similarity(words))
	// Official documents put their purpose first: a gentle lead bias.
	for i := range scores {
		scores[i] *= 1 + 0.5/float64(1+i)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	// A summary is a third of the sentences at most, however short.
	most := max(1, (n+2)/3)
	chosen := make([]bool, n)
	picked, used := 0, 0
	for _, i := range order {
		l := runeLen(ss[i])
		// Past a third of the sentences only while the summary is too short
		// to say anything ("连日来，多地遭遇强降雨。").
		if used+l > limit || (picked >= most && (used >= shortSummaryRunes || !strings.ContainsAny(ss[i], "。！？"))) {
			continue
		}
		chosen[i] = true
		picked++
		used += l
	}
	var b strings.Builder
	for i, s := range ss {
		if chosen[i] {
			b.WriteString(s)
		}
	}
	return b.String()
}

// wordIDs numbers a sentence's distinct words, giving new words the next
// id in ids, and returns the ids sorted.
func wordIDs(words []string, ids map[string]int32) []int32 {
	out := make([]int32, 0, len(words))
	for _, w := range words {
		id, ok := ids[w]
		if !ok {
			id = int32(len(ids))
			ids[w] = id
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// similarity links every two sentences by the words they share,
// common / (log |a| + log |b|) (Mihalcea and Tarau), as sparse rows: the
// matrix is symmetric, so row i lists i's links in both directions.
// Sentences of fewer than two words link to none.
func similarity(words [][]int32) [][]link {
	n := len(words)
	logs := make([]float64, n)
	for i, w := range words {
		logs[i] = math.Log(float64(len(w)))
	}
	rows := make([][]link, n)
	for i := range words {
		if len(words[i]) < 2 {
			continue
		}
		for j := i + 1; j < n; j++ {
			if len(words[j]) < 2 {
				continue
			}
			if c := common(words[i], words[j]); c > 0 {
				w := float64(c) / (logs[i] + logs[j])
				rows[i] = append(rows[i], link{j, w})
				rows[j] = append(rows[j], link{i, w})
			}
		}
	}
	return rows
}

// common counts the ids two sorted lists share.
func common(a, b []int32) int {
	c, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			c++
			i++
			j++
		}
	}
	return c
}

// link is an edge of the sentence graph: the other sentence and its weight.
type link struct {
	to int
	w  float64
}

// followsBelow is the formula that ends a document's purpose and opens
// its list: "，经县政府同意，现将有关事项通知如下：", "，特作如下安排：".
var followsBelow = regexp.MustCompile(`(?:[，,]经[^，,。]{1,15}(?:同意|批准|研究))?[，,](?:现|特|经研究，?)?(?:将|就|作|提出)?[^，,。]{0,12}(?:通知|明确|要求|安排|说明|公告|公布|意见|规定)如下[：:]$|[，,](?:现|特)?(?:作|提出)(?:如下|以下)(?:通知|安排|要求|意见)[：:]$`)

// purpose rewrites a sentence that ends in the formula opening a list
// ("为切实做好汛期安全防范工作，现将有关事项通知如下：") as what the document
// asks ("切实做好汛期安全防范工作。"), or "" when it gives no purpose;
// other sentences are returned as they are.
func purpose(s string) string {
	if !strings.HasSuffix(s, "：") && !strings.HasSuffix(s, ":") {
		return s // the formula ends in a colon; most sentences do not
	}
	loc := followsBelow.FindStringIndex(s)
	if loc == nil {
		return s
	}
	head := s[:loc[0]]
	cut := 0 // where the last clause of head starts
	if i := strings.LastIndexAny(head, "，,。"); i >= 0 {
		_, size := utf8.DecodeRuneInString(head[i:])
		cut = i + size
	}
	clause, isPurpose := strings.CutPrefix(head[cut:], "为了")
	if !isPurpose {
		clause, isPurpose = strings.CutPrefix(clause, "为")
	}
	if !isPurpose {
		return "" // "根据…，结合…，提出如下意见：" says no more than its list
	}
	return head[:cut] + clause + "。"
}

// headingExpr is a numbered section heading of an official document:
// 一、压实防汛责任。 / （二）开展隐患排查 / 3. 加强信息报送
var headingExpr = regexp.MustCompile(`^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.、．]\s*|第[一二三四五六七八九十]{1,3}[条章部分]\s*)([^。：:；;！]{2,40})`)

// heading returns a paragraph's section heading, or "".
func heading(p string) string {
	if m := headingExpr.FindStringSubmatch(p); m != nil {
		return trimEndPunct(m[1])
	}
	return ""
}

// outlineSummary summarizes a document that is not a meeting report: its
// most central sentences by TextRank, then the headings of its numbered
// sections ("主要内容：压实防汛责任；开展隐患排查…") when it has them.
func outlineSummary(seg *Segmenter, paras []string, limit int) string {
	// The lines it is signed with name the issuer, shown apart; they are no
	// sentence of the summary.
	if from, to := SignatureLines(paras); from < to {
		paras = append(slices.Clip(paras[:from]), paras[to:]...)
	}
	var headings []string
	for _, p := range paras {
		if h := heading(p); h != "" {
			headings = append(headings, h)
		}
	}
	if len(headings) < 2 {
		return textRankSummary(seg, paras, limit)
	}
	outline := "主要内容：" + strings.Join(headings, "；") + "。"
	if runeLen(outline) > limit*2/3 {
		outline = ""
	}
	lead := textRankSummary(seg, paras, limit-runeLen(outline))
	return lead + outline
}

// pageRank runs weighted PageRank (damping 0.85) to convergence over a
// symmetric graph given as sparse rows in ascending order.
func pageRank(rows [][]link) []float64 {
	const d = 0.85
	n := len(rows)
	out := make([]float64, n)
	for i := range out {
		out[i] = 1
	}
	sums := make([]float64, n)
	for j, r := range rows {
		for _, l := range r {
			sums[j] += l.w
		}
	}
	// Each link's weight over its source's total, once rather than at
	// every iteration; the graph is symmetric, so i's row lists its sources.
	in := make([][]link, n)
	for i, r := range rows {
		in[i] = make([]link, len(r))
		for k, l := range r {
			in[i][k] = link{l.to, l.w / sums[l.to]}
		}
	}
	next := make([]float64, n)
	for iter := 0; iter < 100; iter++ {
		delta := 0.0
		for i, r := range in {
			s := 0.0
			for _, l := range r {
				s += l.w * out[l.to]
			}
			next[i] = (1 - d) + d*s
			delta += math.Abs(next[i] - out[i])
		}
		out, next = next, out
		if delta < 1e-6 {
			break
		}
	}
	return out
}
