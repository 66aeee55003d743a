package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// testTopics is the topic list the tests tag with; it mirrors the shape of
// configs/topics.yaml without depending on that package.
var testTopics = func() *Topics {
	t, err := ParseTopics([]byte(`
topics:
  - {name: 防汛, en: flood control, keywords: [防汛, 汛期, 防台, 度汛, 强降雨, 山塘水库]}
  - {name: 人才, en: talent, keywords: [人才, 引才]}
  - {name: 招商引资, keywords: [招商引资, 招商, 招大引强]}
  - {name: 疫情防控, keywords: [疫情防控, 疫情]}
  - {name: 安全生产, keywords: [安全生产, 隐患排查, 事故]}
`))
	if err != nil {
		panic(err)
	}
	return t
}()

func newTestParser() *Parser { return NewParser(ParserConfig{}, ParserDeps{Topics: testTopics}) }

// inputPath is where a test bulletin lives: a bare name is one of the
// sample bulletins, whose one copy is ../configs/samples (the demo embeds
// them); "extra/…" and "kinds/…" are in testdata.
func inputPath(name string) string {
	if !strings.Contains(name, "/") {
		return filepath.Join("..", "configs", "samples", name)
	}
	return filepath.Join("testdata", name)
}

func parseFile(t testing.TB, name string) *Bulletin {
	t.Helper()
	data, err := os.ReadFile(inputPath(name))
	if err != nil {
		t.Fatal(err)
	}
	b, err := newTestParser().Parse(Input{Data: data, Name: name})
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return b
}

// chromeWords must never survive into a bulletin's text or summary.
var chromeWords = []string{"访问次数", "字体大小", "扫一扫", "浏览次数", "打印本页", "关闭窗口", "【字体", "发布时间", "发布日期", ".jpg", "当前位置", "版权所有"}

