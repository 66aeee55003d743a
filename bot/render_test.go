package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestFirstSentence(t *testing.T) {
	long := "5月20日下午，市委副书记、市长张卫东主持召开清河市人民政府第十八次常务会议，传达学习省委十五届五次全会精神，听取市水利局关于今年防汛备汛工作准备情况汇报，审议通过《清河市防汛应急预案》，研究部署防汛备汛、安全生产工作。会议强调：要立足防大汛。"
	got := firstSentence(long)
	kept, cut := strings.CutSuffix(got, "…")
	if n := utf8.RuneCountInString(got); n > listSnippetRunes+1 || !cut || !strings.HasPrefix(long, kept+"，") {
		t.Errorf("long summary: %q (%d characters), want it cut after a clause", got, n)
	}
	if got := firstSentence("县政府召开会议。会议强调：要防汛。"); got != "县政府召开会议。" {
		t.Errorf("short summary: %q, want its first sentence", got)
	}
}

// TestCardCarriesDecisionsAndPoints: a meeting's card (also the push) shows
// the documents it approved and as many points as fit, within Telegram's
// 4,096 characters.
func TestCardCarriesDecisionsAndPoints(t *testing.T) {
	st := newDemoStore(t)
	ctx := context.Background()
	qingxi, err := st.Bulletin(ctx, demoQingxi)
	if err != nil {
		t.Fatal(err)
	}
	card := BulletinCard(qingxi, "zh", "", "").PlainText()
	for _, w := range []string{"审议通过：《青溪县促进经济稳进提质若干政策措施》《青溪县2022年防汛防台应急预案（修订）》", "会议：青溪县政府第十二次常务会议"} {
		if !strings.Contains(card, w) {
			t.Errorf("card lacks %q:\n%s", w, card)
		}
	}
	lanxi, err := st.Bulletin(ctx, demoLanxi)
	if err != nil {
		t.Fatal(err)
	}
	card = BulletinCard(lanxi, "en", "", "").PlainText()
	if n := len(lanxi.Meeting.Points); !strings.Contains(card, fmt.Sprintf("%d. %s", n, lanxi.Meeting.Points[n-1])) {
		t.Errorf("card does not show all %d points:\n%s", n, card)
	}
	big := *qingxi
	m := *qingxi.Meeting
	for i := range 100 {
		m.Points = append(m.Points, fmt.Sprintf("第%d条：要%s", i+1, strings.Repeat("压紧压实各方责任，", 8)))
	}
	big.Meeting = &m
	card = BulletinCard(&big, "zh", "https://tb.example.gov.cn/r/x", "").PlainText()
	if n := len(utf16.Encode([]rune(card))); n > 4096 || !strings.Contains(card, "…") || !strings.Contains(card, "第1条") {
		t.Errorf("a card with 105 points: %d UTF-16 units, want the points that fit and then …", n)
	}
}
