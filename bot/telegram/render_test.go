package telegram

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/bot/telegram/telegramtest"
)

func TestRenderBlocks(t *testing.T) {
	tests := map[string]struct {
		blocks []chat.Block
		want   string
	}{
		"text escaped": {
			[]chat.Block{{Kind: chat.BlockText, Text: `a<b>&c "d" 'e' &amp;`}},
			"a&lt;b&gt;&amp;c &#34;d&#34; &#39;e&#39; &amp;amp;",
		},
		"title": {[]chat.Block{{Kind: chat.BlockTitle, Text: "<会议>"}}, "<b>&lt;会议&gt;</b>"},
		"field": {[]chat.Block{{Kind: chat.BlockField, Label: "时间&地点", Text: "5月27日"}}, "<b>时间&amp;地点</b>：5月27日"},
		"field without label": {
			[]chat.Block{{Kind: chat.BlockField, Text: "只有值"}}, "只有值",
		},
		"list": {
			[]chat.Block{{Kind: chat.BlockList, Items: []string{"一<", "二\n续"}}},
			"1. 一&lt;\n2. 二\n续",
		},
		"link": {
			[]chat.Block{{Kind: chat.BlockLink, Text: "全文 <1>", URL: `https://x.org/r?a=1&b="2"`}},
			`<a href="https://x.org/r?a=1&amp;b=&#34;2&#34;">全文 &lt;1&gt;</a>`,
		},
		"link without text": {
			[]chat.Block{{Kind: chat.BlockLink, URL: "https://x.org/a"}}, `<a href="https://x.org/a">https://x.org/a</a>`,
		},
		"javascript link is text": {
			[]chat.Block{{Kind: chat.BlockLink, Text: "点我", URL: "javascript:alert(1)"}}, "点我",
		},
		"note":          {[]chat.Block{{Kind: chat.BlockNote, Text: "提示"}}, "<i>提示</i>"},
		"invalid UTF-8": {[]chat.Block{{Kind: chat.BlockText, Text: "a\xffb\xe7\xa0"}}, "a\uFFFDb\uFFFD"},
		"title over lines": {
			[]chat.Block{{Kind: chat.BlockTitle, Text: "一\r\n\n二"}}, "<b>一</b>\n\n<b>二</b>",
		},
		"blocks on lines": {
			[]chat.Block{{Kind: chat.BlockTitle, Text: "T"}, {Kind: chat.BlockText, Text: ""}, {Kind: chat.BlockText, Text: "p"}},
			"<b>T</b>\n\np",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out := render(chat.Reply{Blocks: tc.blocks}, maxText, maxParts)
			if len(out.parts) != 1 || out.parts[0] != tc.want {
				t.Errorf("render = %q, want [%q]", out.parts, tc.want)
			}
		})
	}
}

// TestSplitInvalidUTF8: a long line of broken bytes splits into valid
// messages.
func TestSplitInvalidUTF8(t *testing.T) {
	out := render(chat.Text(strings.Repeat("\xe7\xa0", 5000)), maxText, maxParts)
	if len(out.parts) != 3 {
		t.Fatalf("%d messages, want 3", len(out.parts))
	}
	for i, p := range out.parts {
		if !utf8.ValidString(p) || utf16Len(p) > maxText {
			t.Errorf("message %d: valid %v, %d characters", i+1, utf8.ValidString(p), utf16Len(p))
		}
	}
}

func TestRenderEmpty(t *testing.T) {
	for name, r := range map[string]chat.Reply{
		"no blocks":  {Buttons: [][]chat.Button{{{Text: "a", Data: "a"}}}},
		"blank text": chat.Text(" \n "),
		"empty list": {Blocks: []chat.Block{{Kind: chat.BlockList}}},
	} {
		t.Run(name, func(t *testing.T) {
			if out := render(r, maxText, maxParts); len(out.parts) != 0 {
				t.Errorf("render = %q, want nothing", out.parts)
			}
		})
	}
}

