package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAskIssueExamples asks `tongbao ask` each example of the questions
// issue over the demo's bulletins: each must be answered as described.
func TestAskIssueExamples(t *testing.T) {
	e := newEnv()
	if code, out := e.run(t, append([]string{"ingest"}, sampleFiles...)...); code != 0 {
		t.Fatalf("ingest: %d\n%s", code, out)
	}
	asker := 0
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"近期开过哪些会", []string{"青溪县召开县政府第十二次常务会议", "兰溪召开市委常委会"}},
		{"这几天有啥会议", []string{"这几天没有会议通报", "最相近的结果", "青溪县召开县政府第十二次常务会议"}},
		{"最近发了什么通知", []string{"汛期安全防范工作的通知", "青政办明电〔2022〕12号"}},
		{"青溪开了什么会", []string{"县政府第十二次常务会议"}},
		{"县委最近的会议", []string{"县政府第十二次常务会议"}},
		{"王立新主持过哪些会议", []string{"县政府第十二次常务会议"}},
		{"常委会提出了哪些要求", []string{"兰溪市委常委会(扩大)会议提出的要求和措施", "要全力推进招大引强"}},
		{"常务会议通过了哪些文件", []string{"审议通过了2项", "《青溪县促进经济稳进提质若干政策措施》"}},
		{"谁参加了县政府常务会议", []string{"出席6月7日青溪县政府第十二次常务会议的有：副县长李明、副县长张华、副县长陈静"}},
		{"常务会议听了哪些汇报", []string{"县发改局关于上半年经济运行情况"}},
		{"常委会学习了什么精神", []string{"传达学习了7项", "凌志峰"}},
		{"常务会议是谁主持的", []string{"6月7日青溪县政府第十二次常务会议由县委副书记、县长王立新主持"}},
		{"常委会是谁主持的", []string{"5月27日兰溪市委常委会(扩大)会议由市委副书记、市长朱俊华主持", "阅读全文"}},
		{"最新会议讲了啥", []string{"要点（5条）", "要加快政策兑现"}},
		{"汛期安全有哪些措施", []string{"要求和措施（4条）", "压实防汛责任", "开展隐患排查", "做好转移避险", "加强信息报送"}},
		{"青政办明电12号", []string{"汛期安全防范工作的通知"}},
		{"6月7号开的会", []string{"县政府第十二次常务会议", "6月7日下午"}},
		{"搜一下人才", []string{"兰溪召开市委常委会"}},
		{"有没有关于招商的", []string{"兰溪召开市委常委会"}},
		{"查 招商引资", []string{"兰溪召开市委常委会"}},
		{"最新会意", []string{"县政府第十二次常务会议"}},
		{"最新会以", []string{"县政府第十二次常务会议"}},
		{"常务会义", []string{"县政府第十二次常务会议"}},
		{"常委汇", []string{"兰溪召开市委常委会"}},
		{"十二次常务会", []string{"县政府第十二次常务会议"}},
		{"人代会", []string{"没有找到", "最相近的结果"}},
		{"who led the last meeting", []string{"was chaired by 县委副书记、县长王立新"}},
		{"which documents were approved", []string{"approved 2 documents", "青溪县促进经济稳进提质若干政策措施"}},
		{"flood notice", []string{"汛期安全防范工作的通知"}},
		{"anything new", []string{"Newest bulletins", "青溪县召开县政府第十二次常务会议"}},
		{"the Qingxi executive meeting", []string{"Chaired by: 县委副书记、县长王立新"}},
	} {
		// One asker per question: the console's rate limit is not under test.
		asker++
		code, out := e.run(t, "ask", "--as", fmt.Sprintf("console:asker%d", asker), tc.q)
		if code != 0 {
			t.Errorf("ask %s: exit %d", tc.q, code)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("ask %s lacks %q:\n%s", tc.q, w, out)
			}
		}
	}
	// A report in traditional characters answers a simplified question.
	dir := t.TempDir()
	trad := "鐵嶺縣召開縣委常委會會議\n發布時間：2023-03-02 10:00\n\n3月1日上午，縣委書記劉建國主持召開縣委常委會會議，傳達學習全省經濟工作會議精神，研究部署春耕備耕工作。\n\n會議強調，要抓好糧食生產，確保春耕備耕順利推進；要壓實安全生產責任。\n"
	if err := os.WriteFile(filepath.Join(dir, "tieling.txt"), []byte(trad), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := e.run(t, "ingest", filepath.Join(dir, "tieling.txt")); code != 0 {
		t.Fatalf("ingest: %d\n%s", code, out)
	}
	for q, want := range map[string]string{"铁岭县的会议": "鐵嶺縣召開縣委常委會會議", "铁岭县春耕备耕": "鐵嶺縣召開縣委常委會會議", "鐵嶺縣最新會議": "鐵嶺縣召開縣委常委會會議"} {
		asker++
		if code, out := e.run(t, "ask", "--as", fmt.Sprintf("console:asker%d", asker), q); code != 0 || !strings.Contains(out, want) {
			t.Errorf("ask %s: exit %d, lacks %q:\n%s", q, code, want, out)
		}
	}
}
