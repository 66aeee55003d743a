package telegram

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/telegram/telegramtest"
)

// card is a reply like the conversation core's bulletin card.
func card(_ context.Context, in chat.Incoming) []chat.Reply {
	return []chat.Reply{{
		Blocks: []chat.Block{
			{Kind: chat.BlockTitle, Text: "县政府第十二次常务会议"},
			{Kind: chat.BlockField, Label: "主持", Text: "王立新"},
			{Kind: chat.BlockText, Text: "研究部署防汛工作 & <重点> 任务"},
			{Kind: chat.BlockList, Items: []string{"要全力推进招大引强", "要全力推进项目攻坚突破"}},
			{Kind: chat.BlockLink, Text: "全文", URL: "https://example.org/r/abc?b=1&s=2"},
			{Kind: chat.BlockNote, Text: "回复 全文 1 查看全文"},
		},
		Buttons: [][]chat.Button{
			{{Text: "全文", Data: "full:42"}, {Text: "已读", Data: "read:42"}},
			{{Text: "原文", URL: "https://example.org/a"}},
		},
	}}
}

const cardHTML = "<b>县政府第十二次常务会议</b>\n" +
	"<b>主持</b>：王立新\n" +
	"研究部署防汛工作 &amp; &lt;重点&gt; 任务\n" +
	"1. 要全力推进招大引强\n2. 要全力推进项目攻坚突破\n" +
	`<a href="https://example.org/r/abc?b=1&amp;s=2">全文</a>` + "\n" +
	"<i>回复 全文 1 查看全文</i>"

var cardKeyboard = [][]telegramtest.InlineKeyboardButton{
	{{Text: "全文", CallbackData: "full:42"}, {Text: "已读", CallbackData: "read:42"}},
	{{Text: "原文", URL: "https://example.org/a"}},
}

// TestConversation sends a text in each receiving mode and checks what the
// handler saw and exactly what went back.
func TestConversation(t *testing.T) {
	for name, webhook := range map[string]bool{"polling": false, "webhook": true} {
		t.Run(name, func(t *testing.T) {
			h := &recorder{answer: card}
			st := newSetup(t, fixture{handler: h, webhook: webhook})
			u := st.s.SendText(zhang, "最新会议")

			sent := waitSent(t, st.s, zhang.ID, 1)
			m := sent[0]
			if m.Text != cardHTML || m.ParseMode != "HTML" || !m.DisablePreview || m.PaidBroadcast {
				t.Errorf("sent %q (parse mode %q, preview off %v, paid %v), want %q in HTML without preview",
					m.Text, m.ParseMode, m.DisablePreview, m.PaidBroadcast, cardHTML)
			}
			if !slices.EqualFunc(m.Keyboard, cardKeyboard, slices.Equal) {
				t.Errorf("keyboard %+v, want %+v", m.Keyboard, cardKeyboard)
			}
			want := chat.Incoming{Platform: chat.Telegram, UserID: "1001", ChatID: "1001", Name: "张 三", Lang: "zh",
				Text: "最新会议", Time: time.Unix(u.Message.Date, 0)}
			if got := h.seen(); len(got) != 1 || got[0] != want {
				t.Errorf("handler got %+v, want [%+v]", got, want)
			}
			wh, set := st.s.Webhook()
			if set != webhook {
				t.Fatalf("webhook set = %v, want %v", set, webhook)
			}
			if webhook && (wh.SecretToken != st.a.cfg.WebhookSecret || wh.URL != st.a.cfg.WebhookURL ||
				!slices.Equal(wh.AllowedUpdates, []string{"message", "callback_query"})) {
				t.Errorf("webhook settings %+v", wh)
			}
		})
	}
}