func TestRenderKeyboard(t *testing.T) {
	data64 := strings.Repeat("d", 64)
	tests := map[string]struct {
		buttons [][]chat.Button
		want    string
		dropped int
	}{
		"data and url": {
			[][]chat.Button{{{Text: "全文", Data: "full:1"}}, {{Text: "原文", URL: "https://x.org/?a=1&b=2"}}},
			`{"inline_keyboard":[[{"text":"全文","callback_data":"full:1"}],[{"text":"原文","url":"https://x.org/?a=1\u0026b=2"}]]}`, 0,
		},
		"64 bytes kept": {[][]chat.Button{{{Text: "a", Data: data64}}}, `{"inline_keyboard":[[{"text":"a","callback_data":"` + data64 + `"}]]}`, 0},
		"65 bytes dropped": {
			[][]chat.Button{{{Text: "a", Data: data64 + "x"}, {Text: "b", Data: "b"}}},
			`{"inline_keyboard":[[{"text":"b","callback_data":"b"}]]}`, 1,
		},
		"22 Chinese characters are 66 bytes": {[][]chat.Button{{{Text: "a", Data: strings.Repeat("订", 22)}}}, "", 1},
		"no text":                            {[][]chat.Button{{{Text: " ", Data: "x"}}}, "", 1},
		"bad url":                            {[][]chat.Button{{{Text: "a", URL: "ftp://x.org"}}, {{Text: "b", URL: "/relative"}}}, "", 2},
		"nothing to do":                      {[][]chat.Button{{{Text: "a"}}}, "", 1},
		"empty row skipped": {
			[][]chat.Button{{}, {{Text: "a", Data: "a"}}},
			`{"inline_keyboard":[[{"text":"a","callback_data":"a"}]]}`, 0,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, dropped := renderKeyboard(tc.buttons)
			if got != tc.want || dropped != tc.dropped {
				t.Errorf("keyboard %s (dropped %d), want %s (dropped %d)", got, dropped, tc.want, tc.dropped)
			}
		})
	}
}

// TestSplit renders long replies and checks every message fits, splits
// fall where they should, and nothing is lost.
func TestSplit(t *testing.T) {
	para := func(n int, s string) chat.Block { return chat.Block{Kind: chat.BlockText, Text: strings.Repeat(s, n)} }
	sentences := strings.Repeat("会议强调，要全力推进招大引强。", 400) // 15 characters a sentence
	tests := map[string]struct {
		reply chat.Reply
		parts int
		// firsts are the beginnings of each message's text as shown.
		firsts []string
		// cutAfter ends every message but the last, if set.
		cutAfter string
	}{
		"fits": {chat.Reply{Blocks: []chat.Block{para(4096, "字")}}, 1, []string{"字"}, ""},
		"two blocks": {
			chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: "标题"}, para(3000, "甲"), para(3000, "乙")}},
			2, []string{"标题", "乙"}, "",
		},
		"blocks fill a message": {
			chat.Reply{Blocks: []chat.Block{para(2000, "甲"), para(2000, "乙"), para(94, "丙"), para(10, "丁")}},
			2, []string{"甲", "丁"}, "",
		},
		"long block at lines": {
			chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockList, Items: []string{strings.Repeat("一", 3000), strings.Repeat("二", 3000)}}}},
			2, []string{"1. 一", "2. 二"}, "",
		},
		"long line at sentences": {
			chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockText, Text: sentences}}},
			2, []string{"会议强调", "会议强调"}, "。",
		},
		"long bold line": {
			chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: strings.Repeat("<&>", 3000)}}},
			3, []string{"<&>", "&", ">"}, "",
		},
		"emoji count twice": {
			chat.Reply{Blocks: []chat.Block{para(2049, "😀")}},
			2, []string{"😀", "😀"}, "",
		},
		"long field": {
			chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockField, Label: "要点", Text: strings.Repeat("要全力推进。", 800)}}},
			2, []string{"要点：要全力推进", "要全力推进"}, "。",
		},
		"spaces": {
			chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockText, Text: strings.Repeat("word ", 1000)}}},
			2, []string{"word", "word"}, "word",
		},
	}
	s := telegramtest.New()
	t.Cleanup(s.Close)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.reply.Buttons = [][]chat.Button{{{Text: "下一页", Data: "more"}}}
			out := render(tc.reply, maxText, maxParts)
			if len(out.parts) != tc.parts {
				t.Fatalf("%d messages, want %d", len(out.parts), tc.parts)
			}
			// The fake parses each message as Telegram does: valid HTML
			// within the limit.
			st := setup{s: s}
			var shown strings.Builder
			for i, text := range out.parts {
				kb := ""
				if i == len(out.parts)-1 {
					kb = out.keyboard
				}
				m := st.sendRaw(t, 77, text, kb)
				if !strings.HasPrefix(m.PlainText, tc.firsts[i]) {
					t.Errorf("message %d starts %q, want %q", i+1, prefix(m.PlainText), tc.firsts[i])
				}
				if i < len(out.parts)-1 && !strings.HasSuffix(m.PlainText, tc.cutAfter) {
					t.Errorf("message %d ends %q, want a cut after %q", i+1, string([]rune(m.PlainText)[utf8.RuneCountInString(m.PlainText)-3:]), tc.cutAfter)
				}
				if (m.Keyboard != nil) != (i == len(out.parts)-1) {
					t.Errorf("message %d of %d has keyboard %v", i+1, len(out.parts), m.Keyboard)
				}
				shown.WriteString(m.PlainText)
			}
			if got, want := squeeze(shown.String()), squeeze(strings.NewReplacer("【", "", "】", "").Replace(chat.Reply{Blocks: tc.reply.Blocks}.PlainText())); got != want {
				t.Errorf("text lost or changed in splitting: %d characters shown, want %d", utf8.RuneCountInString(got), utf8.RuneCountInString(want))
			}
		})
	}
}

