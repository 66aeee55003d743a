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
	chairMeeting = regexp.MustCompile(`([^，,。；;]{2,40}?)主持(?:会议|了会议|并(?:作|发表)?(?:重要)?讲话|[。，,；;]|$)`)
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
	// attendVerb ends the list of people who attended.
	attendVerb = regexp.MustCompile(`(?:出席|参加|列席)(?:了)?(?:会议|本次会议)`)
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
	studyVerbs   = []string{"研究部署", "研究讨论", "研究", "部署", "讨论"}
)

// ownPlace is "our county" in front of an agenda item: 我县贯彻落实意见.
var ownPlace = regexp.MustCompile(`^(?:我|本|全)(?:省|市|县|区|州|镇|乡)`)

// genericItems say nothing about a meeting's agenda.
var genericItems = map[string]bool{
	"其他事项": true, "其他": true, "有关事项": true, "相关事项": true, "贯彻落实意见": true, "贯彻意见": true,
	"落实意见": true, "下步": true, "下一步": true, "下阶段": true, "相关": true, "有关": true, "具体": true,
}

// extractMeeting reads the structure of a meeting report. It returns nil
// when the text does not report a meeting.
func extractMeeting(title string, paras []string, published time.Time, issuers ...string) *Meeting {
	leadIdx, lead := findLead(paras)
	m := &Meeting{}
	place := ""
	titleChair, titlePlace, titleName := readTitle(bracketTag.ReplaceAllString(title, ""))
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
	m.Name = mergeNames(m.Name, titleName)
	if m.Chair.Name == "" {
		m.Chair = titleChair
	}
	if m.Name == "" || (m.Chair.Name == "" && lead == "") || notMeeting.MatchString(m.Name) {
		return nil
	}
	if titleName == "" && visitTitle.MatchString(title) {
		// "副市长调研…": a visit that ends with a 座谈会 is reported as a visit.
		return nil
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
	m.Points = pointsOf(paras, pointMarkerFor(m))
	m.Attendees, m.Relayed, m.Heard = orEmpty(m.Attendees), orEmpty(m.Relayed), orEmpty(m.Heard)
	m.Studied, m.Approved, m.Points = orEmpty(m.Studied), orEmpty(m.Approved), orEmpty(m.Points)
	m.Decisions, m.Reviewed = orEmpty(m.Decisions), orEmpty(m.Reviewed)
	return m
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
const meetingSuffixes = `(?:会议|大会|全会|座谈会|推进会|部署会|调度会|动员会|现场会|专题会|对接会|联席会|学习会|年会|议政会|协商会|务虚会|例会|讨论会|汇报会|分析会|观摩会|交流会|点评会|研讨会|恳谈会|集体学习|专题学习|办公会)`

// leadMeeting finds the meeting a lead's first sentence names, and who
// convened it.
func leadMeeting(lead string) (who, name string) {
	for _, c := range splitClauses(firstSentence(lead)) {
		if who, name := convenedBy(strings.TrimPrefix(c, timeLead.FindString(c))); name != "" {
			return cleanChairClause(who), name
		}
	}
	return "", ""
}

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
	if len(paras) > 0 && !strings.Contains(firstSentence(paras[0]), "开幕") {
		if _, name := leadMeeting(paras[0]); name != "" {
			return 0, paras[0]
		}
	}
	return -1, ""
}

// visitTitle names a visit or an inspection in a title: the story is the
// visit even when the lead says a meeting was held during it.
var visitTitle = regexp.MustCompile(`调研|考察|视察|督导|督查|暗访|走访|慰问|检查`)

// notMeeting is in the name of an event that is not a meeting, however it
// is convened or chaired: a ceremony, a launch, a fair, a show.
var notMeeting = regexp.MustCompile(`仪式|典礼|发布会|博览会|展览会|展销会|运动会|晚会|音乐会|演唱会|交易会|庙会|招聘会|推介会|开幕式|闭幕式|见面会|签约|揭牌|揭幕|开工|奠基|竣工|颁奖|茶话会|团拜会|招待会|联欢会|报告会|宣讲会|追悼会|纪念大会|读书会|演出|培训班|开班|培训会|比赛|竞赛|大赛`)

// readChair fills the chair and the meeting's name from the lead paragraph
// and returns the place name found in front of the chair's title.
func readChair(lead string, m *Meeting) (place string) {
	if loc := chairConvened.FindStringIndex(lead); loc != nil {
		before := lastClause(lead[:loc[0]])
		m.Chair, place = parsePerson(cleanChairClause(before))
		if after := splitClauses(lead[loc[1]:]); len(after) > 0 {
			m.Name = trimMeetingName(after[0])
		}
		return place
	}
	for _, re := range []*regexp.Regexp{chairedBy, chairMeeting} {
		if mm := re.FindStringSubmatch(lead); mm != nil {
			m.Chair, place = parsePerson(cleanChairClause(lastClause(mm[1])))
			return place
		}
	}
	if before, name, ok := chairHolds(lead); ok {
		m.Chair, place = parsePerson(cleanChairClause(before))
		m.Name = name
	}
	return place
}

// chairHolds reads "张三主持县委理论学习中心组集体学习" and "在主持…第十次集体
// 学习时强调": 主持 with the meeting's name after it rather than 召开. It
// returns the clause before 主持 and the name; ok is false when what is
// chaired is not a meeting.
func chairHolds(p string) (before, name string, ok bool) {
	for _, loc := range chairOnly.FindAllStringIndex(p, -1) {
		after := splitClauses(p[loc[1]:])
		if len(after) == 0 {
			continue
		}
		name = trimMeetingName(after[0])
		if i := strings.Index(name, "时"); i > 0 && whileSpeaking.MatchString(name[i:]) {
			name = name[:i]
		}
		if meetingWord.MatchString(name) && !notMeeting.MatchString(name) {
			return strings.TrimSuffix(lastClause(p[:loc[0]]), "在"), name, true
		}
	}
	return "", "", false
}

var (
	// chairOnly is 主持 (or 主持举行) before what is chaired.
	chairOnly = regexp.MustCompile(`主持(?:举行)?了?`)
	// whileSpeaking follows a meeting's name in "在主持…时强调".
	whileSpeaking = regexp.MustCompile(`^时(?:强调|指出|表示|发表|的讲话|说)`)
)

// lastClause is the text after the last clause mark.
func lastClause(s string) string {
	parts := splitClauses(s)
	if len(parts) == 0 {
		return ""
	}
	return parts[len(parts)-1]
}

// cleanChairClause drops the time phrase and the place of the meeting from
// the clause that names the chair.
func cleanChairClause(s string) string {
	s = strings.ReplaceAll(trimSpace(s), " ", "") // "镇党委书记 李四"
	s = strings.TrimPrefix(s, timeLead.FindString(s))
	for i := 0; i < 2; i++ {
		// "李强5月30日下午在北京": the place and the day glued after the name.
		s = atPlace.ReplaceAllString(s, "")
		s = trailingWhen.ReplaceAllString(s, "")
	}
	return trimSpace(strings.TrimSuffix(s, "同志"))
}

// heldBetween is the time a meeting-first lead puts between the meeting's
// name and its verb: "…主席会议18日上午在北京召开".
const heldBetween = `(?:(?:(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日|今天|今日|昨天|昨日|近日|日前)?(?:上午|下午|晚上|晚间|早上|中午|晚)?(?:\d{1,2}(?:时|点)(?:\d{1,2}分|半)?)?)`

// trailingWhen is a time phrase glued after the chair's name: 国务院总理李克强
// 26日 (主持召开), 市长李四昨天下午.
var trailingWhen = regexp.MustCompile(`(?:(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日|今天|今日|昨天|昨日|前天|近日|日前|当天|近期)(?:上午|下午|晚上|晚间|早上|中午|凌晨|晚)?(?:\d{1,2}(?:时|点)(?:\d{1,2}分|半)?)?$|(?:上午|下午|晚上|晚间|早上|中午|晚)$`)

// titleAfterName is a name followed by its post, as in "赵乐际委员长主持":
// the post comes last.
var titleAfterName = regexp.MustCompile(`^(\p{Han}{2,3}?)((?:副)?(?:委员长|总理|主席|书记|县长|市长|区长|省长|镇长|乡长|主任|部长|组长))$`)

// trimMeetingName cuts what follows the meeting's name in its clause.
func trimMeetingName(s string) string {
	s = trimEndPunct(s)
	if loc := speechAfterName.FindStringIndex(s); loc != nil && loc[0] > 0 {
		s = s[:loc[0]]
	}
	return s
}

// speechAfterName follows a meeting's name when the chair also spoke:
// 并讲话, 并发表重要讲话, 并致辞.
var speechAfterName = regexp.MustCompile(`并(?:作|发表)?了?(?:重要)?(?:讲话|致辞|总结讲话)`)

// parsePerson splits "兰溪市委副书记、市长朱俊华" into a title and a name,
// and returns the place name the title started with ("兰溪").
func parsePerson(s string) (p Person, place string) {
	s = trimEndPunct(s)
	locs := personTitle.FindAllStringIndex(s, -1)
	for i := len(locs) - 1; i >= 0; i-- {
		name := s[locs[i][1]:]
		if personName(name) {
			p = Person{Title: trimEndPunct(s[:locs[i][1]]), Name: name}
			break
		}
	}
	if p.Name == "" {
		if mm := titleAfterName.FindStringSubmatch(s); mm != nil && !organEnd.MatchString(mm[1]) && !bodySuffix.MatchString(mm[1]) {
			return Person{Name: mm[1], Title: mm[2]}, ""
		}
		if personName(s) && !bodySuffix.MatchString(s) {
			return Person{Name: s}, ""
		}
		return Person{}, ""
	}
	if mm := placeOrgan.FindStringSubmatch(p.Title); mm != nil {
		place = mm[1]
		p.Title = strings.TrimPrefix(p.Title, place)
	}
	return p, place
}

// personName reports whether s can be a person's name: two to four
// Chinese characters, or a transcribed name whose parts a middle dot joins
// (艾力·买买提).
func personName(s string) bool {
	if n := runeLen(s); n >= 2 && n <= 4 && allHan(s) {
		return true
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '·' || r == '•' || r == '・' })
	if len(parts) < 2 || runeLen(s) > 12 || strings.Count(s, "·")+strings.Count(s, "•")+strings.Count(s, "・") != len(parts)-1 {
		return false
	}
	for _, p := range parts {
		if !allHan(p) {
			return false
		}
	}
	return true
}

