package content

import (
	"regexp"
	"strings"
	"time"
)

var (
	// chairConvened is "…XXX主持召开YYY": the chair before, the meeting after.
	chairConvened = regexp.MustCompile(`主持召开了?`)
	// chairedBy is "会议由XXX主持" or "XXX主持会议".
	chairedBy    = regexp.MustCompile(`(?:会议由|由)([^，,。；;]{2,40}?)主持`)
	chairMeeting = regexp.MustCompile(`([^，,。；;]{2,40}?)主持(?:会议|了会议|并[^，,。；;]{1,10}|[。，,；;]|$)`)
	// convened finds who convened what meeting, in a title or a lead:
	// 兰溪召开市委常委会(扩大)会议, 县委常委会召开会议.
	convened = regexp.MustCompile(`^(.{0,12}?)(?:召开|举行)了?([^\s:：，,。；;]{0,40}?会议?)(?:[:：\s，,。；;]|$)`)
	// meetingHeld is "YY会议(在…)召开": a meeting named before its verb.
	meetingHeld = regexp.MustCompile(`^([^\s:：，,。；;]{2,60}?` + meetingSuffixes + `)` + heldBetween + `(?:在[^，,。；;]{1,20})?(?:隆重)?(?:召开|举行|开幕)$`)
	// bracketTag is a column tag in front of a title: 【要闻】.
	bracketTag = regexp.MustCompile(`^(?:【[^】]{1,8}】|\[[^\]]{1,8}\])\s*`)
	// organEnd ends the name of a body rather than of a place.
	organEnd = regexp.MustCompile(`(?:委|政府|人大|政协|常委会|党组|办公室)$`)
	// personTitle ends a job title in front of a name.
	personTitle = regexp.MustCompile(`(?:书记|长|主任|主席|常委|委员|组长|负责人|总理|政委|成员|代表|调研员|巡视员|专员|秘书|领导|同志)`)
	// placeOrgan is a place name in front of its Party committee or
	// government: 兰溪 + 市委.
	placeOrgan = regexp.MustCompile(`^(\p{Han}{2,4}?)((?:省|市|县|区|州|旗|镇|乡)(?:委|人民政府|政府|人大|政协))`)
	// organPrefix is the body named at the start of a meeting name.
	organPrefix = regexp.MustCompile(`^(\p{Han}{0,6}?)((?:省|市|县|区|州|旗|镇|乡|街道)(?:党委|党工委|委|人民政府|政府|办事处|人大常委会|人大|政协))`)
	// titleOnly is a job title without a name: 县委副书记.
	titleOnly = regexp.MustCompile(`^\p{Han}{0,10}(?:书记|长|主任|主席|常委|委员)$`)
	// bodySuffix ends the name of a body, never a person's: 县政府办, 发改局.
	bodySuffix = regexp.MustCompile(`(?:办|局|委|厅|处|室|院|所|站|中心|政府|部门|单位)$`)
	// issuerPlace is the place an issuer's name starts with: 桃源镇人民政府.
	issuerPlace = regexp.MustCompile(`^\p{Han}{2,6}?(?:省|市|县|区|州|旗|镇|乡|街道)`)
	// placeSuffix ends a place name.
	placeSuffix = regexp.MustCompile(`(?:省|市|县|区|州|旗|镇|乡)$`)
	// attendVerb ends the list of people who attended, or who attended and
	// spoke (县长许立出席并讲话).
	attendVerb = regexp.MustCompile(`(?:出席|参加|列席)(?:了)?(?:会议|本次会议|大会)|出席并(?:作|发表)?(?:重要)?讲话|发表(?:了)?(?:重要)?讲话`)
	// timeLead is a time phrase that can open a clause before the chair.
	timeLead = regexp.MustCompile(`^(?:\d{4}年)?(?:\d{1,2}月\d{1,2}日)?(?:上午|下午|晚上|晚间|早上|中午|晚)?(?:近日|日前|今天|昨天|当天|近期)?`)
	// atPlace is "在…" before the verb: 在县行政中心.
	atPlace = regexp.MustCompile(`在[^，,。]{1,20}$`)
)

