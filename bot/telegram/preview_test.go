package telegram

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"tongbao/bot/chat"
)

// TestPreviewIsWhatIsSent: a reply too long for five messages is
// previewed as the five messages Send sends — the last ending with the
// note that the rest is left out, the buttons under it — each with the
// length Telegram counts.
func TestPreviewIsWhatIsSent(t *testing.T) {
	st := newSetup(t, fixture{limits: Limits{PerSecond: 1e6, PaidPerSecond: 1e6, PerChatSecond: 1e6, PerGroupMinute: 1e6}})
	var r chat.Reply
	r = r.Add(chat.Block{Kind: chat.BlockTitle, Text: "通知 <script>"})
	for range 30 {
		r = r.Add(chat.Block{Kind: chat.BlockText, Text: strings.Repeat("请做好防汛准备 & 值班安排。", 60)})
	}
	r = r.Add(chat.Block{Kind: chat.BlockLink, Text: "确认已读", URL: "https://tb.example/r/x"})
	r.Buttons = [][]chat.Button{{{Text: "已读", Data: "read:x"}, {Text: "全文", URL: "https://tb.example/b/x"}}}
	p := Preview(r)
	if _, err := st.a.Send(timeout(t), "8001", r); err != nil {
		t.Fatal(err)
	}
	sent := waitSent(t, st.s, 8001, len(p.Messages))
	if len(sent) != maxParts || len(p.Messages) != maxParts {
		t.Fatalf("sent %d messages, previewed %d, want %d", len(sent), len(p.Messages), maxParts)
	}
	for i, m := range p.Messages {
		if m.Markup != sent[i].Text {
			t.Errorf("message %d: preview %q\nsent %q", i+1, m.Markup, sent[i].Text)
		}
		if shown := len(utf16.Encode([]rune(sent[i].PlainText))); m.Size != shown || m.Size > m.Limit {
			t.Errorf("message %d: preview size %d/%d, Telegram shows %d", i+1, m.Size, m.Limit, shown)
		}
	}
	last := p.Messages[len(p.Messages)-1]
	if !strings.HasSuffix(last.Markup, "<i>……（内容过长，其余从略）</i>") {
		t.Errorf("the last message lacks the note: …%s", last.Markup[len(last.Markup)-80:])
	}
	if want := [][]string{{"已读", "全文"}}; !slices.EqualFunc(last.Buttons, want, slices.Equal) || sent[len(sent)-1].Keyboard == nil {
		t.Errorf("buttons: preview %q, sent %v", last.Buttons, sent[len(sent)-1].Keyboard)
	}
}
