package bot

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"tongbao/content"
)

// Question is what a person asked, as slots found anywhere in the
// sentence, in any order, each optional: what kind of bulletin, which
// facets (place, body, person, post, meeting type and name, ordinal,
// document number), which topic, which days, which field of it, how many
// and in what order, and the words left to search for.
type Question struct {
	Kind content.Kind
	// Facets are the store's facets the answer must have, with the words
	// that named them (for saying which filter found nothing).
	Facets []FacetSlot
	// Topic is a topic's name from the topic list.
	Topic     string
	TopicSaid string
	// From and To are the days asked about ([From, To)); NoYear is set when
	// no year was said.
	From, To  time.Time
	NoYear    bool
	DateLabel string
	// Field is the part of the bulletin asked about (fieldChair …), or "".
	Field string
	// Latest asks for one, the newest; List for several; N is how many.
	Latest, List bool
	N            int
	// Words are what is left, to search for.
	Words []string
	// role is set when a person or post asked about with 主持 / 出席 is a
	// filter (王立新主持过哪些会议) rather than the question; earlier are
	// the fields named before the last.
	role    string
	earlier []string
	// Corrected are near misses resolved to lexicon words ("常委汇→常委会").
	Corrected []string
	// docNoun is set when Field was named by a document noun alone.
	docNoun bool
}

// FacetSlot is a facet of the store ("type:常务会议") and what was said.
type FacetSlot struct {
	Facet string
	Said  string
}

// hasFilter reports whether the question narrows the bulletins at all.
func (q *Question) hasFilter() bool {
	return q.Kind != "" || len(q.Facets) > 0 || q.Topic != "" || !q.From.IsZero() || len(q.Words) > 0
}

// understood reports whether anything in the question was understood.
func (q *Question) understood() bool {
	return q.hasFilter() || q.Field != "" || q.Latest || q.List || q.N > 0
}

// The fields of a bulletin a question can ask about.
const (
	fieldChair     = "chair"
	fieldAttendees = "attendees"
	fieldRelayed   = "relayed"
	fieldHeard     = "heard"
	fieldApproved  = "approved"
	fieldDecided   = "decided"
	fieldPoints    = "points"
	fieldMeasures  = "measures" // 要求 / 措施: a meeting's points, a notice's numbered items
	fieldSummary   = "summary"
	fieldFull      = "full"
	fieldWhen      = "when"
	fieldDoc       = "doc"
)

// meetingFields are the fields only a meeting has.
var meetingFields = map[string]bool{fieldChair: true, fieldAttendees: true, fieldRelayed: true, fieldHeard: true, fieldApproved: true, fieldDecided: true}

// wordRole is what a fixed word of a question means.
type wordRole struct {
	kind   content.Kind
	field  string
	latest bool
	list   bool
	stop   bool
	// docNoun marks a noun (文件, 政策) that asks what a meeting approved
	// only when the question is about a meeting; else it names what the
	// bulletins are about (人才政策, 关于安全生产的文件).
	docNoun bool
}

// vocabulary is the fixed words of questions, Chinese and English. Words
// that name a stored thing (places, people, meeting types …) come from the
// store's lexicon instead; topics from the topic list.
var vocabulary = map[string]wordRole{}

// maxVocabRunes is the longest fixed word, for the longest-match scan.
var maxVocabRunes int

