package bot

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"tongbao/bot/chat"
	"unicode/utf16"
)

// TestLongMessagesCostLittle sends messages far longer than any question:
// the reply is one message under Telegram's limit that quotes at most a
// short prefix of what was typed, and answering allocates a bounded amount.
func TestLongMessagesCostLittle(t *testing.T) {
	b := newTestBot(t, newTestStore(t), 1000)
	words := strings.Repeat("talent flood ", 25000) // 50,000 words
	han := strings.Repeat("防汛安全生产人才", 12500)        // 100,000 characters
	line := strings.Repeat("最新会议", 1020) + "之类"     // a 4,082-character line
	for name, text := range map[string]string{
		"/search and 50,000 words":  "/search " + words,
		"搜索 and 100,000 characters": "搜索 " + han,
		"a 4,082-character line":    line,
		"100,000 characters":        han,
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			rs := b.Handle(context.Background(), chat.Incoming{Platform: chat.Telegram, UserID: "long", ChatID: "long", Text: text})
			runtime.ReadMemStats(&after)
			if len(rs) == 0 || len(rs) > 2 {
				t.Fatalf("%d replies, want one or two", len(rs))
			}
			for _, r := range rs {
				got := r.PlainText()
				if n := len(utf16.Encode([]rune(got))); n > 4096 {
					t.Errorf("a reply of %d UTF-16 units, over Telegram's 4,096", n)
				}
				if strings.Contains(got, strings.Repeat("防汛安全生产人才", 3)) || strings.Contains(got, strings.Repeat("talent flood ", 3)) || strings.Contains(got, strings.Repeat("最新会议", 6)) {
					t.Errorf("the reply quotes more than a short prefix:\n%.300s", got)
				}
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 20<<20 {
				t.Errorf("answering allocated %d MB, want under 20 MB", alloc>>20)
			}
		})
	}
}

// TestChosenLanguageWins: after /lang en, a Chinese question is answered
// in English; after /lang zh, an English one in Chinese.
func TestChosenLanguageWins(t *testing.T) {
	b := newTestBot(t, newTestStore(t), 1000)
	ask(t, b, "lang1", "/lang en")
	if got := ask(t, b, "lang1", "最新会议"); !strings.Contains(got, "Chaired by: ") || strings.Contains(got, "主持：") {
		t.Errorf("最新会议 after /lang en:\n%s", got)
	}
	if got := ask(t, b, "lang1", "常务会议是谁主持的"); !strings.Contains(got, "was chaired by 县委副书记、县长王立新") {
		t.Errorf("a Chinese question after /lang en:\n%s", got)
	}
	ask(t, b, "lang1", "/lang zh")
	if got := ask(t, b, "lang1", "latest meeting"); !strings.Contains(got, "主持：") {
		t.Errorf("latest meeting after /lang zh:\n%s", got)
	}
	// Without a choice, the language of the message decides.
	if got := ask(t, b, "lang2", "latest meeting"); !strings.Contains(got, "Chaired by: ") {
		t.Errorf("latest meeting without a choice:\n%s", got)
	}
	if got := ask(t, b, "lang2", "最新会议"); !strings.Contains(got, "主持：") {
		t.Errorf("最新会议 without a choice:\n%s", got)
	}
}

// TestLongQuestionsQuoteLittle: a question whose words find nothing is
// answered without repeating them at length.
func TestLongQuestionsQuoteLittle(t *testing.T) {
	b := newTestBot(t, newTestStore(t), 1000)
	long := "最新会议" + strings.Repeat("甲乙丙丁戊己庚辛壬癸", 15)
	got := ask(t, b, "long2", long)
	if strings.Contains(got, strings.Repeat("甲乙丙丁戊己庚辛壬癸", 3)) {
		t.Errorf("the reply repeats the question at length:\n%s", got)
	}
}