func TestParseSamples(t *testing.T) {
	type want struct {
		title, published, kind, source, doc string
		meeting                             *Meeting // only the fields set are checked
		images                              int
		relayed                             int
		points                              []string // prefixes of the first points, in order
		tags                                []string
		summary                             string // a prefix of the summary
	}
	tests := map[string]want{
		"lanxi-2022-05-27-standing-committee.txt": {
			title:     "兰溪召开市委常委会(扩大)会议:扛旗争先强攻坚 绣花功夫抓落实 奋力推动各项工作取得新突破",
			published: "2022-05-27T09:36:00+08:00", kind: "meeting",
			meeting: &Meeting{Name: "市委常委会(扩大)会议", Organ: "兰溪市委", Chair: Person{Name: "朱俊华", Title: "市委副书记、市长"},
				Heard: []string{"全市人才工作情况", "群团组织工作情况"}},
			images: 2, relayed: 7,
			points: []string{"要全力推进招大引强", "要全力推进项目攻坚突破", "要全力推进纺织产业转型突围", "要全力推进工业低效用地整治", "要全力推进城市更新", "要全力推进防汛保安"},
			tags:   []string{"防汛", "人才", "招商引资"},
		},
		"lanxi-2022-05-27-standing-committee.gbk.html": {
			title:     "兰溪召开市委常委会(扩大)会议:扛旗争先强攻坚 绣花功夫抓落实 奋力推动各项工作取得新突破",
			published: "2022-05-27T09:36:00+08:00", kind: "meeting", source: "兰溪市人民政府",
			meeting: &Meeting{Name: "市委常委会(扩大)会议", Organ: "兰溪市委", Chair: Person{Name: "朱俊华", Title: "市委副书记、市长"}},
			images:  2, relayed: 7,
			points: []string{"要全力推进招大引强"},
		},
		"qingxi-2022-06-08-county-executive.txt": {
			title:     "青溪县召开县政府第十二次常务会议",
			published: "2022-06-08T00:00:00+08:00", kind: "meeting", source: "青溪县人民政府办公室",
			meeting: &Meeting{Name: "县政府第十二次常务会议", Organ: "青溪县政府", Held: "6月7日下午", HeldDate: "2022-06-07",
				Chair:     Person{Name: "王立新", Title: "县委副书记、县长"},
				Attendees: []Person{{"李明", "副县长"}, {"张华", "副县长"}, {"陈静", "副县长"}},
				Approved:  []string{"《青溪县促进经济稳进提质若干政策措施》", "《青溪县2022年防汛防台应急预案（修订）》"},
				Heard:     []string{"县发改局关于上半年经济运行情况"}},
			relayed: 1,
			points:  []string{"各乡镇、各部门要压紧压实安全生产责任", "要加强雨情水情监测预报"},
			tags:    []string{"防汛", "安全生产"},
		},
		"qingxi-2022-06-01-flood-notice.txt": {
			title:     "青溪县人民政府办公室关于切实做好2022年汛期安全防范工作的通知",
			published: "2022-06-01T16:20:00+08:00", kind: "notice", source: "青溪县人民政府办公室",
			doc: "青政办明电〔2022〕12号", tags: []string{"防汛"},
		},
		"extra/meixi-2023-03-15-county-committee.html": {
			title:     "梅溪县委召开常委会会议 研究部署春耕生产和乡村振兴工作",
			published: "2023-03-15T18:20:00+08:00", kind: "meeting", source: "梅溪县融媒体中心",
			meeting: &Meeting{Name: "梅溪县委常委会会议", Organ: "梅溪县委", Held: "3月14日上午", Chair: Person{Name: "赵志强", Title: "县委书记"},
				Attendees: []Person{{"孙海", "县领导"}, {"周敏", "县领导"}, {"吴建国", "县领导"}},
				Approved:  []string{"《梅溪县2023年乡村振兴重点工作任务清单》"}},
			relayed: 1, points: []string{"要抓好春耕备耕", "要推进乡村产业发展", "要深化农村改革"},
		},
		"extra/dongyang-2023-07-20-executive.txt": {
			title: "东阳市召开市政府第35次常务会议", published: "2023-07-20T17:05:00+08:00", kind: "meeting",
			meeting: &Meeting{Name: "市政府第35次常务会议", Organ: "东阳市政府", Held: "7月19日", HeldDate: "2023-07-19",
				Chair: Person{Name: "陈国平", Title: "市委副书记、市长"}, Heard: []string{"上半年全市经济运行情况", "重大项目推进情况"}},
			relayed: 1, points: []string{"各地各部门要坚定信心", "要狠抓项目攻坚", "要全力稳定工业经济", "要时刻绷紧防汛这根弦"},
		},
		"extra/district-2023-03-14-executive.txt": {
			title: "区政府召开第45次常务会议", published: "2023-03-14T16:20:00+08:00", kind: "meeting", source: "区政府办公室",
			meeting: &Meeting{Name: "区政府第45次常务会议", Organ: "区政府", Held: "3月13日上午", Chair: Person{Name: "王海涛", Title: "区长"},
				Heard:    []string{"关于2023年春季森林防火工作情况"},
				Approved: []string{"《关于加快推进城市更新行动的实施意见》", "《区优化营商环境三年行动方案》"},
				Studied:  []string{"近期重点工作"}},
			relayed: 1, points: []string{"要压紧压实森林防火责任", "各部门要持续优化营商环境"},
		},
		"extra/taoyuan-2023-10-09-town-committee.txt": {
			title: "桃源镇召开党委会议部署秋冬季安全生产工作", published: "2023-10-09T00:00:00+08:00", kind: "meeting", source: "桃源镇人民政府",
			meeting: &Meeting{Name: "镇党委会议", Organ: "桃源镇党委", Held: "10月8日", HeldDate: "2023-10-08",
				Chair: Person{Name: "刘建华", Title: "镇党委书记"}, Studied: []string{"秋冬季安全生产和森林防火"}},
			relayed: 1, points: []string{"要提高思想认识", "要开展隐患排查", "要强化值班值守"},
			tags: []string{"安全生产"},
		},
		"extra/qinghe-2024-05-21-executive.html": {
			title: "市人民政府召开第十八次常务会议", published: "2024-05-21T18:03:00+08:00", kind: "meeting", source: "市政府办公室",
			meeting: &Meeting{Name: "市人民政府第十八次常务会议", Organ: "清河市人民政府", Held: "5月20日下午",
				Chair:     Person{Name: "张卫东", Title: "市委副书记、市长"},
				Attendees: []Person{{"王伟", "副市长"}, {"李娜", "副市长"}, {"周强", "副市长"}, {"陈海", "市政府秘书长"}},
				Heard:     []string{"市水利局关于今年防汛备汛工作准备情况", "市应急管理局关于一季度全市安全生产形势分析"},
				Approved:  []string{"《清河市防汛应急预案（2024年修订）》", "《清河市城镇燃气安全专项整治工作方案》"}},
			relayed: 1, points: []string{"要立足防大汛、抗大灾", "要坚持“三管三必须”"},
			tags: []string{"防汛", "安全生产"},
		},
		"extra/county-2024-01-18-safety-conference.txt": {
			title: "全县安全生产暨森林防火工作会议召开", published: "2024-01-18T16:45:00+08:00", kind: "meeting", source: "县应急管理局",
			meeting: &Meeting{Name: "全县安全生产暨森林防火工作会议", Held: "1月18日上午", Chair: Person{Name: "何平", Title: "副县长"},
				Attendees: []Person{{"孙立军", "县委副书记、县长"}}},
			points:  []string{"要坚持人民至上、生命至上", "要聚焦道路交通", "要抓好春节"},
			tags:    []string{"安全生产"},
			summary: "1月18日上午，全县安全生产暨森林防火工作会议召开，县委副书记、县长孙立军出席并讲话，副县长何平主持。孙立军强调：",
		},
		"extra/county-2024-06-12-flood-meeting.txt": {
			title: "县政府召开防汛工作专题会议", published: "2024-06-12T09:10:00+08:00", kind: "meeting",
			meeting: &Meeting{Name: "县政府防汛工作专题会议", Organ: "县政府", Held: "6月11日下午", Chair: Person{Name: "周明", Title: "县委副书记、县长"},
				Attendees: []Person{{"李强", "副县长"}, {"王丽", "副县长"}}},
			points: []string{"要高度重视，各乡镇、各部门要充分认识", "要压实责任，严格落实", "要加强值守，汛期实行"},
			tags:   []string{"防汛"},
		},
		"extra/jiangling-2024-03-12-executive.html": {
			title: "市政府召开第28次常务会议", published: "2024-03-12T16:20:11+08:00", kind: "meeting", source: "市政府办公室",
			meeting: &Meeting{Name: "市政府第28次常务会议", Organ: "江岭市政府", Held: "3月11日", Chair: Person{Name: "李强", Title: "市委副书记、市长"},
				Attendees: []Person{{"王芳", "副市长"}, {"刘伟", "副市长"}, {"陈刚", "副市长"}},
				Approved:  []string{"《江岭市招商引资奖励办法（试行）》"}, Heard: []string{"市应急管理局关于全市安全生产形势"}},
			points: []string{"要坚持人民至上", "要加强重点时段", "各地各部门要树牢"},
		},
		"extra/county-2023-12-05-standing-committee.txt": {
			title: "【要闻】县委常委会召开会议 传达学习省委全会精神", published: "2023-12-05T00:00:00+08:00", kind: "meeting", source: "融媒体中心",
			meeting: &Meeting{Name: "县委常委会会议", Organ: "县委", Held: "12月4日下午", Chair: Person{Name: "张三", Title: "县委书记"}},
			relayed: 1, points: []string{"要聚焦高质量发展", "要聚焦民生保障", "要聚焦安全稳定"},
		},
		"extra/hexi-2023-11-02-land-announcement.txt": {
			title:     "河西县自然资源局关于国有建设用地使用权挂牌出让的公告",
			published: "2023-11-02T00:00:00+08:00", kind: "notice", source: "河西县自然资源局", doc: "河自然资告〔2023〕8号",
		},
		"extra/shanping-2024-01-10-safety-inspection.txt": {
			title: "山坪区开展冬季安全生产大检查", published: "2024-01-10T15:30:00+08:00", kind: "news",
			source: "山坪区应急管理局", tags: []string{"安全生产"},
		},
	}
	for name, w := range tests {
		t.Run(name, func(t *testing.T) {
			b := parseFile(t, name)
			check := func(field, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			check("title", b.Title, w.title)
			check("published_at", b.PublishedAt.Format(time.RFC3339), w.published)
			check("kind", string(b.Kind), w.kind)
			check("source", b.Source, w.source)
			check("doc_number", b.DocNumber, w.doc)
			if len(b.Images) != w.images {
				t.Errorf("images = %q, want %d", b.Images, w.images)
			}
			if (b.Meeting != nil) != (w.meeting != nil) {
				t.Fatalf("meeting = %+v, want %+v", b.Meeting, w.meeting)
			}
			if m := b.Meeting; m != nil {
				check("meeting.name", m.Name, w.meeting.Name)
				check("meeting.organ", m.Organ, w.meeting.Organ)
				check("meeting.held", m.Held, w.meeting.Held)
				check("meeting.chair", m.Chair.String(), w.meeting.Chair.String())
				if w.meeting.HeldDate != "" {
					check("meeting.held_date", m.HeldDate, w.meeting.HeldDate)
				}
				for field, pair := range map[string][2][]string{
					"heard": {m.Heard, w.meeting.Heard}, "approved": {m.Approved, w.meeting.Approved},
					"studied": {m.Studied, w.meeting.Studied},
				} {
					if pair[1] != nil && strings.Join(pair[0], "|") != strings.Join(pair[1], "|") {
						t.Errorf("meeting.%s = %q, want %q", field, pair[0], pair[1])
					}
				}
				if w.meeting.Attendees != nil && !samePeople(m.Attendees, w.meeting.Attendees) {
					t.Errorf("attendees = %v, want %v", m.Attendees, w.meeting.Attendees)
				}
				if len(m.Relayed) != w.relayed {
					t.Errorf("relayed = %d items %q, want %d", len(m.Relayed), m.Relayed, w.relayed)
				}
				if len(m.Points) < len(w.points) {
					t.Fatalf("points = %q, want at least %q", m.Points, w.points)
				}
				for i, p := range w.points {
					if !strings.HasPrefix(m.Points[i], p) {
						t.Errorf("point %d = %q, want it to start %q", i+1, m.Points[i], p)
					}
				}
				if !strings.Contains(b.Summary, m.Chair.Name) || !strings.Contains(b.Summary, "主持") {
					t.Errorf("meeting summary does not name the chair: %q", b.Summary)
				}
			}
			if !strings.HasPrefix(b.Summary, w.summary) {
				t.Errorf("summary = %q, want it to start %q", b.Summary, w.summary)
			}
			for _, tag := range w.tags {
				if !b.HasTag(tag) {
					t.Errorf("tags = %q, want %q among them", b.Tags, tag)
				}
			}
			checkClean(t, b)
		})
	}
}

func samePeople(a, b []Person) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkClean asserts the invariants every bulletin keeps: no site chrome
// anywhere in its text or summary, a summary within the limit that ends on
// a whole sentence, an id derived from date and text.
func checkClean(t *testing.T, b *Bulletin) {
	t.Helper()
	for _, text := range append([]string{b.Summary}, b.Paragraphs...) {
		for _, w := range chromeWords {
			if strings.Contains(text, w) {
				t.Errorf("site chrome %q left in %q", w, text)
			}
		}
	}
	if n := utf8.RuneCountInString(b.Summary); n == 0 || n > DefaultSummaryLimit {
		t.Errorf("summary has %d characters: %q", n, b.Summary)
	}
	if !strings.HasSuffix(b.Summary, "。") {
		t.Errorf("summary does not end on a whole sentence: %q", b.Summary)
	}
	if !strings.HasPrefix(b.ID, b.PublishedAt.Format("20060102")+"-") {
		t.Errorf("id %q does not start with the publication date", b.ID)
	}
}

func TestGBKPageIsTheSameBulletinAsText(t *testing.T) {
	txt := parseFile(t, "lanxi-2022-05-27-standing-committee.txt")
	page := parseFile(t, "lanxi-2022-05-27-standing-committee.gbk.html")
	if txt.ID != page.ID {
		t.Errorf("ids differ: %s vs %s", txt.ID, page.ID)
	}
	for field, pair := range map[string][2]string{
		"title":      {txt.Title, page.Title},
		"summary":    {txt.Summary, page.Summary},
		"paragraphs": {txt.Text(), page.Text()},
		"published":  {txt.PublishedAt.String(), page.PublishedAt.String()},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s differs:\ntext: %q\npage: %q", field, pair[0], pair[1])
		}
	}
	if !SameArticle(txt.Fingerprint, page.Fingerprint) {
		t.Error("the text and the page are not recognized as the same article")
	}
	if page.Images[0] != "/picture/0/60040.jpg" || txt.Images[0] != "60040.jpg" {
		t.Errorf("images: page %q, text %q", page.Images, txt.Images)
	}
}