func init() {
	for role, words := range map[wordRole][]string{
		{kind: content.KindMeeting, list: true}: {"什么会", "哪些会", "啥会", "什么会议", "哪些会议", "几次会", "哪几次会"},
		{kind: content.KindNotice, list: true}:  {"什么通知", "哪些通知", "啥通知"},
		{kind: content.KindMeeting}:             {"会议", "会", "开会", "开的会", "会议通报", "会议精神", "会议纪要", "meeting", "meetings", "meet", "met"},
		{kind: content.KindNotice}:              {"通知", "公告", "通告", "notice", "notices", "announcement", "announcements", "circular"},
		{kind: content.KindNews}:                {"新闻", "要闻", "动态"},
		{field: fieldChair}:                     {"主持", "主持人", "主持的", "谁主持", "谁开的", "召集", "chaired", "chair", "chairs", "led", "lead", "presided", "hosted", "who ran", "ran"},
		{field: fieldAttendees}:                 {"出席", "参加", "参会", "列席", "与会", "到会", "参加会议", "出席会议", "attended", "attendees", "attend", "present", "participants", "participated"},
		{field: fieldRelayed}:                   {"传达学习", "学习传达", "传达", "学习了", "学了", "学习", "学习贯彻", "精神", "relayed", "studied", "learned", "spirit", "study", "learn", "relay"},
		{field: fieldHeard}:                     {"听取", "听了", "听取了", "汇报", "报告", "heard", "reports", "briefings", "briefed", "hear", "report"},
		{field: fieldApproved}:                  {"审议通过", "通过", "审议", "审定", "批准", "原则通过", "approved", "passed", "adopted", "approve", "adopt"},
		{field: fieldApproved, docNoun: true}:   {"文件", "政策", "方案", "documents"},
		{field: fieldDecided}:                   {"决定", "研究决定", "部署", "研究部署", "研究了", "定了", "安排", "布置", "部署了", "decided", "decisions", "decision", "resolved", "decide"},
		{field: fieldPoints}:                    {"强调", "要点", "重点", "指出", "讲了", "讲了什么", "讲了啥", "说了", "说了什么", "说了啥", "讲话", "内容", "主要内容", "points", "key points", "emphasized", "stressed", "said", "highlights", "emphasize", "stress", "say"},
		{field: fieldMeasures}:                  {"要求", "措施", "举措", "通知事项", "事项", "怎么做", "规定", "工作要求", "任务", "requirements", "measures", "require", "required", "steps", "what to do"},
		{field: fieldSummary}:                   {"总结", "摘要", "概要", "简介", "大概", "概况", "summary", "summarize", "overview"},
		{field: fieldFull}:                      {"全文", "原文", "正文", "full text", "whole text"},
		{field: fieldWhen}:                      {"什么时候", "哪天", "何时", "哪一天", "几号", "when", "what day", "what date"},
		{field: fieldDoc}:                       {"文号", "document number", "reference number"},
		{latest: true}:                          {"最新", "最近一次", "最新一次", "上一次", "上次", "最近的一次", "最新的", "最后一次", "最近召开", "刚开", "刚刚", "latest", "last", "newest", "most recent", "previous"},
		{list: true}:                            {"哪些", "几次", "几个", "多少", "列表", "都有", "有啥", "有什么", "那些", "一些", "近期", "最近", "近来", "最近都", "近日", "日前", "which", "what meetings", "list", "all", "any", "anything", "recent", "recently", "how many", "which"},
		{stop: true}: {"请问", "请", "麻烦", "帮我", "帮忙", "给我", "我想", "我要", "想看", "看看", "看一下", "查看", "显示", "发我", "告诉我", "能否", "能不能", "可以", "一下", "搜一下", "查一下", "找一下", "搜", "查", "找", "关于", "有关", "相关", "有没有", "是否",
			"吗", "呢", "的", "了", "啊", "吧", "呀", "是", "有", "谁", "什么", "啥", "哪个", "哪", "都", "还", "过", "个", "在", "和", "与", "及", "开", "发", "讲", "说", "次", "那", "这", "我", "你", "们", "上", "里", "中", "下", "些", "一", "条", "篇", "被", "由", "把", "对", "给", "又", "就", "也", "之", "怎么", "怎么样", "怎样", "如何", "嗯", "哦", "哈", "喂", "呃", "具体", "详细", "重要", "上午", "下午", "晚上", "早上", "中午", "以来", "以后", "以前", "之前", "之后", "通报", "消息", "信息", "文章", "资讯", "做什么", "干什么", "做", "各", "news", "update", "updates", "主要", "职务", "职位", "工作", "哪几点", "几点", "哪几条", "几条", "哪几项", "几项", "一下子", "情形", "期间", "时候", "情况", "方面", "哪里", "召开", "举行", "发布", "发了", "印发", "出台", "一次", "次会",
			"the", "a", "an", "of", "on", "in", "at", "for", "to", "by", "was", "were", "is", "are", "did", "do", "does", "what", "who", "whom", "whose", "tell", "me", "show", "give", "please", "about", "there", "have", "has", "had", "been", "be", "it", "its", "this", "that", "these", "those", "and", "or", "from", "with", "held", "issued", "new", "i", "you", "can", "could", "would", "want", "see", "get", "find", "search", "look", "up", "s", "there's", "whats", "what's", "one", "ones", "bulletin", "bulletins", "happened", "happen", "go", "went", "we", "our", "us", "know", "need"},
	} {
		for _, w := range words {
			if have, dup := vocabulary[w]; dup && have != role {
				panic("bot: vocabulary word " + w + " has two roles")
			}
			vocabulary[w] = role
			maxVocabRunes = max(maxVocabRunes, len([]rune(w)))
		}
	}
}

