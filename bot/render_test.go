package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"tongbao/bot/cards"
	"unicode/utf16"
)

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
	card := cards.Bulletin(qingxi, "zh", "", "").PlainText()
	for _, w := range []string{"审议通过：《青溪县促进经济稳进提质若干政策措施》《青溪县2022年防汛防台应急预案（修订）》", "会议：青溪县政府第十二次常务会议"} {
		if !strings.Contains(card, w) {
			t.Errorf("card lacks %q:\n%s", w, card)
		}
	}
	lanxi, err := st.Bulletin(ctx, demoLanxi)
	if err != nil {
		t.Fatal(err)
	}
	card = cards.Bulletin(lanxi, "en", "", "").PlainText()
	if n := len(lanxi.Meeting.Points); !strings.Contains(card, fmt.Sprintf("%d. %s", n, lanxi.Meeting.Points[n-1])) {
		t.Errorf("card does not show all %d points:\n%s", n, card)
	}
	big := *qingxi
	m := *qingxi.Meeting
	for i := range 100 {
		m.Points = append(m.Points, fmt.Sprintf("第%d条：要%s", i+1, strings.Repeat("压紧压实各方责任，", 8)))
	}
	big.Meeting = &m
	card = cards.Bulletin(&big, "zh", "https://tb.example.gov.cn/r/x", "").PlainText()
	if n := len(utf16.Encode([]rune(card))); n > 4096 || !strings.Contains(card, "…") || !strings.Contains(card, "第1条") {
		t.Errorf("a card with 105 points: %d UTF-16 units, want the points that fit and then …", n)
	}
}