// bareBody reports whether s names a body without its place: 市人民政府, 县委.
func bareBody(s string) bool {
	mm := organPrefix.FindStringSubmatch(s)
	return mm != nil && mm[1] == "" && mm[0] == s
}

// organOf names the body that held the meeting: the organ a meeting name
// starts with (市委, 县政府), completed with the place name. A "place" that
// is itself a body (梅溪县委, 市政府) is the organ when it ends with the
// name's.
func organOf(name, place string) string {
	mm := organPrefix.FindStringSubmatch(termPrefix.ReplaceAllString(name, ""))
	if mm == nil {
		return place
	}
	if mm[1] != "" {
		return mm[1] + mm[2]
	}
	if organEnd.MatchString(place) {
		if strings.HasSuffix(place, mm[2]) {
			return place
		}
		return mm[2]
	}
	if place == "" {
		return mm[2]
	}
	base := place
	if runeLen(base) > 2 {
		base = placeSuffix.ReplaceAllString(base, "")
	}
	return base + mm[2]
}

// attendeesOf reads "副县长李明、张华、陈静出席会议": each name with the title
// that precedes it in the list. The list may run over several clauses when
// each starts with a title: "副市长王伟、李娜，市政府秘书长陈海出席会议".
func attendeesOf(text string) []Person {
	var out []Person
	for _, sentence := range splitSentences(text) {
		loc := attendVerb.FindStringIndex(sentence)
		if loc == nil {
			continue
		}
		clauses := splitClauses(sentence[:loc[0]])
		var lists [][]Person
		for i := len(clauses) - 1; i >= 0; i-- {
			people := peopleOf(clauses[i])
			if len(people) == 0 || (i < len(clauses)-1 && people[0].Title == "") {
				break
			}
			lists = append([][]Person{people}, lists...)
		}
		for _, people := range lists {
			out = append(out, people...)
		}
	}
	return out
}