func TestLanguageAndName(t *testing.T) {
	tests := map[string]struct {
		user       telegramtest.User
		lang, name string
	}{
		"zh-hans":    {telegramtest.User{ID: 1, FirstName: "李", LanguageCode: "zh-hans"}, "zh", "李"},
		"zh-TW":      {telegramtest.User{ID: 2, FirstName: "陈", LastName: "明", LanguageCode: "zh-TW"}, "zh", "陈 明"},
		"en-US":      {telegramtest.User{ID: 3, FirstName: "Ann", LanguageCode: "en-US"}, "en", "Ann"},
		"en":         {telegramtest.User{ID: 4, FirstName: "Bob", LanguageCode: "en"}, "en", "Bob"},
		"ru":         {telegramtest.User{ID: 5, FirstName: "Ivan", LanguageCode: "ru"}, "", "Ivan"},
		"none":       {telegramtest.User{ID: 6, Username: "nameless"}, "", "nameless"},
		"upper case": {telegramtest.User{ID: 7, FirstName: "Z", LanguageCode: "ZH"}, "zh", "Z"},
	}
	h := &recorder{answer: echo}
	st := newSetup(t, fixture{handler: h})
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			st.s.SendText(tc.user, "hi")
			waitSent(t, st.s, tc.user.ID, 1)
			for _, in := range h.seen() {
				if in.UserID == strconv.FormatInt(tc.user.ID, 10) {
					if in.Lang != tc.lang || in.Name != tc.name {
						t.Errorf("lang %q name %q, want %q %q", in.Lang, in.Name, tc.lang, tc.name)
					}
					return
				}
			}
			t.Errorf("handler never saw user %d", tc.user.ID)
		})
	}
}

