package content

import (
	"regexp"
	"strings"
)

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
		rest := after[0][len(name):]
		if (meetingWord.MatchString(name) || (genericMeeting[name] && (whileSpeaking.MatchString(rest) || strings.HasPrefix(rest, "并")))) && !notMeeting.MatchString(name) {
			if genericMeeting[name] {
				name = "" // "在主持学习时强调", "主持学习并讲话": the lead names the meeting elsewhere
			}
			return strings.TrimSuffix(lastClause(p[:loc[0]]), "在"), name, true
		}
	}
	return "", "", false
}

// genericMeeting refers back to a meeting the lead has named: 主持学习, 主持会议.
var genericMeeting = map[string]bool{"学习": true, "会议": true, "会": true}

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
var spokeAt = regexp.MustCompile(`出席(?:了)?(?:会议|大会)?并(?:作|发表)?(?:了)?(?:重要)?讲话|发表(?:了)?(?:重要)?讲话`)

// speakerOf finds the attendee who gave the meeting's speech when the lead
// says so and the chair did not convene the meeting ("县长孙立军出席会议并
// 讲话，副县长何平主持会议").
//
// With no chair and no such lead, the attendee whose words the points are
// (named by the title, "市长李华在全市…会议上强调") is the speaker.
func speakerOf(m *Meeting, lead string, points []voicedPoint) (Person, bool) {
	if chairConvened.MatchString(lead) {
		return Person{}, false
	}
	loc := spokeAt.FindStringIndex(lead)
	if loc == nil {
		if m.Chair.Name != "" || len(points) == 0 {
			return Person{}, false
		}
		for _, p := range m.Attendees {
			if p.Name == points[0].who {
				return p, true
			}
		}
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

// titleSpeech is a title naming who spoke at the meeting, and only that:
// "市长李华在全市招商引资工作会议上强调".
var titleSpeech = regexp.MustCompile(`^(\p{Han}{2,16}?)在\p{Han}{2,40}?` + meetingSuffixes + `上(?:的讲话中|讲话时|讲话)?(?:强调|指出|表示|要求)`)

// titleSpeaker is the person a title says spoke at the meeting, or none.
// They attended; they chaired only if the text says they 主持.
func titleSpeaker(title string) Person {
	mm := titleSpeech.FindStringSubmatch(title)
	if mm == nil {
		return Person{}
	}
	p, _ := parsePerson(mm[1])
	return p
}

// shortParagraphRunes is how long a later paragraph can be and still be
// read for the attendee list ("副市长王伟、李娜出席会议。").
const shortParagraphRunes = 120