// agenda verbs, longest first so 传达学习 wins over 学习.
var (
	relayVerbs   = []string{"传达学习", "学习传达", "学习贯彻", "传达贯彻", "传达", "学习"}
	hearVerbs    = []string{"听取"}
	approveVerbs = []string{"审议并原则通过", "审议并通过", "原则通过", "审议通过", "审定"}
	reviewVerbs  = []string{"审议"}
	decideVerbs  = []string{"研究决定", "研究确定", "决定", "确定", "原则同意", "同意"}
	studyVerbs   = []string{"研究部署", "安排部署", "研究讨论", "研究", "部署", "讨论"}
)

// ownPlace is "our county" in front of an agenda item: 我县贯彻落实意见.
var ownPlace = regexp.MustCompile(`^(?:我|本|全)(?:省|市|县|区|州|镇|乡)`)

// ownBody is "our county" as the body itself: 我县, 本区, 我镇党委.
var ownBody = regexp.MustCompile(`^(?:我|本)(?:省|市|县|区|州|镇|乡|街道)`)

// notOwnPlace is place unless it is the reporter's own "我县", which
// says nothing to a reader of a summary; "" then.
func notOwnPlace(place string) string {
	if ownBody.MatchString(place) {
		return ""
	}
	return place
}

// genericItems say nothing about a meeting's agenda.
var genericItems = map[string]bool{
	"其他事项": true, "其他": true, "有关事项": true, "相关事项": true, "贯彻落实意见": true, "贯彻意见": true,
	"落实意见": true, "下步": true, "下一步": true, "下阶段": true, "相关": true, "有关": true, "具体": true,
}

// meetingText is what a meeting's summary is written from besides the
// Meeting: the lead paragraph it was read from and its points with who
// gave them.
type meetingText struct {
	lead   string
	points []voicedPoint
}