// peopleOf reads the people in one clause of an attendee list, skipping
// items that are not a person.
func peopleOf(clause string) []Person {
	var out []Person
	title := ""
	pending := "" // a title alone, as in 县委副书记、县长孙立军
	for _, item := range splitEnum(clause) {
		item = strings.TrimSuffix(strings.TrimSuffix(item, "同志"), "等")
		if pending != "" {
			item = pending + "、" + item
			pending = ""
		}
		p, _ := parsePerson(item)
		if p.Name == "" {
			if titleOnly.MatchString(item) {
				pending = item
			}
			continue
		}
		if p.Title == "" {
			p.Title = title
		}
		title = p.Title
		out = append(out, p)
	}
	return out
}

// spokeAt is "出席会议并讲话" after the name of who gave the meeting's speech.
var spokeAt = regexp.MustCompile(`出席(?:了)?(?:会议|大会)?并(?:作)?(?:重要)?讲话`)

// speakerOf finds the attendee who gave the meeting's speech when the lead
// says so and the chair did not convene the meeting ("县长孙立军出席会议并
// 讲话，副县长何平主持会议").
func speakerOf(m *Meeting, lead string) (Person, bool) {
	if chairConvened.MatchString(lead) {
		return Person{}, false
	}
	loc := spokeAt.FindStringIndex(lead)
	if loc == nil {
		return Person{}, false
	}
	before := lastClause(lead[:loc[0]])
	for _, p := range m.Attendees {
		if strings.HasSuffix(before, p.Name) {
			return p, true
		}
	}
	return Person{}, false
}

