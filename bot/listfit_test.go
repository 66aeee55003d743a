package bot

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"tongbao/bot/chat"
	"tongbao/content"
)

// longNotices stores n notices about 防汛 with long titles and long first
// sentences, published a day apart before testNow, each of different
// sentences (near-duplicates are stored once).
func longNotices(t *testing.T, n int) *Bot {
	sentences := []string{
		"对山塘水库、在建工地、地质灾害隐患点逐一排查，发现问题立即整改。", "各乡镇要组织群众转移演练，确保转移路线畅通。",
		"气象部门要加密雨情监测，及时发布预警信息。", "交通部门要加强道路边坡巡查，必要时实施交通管制。",
		"教育部门要做好学校汛期安全教育，落实校舍安全检查。", "住建部门要督促在建工地做好基坑和塔吊防护。",
		"应急部门要备足抢险物资，组建应急抢险队伍。", "水利部门要科学调度水库，严禁超汛限水位运行。",
		"自然资源部门要落实地质灾害群测群防，加强专业监测。", "卫健部门要做好灾后防疫准备，保障医疗救治。",
		"电力部门要加强线路巡检，确保电网安全运行。", "民政部门要做好受灾群众基本生活保障。",
	}
	st := openEmptyStore(t)
	p := content.NewParser(content.ParserConfig{}, content.ParserDeps{Topics: testTopics})
	for i := range n {
		day := testNow.AddDate(0, 0, -1-i)
		rng := rand.New(rand.NewPCG(uint64(i), 1))
		rng.Shuffle(len(sentences), func(a, b int) { sentences[a], sentences[b] = sentences[b], sentences[a] })
		body := strings.Join(sentences[:6], "")
		text := fmt.Sprintf("青溪县人民政府办公室关于进一步加强第%d片区山塘水库和地质灾害隐患点防汛巡查值守及城乡防汛应急预案修订和防汛物资储备库建设工作的紧急通知\n"+
			"青政办明电〔2026〕%d号\n发布时间：%s　　来源：县政府办\n\n"+
			"各乡镇人民政府、街道办事处，县政府各部门：近期我县第%d片区进入主汛期，强降雨、地质灾害等风险叠加，防汛形势严峻复杂，各地要压紧压实防汛责任，落实巡查值守，严格落实24小时值班和领导带班制度。\n%s\n",
			i+1, 100+i, day.Format("2006-01-02 15:04"), i+1, body)
		parseAndSave(t, st, p, fmt.Sprintf("notice-%d.txt", i), []byte(text))
	}
	return newTestBot(t, st, 1000)
}

// askOn runs one message from a user on platform p.
func askOn(b *Bot, p chat.Platform, user, text string) []chat.Reply {
	return b.Handle(context.Background(), chat.Incoming{Platform: p, UserID: user, ChatID: user, Text: text})
}

// itemNumbers are the numbers of a list reply's items.
func itemNumbers(r chat.Reply) []string {
	var nums []string
	for _, m := range regexp.MustCompile(`(?m)^(\d+)\. 青溪县`).FindAllStringSubmatch(r.PlainText(), -1) {
		nums = append(nums, m[1])
	}
	return nums
}

// TestListFitsOneWeChatMessage: on WeChat a list of long items comes as
// one reply of at most 2,048 bytes, its snippets cut and, when that is
// not enough, fewer items, the next page starting after the last shown.
// Telegram, with room for more, keeps the page and the snippets whole.
func TestListFitsOneWeChatMessage(t *testing.T) {
	b := longNotices(t, 25)
	for _, question := range []string{"搜索 防汛", "最近20条"} {
		t.Run(question, func(t *testing.T) {
			user := "o" + question
			rs := askOn(b, chat.WeChat, user, question)
			if len(rs) != 1 {
				t.Fatalf("%d replies", len(rs))
			}
			text := rs[0].PlainText()
			shown := itemNumbers(rs[0])
			if len(text) > 2048 || len(shown) == 0 || !strings.Contains(text, "…") || !strings.Contains(text, "「下一页」看更多") {
				t.Fatalf("%d bytes, items %v:\n%s", len(text), shown, text)
			}
			tg := askOn(b, chat.Telegram, user, question)
			if got := itemNumbers(tg[0]); len(got) < len(shown) {
				t.Errorf("Telegram shows %d items, WeChat %d", len(got), len(shown))
			}
			// 下一页 continues where the WeChat list stopped.
			askOn(b, chat.WeChat, user, question)
			next := askOn(b, chat.WeChat, user, "下一页")
			want := fmt.Sprint(len(shown) + 1)
			if got := itemNumbers(next[0]); len(got) == 0 || got[0] != want || len(next[0].PlainText()) > 2048 {
				t.Errorf("下一页 after %d items starts at %v, want %s:\n%s", len(shown), got, want, next[0].PlainText())
			}
		})
	}
	// A list that fits is left whole.
	wx, tg := askOn(b, chat.WeChat, "o-short", "最近2条")[0].PlainText(), askOn(b, chat.Telegram, "o-short", "最近2条")[0].PlainText()
	if wx != tg {
		t.Errorf("a short list was cut:\n%s\nwant\n%s", wx, tg)
	}
}
