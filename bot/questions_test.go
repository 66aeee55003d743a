package bot

import (
	"strings"
	"testing"
)

// questionCase is one question as county staff ask it, with the bulletin
// the answer must be about (L, Q, N: the demo's three; "" when the answer
// is about none) and words the answer must hold — the field asked.
type questionCase struct {
	q    string
	want string   // L, Q, N or ""
	has  []string // in the reply
	not  []string // not in the reply
	list bool     // want is one of a list rather than the first answer
}

// The demo's bulletins by letter.
var demoIDs = map[string]string{"L": demoLanxi, "Q": demoQingxi, "N": demoNotice}

// questionCases: new phrasings are added here as rows, not as code.
var questionCases = []questionCase{
	// recency and kind
	{q: "最新会议", want: "Q", has: []string{"青溪县召开县政府第十二次常务会议"}},
	{q: "最近开了什么会", want: "Q", list: true},
	{q: "近期开过哪些会", want: "L", has: []string{"会议通报（2条）"}, list: true},
	{q: "这几天有啥会议", want: "Q", has: []string{"这几天没有会议通报", "最相近的结果"}, list: true},
	{q: "最近发了什么通知", want: "N", has: []string{"青政办明电〔2022〕12号"}},
	{q: "最新通知", want: "N"},
	{q: "最新通报", want: "Q"},
	{q: "最近有什么消息", want: "Q", list: true},
	{q: "有什么新通知吗", want: "N"},
	{q: "最新的公告", want: "N"},
	{q: "最近一次会议", want: "Q", not: []string{"兰溪召开"}},
	{q: "上一次开会是什么时候", want: "Q", has: []string{"6月7日青溪县政府第十二次常务会议", "2022-06-08"}},
	{q: "最近的会议讲了什么", want: "Q", has: []string{"要点（5条）", "要加快政策兑现"}},
	{q: "最新会议讲了啥", want: "Q", has: []string{"要抓好项目建设"}},
	{q: "最近3条", want: "L", has: []string{"1. 青溪县召开县政府第十二次常务会议", "3. 兰溪召开"}, list: true},
	{q: "最近两条会议", want: "L", list: true, not: []string{"汛期安全防范工作的通知"}},
	{q: "最新两条通报", want: "N", list: true},
	{q: "给我看看最新的会议通报", want: "Q"},
	{q: "麻烦发一下最新会议", want: "Q"},
	{q: "最近有会吗", want: "Q", list: true},
	{q: "最近三次常委会", want: "L", list: true},
	{q: "上两次会议", want: "L", list: true, has: []string{"（2条）"}},
	{q: "近日有什么会", want: "L", list: true},
	{q: "前几天的会议", want: "Q", list: true, has: []string{"前几天没有会议通报", "最相近的结果"}},
	{q: "27号的会议", want: "L", list: true, has: []string{"27日没有会议通报"}},
	{q: "最近一期会议精神", want: "Q"},
	// meeting type and short forms
	{q: "最近的常委会", want: "L", has: []string{"朱俊华"}},
	{q: "常委会", want: "L"},
	{q: "市委常委会", want: "L"},
	{q: "常委扩大会议", want: "L"},
	{q: "最新常委会议", want: "L"},
	{q: "最近的常务会议", want: "Q"},
	{q: "常务会", want: "Q"},
	{q: "县政府常务会议", want: "Q"},
	{q: "政府常务会议开了吗", want: "Q"},
	{q: "市委常委会开了什么", want: "L"},
	// place and organ
	{q: "青溪开了什么会", want: "Q"},
	{q: "青溪县最近的会议", want: "Q"},
	{q: "兰溪最新会议", want: "L"},
	{q: "兰溪市的会", want: "L"},
	{q: "兰溪有什么通知", want: "L", has: []string{"没有找到", "最相近的结果"}, list: true},
	{q: "青溪的通知", want: "N"},
	{q: "县政府最近开的会", want: "Q"},
	{q: "市委最近的会议", want: "L"},
	{q: "县委最近的会议", want: "Q"},
	{q: "青溪县政府发了什么", want: "Q", list: true},
	{q: "县政府办的通知", want: "N"},
	// person and post
	{q: "王立新主持过哪些会议", want: "Q", not: []string{"兰溪召开"}},
	{q: "朱俊华主持的会议", want: "L", not: []string{"青溪县召开"}},
	{q: "朱俊华最近开了什么会", want: "L"},
	{q: "王立新", want: "Q", list: true},
	{q: "县长主持的会", want: "Q", not: []string{"兰溪召开"}},
	{q: "市长主持的会议", want: "L", not: []string{"青溪县召开"}},
	{q: "李明参加了哪些会", want: "Q"},
	{q: "王立新主持的会议通过了什么", want: "Q", has: []string{"审议通过了2项"}},
	{q: "朱俊华主持的会强调了什么", want: "L", has: []string{"要点（15条）"}},
	{q: "6月王立新主持的县政府常务会议审议通过了哪些文件", want: "Q", has: []string{"《青溪县2022年防汛防台应急预案（修订）》"}},
	{q: "陈静出席的会议", want: "Q"},
	{q: "副县长参加的会", want: "Q"},
	// dates: absolute, relative, ranges, held before published
	{q: "5月27日的会议", want: "L", has: []string{"朱俊华"}},
	{q: "5月27号开的会", want: "L"},
	{q: "五月二十七日的会议", want: "L"},
	{q: "2022-05-27", want: "L"},
	{q: "2022年5月27日的常委会", want: "L"},
	{q: "20220527的会议", want: "L"},
	{q: "5/27的会", want: "L"},
	{q: "6月7号开的会", want: "Q", has: []string{"王立新"}},
	{q: "6月7日召开的会议", want: "Q"},
	{q: "6月7日下午开的会", want: "Q"},
	{q: "六月七号的常务会议", want: "Q"},
	{q: "2022年以来的通知", want: "N"},
	{q: "2022年6月7日的会", want: "Q"},
	{q: "6月8日的会议", want: "Q"},
	{q: "6/8的会", want: "Q"},
	{q: "六月七日的会议", want: "Q"},
	{q: "6月1日的通知", want: "N"},
	{q: "6月1号发的通知是什么", want: "N"},
	{q: "6月的会议", want: "Q", not: []string{"朱俊华"}},
	{q: "2022年6月的通知", want: "N"},
	{q: "五月份的会议", want: "L"},
	{q: "2022年5月开的会", want: "L"},
	{q: "5月20日到6月10日的会议", want: "Q", list: true, has: []string{"（2条）"}},
	{q: "6月1日至6月8日发了什么", want: "N", list: true},
	{q: "2022年的会议", want: "L", list: true},
	{q: "2022-05-30", want: "", has: []string{"2022年5月30日没有通报"}},
	{q: "昨天的会议", want: "Q", has: []string{"昨天没有会议通报"}, list: true},
	{q: "上周有什么通知", want: "N", has: []string{"上周没有通知公告"}, list: true},
	{q: "本月的会议", want: "Q", has: []string{"本月没有会议通报"}, list: true},
	// ordinal
	{q: "第十二次常务会议", want: "Q"},
	{q: "县政府第12次常务会议", want: "Q"},
	{q: "十二次常务会", want: "Q"},
	{q: "第十二次常务会议通过了什么", want: "Q", has: []string{"青溪县促进经济稳进提质若干政策措施"}},
	{q: "第十三次常务会议", want: "Q", has: []string{"没有找到「第十三次」"}, list: true},
	// document number
	{q: "青政办明电12号", want: "N"},
	{q: "青政办明电〔2022〕12号", want: "N"},
	{q: "青政办明电2022年12号文件", want: "N"},
	{q: "青政办明电12号要求什么", want: "N", has: []string{"压实防汛责任"}},
	{q: "青政办明电12号的文号", want: "N", has: []string{"青政办明电〔2022〕12号"}},
	{q: "汛期安全的通知文号是多少", want: "N", has: []string{"青政办明电〔2022〕12号"}},
	// topics and synonyms
	{q: "防汛", want: "N", list: true},
	{q: "搜索 防汛", want: "N", has: []string{"「防汛」共找到3条"}, list: true},
	{q: "最新防汛通报", want: "Q"},
	{q: "有没有关于招商的", want: "L"},
	{q: "查 招商引资", want: "L"},
	{q: "招商引资", want: "L"},
	{q: "搜一下人才", want: "L"},
	{q: "人才工作", want: "L"},
	{q: "关于防汛的通知", want: "N"},
	{q: "安全生产方面的会议", want: "Q"},
	{q: "城市更新", want: "L"},
	{q: "老旧小区改造", want: "L"},
	{q: "经济运行的会", want: "Q"},
	{q: "防汛的会议", want: "Q", list: true},
	{q: "招大引强", want: "L"},
	{q: "数智群团", want: "L", has: []string{"为您找到与「数智群团」相关的通报（1条）"}},
	// fields of a meeting
	{q: "常委会是谁主持的", want: "L", has: []string{"5月27日兰溪市委常委会(扩大)会议由市委副书记、市长朱俊华主持"}},
	{q: "常务会议是谁主持的", want: "Q", has: []string{"由县委副书记、县长王立新主持"}},
	{q: "最新会议谁主持的", want: "Q", has: []string{"王立新主持"}},
	{q: "谁主持了兰溪的会议", want: "L", has: []string{"朱俊华主持"}},
	{q: "5月27日会议的主持人", want: "L", has: []string{"朱俊华主持"}},
	{q: "谁参加了县政府常务会议", want: "Q", has: []string{"副县长李明", "陈静"}},
	{q: "常务会议有哪些人出席", want: "Q", has: []string{"副县长张华"}},
	{q: "常委会有谁参加", want: "L", has: []string{"没有列出出席人员", "朱俊华主持"}},
	{q: "常务会议听了哪些汇报", want: "Q", has: []string{"县发改局关于上半年经济运行情况"}},
	{q: "常委会听取了什么汇报", want: "L", has: []string{"全市人才工作情况", "群团组织工作情况"}},
	{q: "常委会学习了什么精神", want: "L", has: []string{"传达学习了7项", "金华市委书记凌志峰来兰溪调研时的主要精神"}},
	{q: "常委会传达了什么", want: "L", has: []string{"北京冬奥会冬残奥会总结表彰大会"}},
	{q: "常务会议学习了什么", want: "Q", has: []string{"全省安全生产电视电话会议精神"}},
	{q: "常务会议通过了哪些文件", want: "Q", has: []string{"审议通过了2项", "《青溪县促进经济稳进提质若干政策措施》", "《青溪县2022年防汛防台应急预案（修订）》"}},
	{q: "县政府常务会审议通过了什么", want: "Q", has: []string{"防汛防台应急预案"}},
	{q: "最新会议通过了什么政策", want: "Q", has: []string{"若干政策措施"}},
	// a document noun with no meeting named asks about a subject, not
	// about a meeting's approvals
	{q: "人才政策", want: "L", not: []string{"没有写审议通过的文件"}},
	{q: "有没有关于安全生产的文件", want: "Q", not: []string{"审议通过了2项"}},
	{q: "人才方面的政策有哪些", want: "L", not: []string{"没有写审议通过的文件"}},
	{q: "常务会的文件", want: "Q", has: []string{"审议通过了2项"}},
	{q: "常委会通过了哪些文件", want: "L", has: []string{"没有写审议通过的文件"}},
	{q: "常务会议决定了什么", want: "Q", has: []string{"研究决定（部署）了"}},
	{q: "常务会议部署了哪些工作", want: "Q", has: []string{"研究决定（部署）了"}},
	{q: "常委会提出了哪些要求", want: "L", has: []string{"要全力推进招大引强", "要一体推进打造数智群团"}},
	{q: "常委会强调了什么", want: "L", has: []string{"要点（15条）", "要全力推进防汛保安"}},
	{q: "常务会议的要点", want: "Q", has: []string{"要点（5条）"}},
	{q: "常委会的主要内容", want: "L", has: []string{"要全力推进城市更新"}},
	{q: "常务会议总结一下", want: "Q", has: []string{"研究部署防汛防台、安全生产、稳经济工作"}},
	{q: "常务会议全文", want: "Q", has: []string{"会议还研究了其他事项。"}},
	{q: "常委会什么时候开的", want: "L", has: []string{"5月27日兰溪市委常委会(扩大)会议", "2022-05-27 09:36"}},
	{q: "常务会议哪天开的", want: "Q", has: []string{"6月7日", "2022-06-08"}},
	// fields of a notice
	{q: "汛期安全有哪些措施", want: "N", has: []string{"要求和措施（4条）", "压实防汛责任", "加强信息报送"}},
	{q: "防汛通知有什么要求", want: "N", has: []string{"开展隐患排查", "做好转移避险"}},
	{q: "汛期通知的通知事项", want: "N", has: []string{"做好转移避险"}},
	{q: "最新通知要求什么", want: "N", has: []string{"压实防汛责任"}},
	{q: "通知里的措施有哪些", want: "N", has: []string{"加强信息报送"}},
	{q: "防汛通知讲了什么", want: "N", has: []string{"压实防汛责任"}},
	{q: "防汛通知的全文", want: "N", has: []string{"各乡镇人民政府、街道办事处，县政府各部门"}},
	{q: "请问最近县里开了什么会议", want: "Q", list: true},
	{q: "常委会上说了哪些事", want: "L", has: []string{"要点（15条）"}},
	{q: "县长最近主持了什么会", want: "Q"},
	{q: "县政府第十二次常务会议的主要精神", want: "Q", has: []string{"全省安全生产电视电话会议精神"}},
	{q: "常务会议安排了哪些工作", want: "Q", has: []string{"研究决定（部署）了"}},
	{q: "防汛方面有什么要求", want: "N", has: []string{"压实防汛责任"}},
	{q: "通知要求各乡镇做什么", want: "N", has: []string{"压实防汛责任"}},
	{q: "兰溪常委会的讲话要点", want: "L", has: []string{"要全力推进招大引强"}},
	{q: "有关人才的会议", want: "L"},
	{q: "帮我查一下上周的通知", want: "N", has: []string{"上周没有通知公告"}, list: true},
	// near misses, short forms, traditional characters
	{q: "最新会意", want: "Q"},
	{q: "最新会以", want: "Q"},
	{q: "常务会义", want: "Q"},
	{q: "常委汇", want: "L"},
	{q: "常委会谁主诗的", want: "L", has: []string{"朱俊华主持"}},
	{q: "青溪县政府第十二次常务会意", want: "Q"},
	{q: "最新會議", want: "Q"},
	{q: "常委會是誰主持的", want: "L", has: []string{"朱俊华主持"}},
	{q: "青溪縣的通知", want: "N"},
	{q: "防汛通知有哪些措施？", want: "N", has: []string{"压实防汛责任"}},
	// English
	{q: "latest meeting", want: "Q", has: []string{"Chaired by: 县委副书记、县长王立新"}},
	{q: "who led the last meeting", want: "Q", has: []string{"was chaired by 县委副书记、县长王立新"}},
	{q: "who chaired the standing committee meeting", want: "L", has: []string{"was chaired by 市委副书记、市长朱俊华"}},
	{q: "which documents were approved", want: "Q", has: []string{"approved 2 documents", "青溪县促进经济稳进提质若干政策措施"}},
	{q: "what did the executive meeting approve", want: "Q", has: []string{"青溪县2022年防汛防台应急预案"}},
	{q: "flood notice", want: "N"},
	{q: "what does the flood notice require", want: "N", has: []string{"requirements and measures", "压实防汛责任"}},
	{q: "anything new", want: "Q", has: []string{"Newest bulletins"}, list: true},
	{q: "the Qingxi executive meeting", want: "Q"},
	{q: "meetings in June", want: "Q"},
	{q: "meeting on May 27", want: "L"},
	{q: "what happened on June 7", want: "Q"},
	{q: "who attended the executive meeting", want: "Q", has: []string{"副县长李明"}},
	{q: "what reports did the executive meeting hear", want: "Q", has: []string{"县发改局"}},
	{q: "key points of the latest meeting", want: "Q", has: []string{"The key points of"}},
	{q: "what did the standing committee study", want: "L", has: []string{"relayed 7 items"}},
	{q: "latest notice", want: "N", has: []string{"Document: 青政办明电〔2022〕12号"}},
	{q: "What happened at the last meeting?", want: "Q"},
	{q: "any notices about work safety", want: "Q", has: []string{"No notices match"}, list: true},
	{q: "What were the main points of the standing committee meeting?", want: "L", has: []string{"The key points of"}},
	{q: "show me the last 3 bulletins", want: "L", list: true},
	{q: "search flood", want: "N", list: true},
	{q: "when was the standing committee meeting", want: "L", has: []string{"2022-05-27"}},
	{q: "summary of the executive meeting", want: "Q", has: []string{"王立新主持召开"}},
	{q: "meetings on talent", want: "L"},
	{q: "Tell me about the flood notice", want: "N"},
	{q: "who chaired the Lanxi standing committee", want: "L", has: []string{"The 兰溪市委常委会(扩大)会议 of 27 May 2022 was chaired by 市委副书记、市长朱俊华."}},
	{q: "what was decided at the latest executive meeting", want: "Q", has: []string{"decided on 2 items"}},
	{q: "notices in June 2022", want: "N"},
	{q: "When was the flood notice issued", want: "N", has: []string{"was published on 2022-06-01 16:20"}},
	{q: "What is the document number of the flood notice", want: "N", has: []string{"is 青政办明电〔2022〕12号"}},
	{q: "any news about investment", want: "L"},
	{q: "what did the meeting on June 7 approve", want: "Q", has: []string{"approved 2 documents"}},
	{q: "What meetings were held in May 2022", want: "L"},
	// slash commands
	{q: "/latest", want: "Q"},
	{q: "/latest meeting", want: "Q"},
	{q: "/latest notice", want: "N"},
	{q: "/latest 常委会", want: "L"},
	{q: "/date 2022-06-08", want: "Q"},
	{q: "/search talent", want: "L", list: true},
	// nothing to understand
	{q: "今天天气怎么样", want: "", has: []string{"没有找到包含「天气」的通报"}},
	{q: "asdfgh qwerty", want: "", has: []string{"Nothing found for \"asdfgh qwerty\""}},
	{q: "嗯嗯", want: "", has: []string{"抱歉，我没有理解"}},
	{q: "？？", want: "", has: []string{"可以这样问我"}},
	{q: "人大常委会会议", want: "", has: []string{"没有找到"}},
}