// shortParagraphRunes is how long a later paragraph can be and still be
// read for the attendee list ("副市长王伟、李娜出席会议。").
const shortParagraphRunes = 120

// readAgenda adds what a paragraph says the meeting relayed, heard,
// studied and approved. The lead paragraph is the meeting's own agenda;
// later paragraphs only fill a list the lead left empty, because they
// restate the lead's items in longer words.
func readAgenda(p string, m *Meeting, lead bool) {
	found := map[*[]string][]string{}
	for _, sentence := range splitSentences(p) {
		// Outside the lead, only sentences about the meeting ("会议听取了…，
		// 审议通过了…") report agenda items.
		if !lead && !strings.HasPrefix(sentence, "会议") {
			continue
		}
		// previous is the list the clause before added to: "听取了A的汇报，
		// B的汇报" goes on with the same verb.
		var previous *[]string
		clauses := splitClauses(sentence)
		for ci := 0; ci < len(clauses); ci++ {
			c := strings.TrimPrefix(clauses[ci], "会议")
			for _, pre := range []string{"还", "并", "同时", "首先", "先后", "集中"} {
				c = strings.TrimPrefix(c, pre)
			}
			list := previous
			previous = nil
			before := c
			switch {
			case cutVerb(&c, decideVerbs):
				if trimEndPunct(c) == "" {
					// "会议决定，…": the decision is the rest of the sentence.
					c = strings.Join(clauses[ci+1:], "，")
					ci = len(clauses)
				}
				if d := trimEndPunct(c); runeLen(d) >= 4 {
					found[&m.Decisions] = append(found[&m.Decisions], settledVerb(before)+d)
				}
			case passed(&c):
				previous = &m.Approved
				found[previous] = append(found[previous], approvedItems(c)...)
			case cutVerb(&c, approveVerbs):
				previous = &m.Approved
				found[previous] = append(found[previous], approvedItems(c)...)
			case cutVerb(&c, reviewVerbs):
				// 审议 alone: reviewed, not said to be approved.
				previous = &m.Reviewed
				found[previous] = append(found[previous], approvedItems(c)...)
			case cutVerb(&c, hearVerbs):
				previous = &m.Heard
				found[previous] = append(found[previous], agendaItems(c, heardSuffix)...)
			case cutVerb(&c, relayVerbs):
				found[&m.Relayed] = append(found[&m.Relayed], agendaItems(c, relaySuffix)...)
			case cutVerb(&c, studyVerbs):
				found[&m.Studied] = append(found[&m.Studied], agendaItems(c, studySuffix)...)
			case list == &m.Heard && heardSuffix.MatchString(trimEndPunct(c)):
				previous = list
				found[list] = append(found[list], agendaItems(c, heardSuffix)...)
			case (list == &m.Approved || list == &m.Reviewed) && bookTitle.MatchString(c):
				previous = list
				found[list] = append(found[list], bookTitle.FindAllString(c, -1)...)
			}
		}
	}
	for list, items := range found {
		if !lead && len(*list) > 0 {
			continue
		}
		for _, it := range items {
			*list = appendNew(*list, it)
		}
	}
}

