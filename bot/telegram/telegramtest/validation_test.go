package telegramtest_test

import (
	"strings"
	"testing"

	"tongbao/bot/telegram/telegramtest"
)

func TestSendMessageValidation(t *testing.T) {
	keyboard := func(b map[string]any) map[string]any {
		b["text"] = "按钮"
		return map[string]any{"inline_keyboard": [][]map[string]any{{b}}}
	}
	ok := func(body map[string]any) map[string]any {
		body["chat_id"] = 42
		return body
	}
	cases := map[string]struct {
		body map[string]any
		desc string // "" when the message is accepted
	}{
		"4096 Chinese characters":      {ok(map[string]any{"text": strings.Repeat("会", 4096)}), ""},
		"4097 Chinese characters":      {ok(map[string]any{"text": strings.Repeat("会", 4097)}), "Bad Request: message is too long"},
		"tags do not count":            {ok(map[string]any{"text": "<b>" + strings.Repeat("会", 4096) + "</b>", "parse_mode": "HTML"}), ""},
		"entities count once":          {ok(map[string]any{"text": strings.Repeat("&lt;", 4096), "parse_mode": "HTML"}), ""},
		"emoji count two":              {ok(map[string]any{"text": strings.Repeat("😀", 2049)}), "Bad Request: message is too long"},
		"surrounding space is trimmed": {ok(map[string]any{"text": "\n" + strings.Repeat("会", 4096) + "\n\n"}), ""},
		"empty":                        {ok(map[string]any{"text": ""}), "Bad Request: message text is empty"},
		"only spaces":                  {ok(map[string]any{"text": " \n "}), "Bad Request: message text is empty"},
		"only tags":                    {ok(map[string]any{"text": "<b> </b>", "parse_mode": "HTML"}), "Bad Request: message text is empty"},
		"no chat":                      {map[string]any{"text": "x"}, "Bad Request: chat_id is empty"},
		"bad chat":                     {map[string]any{"chat_id": "abc", "text": "x"}, "Bad Request: chat not found"},
		"unsupported tag":              {ok(map[string]any{"text": "<p>x</p>", "parse_mode": "HTML"}), `Bad Request: can't parse entities: Unsupported start tag "p" at byte offset 0`},
		"unescaped less-than":          {ok(map[string]any{"text": "1 < 2", "parse_mode": "HTML"}), `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`},
		"unbalanced":                   {ok(map[string]any{"text": "<b>x", "parse_mode": "HTML"}), `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		"unescaped ampersand": {ok(map[string]any{"text": "招商&引资", "parse_mode": "HTML"}),
			`Bad Request: can't parse entities: Unescaped "&" at byte offset 6 (the test server is stricter than Telegram here: escape it as &amp;)`},
		"ampersand without parse mode": {ok(map[string]any{"text": "招商&引资 <b>"}), ""},
		"lower-case parse mode":        {ok(map[string]any{"text": "<b>x</b>", "parse_mode": "html"}), ""},
		"markdown taken as is":         {ok(map[string]any{"text": "*x*", "parse_mode": "MarkdownV2"}), ""},
		"unknown parse mode":           {ok(map[string]any{"text": "x", "parse_mode": "BBCode"}), "Bad Request: unsupported parse_mode"},
		"callback data of 64 bytes":    {ok(map[string]any{"text": "x", "reply_markup": keyboard(map[string]any{"callback_data": strings.Repeat("订", 21) + "a"})}), ""},
		"callback data of 65 bytes":    {ok(map[string]any{"text": "x", "reply_markup": keyboard(map[string]any{"callback_data": strings.Repeat("订", 21) + "ab"})}), "Bad Request: BUTTON_DATA_INVALID"},
		"empty callback data":          {ok(map[string]any{"text": "x", "reply_markup": keyboard(map[string]any{"callback_data": ""})}), "Bad Request: BUTTON_DATA_INVALID"},
		"bad button url":               {ok(map[string]any{"text": "x", "reply_markup": keyboard(map[string]any{"url": "javascript:alert(1)"})}), "Bad Request: BUTTON_URL_INVALID"},
		"text button":                  {ok(map[string]any{"text": "x", "reply_markup": keyboard(map[string]any{})}), "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		"other button kinds":           {ok(map[string]any{"text": "x", "reply_markup": keyboard(map[string]any{"switch_inline_query": ""})}), ""},
		"markup not JSON":              {ok(map[string]any{"text": "x", "reply_markup": "{"}), "Bad Request: can't parse reply keyboard markup JSON object"},
		"reply to nothing":             {ok(map[string]any{"text": "x", "reply_to_message_id": 99}), "Bad Request: message to be replied not found"},
		"reply to nothing allowed":     {ok(map[string]any{"text": "x", "reply_parameters": map[string]any{"message_id": 99, "allow_sending_without_reply": true}}), ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			s := start(t)
			r := callJSON(t, s, "sendMessage", c.body)
			if c.desc == "" {
				r.result(t, new(telegramtest.Message))
				if len(s.Sent()) != 1 {
					t.Errorf("accepted but recorded %d messages", len(s.Sent()))
				}
				return
			}
			r.wantError(t, 400, c.desc)
			if len(s.Sent()) != 0 {
				t.Errorf("rejected but recorded %+v", s.Sent())
			}
		})
	}
}

func TestInvalidUTF8(t *testing.T) {
	s := start(t) // JSON cannot carry invalid UTF-8; a form can
	callForm(t, s, "sendMessage", map[string][]string{"chat_id": {"1"}, "text": {"\xff"}}).
		wantError(t, 400, "Bad Request: text must be encoded in UTF-8")
}

func TestLenientHTML(t *testing.T) {
	s := start(t, telegramtest.WithLenientHTML())
	var m telegramtest.Message
	callJSON(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": "招商&引资 <b>x</b>", "parse_mode": "HTML"}).result(t, &m)
	if m.Text != "招商&引资 x" {
		t.Errorf("text = %q", m.Text)
	}
}

func TestSendOptions(t *testing.T) {
	s := start(t)
	callJSON(t, s, "sendMessage", map[string]any{
		"chat_id": 7, "text": "x", "link_preview_options": map[string]any{"is_disabled": true}, "allow_paid_broadcast": true,
	}).result(t, new(telegramtest.Message))
	callForm(t, s, "sendMessage", map[string][]string{"chat_id": {"7"}, "text": {"y"}, "disable_web_page_preview": {"true"}}).
		result(t, new(telegramtest.Message))
	sent := s.SentTo(7)
	if len(sent) != 2 || !sent[0].DisablePreview || !sent[0].PaidBroadcast || !sent[1].DisablePreview || sent[1].PaidBroadcast ||
		sent[0].MessageID != 1 || sent[1].MessageID != 2 || sent[0].At.IsZero() {
		t.Errorf("sent = %+v", sent)
	}
}

func TestEditMessageText(t *testing.T) {
	s := start(t)
	user := s.SendText(alice, "/broadcast")
	var m telegramtest.Message
	callJSON(t, s, "sendMessage", map[string]any{
		"chat_id": alice.ID, "text": "预览", "reply_markup": map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "确认", "callback_data": "bc:yes"}}}},
	}).result(t, &m)
	edit := func(body map[string]any) reply {
		body["chat_id"] = alice.ID
		return callJSON(t, s, "editMessageText", body)
	}
	cases := []struct {
		name string
		body map[string]any
		desc string
	}{
		{"progress", map[string]any{"message_id": m.MessageID, "text": "已发送 1,234/5,000"}, ""},
		{"same again", map[string]any{"message_id": m.MessageID, "text": "已发送 1,234/5,000"},
			"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"},
		{"same text, new keyboard", map[string]any{"message_id": m.MessageID, "text": "已发送 1,234/5,000",
			"reply_markup": `{"inline_keyboard":[[{"text":"取消","callback_data":"bc:no"}]]}`}, ""},
		{"missing message", map[string]any{"message_id": 99, "text": "x"}, "Bad Request: message to edit not found"},
		{"user's message", map[string]any{"message_id": user.Message.MessageID, "text": "x"}, "Bad Request: message can't be edited"},
		{"no message id", map[string]any{"text": "x"}, "Bad Request: message identifier is not specified"},
		{"bad HTML", map[string]any{"message_id": m.MessageID, "text": "<b>", "parse_mode": "HTML"},
			`Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := edit(c.body)
			if c.desc != "" {
				r.wantError(t, 400, c.desc)
				return
			}
			var got telegramtest.Message
			r.result(t, &got)
			if got.MessageID != m.MessageID || got.EditDate == 0 || got.Text != c.body["text"] {
				t.Errorf("edited = %+v", got)
			}
		})
	}
	if edits := s.Edits(); len(edits) != 2 || edits[1].Keyboard[0][0].CallbackData != "bc:no" {
		t.Errorf("edits = %+v", edits)
	}
	if cur, _ := s.Message(alice.ID, m.MessageID); cur.ReplyMarkup == nil || cur.ReplyMarkup.InlineKeyboard[0][0].Text != "取消" {
		t.Errorf("current message = %+v", cur)
	}
	if _, err := s.PressButton(alice, alice.ID, m.MessageID, "bc:yes"); err == nil {
		t.Error("pressed a button the edit removed")
	}
	if _, err := s.PressButton(alice, alice.ID, m.MessageID, "bc:no"); err != nil {
		t.Error(err)
	}
}