// TestQuestions asks every question over the demo's bulletins and checks
// which bulletin the answer is about and that it holds the field asked.
func TestQuestions(t *testing.T) {
	if len(questionCases) < 150 {
		t.Errorf("%d questions; the table should keep at least 150", len(questionCases))
	}
	b := newDemoBot(t, newDemoStore(t))
	for i, tc := range questionCases {
		t.Run(tc.q, func(t *testing.T) {
			user := "q" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			got := ask(t, b, user, tc.q)
			ids := lastList(t, b, user)
			switch {
			case tc.want == "" && len(ids) > 0 && !strings.Contains(got, "最相近"):
				t.Errorf("%q: answered about %v, want no bulletin:\n%s", tc.q, ids, got)
			case tc.want != "" && len(ids) == 0:
				t.Errorf("%q: answered about no bulletin, want %s:\n%s", tc.q, tc.want, got)
			case tc.want != "" && !tc.list && ids[0] != demoIDs[tc.want]:
				t.Errorf("%q: answered about %s, want %s:\n%s", tc.q, ids[0], demoIDs[tc.want], got)
			case tc.want != "" && tc.list && !contains(ids, demoIDs[tc.want]):
				t.Errorf("%q: listed %v, want %s among them:\n%s", tc.q, ids, demoIDs[tc.want], got)
			}
			for _, w := range tc.has {
				if !strings.Contains(got, w) {
					t.Errorf("%q: reply lacks %q:\n%s", tc.q, w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("%q: reply should not hold %q:\n%s", tc.q, w, got)
				}
			}
		})
	}
}

// TestQuestionListsPage: a list of questions' answers pages with 下一页, and
// 全文 opens the bulletin a field answer was about.
func TestQuestionListsPage(t *testing.T) {
	b := newDemoBot(t, newDemoStore(t))
	if got := ask(t, b, "pager", "最近一条会议"); !strings.Contains(got, "青溪县召开县政府第十二次常务会议") {
		t.Fatalf("最近一条会议: %s", got)
	}
	got := ask(t, b, "pager", "防汛的会议有哪些")
	if !strings.Contains(got, "（2条）") {
		t.Fatalf("防汛的会议有哪些: %s", got)
	}
	if got := ask(t, b, "pager", "最近两条通报"); !strings.Contains(got, "下一页") {
		t.Errorf("a list with more has no 下一页: %s", got)
	}
	if got := ask(t, b, "pager", "下一页"); !strings.Contains(got, "兰溪召开市委常委会") {
		t.Errorf("下一页: %s", got)
	}
	ask(t, b, "pager", "通过了哪些文件")
	if got := ask(t, b, "pager", "全文"); !strings.Contains(got, "会议审议并原则通过了") {
		t.Errorf("全文 after a field answer: %s", got)
	}
}