// extractMeeting reads the structure of a meeting report, and the text its
// summary is written from. It returns nil when the text does not report a
// meeting.
func extractMeeting(title string, paras []string, published time.Time, issuers ...string) (*Meeting, meetingText) {
	leadIdx, lead := findLead(paras)
	m := &Meeting{}
	place := ""
	titleChair, titlePlace, titleName := readTitle(bracketTag.ReplaceAllString(title, ""))
	if lead == "" && titleName != "" && len(paras) > 0 && !openingOrClosing.MatchString(title) {
		// "全县安全生产工作会议召开" over a lead that opens with the why:
		// the title reports the meeting; its first paragraph is the lead.
		leadIdx, lead = 0, paras[0]
	}
	if lead != "" {
		place = readChair(lead, m)
	}
	if m.Name == "" && lead != "" {
		// "会议由…主持", "…会议18日在北京召开": the lead names the meeting in
		// its first sentence.
		if who, name := leadMeeting(lead); name != "" {
			m.Name = name
			if titlePlace == "" {
				titlePlace = who
			}
		}
	}
	// "我县召开…" names no place: the site or source gives it.
	place, titlePlace = notOwnPlace(place), notOwnPlace(titlePlace)
	m.Name = mergeNames(m.Name, titleName)
	if m.Chair.Name == "" {
		m.Chair = titleChair
	}
	if m.Name == "" || (m.Chair.Name == "" && lead == "") || notMeeting.MatchString(m.Name) {
		return nil, meetingText{}
	}
	if announced(title) || announced(firstSentence(lead)) {
		// "…定于7月15日召开…": announced, not held; no day held to state.
		return nil, meetingText{}
	}
	if leadIdx >= 2 && titleName == "" && titleChair.Name == "" && !meetingMention.MatchString(title) {
		// A story that comes to a meeting only in its third paragraph, under a title
		// that names none, is about something else.
		return nil, meetingText{}
	}
	if titleName == "" && visitTitle.MatchString(title) {
		// "副市长调研…": a visit that ends with a 座谈会 is reported as a visit.
		return nil, meetingText{}
	}
	if place == "" && allHan(titlePlace) && runeLen(titlePlace) <= 8 && !bareBody(titlePlace) {
		place = titlePlace
	}
	for _, issuer := range issuers {
		if loc := issuerPlace.FindString(issuer); place == "" && loc != "" && !strings.HasSuffix(loc, "城乡") {
			place = loc
		}
	}
	if place == "" && allHan(titlePlace) && runeLen(titlePlace) <= 8 {
		place = titlePlace
	}
	m.Organ = organOf(m.Name, place)
	if m.Organ == "" {
		m.Organ = organFromName(m.Name)
	}
	m.Type, m.Ordinal = meetingType(m.Name), ordinalOf(m.Name)
	if m.Name == m.Type {
		// "市政府召开专题会议": a bare type is no name; the body makes one.
		m.Name = displayName(m)
	}
	if lead != "" {
		h := heldOf(lead, published)
		if h.text == "" && leadIdx > 0 && heldVerb.MatchString(paras[0]) {
			// "3月5日，县委常委会召开会议。" then "会议由…主持。" below it.
			h = heldOf(paras[0], published)
		}
		if !h.vague {
			m.Held, m.HeldDate = h.text, h.date
		}
		m.Attendees = attendeesOf(lead)
		readAgenda(lead, m, true)
	}
	for i, p := range paras {
		if i != leadIdx {
			readAgenda(p, m, false)
		}
	}
	for i, p := range paras {
		if len(m.Attendees) == 0 && i != leadIdx && runeLen(p) <= shortParagraphRunes {
			m.Attendees = attendeesOf(p)
		}
	}
	if sp := titleSpeaker(title); sp.Name != "" && sp.Name != m.Chair.Name && !named(m.Attendees, sp.Name) {
		m.Attendees = append([]Person{sp}, m.Attendees...)
	}
	points := pointsOf(paras, speakersOf(m))
	m.Points = pointTexts(points)
	m.Attendees, m.Relayed, m.Heard = orEmpty(m.Attendees), orEmpty(m.Relayed), orEmpty(m.Heard)
	m.Studied, m.Approved, m.Points = orEmpty(m.Studied), orEmpty(m.Approved), orEmpty(m.Points)
	m.Decisions, m.Reviewed = orEmpty(m.Decisions), orEmpty(m.Reviewed)
	return m, meetingText{lead: lead, points: points}
}

// named reports whether one of people has the name.
func named(people []Person, name string) bool {
	for _, p := range people {
		if p.Name == name {
			return true
		}
	}
	return false
}

// orEmpty turns a nil list into an empty one, so JSON shows [] not null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// readTitle reads a title's chair and meeting: "县委书记张三主持召开县委常委会
// 会议 研究…" names both; "兰溪召开市委常委会会议" names who convened it.
func readTitle(title string) (chair Person, who, name string) {
	if mm := titleStudyChair.FindStringSubmatch(title); mm != nil {
		return Person{Name: mm[1]}, "", mm[2]
	}
	loc := chairConvened.FindStringIndex(title)
	if loc == nil {
		who, name = convenedBy(title)
		return Person{}, who, name
	}
	chair, _ = parsePerson(cleanChairClause(title[:loc[0]]))
	after := strings.FieldsFunc(title[loc[1]:], func(r rune) bool { return r == ' ' || strings.ContainsRune("：:，,。；;", r) })
	if len(after) > 0 {
		name = trimMeetingName(after[0])
		for _, cut := range []string{"时强调", "并讲话", "强调", "指出"} {
			name = strings.TrimSuffix(name, cut)
		}
	}
	if !meetingWord.MatchString(name) {
		name = ""
	}
	return chair, "", name
}

// meetingWord ends the name of a meeting of any size.
var meetingWord = regexp.MustCompile(meetingSuffixes + `$`)

// meetingSuffixes are the words a meeting's name ends with.
const meetingSuffixes = `(?:会议|大会|全会|座谈会|推进会|部署会|调度会|动员会|现场会|专题会|对接会|联席会|学习会|年会|议政会|协商会|务虚会|例会|讨论会|汇报会|分析会|观摩会|交流会|点评会|研讨会|恳谈会|集体学习|专题学习|办公会|协调会|碰头会|生活会|总结会|通报会|评议会|交办会)`