// settledVerb is the verb a decision keeps: 同意 and 确定 say something
// 决定 does not (同意…的请示), so they stay with the item; 决定 and 研究决定
// are implied.
func settledVerb(clause string) string {
	for _, v := range []string{"原则同意", "同意", "研究确定", "确定"} {
		if strings.HasPrefix(clause, v) {
			return strings.TrimPrefix(v, "研究")
		}
	}
	return ""
}

// passed removes a bare 通过 that approves something (通过了…, 通过《…》),
// reporting whether there was one; 通过 before anything else means "by
// means of".
func passed(s *string) bool {
	rest, ok := strings.CutPrefix(*s, "通过")
	if !ok || !(strings.HasPrefix(rest, "了") || strings.HasPrefix(rest, "《")) {
		return false
	}
	*s = strings.TrimPrefix(rest, "了")
	return true
}

// cutVerb removes the first of verbs that s starts with (and a following
// 了), reporting whether one did.
func cutVerb(s *string, verbs []string) bool {
	for _, v := range verbs {
		if strings.HasPrefix(*s, v) {
			*s = strings.TrimPrefix(strings.TrimPrefix(*s, v), "了")
			return true
		}
	}
	return false
}

var (
	heardSuffix = regexp.MustCompile(`(?:的|等)?(?:工作)?(?:汇报|报告)$`)
	relaySuffix = regexp.MustCompile(`等$`)
	studySuffix = regexp.MustCompile(`(?:等)?(?:工作|事项|问题)$`)
	bookTitle   = regexp.MustCompile(`《[^》]+》`)
	// needsHead ends a phrase that cannot stand without the noun a suffix
	// would strip: 近期重点工作 stays whole rather than becoming 近期重点.
	needsHead = regexp.MustCompile(`(?:重点|近期|当前|今年|下步|下一步|下阶段|各项|有关|相关|主要|重要|日常)$`)
)

// agendaItems splits an enumeration into items when its parts are
// parallel (each long enough to stand alone); "市总工会、团市委、市妇联…汇报" stays
// one item.
func agendaItems(s string, suffix *regexp.Regexp) []string {
	parts := splitEnum(s)
	parallel := true
	for _, p := range parts[:max(len(parts)-1, 0)] {
		if runeLen(p) < 4 {
			parallel = false
		}
	}
	if !parallel {
		parts = []string{s}
	}
	var out []string
	for _, p := range parts {
		p = trimEndPunct(p)
		stripped := trimEndPunct(suffix.ReplaceAllString(p, ""))
		if genericItems[ownPlace.ReplaceAllString(stripped, "")] {
			continue
		}
		if !needsHead.MatchString(stripped) {
			p = stripped
		}
		if runeLen(p) >= 2 {
			out = append(out, p)
		}
	}
	return out
}

// approvedItems lists the 《documents》 a meeting approved, or its items.
func approvedItems(s string) []string {
	if docs := bookTitle.FindAllString(s, -1); len(docs) > 0 {
		return docs
	}
	return agendaItems(s, studySuffix)
}

// appendNew appends item unless the list already has it or says more.
func appendNew(list []string, item string) []string {
	for _, have := range list {
		if strings.Contains(have, item) || strings.Contains(item, have) {
			return list
		}
	}
	return append(list, item)
}

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