// sendRaw sends one rendered message through the fake and returns it as
// recorded.
func (st setup) sendRaw(t *testing.T, chatID int64, text, keyboard string) telegramtest.SentMessage {
	t.Helper()
	api, err := dialAPI(timeout(t), st.s.Token(), st.s.URL(), defaultClient())
	if err != nil {
		t.Fatal(err)
	}
	var m sentMessage
	if err := api.call(timeout(t), "sendMessage", messageParams(chatID, text, keyboard), &m); err != nil {
		t.Fatalf("sendMessage %q…: %v", prefix(text), err)
	}
	for _, s := range st.s.SentTo(chatID) {
		if s.MessageID == m.MessageID {
			return s
		}
	}
	t.Fatalf("message %d not recorded", m.MessageID)
	return telegramtest.SentMessage{}
}

func prefix(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20])
	}
	return s
}

// squeeze drops whitespace, which splitting may move. (PlainText puts
// titles in 【】, which the HTML shows in bold instead.)
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

func TestToast(t *testing.T) {
	note := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockNote, Text: " 已读 "}}}
	msg := chat.Text("全文")
	tests := map[string]struct {
		replies []chat.Reply
		toast   string
		rest    int
	}{
		"note first":        {[]chat.Reply{note, msg}, "已读", 1},
		"message first":     {[]chat.Reply{msg, note}, "", 2},
		"none":              {nil, "", 0},
		"note with buttons": {[]chat.Reply{{Blocks: note.Blocks, Buttons: [][]chat.Button{{{Text: "a", Data: "a"}}}}}, "", 1},
		"two blocks":        {[]chat.Reply{note.Add(chat.Block{Kind: chat.BlockNote, Text: "x"})}, "", 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			text, rest := toast(tc.replies)
			if text != tc.toast || len(rest) != tc.rest {
				t.Errorf("toast %q and %d replies, want %q and %d", text, len(rest), tc.toast, tc.rest)
			}
		})
	}
}

// tag matches the markup render writes; everything else is escaped text.
var tag = regexp.MustCompile(`</?b>|</?i>|<a href="[^"<>]*">|</a>`)