// leadMeeting finds the meeting a lead's first sentence names, and who
// convened it.
func leadMeeting(lead string) (who, name string) {
	for _, c := range splitClauses(firstSentence(lead)) {
		if who, name := convenedBy(strings.TrimPrefix(c, timeLead.FindString(c))); name != "" {
			return cleanChairClause(who), name
		}
		if mm := studyHeld.FindStringSubmatch(c); mm != nil {
			return "", mm[1] + mm[2] + mm[3]
		}
	}
	return "", ""
}

// studyHeld is a body's study session: "中共中央政治局5日下午就…进行第十四次
// 集体学习", "县委理论学习中心组开展专题学习" — named after the body.
var studyHeld = regexp.MustCompile(`^(\p{Han}{2,20}?)` + heldBetween + `(?:就[^，,。]{1,80}?)?(?:进行|举行|开展)了?((?:\d{4}年度?)?第[一二三四五六七八九十百零〇两\d]+次)?(集体学习|专题学习)$`)

// titleStudyChair is a title naming who presided over a study session by
// what they said at it: "张三在县委理论学习中心组第5次集体学习时强调".
var titleStudyChair = regexp.MustCompile(`^(\p{Han}{2,4})在(\p{Han}{2,30}?(?:集体学习|专题学习))时(?:强调|指出|表示|的讲话)`)

// firstSentence is a paragraph's first sentence.
func firstSentence(p string) string {
	if s := splitSentences(p); len(s) > 0 {
		return s[0]
	}
	return ""
}

// mergeNames joins the lead's name for a meeting with the title's: a lead
// that leaves out the body ("第八十五次主席会议") takes it from the title
// ("全国政协主席会议" → "全国政协第八十五次主席会议"); a lead that names
// nothing takes the title's name. When both name the same type of
// meeting in different words ("政协第十四届全国委员会第六次主席会议" and
// "全国政协主席会议"), the title's usual name is kept with the lead's
// ordinal: 全国政协第六次主席会议.
func mergeNames(lead, title string) string {
	if lead == "" {
		return title
	}
	bare := ordinalExpr.ReplaceAllString(lead, "")
	if title == "" || bare == title || strings.Contains(lead, title) {
		return lead
	}
	if strings.HasSuffix(title, bare) {
		return strings.TrimSuffix(title, bare) + lead
	}
	kind := meetingType(lead)
	switch {
	case kind == "会议" || kind != meetingType(title) || strings.Contains(lead, strings.TrimSuffix(title, kind)):
		// Different meetings, or the lead names the same body more fully
		// (十三届县委第32次常委会会议 for 县委常委会会议).
		return lead
	case ordinalExpr.MatchString(title):
		if ordinalOf(title) == ordinalOf(lead) {
			return title
		}
		return lead
	}
	ordinal := ordinalExpr.FindString(lead)
	return strings.TrimSuffix(title, kind) + ordinal + kind
}

// ordinalExpr is a meeting's ordinal: 第一百二十六次, 第29次.
var ordinalExpr = regexp.MustCompile(`第([一二三四五六七八九十百零〇两\d]+)次`)

// convenedBy reads "XX召开YY会议" into who convened it and the meeting's
// name; "县委常委会召开会议" names the meeting after its body: 县委常委会会议;
// "全县安全生产工作会议召开" names the meeting and not who convened it.
func convenedBy(s string) (who, name string) {
	mm := convened.FindStringSubmatch(s)
	if mm == nil {
		if held := meetingHeld.FindStringSubmatch(trimEndPunct(s)); held != nil {
			return "", held[1]
		}
		return "", ""
	}
	who, name = trimSpace(mm[1]), trimEndPunct(mm[2])
	if name == "会" || bareMeeting.MatchString(name) {
		// "县委常委会召开第32次会议" is named after the body that met.
		who = cleanChairClause(who)
		if who == "" || !allHan(who) {
			return "", ""
		}
		if name == "会" {
			name = "会议"
		}
		return "", who + name
	}
	if runeLen(name) < 3 {
		return "", ""
	}
	if body := cleanChairClause(who); strings.HasSuffix(body, "中心组") && allHan(body) && strings.Contains(name, "学习") {
		// "县委理论学习中心组举行专题学习会": the group's own study session.
		return "", body + name
	}
	if body := cleanChairClause(who); numberedName.MatchString(name) && allHan(body) && bodyEnd.MatchString(body) {
		// "县人大常委会召开第十八次主任会议": the body begins the name.
		return "", body + name
	}
	return who, name
}