var (
	// countExpr is 最近3条 / 最新五条 / 近10条 / 3条 / last 3.
	countExpr = regexp.MustCompile(`(?:最近|最新|近|前|上)([0-9]{1,2}|[一二三四五六七八九十两]{1,3})(?:条|篇|个|则|期|场|次)|([0-9]{1,2}|[一二三四五六七八九十两]{1,3})(?:条|篇|则|期)|\b(?:last|latest|recent|newest)\s+([0-9]{1,2})\b`)
	// ordinalAsk is 第十二次 / 12次 before a meeting word.
	ordinalAsk = regexp.MustCompile(`第([0-9]{1,3}|[一二三四五六七八九十百零两]{1,5})次|([0-9]{1,3}|[一二三四五六七八九十百零两]{1,5})次(?:常|专|党|全|主|会|办)|\b(\d{1,3})(?:st|nd|rd|th)\b`)
	// docAsk is a document number: 青政办明电〔2022〕12号, 青政办明电12号.
	docAsk = regexp.MustCompile(`(\p{Han}{2,12}?)(?:〔|\[|［)?(\d{4})?(?:〕|\]|］|年)?(?:第)?(\d{1,5})号`)
)

// parseQuestion reads a question into slots. lex may be nil.
func parseQuestion(text string, now time.Time, topics *content.Topics, lex *lexicon) *Question {
	q := &Question{}
	s := foldQuestion(text)
	// Dates and numbers first: they are made of digits and 月 that other
	// slots would take apart.
	// A document number first: its year is no date.
	if m := docAsk.FindStringSubmatchIndex(s); m != nil {
		if facet, said := docFacet(s, m, lex); facet != "" {
			q.Facets = append(q.Facets, FacetSlot{facet, said})
			s = s[:m[0]] + " " + s[m[1]:]
		}
	}
	if d, ok := findDate(s, now); ok {
		q.From, q.To, q.NoYear, q.DateLabel = d.from, d.to, d.noYear, d.label
		s = s[:d.start] + " " + s[d.end:]
	}
	if m := countExpr.FindStringSubmatchIndex(s); m != nil {
		n := 0
		switch {
		case m[2] >= 0:
			n = parseCount(s[m[2]:m[3]])
		case m[4] >= 0:
			n = parseCount(s[m[4]:m[5]])
		default:
			n, _ = strconv.Atoi(s[m[6]:m[7]])
		}
		if n > 0 {
			q.N, q.List, q.Latest = n, n > 1, n == 1
			s = s[:m[0]] + " " + s[m[1]:]
		}
	}
	if m := ordinalAsk.FindStringSubmatchIndex(s); m != nil {
		num, end := "", m[1]
		switch {
		case m[2] >= 0:
			num = s[m[2]:m[3]]
		case m[4] >= 0:
			num, end = s[m[4]:m[5]], m[5]+len("次")
		default:
			num = s[m[6]:m[7]]
		}
		// 一次常委会 is "a", not "the first": without 第, one is no ordinal.
		if n := content.HanNumber(num); n > 1 || (n == 1 && m[2] >= 0) {
			q.Facets = append(q.Facets, FacetSlot{"ord:" + strconv.Itoa(n), s[m[0]:end]})
			s = s[:m[0]] + " " + s[end:]
		}
	}
	scanWords(q, s, topics, lex)
	if q.docNoun && !q.aboutMeetings() {
		// 人才政策, 有没有关于安全生产的文件: documents about something,
		// not a meeting's approvals.
		q.Field, q.docNoun = "", false
		if n := len(q.earlier); n > 0 {
			q.Field, q.earlier = q.earlier[n-1], q.earlier[:n-1]
		}
	}
	return q
}

// aboutMeetings reports whether the question names meetings: the word
// 会议, or a meeting's type, name or ordinal, or who chaired it. A place or
// a body (县政府) issues documents too.
func (q *Question) aboutMeetings() bool {
	if q.Kind == content.KindMeeting {
		return true
	}
	for _, f := range q.Facets {
		switch kind, _, _ := strings.Cut(f.Facet, ":"); kind {
		case "type", "meeting", "ord", "person", "post":
			return true
		}
	}
	return false
}

