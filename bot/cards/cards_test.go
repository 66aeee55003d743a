package cards

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFirstSentence(t *testing.T) {
	long := "5月20日下午，市委副书记、市长张卫东主持召开清河市人民政府第十八次常务会议，传达学习省委十五届五次全会精神，听取市水利局关于今年防汛备汛工作准备情况汇报，审议通过《清河市防汛应急预案》，研究部署防汛备汛、安全生产工作。会议强调：要立足防大汛。"
	got := FirstSentence(long)
	kept, cut := strings.CutSuffix(got, "…")
	if n := utf8.RuneCountInString(got); n > snippetRunes+1 || !cut || !strings.HasPrefix(long, kept+"，") {
		t.Errorf("long summary: %q (%d characters), want it cut after a clause", got, n)
	}
	if got := FirstSentence("县政府召开会议。会议强调：要防汛。"); got != "县政府召开会议。" {
		t.Errorf("short summary: %q, want its first sentence", got)
	}
}