func TestSameArticle(t *testing.T) {
	lanxi := parseFile(t, "lanxi-2022-05-27-standing-committee.txt")
	qingxi := parseFile(t, "qingxi-2022-06-08-county-executive.txt")
	dongyang := parseFile(t, "extra/dongyang-2023-07-20-executive.txt")

	// A republished copy: another site's title, a changed opening, a line
	// dropped and an editor's line added.
	edited := append([]string{"转载：兰溪召开市委常委会扩大会议"}, lanxi.Paragraphs[1:]...)
	edited[3] = strings.Replace(edited[3], "会议强调", "会议指出", 1)
	edited = append(edited[:len(edited)-1], "（来源：兰溪新闻网）")
	copyFP := MakeFingerprint(strings.Join(edited, "\n"))

	tests := map[string]struct {
		a, b Fingerprint
		same bool
	}{
		"text and page":             {lanxi.Fingerprint, parseFile(t, "lanxi-2022-05-27-standing-committee.gbk.html").Fingerprint, true},
		"edited republished copy":   {lanxi.Fingerprint, copyFP, true},
		"two different meetings":    {lanxi.Fingerprint, qingxi.Fingerprint, false},
		"same template, other town": {qingxi.Fingerprint, dongyang.Fingerprint, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := SameArticle(tc.a, tc.b); got != tc.same {
				t.Errorf("SameArticle = %v (similarity %.2f), want %v", got, tc.a.Similarity(tc.b), tc.same)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	gbkInvalid := []byte{0x81, 0x20, 0xFF, 0xFF, 0x81, 0x7F, 0xFE, 0x39}
	tests := map[string]struct {
		in   Input
		want error
	}{
		"empty":             {Input{Data: nil}, ErrEmpty},
		"only spaces":       {Input{Data: []byte(" \n\t \r\n")}, ErrEmpty},
		"binary":            {Input{Data: []byte("\x00\x01\x02binary\x00data")}, ErrBinary},
		"png":               {Input{Data: []byte("\x89PNG\r\n\x1a\n....")}, ErrBinary},
		"invalid encoding":  {Input{Data: bytes.Repeat(gbkInvalid, 50)}, ErrEncoding},
		"too large":         {Input{Data: make([]byte, DefaultMaxInput+1)}, ErrTooLarge},
		"no title":          {Input{Data: []byte("这是一段很长的正文，没有标题，只有一句话结束了。\n第二段也是正文。")}, ErrNoTitle},
		"title only":        {Input{Data: []byte("关于召开会议的通知\n")}, ErrNoArticle},
		"html, no article":  {Input{Data: []byte(`<html><head><title>首页</title></head><body><ul><li><a href="/a">新闻一</a></li><li><a href="/b">新闻二</a></li></ul></body></html>`), Name: "index.html"}, ErrNoArticle},
		"html, not closed":  {Input{Data: []byte(`<html><body><div><p>只有短短一句`), Name: "x.html"}, ErrNoArticle},
		"punctuation title": {Input{Data: []byte("!!!!!!!!\n正文内容足够长的一段文字，讲述了会议的情况和要求。")}, ErrNoTitle},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := newTestParser().Parse(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse = %v, %v; want error %v", b, err, tc.want)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	const text = "青溪县召开县政府常务会议"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(text)
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	tests := map[string]struct {
		raw      string
		declared string
	}{
		"utf-8":              {text, ""},
		"utf-8 with bom":     {"\xEF\xBB\xBF" + text, ""},
		"utf-16 with bom":    {utf16le, ""},
		"gbk undeclared":     {gbk, ""},
		"gbk declared":       {gbk, "GB2312"},
		"gbk in meta":        {`<meta charset="gbk">` + gbk, ""},
		"utf-8 mislabeled":   {text, "gbk"},
		"gb18030 in http-eq": {`<meta http-equiv="Content-Type" content="text/html; charset=gb18030">` + gbk, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Decode([]byte(tc.raw), tc.declared)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got, text) {
				t.Errorf("Decode = %q, want it to contain %q", got, text)
			}
		})
	}
}

// TestGolden compares `parse --json` output for every sample with the
// golden files (refresh with -update after an intended change).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob(inputPath("*.txt"))
	more, _ := filepath.Glob(inputPath("*.html"))
	extra, _ := filepath.Glob("testdata/extra/*")
	var names []string
	for _, path := range append(files, more...) {
		names = append(names, filepath.Base(path))
	}
	for _, path := range extra {
		names = append(names, strings.TrimPrefix(path, "testdata/"))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(parseFile(t, name), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", strings.ReplaceAll(name, "/", "_")+".json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./content -update to create it)", err)
			}
			if !bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(got)) {
				t.Errorf("output differs from %s (run with -update if intended):\n%s", golden, got)
			}
		})
	}
}