// bareMeeting is a meeting named only by its number or as enlarged:
// 会议, 第32次会议, (扩大)会议.
var bareMeeting = regexp.MustCompile(`^(?:\d{4}年度?)?(?:第[一二三四五六七八九十百零〇两\d]+次)?(?:[(（]?扩大[)）]?)?会议$`)

// numberedName starts a meeting's name that leaves out its body: 第十八次主任
// 会议, 2024年第5次会议.
var numberedName = regexp.MustCompile(`^(?:\d{4}年度?)?第[一二三四五六七八九十百零〇两\d]+次`)

// findLead returns the paragraph that opens the report by saying who
// convened or chaired the meeting.
func findLead(paras []string) (int, string) {
	for i, p := range paras {
		if i >= 4 {
			break
		}
		if chairConvened.MatchString(p) || chairedBy.MatchString(p) || chairMeeting.MatchString(p) {
			return i, p
		}
		if _, _, ok := chairHolds(p); ok {
			return i, p
		}
	}
	// A report that names no chair: the first paragraph opens by saying
	// that a meeting was held ("全县秋粮收购工作推进会昨日召开").
	// An opening (…代表大会在京开幕) is reported as an event, not as a
	// meeting that did business.
	if len(paras) > 0 && !openingOrClosing.MatchString(firstSentence(paras[0])) {
		if _, name := leadMeeting(paras[0]); name != "" {
			return 0, paras[0]
		}
	}
	return -1, ""
}

// meetingMention is a title's word for a meeting of any kind.
var meetingMention = regexp.MustCompile(`会议|会$|会[ 　:：，]|学习`)

// visitTitle names a visit or an inspection in a title: the story is the
// visit even when the lead says a meeting was held during it.
var visitTitle = regexp.MustCompile(`调研|考察|视察|督导|督查|暗访|走访|慰问|检查`)

// openingOrClosing marks the report of a session's opening or closing, an
// event rather than a meeting that did business.
var openingOrClosing = regexp.MustCompile(`开幕|闭幕`)

// upcoming stands before the verb of a meeting still to come: 将于下周,
// 定于7月15日, 拟于…, 将.
var upcoming = regexp.MustCompile(`(?:将于|将在|定于|拟于|拟在|计划于|预计于|将)[^。；;，,]{0,40}$`)

// conveneVerb is the verb that says a meeting is (to be) held.
var conveneVerb = regexp.MustCompile(`召开|举行`)

// announced reports whether a sentence announces its meeting for later
// ("县政府定于7月15日召开…") rather than reporting it held; a later clause
// about another meeting ("…决定全会将于12月召开") does not count.
func announced(s string) bool {
	loc := conveneVerb.FindStringIndex(s)
	return loc != nil && upcoming.MatchString(s[:loc[0]])
}

// notMeeting is in the name of an event that is not a meeting, however it
// is convened or chaired: a ceremony, a launch, a fair, a show.
var notMeeting = regexp.MustCompile(`仪式|典礼|发布会|博览会|展览会|展销会|运动会|晚会|音乐会|演唱会|交易会|庙会|招聘会|推介会|开幕式|闭幕式|见面会|签约|揭牌|揭幕|开工|奠基|竣工|颁奖|茶话会|团拜会|招待会|联欢会|报告会|宣讲会|追悼会|纪念大会|读书会|演出|培训班|开班|培训会|比赛|竞赛|大赛|欢送|欢迎会|授旗|升旗`)
