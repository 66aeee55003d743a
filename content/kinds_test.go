package content

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// kindWant is what a test bulletin in testdata/kinds must yield; empty
// fields are not checked.
type kindWant struct {
	kind                        Kind
	name, typ, organ            string
	ordinal                     int
	chair, chairTitle           string
	heldDate                    string
	summaryPrefix               string   // the summary starts with this
	summaryHas                  []string // and contains each of these
	summaryLacks                []string // and none of these
	approved, decisions, points []string // each is among the meeting's (points: as a prefix)
	reviewed                    []string
}

// summaryDate is a date a summary opens with.
var summaryDate = regexp.MustCompile(`^(?:\d{4}年)?\d{1,2}月\d{1,2}日`)

// TestKinds checks each kind of phrasing of issue 14 on bulletins written
// for it (testdata/kinds): local and national styles alike.
func TestKinds(t *testing.T) {
	tests := map[string]kindWant{
		// post, name and day glued before 主持召开; a 本报讯 byline
		"glued-chair-day.txt": {kind: KindMeeting, name: "县委常委会会议", typ: "常委会会议", chair: "张明", chairTitle: "县委书记",
			heldDate: "2024-03-26", summaryPrefix: "3月26日，县委书记张明主持召开县委常委会会议", summaryLacks: []string{"本报讯", "记者", "通讯员"}},
		// 昨天下午 against the publication day; a 融媒体中心讯 dateline
		"yesterday-mayor.txt": {kind: KindMeeting, name: "市政府第21次常务会议", typ: "常务会议", ordinal: 21, chair: "李红", chairTitle: "市长",
			heldDate: "2023-09-11", summaryPrefix: "9月11日下午，市长李红主持召开", summaryLacks: []string{"融媒体中心讯"},
			approved: []string{"《河川市老旧小区改造实施方案》"}},
		// 今天下午
		"today-afternoon.txt": {kind: KindMeeting, chair: "丁伟", heldDate: "2024-05-15", summaryPrefix: "5月15日下午，"},
		// a bare 30日 later than the publication day is in the month before
		"bare-day-previous-month.txt": {kind: KindMeeting, chair: "马骏", heldDate: "2023-07-30", summaryPrefix: "7月30日，"},
		// "7月6日上午9点，…召开" was held on the 6th; a street committee's 推进会
		"clock-time-lead.txt": {kind: KindMeeting, name: "安全生产工作推进会", typ: "推进会", chair: "吴涛",
			heldDate: "2024-07-06", summaryPrefix: "7月6日上午，"},
		// 近日 names no day: the summary says 近日, never the publication day
		"recent-unknown-day.txt": {kind: KindMeeting, typ: "调度会", chair: "何亮", summaryPrefix: "近日，", summaryLacks: []string{"6月20日"}},
		// no day in the text: the summary states none
		"no-day-given.txt": {kind: KindMeeting, name: "县政府第8次常务会议", ordinal: 8, chair: "孙亮", summaryPrefix: "县委副书记、县长孙亮主持召开"},
		// a publication day the text does not give: no day from 今天, the
		// month and day when the text names them
		"undated-today.txt":        {kind: KindMeeting, chair: "丁伟", summaryPrefix: "县长丁伟主持召开"},
		"undated-explicit-day.txt": {kind: KindMeeting, chair: "丁伟", summaryPrefix: "5月6日上午，县长丁伟主持召开"},
		// the day nearest the verb, not a date the lead mentions before it
		"earlier-date-in-lead.txt": {kind: KindMeeting, name: "镇党委专题会议", typ: "专题会议", chair: "钱进", heldDate: "2024-03-06",
			summaryPrefix: "3月6日下午，"},
		// meeting-first lead with a 新华社…电 dateline, "…主持并讲话"
		"meeting-first-session.txt": {kind: KindMeeting, name: "省政协第十二届委员会第九次主席会议", typ: "主席会议", ordinal: 9,
			chair: "高建华", chairTitle: "省政协主席", heldDate: "2023-11-18", summaryPrefix: "11月18日，省政协主席高建华主持召开",
			summaryLacks: []string{"新华社", "电"}},
		// meeting-first lead, the name before the post ("周立新主任主持"), 据…报道, 会议决定，…
		"meeting-first-title-after.txt": {kind: KindMeeting, typ: "主任会议", ordinal: 23, chair: "周立新", chairTitle: "主任",
			heldDate: "2023-05-08", summaryLacks: []string{"据市广播电视台报道"},
			decisions: []string{"市十六届人大常委会第十二次会议于5月下旬举行"}, summaryHas: []string{"决定市十六届人大常委会第十二次会议于5月下旬举行"}},
		// a 央视网消息 dateline on a 党组会议 convened by a body
		"national-style-standing.txt": {kind: KindMeeting, name: "省人大常委会党组会议", typ: "党组会议", chair: "王立本",
			heldDate: "2023-06-29", summaryLacks: []string{"央视网消息", "新闻联播"}},
		// 原则通过《…》；研究决定…；确定…；同意…
		"decisions-local.txt": {kind: KindMeeting, ordinal: 15, approved: []string{"《县城燃气管网改造三年行动方案》"},
			decisions:  []string{"对城区三条主干道实施提升改造", "确定今年县级民生实事项目为10件", "同意设立县中小企业纾困基金"},
			summaryHas: []string{"审议通过《县城燃气管网改造三年行动方案》", "决定对城区三条主干道实施提升改造", "；同意设立县中小企业纾困基金"}},
		// a ceremony someone 主持 is news
		"ceremony-not-meeting.txt": {kind: KindNews},
		// a meeting whose report names no chair
		"no-chair-meeting.txt": {kind: KindMeeting, name: "全县秋粮收购工作推进会", typ: "推进会", heldDate: "2024-10-08",
			summaryPrefix: "10月8日，全县秋粮收购工作推进会召开"},
		// a street 党工委's 理论学习中心组集体学习
		"street-party-committee-study.txt": {kind: KindMeeting, typ: "中心组集体学习", chair: "吴涛", chairTitle: "东湖街道党工委书记"},
		// traditional characters: recognized, shown as written
		"traditional-county.txt": {kind: KindMeeting, name: "十三屆縣委第32次常委會會議", typ: "常委会会议", ordinal: 32, organ: "縣委",
			chair: "張明", chairTitle: "縣委書記", heldDate: "2024-03-26", approved: []string{"《縣鄉村振興考核辦法》"},
			points: []string{"要紮實推進鄉村振興"}},
		// a title that opens with 《…》
		"booktitle-title.txt": {kind: KindNews},
		// 主持 a study session without 召开; "在主持…时强调"
		"chair-holds-study.txt": {kind: KindMeeting, name: "县委理论学习中心组第9次集体学习", typ: "中心组集体学习", ordinal: 9,
			chair: "张明", heldDate: "2024-09-12", summaryPrefix: "9月12日下午，县委书记张明主持县委理论学习中心组第9次集体学习",
			points: []string{"要把学习成果转化为推动高质量发展的实际成效"}},
		"chair-while-speaking.txt": {kind: KindMeeting, ordinal: 12, chair: "林峰", heldDate: "2024-11-05",
			points: []string{"要深入学习贯彻全会精神"}, summaryHas: []string{"林峰强调：要深入学习贯彻全会精神"}},
		// a body convenes its numbered meeting; 会议由…主持; 研究决定
		"body-convenes-numbered.txt": {kind: KindMeeting, name: "县委常委会第32次会议", typ: "常委会会议", ordinal: 32, organ: "县委",
			chair: "张明", heldDate: "2024-04-02", decisions: []string{"成立县城市更新工作专班"},
			summaryHas: []string{"决定成立县城市更新工作专班"}},
		// a speaker's 他要求，一是…二是…: each item a point, in the speaker's name
		"speaker-he-requires.txt": {kind: KindMeeting, typ: "部署会", chair: "李梅", heldDate: "2024-05-09",
			points:     []string{"要压实责任", "要强化监测预警", "要做好物资储备"},
			summaryHas: []string{"王刚出席并讲话", "王刚要求：要压实责任；要强化监测预警"}},
		// a street committee's meeting numbered within the year
		"street-year-numbered.txt": {kind: KindMeeting, name: "东城街道党工委2024年第5次会议", typ: "党工委会议", ordinal: 5,
			organ: "东城街道党工委", chair: "孙悦", approved: []string{"《东城街道网格化管理实施办法》"}},
		// a visit that ends with a 座谈会 is news about the visit
		"visit-with-forum.txt": {kind: KindNews},
		// a press conference, an inspection that ends with a meeting, a meeting
		// mentioned in passing: news
		"press-conference-news.txt":        {kind: KindNews},
		"inspection-with-meeting-news.txt": {kind: KindNews},
		"meeting-mentioned-news.txt":       {kind: KindNews, summaryLacks: []string{"央视网消息"}},
		// a feature that recalls a meeting only in its fourth paragraph
		"feature-recalls-meeting.txt": {kind: KindNews},
		// a tea party someone 主持 is news
		"tea-party-news.txt": {kind: KindNews},
		// a signing ceremony someone 主持 is news
		"signing-ceremony.txt": {kind: KindNews},
		// traditional characters in a name the parser composes from its body
		"traditional-body-convenes.txt": {kind: KindMeeting, name: "區委常委會會議", typ: "常委会会议", organ: "區委", chair: "黃志強",
			heldDate: "2024-01-15", summaryPrefix: "1月15日，區委書記黃志強主持召开區委常委會會議"},
		// a 主任会议 named after its body; 会议决定，…
		"people-congress-chairmen.txt": {kind: KindMeeting, name: "县人大常委会第十八次主任会议", typ: "主任会议", ordinal: 18,
			chair: "钱芳", decisions: []string{"县十八届人大常委会第二十次会议于10月下旬召开"}},
		// 审议并原则通过《…》, 原则同意…的请示
		"agree-to-request.txt": {kind: KindMeeting, approved: []string{"《县高标准农田建设实施方案》"},
			decisions:  []string{"原则同意县教育局关于新建城东小学的请示"},
			summaryHas: []string{"审议通过《县高标准农田建设实施方案》，原则同意县教育局关于新建城东小学的请示"}},
		// 昨日 with a 本报讯 byline; a conference where one speaks and another chairs
		"yesterday-byline-conference.txt": {kind: KindMeeting, name: "全县重点项目建设推进会", typ: "推进会", chair: "王刚",
			heldDate: "2024-09-04", summaryPrefix: "9月4日，全县重点项目建设推进会召开，县委书记张明出席并讲话，县长王刚主持",
			summaryLacks: []string{"本报讯", "记者"}},
		// a body convenes "…13日在京召开双周协商座谈会"; the chair's 表示 followed by 要…
		"national-forum-says.txt": {kind: KindMeeting, name: "全国政协双周协商座谈会", typ: "座谈会", organ: "全国政协", chair: "赵明远",
			heldDate: "2024-06-13", points: []string{"要深入调研"}, summaryLacks: []string{"央视网消息"}},
		// a chair named only by post: no chair, and the name not doubled in the summary
		"national-politburo-unnamed-chair.txt": {kind: KindMeeting, name: "中共中央政治局会议", organ: "中共中央政治局",
			heldDate: "2024-07-30", summaryPrefix: "7月30日，中共中央政治局会议召开，研究部署下半年经济工作"},
		// a session's closing is reported as an event
		"session-closing-news.txt": {kind: KindNews, summaryLacks: []string{"央视网消息"}},
		// a name set off by spaces, a transcribed name with a middle dot
		"spaced-chair-name.txt": {kind: KindMeeting, chair: "李四", chairTitle: "镇党委书记", typ: "学习会"},
		"dotted-chair-name.txt": {kind: KindMeeting, name: "县委常委会会议", chair: "艾力·买买提", chairTitle: "县委书记"},
		// 审议 alone is reviewed, never summarized as approved
		"reviewed-not-approved.txt": {kind: KindMeeting, ordinal: 8, chair: "王东", reviewed: []string{"《区深化营商环境改革实施方案》"},
			summaryHas: []string{"审议《区深化营商环境改革实施方案》"}, summaryLacks: []string{"审议通过"}},
		// a village assembly; 晚 as the part of the day
		"village-assembly.txt": {kind: KindMeeting, typ: "代表大会", chair: "刘强", heldDate: "2024-06-01", summaryPrefix: "6月1日晚，"},
		// the day in the paragraph above the one naming the chair
		"date-above-chair.txt": {kind: KindMeeting, name: "县委常委会会议", chair: "张明", heldDate: "2024-03-05", summaryPrefix: "3月5日下午，县委书记张明主持召开"},
		// a body's study session "就…进行第六次集体学习"; the title names who presided
		"study-session-national.txt": {kind: KindMeeting, name: "省委理论学习中心组第六次集体学习", typ: "中心组集体学习", ordinal: 6,
			chair: "赵立平", chairTitle: "省委书记", heldDate: "2024-04-25", summaryPrefix: "4月25日下午，省委书记赵立平主持省委理论学习中心组第六次集体学习",
			points: []string{"要把科技创新摆在更加突出的位置"}},
		// the title reports the meeting; the lead opens with why, and names no chair
		"title-reports-meeting.txt": {kind: KindMeeting, name: "全县森林防火工作会议", typ: "工作会议", heldDate: "2024-01-24",
			points: []string{"各乡镇要严格野外火源管控"}},
		// the chair's own 指出 / 强调 / 要求 are the points
		"speaker-led.txt": {kind: KindMeeting, typ: "调度会", chair: "丁伟",
			points:        []string{"要逐个项目梳理堵点", "各牵头单位要落实专人盯办"},
			summaryHas:    []string{"丁伟强调：要逐个项目梳理堵点"},
			summaryLacks:  []string{"会议强调"},
			summaryPrefix: "8月21日，县长丁伟主持召开重点项目调度会"},
		// a 中心组 study session counted within the year (开展2024年第3次集体学习),
		// chaired by one who 主持学习并讲话
		"street-study-year-count.txt": {kind: KindMeeting, name: "红旗街道党工委理论学习中心组2024年第3次集体学习", typ: "中心组集体学习",
			ordinal: 3, chair: "赵敏", chairTitle: "街道党工委书记", heldDate: "2024-04-26",
			summaryPrefix: "4月26日下午，街道党工委书记赵敏主持红旗街道党工委理论学习中心组2024年第3次集体学习"},
		// 我镇 is the reporter's own town, not a name to show: the summary leaves it out
		"own-town-organ.txt": {kind: KindMeeting, typ: "调度会", summaryPrefix: "近日，农村人居环境整治调度会召开", summaryLacks: []string{"我镇"}},
		// 会议要求 and the speaker's own 要求 are said in their own voices, each
		// with the verb the text uses; 我县 stays out of the summary
		"meeting-and-speaker-require.txt": {kind: KindMeeting, typ: "推进会", chair: "刘波", heldDate: "2024-05-18",
			summaryHas:   []string{"会议要求：各乡镇要立即开展汛前隐患排查", "。陈志远要求：要牢固树立底线思维"},
			summaryLacks: []string{"强调", "我县"}},
		// 她表示 / 她要求 before anyone else is named: the chair's words, as 表示
		"she-says-town.txt": {kind: KindMeeting, typ: "专题会议", chair: "王丽", organ: "青山镇",
			points:     []string{"要抓好产业发展这个关键", "各村要对照任务清单逐项落实"},
			summaryHas: []string{"王丽表示：要抓好产业发展这个关键"}, summaryLacks: []string{"强调", "本网讯", "来源"}},
		// a meeting announced, not yet held (定于…召开, 将于…召开): news, with no day held
		"upcoming-meeting-news.txt":    {kind: KindNews},
		"upcoming-conference-news.txt": {kind: KindNews},
		// the title's only person spoke (X在…会议上强调): the summary leads with
		// them in their own voice; nobody chaired
		"title-speaker-only.txt": {kind: KindMeeting, name: "全市招商引资工作会议", typ: "工作会议", heldDate: "2024-07-03",
			summaryPrefix: "7月3日，全市招商引资工作会议召开，市长李华出席并讲话", summaryHas: []string{"李华要求：要盯紧产业链精准招商"},
			points: []string{"要盯紧产业链精准招商"}},
		// 党委会 / 常务会 are the 党委会议 / 常务会议; the body is not said twice
		"town-party-committee-short.txt": {kind: KindMeeting, name: "党委会", typ: "党委会议", organ: "镇党委", chair: "杨帆",
			summaryPrefix: "6月5日，镇党委书记杨帆主持召开镇党委会，", summaryLacks: []string{"党委党委会"}},
		// a day of the week resolves against the publication day (Tuesday 9 July
		// 2024: 本周一 is the 8th; Friday 18 October: 上周五 is the 11th)
		"this-monday.txt": {kind: KindMeeting, ordinal: 15, chair: "吴刚", heldDate: "2024-07-08", summaryPrefix: "7月8日，市长吴刚主持召开",
			decisions: []string{"下拨市级防汛救灾资金2000万元"}},
		"last-friday-source-editor.txt": {kind: KindMeeting, ordinal: 30, chair: "田野", heldDate: "2024-10-11",
			summaryPrefix: "10月11日，县长田野主持召开县政府第30次常务会议", summaryHas: []string{"会议要求：各部门要各司其职"},
			summaryLacks: []string{"来源", "审核", "编辑"}},
		// "X出席并讲话" without 会议 makes X an attendee who spoke; 他强调 after
		// "程远指出" is 程远's, not the chair's
		"reporter-byline-site-meeting.txt": {kind: KindMeeting, typ: "现场会", chair: "李明", heldDate: "2024-11-19",
			summaryPrefix: "11月19日，全县冬春农田水利建设现场会召开，县委副书记、县长许立出席并讲话，副县长李明主持",
			summaryHas:    []string{"许立要求：各乡镇要把农田水利建设"}, summaryLacks: []string{"记者", "报道"}},
		"secretary-speaks-he-stresses.txt": {kind: KindMeeting, typ: "大会", chair: "许立", heldDate: "2024-02-20",
			summaryHas: []string{"县委书记程远出席并讲话", "程远强调：要对标一流找差距"}, summaryLacks: []string{"许立强调"}},
		// a byline in traditional characters (本報訊（記者…）) goes; the day held
		// after it is read; points keep the text's characters; no 我縣
		"traditional-byline.txt": {kind: KindMeeting, chair: "黃志強", heldDate: "2024-12-02",
			summaryPrefix: "12月2日下午，縣委書記黃志強主持召开縣委常委會會議",
			summaryHas:    []string{"全縣各級各部門要迅速掀起學習熱潮"}, summaryLacks: []string{"本報訊", "記者", "我縣"}},
		// 会议提出 is said as 提出; 我区 leaves the agenda item
		"district-standing-proposes.txt": {kind: KindMeeting, name: "区委常委会第56次会议", ordinal: 56, chair: "周海",
			summaryHas: []string{"会议提出：要紧盯全年目标", "研究部署一季度经济运行工作"}, summaryLacks: []string{"我区", "会议强调"}},
		// a 中心组 holds its own 专题学习会: the group names the session
		"study-group-session.txt": {kind: KindMeeting, name: "县委理论学习中心组专题学习会", organ: "县委", chair: "程远", heldDate: "2024-10-09",
			summaryPrefix: "10月9日，县委书记程远主持召开县委理论学习中心组专题学习会"},
		// local meetings of further names: 协调会, 碰头会
		"coordination-meeting.txt": {kind: KindMeeting, name: "重点项目建设协调会", typ: "协调会", chair: "许立", heldDate: "2024-06-18",
			summaryHas: []string{"许立要求：各责任单位要主动靠前服务"}},
		"street-huddle-meeting.txt": {kind: KindMeeting, name: "城市管理工作碰头会", typ: "碰头会", chair: "王敏", heldDate: "2024-08-01",
			summaryPrefix: "8月1日上午，街道党工委副书记、办事处主任王敏主持召开"},
		// 出席会议并发表重要讲话 in a meeting-first lead; no one chairs
		"national-conference-speech.txt": {kind: KindMeeting, name: "中央经济工作会议", typ: "工作会议", heldDate: "2024-12-11",
			summaryPrefix: "12月11日，中央经济工作会议召开，中共中央总书记周国安出席并讲话", summaryLacks: []string{"央视网消息"}},
		// X发表讲话。他强调… while a deputy chairs: 他 is X
		"national-speech-deputy-chairs.txt": {kind: KindMeeting, ordinal: 3, chair: "王建国", heldDate: "2024-04-03",
			summaryHas: []string{"国务院总理李华平出席并讲话，国务院副总理王建国主持", "李华平强调：要坚持严的基调"}, summaryLacks: []string{"王建国强调"}},
		// a send-off someone 主持 is a ceremony, though called 大会
		"send-off-ceremony-news.txt": {kind: KindNews},
		// a held meeting that decides when another will be held (…将于12月下旬召开)
		// is a meeting report
		"decides-later-session.txt": {kind: KindMeeting, chair: "张明", heldDate: "2024-11-25",
			decisions: []string{"县委十五届六次全会将于12月下旬召开"}, summaryPrefix: "11月25日，县委书记张明主持召开县委常委会会议"},
		// 我县 with the source naming the county: the county's name instead
		"own-county-with-source.txt": {kind: KindMeeting, organ: "青山县", heldDate: "2024-05-18",
			summaryPrefix: "5月18日上午，青山县2024年防汛抗旱工作推进会召开", summaryLacks: []string{"我县"}},
	}
	for name, w := range tests {
		t.Run(name, func(t *testing.T) {
			b := parseFile(t, "kinds/"+name)
			checkKind(t, b, w)
		})
	}
	// A speaker named by the title chairs nothing unless the text says so.
	if b := parseFile(t, "kinds/title-speaker-only.txt"); b.Meeting == nil || b.Meeting.Chair.Name != "" {
		t.Errorf("title-speaker-only.txt: meeting %+v, want one with no chair", b.Meeting)
	}
}