// FuzzRender renders arbitrary text in messages of a small limit and
// checks that only render's own tags are markup, every message fits, and
// the text survives the split.
func FuzzRender(f *testing.F) {
	f.Add("标题<b>", "会议强调，要全力推进招大引强。要全力推进项目攻坚突破！", "a & b\n<c>", "😀😀😀 end.", uint8(12))
	f.Add("", "", "", "", uint8(1))
	f.Add("x", strings.Repeat("长", 100), "&amp;", "\r\n", uint8(7))
	f.Fuzz(func(t *testing.T, title, text, item, note string, limit uint8) {
		for _, s := range []string{title, text, item, note} {
			if !utf8.ValidString(s) {
				t.Skip() // shown with U+FFFD: not comparable
			}
		}
		n := int(limit)%60 + 2 // an emoji needs 2
		r := chat.Reply{Blocks: []chat.Block{
			{Kind: chat.BlockTitle, Text: title},
			{Kind: chat.BlockText, Text: text},
			{Kind: chat.BlockList, Items: []string{item, text}},
			{Kind: chat.BlockLink, Text: "全文", URL: "https://x.org/?q=" + url.QueryEscape(item)},
			{Kind: chat.BlockNote, Text: note},
		}}
		var shown strings.Builder
		for _, part := range render(r, n, 0).parts {
			plain := tag.ReplaceAllString(part, "")
			if strings.ContainsAny(plain, "<>") {
				t.Fatalf("markup outside render's tags in %q", part)
			}
			plain = html.UnescapeString(plain)
			if utf16Len(plain) > n {
				t.Fatalf("message of %d characters, limit %d: %q", utf16Len(plain), n, part)
			}
			shown.WriteString(plain)
		}
		want := strings.NewReplacer("【", "", "】", "", " https://x.org/?q="+url.QueryEscape(item), "").Replace(r.PlainText())
		if got := squeeze(shown.String()); got != squeeze(want) {
			t.Fatalf("shown %q, want %q", got, squeeze(want))
		}
	})
}

// TestLongReplyIsCut: however long a reply, it becomes at most maxParts
// messages, each within Telegram's limit as Telegram counts it, the last
// saying that the rest is left out.
func TestLongReplyIsCut(t *testing.T) {
	tests := map[string]struct {
		reply chat.Reply
		note  string
		// cutAfter ends every message but the last.
		cutAfter string
	}{
		"astral characters (two UTF-16 units each)": {
			chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: "搜索结果"}, {Kind: chat.BlockText, Text: strings.Repeat("𠀀𝐀😀。", 20000)}}},
			msg.Say("zh", "reply.cut"), "。",
		},
		"50,000 short words": {
			chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockField, Label: "You searched", Text: strings.Repeat("a&b <x> ", 50000)}}},
			msg.Say("en", "reply.cut"), "<x>",
		},
	}
	s := telegramtest.New()
	t.Cleanup(s.Close)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out := render(tc.reply, maxText, maxParts)
			if len(out.parts) != maxParts {
				t.Fatalf("%d messages, want %d", len(out.parts), maxParts)
			}
			st := setup{s: s}
			var shown strings.Builder
			for i, text := range out.parts {
				m := st.sendRaw(t, 78, text, "") // refused if over the limit or broken HTML
				if n := utf16Len(m.PlainText); n > maxText {
					t.Errorf("message %d: %d UTF-16 units", i+1, n)
				}
				if i < len(out.parts)-1 {
					if !strings.HasSuffix(m.PlainText, tc.cutAfter) {
						t.Errorf("message %d ends %q, want a cut after %q", i+1, prefix(reverse(m.PlainText)), tc.cutAfter)
					}
					shown.WriteString(m.PlainText)
					continue
				}
				text, ok := strings.CutSuffix(m.PlainText, "\n"+tc.note)
				if !ok {
					t.Errorf("last message ends %q, want the note %q", prefix(reverse(m.PlainText)), tc.note)
				}
				shown.WriteString(text)
			}
			full := squeeze(chat.Reply{Blocks: tc.reply.Blocks}.PlainText())
			full = strings.NewReplacer("【", "", "】", "", ":", "：").Replace(full)
			if got := squeeze(shown.String()); !strings.HasPrefix(full, got) || utf16Len(got) < 3*maxText {
				i := 0
				for i < len(got) && i < len(full) && got[i] == full[i] {
					i++
				}
				t.Errorf("the messages show %d characters that are not the reply's beginning: from byte %d, %q, want %q", utf8.RuneCountInString(got), i, prefix(got[i:]), prefix(full[i:]))
			}
		})
	}
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
