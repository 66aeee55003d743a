package bot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tongbao/content"
)

// TestNewNamesAreUnderstoodWhenStored: after the bot has answered (and
// read the lexicon), reports from a town, a street and a district are
// stored; their places, bodies, people and meeting types are understood
// at once.
func TestNewNamesAreUnderstoodWhenStored(t *testing.T) {
	st := newDemoStore(t)
	b := newDemoBot(t, st)
	if got := ask(t, b, "local0", "最新会议"); !strings.Contains(got, "青溪县召开县政府第十二次常务会议") {
		t.Fatalf("before: %s", got)
	}
	p := content.NewParser(content.ParserConfig{}, content.ParserDeps{Topics: demoTopics})
	ids := map[string]string{}
	for key, name := range map[string]string{"T": "taoyuan-2023-04-12-town-committee.txt", "D": "dongcheng-2023-05-06-street-study.txt", "B": "beihu-2023-06-20-district-executive.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		ids[key] = parseAndSave(t, st, p, name, data)
	}
	for i, tc := range []struct {
		q, want string
		has     []string
	}{
		{"桃源镇开了什么会", "T", nil},
		{"赵晓燕主持的会议", "T", nil},
		{"镇党委会议通过了什么", "T", []string{"《桃源镇2023年美丽乡村建设实施方案》"}},
		{"桃源镇党委会议的要求", "T", []string{"要压实森林防火责任"}},
		{"4月11日的会议", "T", nil},
		{"镇农业办汇报了什么", "T", []string{"春季森林防火工作情况"}},
		{"东城街道最近的会议", "D", nil},
		{"中心组学习了什么", "D", []string{"习近平总书记关于基层治理的重要论述"}},
		{"街道党工委学习会强调了什么", "D", []string{"要做实社区网格员队伍建设"}},
		{"孙海涛主持的会", "D", nil},
		{"北湖区第32次常务会议", "B", nil},
		{"区政府常务会议谁主持的", "B", []string{"6月19日北湖区政府第32次常务会议由区委副书记、区长周明远主持"}},
		{"区长主持的会", "B", nil},
		{"谁出席了区政府常务会议", "B", []string{"副区长吴丽、副区长郑强"}},
		{"周明远主持的常务会议审议通过了什么", "B", []string{"北湖区城市更新三年行动计划"}},
		{"吴丽参加的会议要求什么", "B", []string{"要紧盯重点行业领域开展隐患排查"}},
		{"最新会议", "B", nil},
		{"北湖区常务会义", "B", nil},
		{"who chaired the district executive meeting", "B", []string{"was chaired by 区委副书记、区长周明远"}},
	} {
		user := "local" + string(rune('a'+i))
		got := ask(t, b, user, tc.q)
		if got := lastList(t, b, user); len(got) == 0 || got[0] != ids[tc.want] {
			t.Errorf("%q: answered about %v, want %s", tc.q, got, ids[tc.want])
		}
		for _, w := range tc.has {
			if !strings.Contains(got, w) {
				t.Errorf("%q: reply lacks %q:\n%s", tc.q, w, got)
			}
		}
	}
}