// checkKind compares a parsed bulletin with what its kind must yield.
func checkKind(t *testing.T, b *Bulletin, w kindWant) {
	t.Helper()
	if b.Kind != w.kind {
		t.Fatalf("kind = %s, want %s (summary %q)", b.Kind, w.kind, b.Summary)
	}
	if n := runeLen(b.Summary); n < 20 || n > DefaultSummaryLimit {
		t.Errorf("summary = %q (%d characters), want 20 to %d", b.Summary, n, DefaultSummaryLimit)
	}
	if !strings.HasPrefix(b.Summary, w.summaryPrefix) {
		t.Errorf("summary = %q, want it to start %q", b.Summary, w.summaryPrefix)
	}
	for _, s := range w.summaryHas {
		if !strings.Contains(b.Summary, s) {
			t.Errorf("summary = %q, want it to contain %q", b.Summary, s)
		}
	}
	for _, s := range w.summaryLacks {
		if strings.Contains(b.Summary, s) {
			t.Errorf("summary = %q, want no %q", b.Summary, s)
		}
	}
	m := b.Meeting
	if m == nil {
		return
	}
	// A date the summary opens with is the day held: resolved, or as the
	// text writes it when the publication year is unknown.
	if said := summaryDate.FindString(b.Summary); said != "" {
		if (m.HeldDate == "" && !strings.HasPrefix(m.Held, said)) || (m.HeldDate != "" && !strings.HasSuffix(said, dayOf(m.HeldDate))) {
			t.Errorf("summary opens with %q, but the meeting was held on %q (%q)", said, m.HeldDate, m.Held)
		}
	}
	for field, pair := range map[string][2]string{
		"name": {m.Name, w.name}, "type": {m.Type, w.typ}, "organ": {m.Organ, w.organ}, "chair": {m.Chair.Name, w.chair},
		"chair title": {m.Chair.Title, w.chairTitle}, "held date": {m.HeldDate, w.heldDate},
	} {
		if pair[1] != "" && pair[0] != pair[1] {
			t.Errorf("%s = %q, want %q", field, pair[0], pair[1])
		}
	}
	if w.ordinal != 0 && m.Ordinal != w.ordinal {
		t.Errorf("ordinal = %d, want %d", m.Ordinal, w.ordinal)
	}
	for _, list := range []struct {
		field     string
		got, want []string
	}{{"approved", m.Approved, w.approved}, {"reviewed", m.Reviewed, w.reviewed}, {"decisions", m.Decisions, w.decisions}, {"points", m.Points, w.points}} {
		for _, want := range list.want {
			if !hasPrefixIn(list.got, want) {
				t.Errorf("%s = %q, want one starting %q", list.field, list.got, want)
			}
		}
	}
}