func TestKindWords(t *testing.T) {
	for word, want := range map[string]Kind{"会议": KindMeeting, "meeting": KindMeeting, "通知": KindNotice, "Notice": KindNotice, "新闻": KindNews} {
		if got, ok := ParseKind(word); !ok || got != want {
			t.Errorf("ParseKind(%q) = %q, %v", word, got, ok)
		}
	}
	if _, ok := ParseKind("天气"); ok {
		t.Error("ParseKind accepted a word that names no kind")
	}
}

func TestSegmenterWords(t *testing.T) {
	seg, err := DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		text   string
		search bool
		want   []string // each must be among the words
		not    []string // none may be
	}{
		"meeting words":       {text: "市长朱俊华主持召开市委常委会", want: []string{"朱俊华", "主持召开", "市委", "常委会"}},
		"stop words dropped":  {text: "的了和是在要", not: []string{"的", "了", "要"}},
		"ascii lowered":       {text: "Talent 人才 APP", want: []string{"talent", "人才", "app"}},
		"search sub-words":    {text: "城市更新", search: true, want: []string{"城市", "更新", "城市更新"}},
		"punctuation dropped": {text: "防汛，防台。", want: []string{"防汛", "防台"}, not: []string{"，", "。"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			words := seg.Words(tc.text)
			if tc.search {
				words = seg.SearchWords(tc.text)
			}
			have := map[string]bool{}
			for _, w := range words {
				have[w] = true
			}
			for _, w := range tc.want {
				if !have[w] {
					t.Errorf("%q lacks %q: %q", tc.text, w, words)
				}
			}
			for _, w := range tc.not {
				if have[w] {
					t.Errorf("%q kept %q: %q", tc.text, w, words)
				}
			}
		})
	}
}