// TestGroups sends group messages, the addressed ones last, and checks
// which the handler saw and with what text.
func TestGroups(t *testing.T) {
	h := &recorder{answer: echo}
	// Groups get 20 messages a minute; this test is about what the bot
	// takes from a group, not about pacing.
	st := newSetup(t, fixture{handler: h, limits: Limits{PerChatSecond: 100, PerGroupMinute: 6000}})
	group := telegramtest.Chat{ID: -2001, Title: "办公室"}
	super := telegramtest.Chat{ID: -1002001, Title: "全县"}
	name := st.s.Bot().Username

	// A message of the bot's in the group to reply to.
	st.s.SendGroupText(group, zhang, "/start@"+name)
	botMsg := waitSent(t, st.s, group.ID, 1)[0]

	tests := []struct {
		name   string
		chat   telegramtest.Chat
		text   string
		reply  bool   // a reply to the bot's message
		wanted string // the text the handler sees; "" ignored
	}{
		{"chatter", group, "大家好", false, ""},
		{"command for another bot", group, "/latest@OtherBot", false, ""},
		{"mention of a longer name", group, "@" + name + "Fan 你好", false, ""},
		{"command for this bot", group, "/latest@" + name + " meeting", false, "/latest meeting"},
		{"plain command", group, "/help", false, "/help"},
		{"mention", group, "@" + strings.ToLower(name) + " 最新会议", false, "最新会议"},
		{"mention at the end", super, "最近的常委会 @" + name, false, "最近的常委会"},
		{"reply to the bot", group, "这个呢", true, "这个呢"},
		{"supergroup command", super, "/latest@" + name, false, "/latest"},
	}
	var want []string
	for _, tc := range tests {
		if tc.reply {
			m := telegramtest.Message{MessageID: 900, From: &zhang, Date: time.Now().Unix(),
				Chat: telegramtest.Chat{ID: group.ID, Type: telegramtest.ChatGroup}, Text: tc.text,
				ReplyToMessage: &telegramtest.Message{MessageID: botMsg.MessageID, From: ptr(st.s.Bot()), Chat: telegramtest.Chat{ID: group.ID, Type: telegramtest.ChatGroup}}}
			st.s.Inject(telegramtest.Update{Message: &m})
		} else {
			st.s.SendGroupText(tc.chat, zhang, tc.text)
		}
		if tc.wanted != "" {
			want = append(want, tc.wanted)
		}
	}
	// A last addressed message per chat: once it is answered, everything
	// before it was taken or dropped.
	st.s.SendGroupText(group, zhang, "/help@"+name)
	st.s.SendGroupText(super, zhang, "/help@"+name)
	want = append(want, "/help", "/help")
	waitSent(t, st.s, group.ID, 6)
	waitSent(t, st.s, super.ID, 3)

	var got []string
	for _, in := range h.seen()[1:] {
		if !in.Group || in.UserID != "1001" || in.ChatID != itoa(group.ID) && in.ChatID != itoa(super.ID) {
			t.Errorf("incoming %+v: want a group message from 1001", in)
		}
		got = append(got, in.Text)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("handler saw %q, want %q", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestChannelPostsIgnored: posts in a channel never reach the handler.
func TestChannelPostsIgnored(t *testing.T) {
	h := &recorder{answer: echo}
	st := newSetup(t, fixture{handler: h})
	st.s.PostToChannel(telegramtest.Chat{ID: -1003001, Title: "通报"}, "/latest")
	st.s.SendText(zhang, "after")
	waitSent(t, st.s, zhang.ID, 1)
	if got := h.seen(); len(got) != 1 || got[0].Text != "after" {
		t.Errorf("handler saw %+v, want only the private message", got)
	}
}

// TestButtons presses buttons and checks the answer to each press and the
// replies sent as new messages.
func TestButtons(t *testing.T) {
	tests := map[string]struct {
		answer    []chat.Reply
		toast     string
		messages  []string
		keyboards int
	}{
		"toast and a message": {
			answer:   []chat.Reply{{Blocks: []chat.Block{{Kind: chat.BlockNote, Text: "已记为已读"}}}, chat.Text("全文如下")},
			toast:    "已记为已读",
			messages: []string{"全文如下"},
		},
		"only a toast": {
			answer: []chat.Reply{{Blocks: []chat.Block{{Kind: chat.BlockNote, Text: strings.Repeat("长", 300)}}}},
			toast:  strings.Repeat("长", 199) + "…",
		},
		"no answer": {},
		"a note with buttons is a message": {
			answer:   []chat.Reply{{Blocks: []chat.Block{{Kind: chat.BlockNote, Text: "下一页"}}, Buttons: [][]chat.Button{{{Text: "更多", Data: "more"}}}}},
			messages: []string{"<i>下一页</i>"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := &recorder{answer: card}
			st := newSetup(t, fixture{handler: h})
			st.s.SendText(zhang, "最新会议")
			m := waitSent(t, st.s, zhang.ID, 1)[0]
			h.mu.Lock()
			h.answer = func(context.Context, chat.Incoming) []chat.Reply { return tc.answer }
			h.mu.Unlock()
			if _, err := st.s.PressButton(zhang, zhang.ID, m.MessageID, "read:42"); err != nil {
				t.Fatal(err)
			}
			if err := st.s.Await(timeout(t), func() bool { return len(st.s.CallbackAnswers()) == 1 }); err != nil {
				t.Fatalf("press not answered: %v", err)
			}
			if a := st.s.CallbackAnswers()[0]; a.Text != tc.toast || a.Data != "read:42" {
				t.Errorf("answer %+v, want toast %q", a, tc.toast)
			}
			sent := waitSent(t, st.s, zhang.ID, 1+len(tc.messages))[1:]
			var texts []string
			for _, s := range sent {
				texts = append(texts, s.Text)
			}
			if !slices.Equal(texts, tc.messages) {
				t.Errorf("messages after the press %q, want %q", texts, tc.messages)
			}
			in := h.seen()[1]
			if in.Button != "read:42" || in.Text != "" || in.ChatID != "1001" || in.UserID != "1001" || in.Group || in.Lang != "zh" {
				t.Errorf("press came in as %+v", in)
			}
		})
	}
}

// TestCommandMenu checks the command lists set at start.
func TestCommandMenu(t *testing.T) {
	st := newSetup(t, fixture{noRun: true})
	want := []string{"start", "latest", "recent", "search", "full", "sub", "unsub", "mysubs", "topics", "digest", "instant", "help"}
	sets := st.s.Commands()
	langs := map[string]string{}
	for _, set := range sets {
		var names []string
		for _, c := range set.Commands {
			names = append(names, c.Command)
		}
		if set.Scope.Type != "default" || !slices.Equal(names, want) {
			t.Errorf("%q list: scope %q, commands %q", set.LanguageCode, set.Scope.Type, names)
		}
		langs[set.LanguageCode] = set.Commands[1].Description
	}
	if len(sets) != 3 || langs[""] != "最新会议或通报" || langs["zh"] != "最新会议或通报" || langs["en"] != "The latest meeting or bulletin" {
		t.Errorf("lists by language: %q", langs)
	}
}