// dayOf is "26日" for 2024-03-26.
func dayOf(date string) string {
	return strings.TrimPrefix(date[len(date)-2:], "0") + "日"
}

// hasPrefixIn reports whether some item of list starts with prefix.
func hasPrefixIn(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// TestKindsCutShort parses every kinds bulletin cut short at many points
// (as a truncated page or feed item arrives) and checks what must hold of
// any input: no panic, and a summary that opens with a date names the day
// the meeting's own fields say it was held — never another.
func TestKindsCutShort(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "kinds", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no kinds bulletins: %v", err)
	}
	p := newTestParser()
	const step = 17 // characters between cuts
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		runes := []rune(string(data))
		for n := step; n < len(runes)+step; n += step {
			cut := string(runes[:min(n, len(runes))])
			b, err := p.Parse(Input{Data: []byte(cut), Name: filepath.Base(f)})
			if err != nil || b.Meeting == nil {
				continue
			}
			m := b.Meeting
			said := summaryDate.FindString(b.Summary)
			if said == "" {
				continue
			}
			if (m.HeldDate == "" && !strings.HasPrefix(m.Held, said)) || (m.HeldDate != "" && !strings.HasSuffix(said, dayOf(m.HeldDate))) {
				t.Errorf("%s cut at %d: summary opens with %q, held %q (%q)", f, n, said, m.HeldDate, m.Held)
			}
		}
	}
}