// docFacet resolves a document number in the question to the store's
// facet: the issuer's prefix is the longest tail of the characters before
// the number that the lexicon knows (查一下青政办明电12号 → 青政办明电).
func docFacet(s string, m []int, lex *lexicon) (facet, said string) {
	prefix := []rune(s[m[2]:m[3]])
	serial := strings.TrimLeft(s[m[6]:m[7]], "0")
	for i := 0; i+2 <= len(prefix); i++ {
		key := string(prefix[i:]) + serial + "号"
		if lex != nil && contains(lex.lookup(key), "doc:"+key) {
			return "doc:" + key, s[m[0]:m[1]]
		}
	}
	return "", ""
}

// scanWords reads the rest of the question, longest match first at each
// place: fixed words, topics and their keywords, lexicon words; what is
// left between them is resolved as a near miss or kept as search words.
func scanWords(q *Question, s string, topics *content.Topics, lex *lexicon) {
	for _, chunk := range strings.Fields(s) {
		if isLatin(chunk) {
			continue // English words are read as whole words below
		}
		scanChinese(q, []rune(chunk), topics, lex)
	}
	scanEnglish(q, s, topics)
}

func isLatin(w string) bool {
	for _, r := range w {
		if unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// maxLexRunes is the longest lexicon word tried at one place.
const maxLexRunes = 24

func scanChinese(q *Question, rs []rune, topics *content.Topics, lex *lexicon) {
	scanRuns(rs, func(i int) int { return matchAt(q, rs, i, topics, lex) },
		func(unknown []rune) { leftover(q, unknown, lex) })
}

// scanRuns walks rs taking what match recognizes at each place (it returns
// how many runes it took, or 0) and hands each run of runes nothing
// recognized to unmatched.
func scanRuns(rs []rune, match func(i int) int, unmatched func([]rune)) {
	start := -1 // where the current unmatched run began
	for i := 0; i < len(rs); {
		n := match(i)
		if n == 0 {
			if start < 0 {
				start = i
			}
			i++
			continue
		}
		if start >= 0 {
			unmatched(rs[start:i])
			start = -1
		}
		i += n
	}
	if start >= 0 {
		unmatched(rs[start:])
	}
}

// matchAt takes the longest known word starting at rs[i] into q and
// returns its length, or 0.
func matchAt(q *Question, rs []rune, i int, topics *content.Topics, lex *lexicon) int {
	for n := min(len(rs)-i, maxLexRunes); n >= 1; n-- {
		w := string(rs[i : i+n])
		if n >= 2 && lex != nil {
			if fs := lex.lookup(w); len(fs) > 0 {
				addFacets(q, fs, w)
				return n
			}
		}
		if n >= 2 {
			if tp, ok := topicWord(topics, w); ok {
				q.Topic, q.TopicSaid = tp, w
				return n
			}
		}
		if n <= maxVocabRunes {
			if role, ok := vocabulary[w]; ok {
				applyRole(q, role)
				return n
			}
		}
	}
	return 0
}

// addFacets takes a lexicon word's facets; a word that names both a place
// and a body (兰溪市) is the place.
func addFacets(q *Question, fs []string, said string) {
	for _, f := range q.Facets {
		if contains(fs, f.Facet) {
			return
		}
	}
	q.Facets = append(q.Facets, FacetSlot{fs[0], said})
}

// topicWord finds the topic a Chinese word names: its name or one of its
// keywords.
func topicWord(topics *content.Topics, w string) (string, bool) {
	if topics == nil {
		return "", false
	}
	for _, tp := range topics.List {
		if tp.Name == w {
			return tp.Name, true
		}
	}
	for _, tp := range topics.List {
		for _, kw := range tp.Keywords {
			if kw == w {
				return tp.Name, true
			}
		}
	}
	return "", false
}

func applyRole(q *Question, r wordRole) {
	if r.kind != "" && q.Kind == "" {
		q.Kind = r.kind
	}
	// The last field named is the one asked (学习会强调了什么 asks what was
	// emphasized); the ones before are kept for when the last turns out
	// to be a filter (王立新主持的会议: 主持 with a person names meetings).
	if r.field != "" {
		if q.Field != "" && q.Field != r.field {
			q.earlier = append(q.earlier, q.Field)
		}
		// 通过了哪些文件: the verb already asked; the noun only repeats it.
		q.docNoun = r.docNoun && (q.Field != r.field || q.docNoun)
		q.Field = r.field
	}
	q.Latest = q.Latest || r.latest
	q.List = q.List || r.list
}

// maxNearWindow is the longest stretch of unknown characters tried as a
// near miss of a lexicon word.
const maxNearWindow = 8

// leftover resolves characters no word matched: a near miss of a lexicon
// word (one character off), else search words.
func leftover(q *Question, rs []rune, lex *lexicon) {
	scanRuns(rs, func(i int) int {
		if lex != nil {
			for n := min(len(rs)-i, maxNearWindow); n >= minNearRunes-1; n-- {
				if w, ok := lex.closest(string(rs[i : i+n])); ok {
					addFacets(q, lex.lookup(w), w)
					q.Corrected = append(q.Corrected, string(rs[i:i+n])+"→"+w)
					return n
				}
			}
		}
		if role, ok := nearVocabulary(string(rs[i:min(len(rs), i+4)])); ok {
			applyRole(q, role.role)
			return role.n
		}
		return 0
	}, func(rest []rune) {
		if len(rest) >= 2 {
			q.Words = append(q.Words, string(rest))
		}
	})
}

// nearVocabulary resolves a near miss of a fixed word of three or more
// characters at the start of s (传达学系 → 传达学习).
func nearVocabulary(s string) (struct {
	role wordRole
	n    int
}, bool) {
	var out struct {
		role wordRole
		n    int
	}
	rs := []rune(s)
	for n := len(rs); n >= minNearRunes; n-- {
		if w, ok := vocabNear.closest(string(rs[:n])); ok {
			out.role, out.n = vocabulary[w], n
			return out, true
		}
	}
	return out, false
}

// vocabNear indexes the fixed Chinese words for near misses.
var vocabNear = func() nearIndex {
	n := nearIndex{}
	for w := range vocabulary {
		if !isLatin(w) && !vocabulary[w].stop {
			n.add(w)
		}
	}
	return n
}()

// englishPhrases are fixed English words of two or more words, matched
// before single words.
var englishTypes = map[string]string{
	"standing committee": "type:常委会", "executive meeting": "type:常务会议", "executive": "type:常务会议", "executive meetings": "type:常务会议",
	"party group": "type:党组会议", "special meeting": "type:专题会议", "work meeting": "type:工作会议", "plenary": "type:全体会议",
	"people's congress": "type:人代会", "symposium": "type:座谈会",
}

// scanEnglish reads the English words of a question.
func scanEnglish(q *Question, s string, topics *content.Topics) {
	var latin []string
	for _, w := range strings.Fields(s) {
		if isLatin(w) {
			latin = append(latin, strings.Trim(w, ".:-/~'"))
		}
	}
	if len(latin) == 0 {
		return
	}
	text := " " + strings.Join(latin, " ") + " "
	for phrase, facet := range englishTypes {
		if strings.Contains(phrase, " ") && strings.Contains(text, " "+phrase+" ") {
			q.Facets = append(q.Facets, FacetSlot{facet, phrase})
			text = strings.Replace(text, " "+phrase+" ", " ", 1)
		}
	}
	for phrase, role := range vocabulary {
		if strings.Contains(phrase, " ") && strings.Contains(text, " "+phrase+" ") {
			applyRole(q, role)
			text = strings.Replace(text, " "+phrase+" ", " ", 1)
		}
	}
	var unknown []string
	for _, w := range strings.Fields(text) {
		if facet, ok := englishTypes[w]; ok {
			q.Facets = append(q.Facets, FacetSlot{facet, w})
			continue
		}
		if role, ok := vocabulary[w]; ok {
			applyRole(q, role)
			continue
		}
		if tp, ok := topics.Find(w); ok && len(w) > 3 {
			q.Topic, q.TopicSaid = tp.Name, w
			continue
		}
		if len(w) > 1 && !allDigits(w) {
			unknown = append(unknown, w)
		}
	}
	// Two unknown words may name a topic together (flood control).
	if q.Topic == "" && len(unknown) > 0 {
		if tp, ok := topics.Find(strings.Join(unknown, " ")); ok {
			q.Topic, q.TopicSaid = tp.Name, strings.Join(unknown, " ")
			return
		}
	}
	// Unknown English words are kept as search words only when nothing
	// else was asked: the bulletins are Chinese, and a place's pinyin
	// (Qingxi) is no filter.
	if !q.understood() {
		q.Words = append(q.Words, unknown...)
	}
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
