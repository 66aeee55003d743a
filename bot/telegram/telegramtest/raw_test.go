package telegramtest_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tongbao/bot/telegram/telegramtest"
)

// A client written from Telegram's docs may send parameters in any of the
// four ways the Bot API accepts; all must mean the same.
func TestEncodings(t *testing.T) {
	markup := `{"inline_keyboard":[[{"text":"订阅","callback_data":"sub:防汛"}]]}`
	values := url.Values{
		"chat_id":      {"-1002003004005"},
		"text":         {"<i>防汛</i> 通知"},
		"parse_mode":   {"HTML"},
		"reply_markup": {markup},
	}
	endpoint := func(s *telegramtest.Server) string { return s.URL() + "/bot" + s.Token() + "/sendMessage" }
	cases := map[string]func(t *testing.T, s *telegramtest.Server) *http.Request{
		"form": func(t *testing.T, s *telegramtest.Server) *http.Request {
			req, _ := http.NewRequest(http.MethodPost, endpoint(s), strings.NewReader(values.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req
		},
		"json": func(t *testing.T, s *telegramtest.Server) *http.Request {
			body := `{"chat_id":-1002003004005,"text":"<i>防汛</i> 通知","parse_mode":"HTML","reply_markup":` + markup + `}`
			req, _ := http.NewRequest(http.MethodPost, endpoint(s), strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
			return req
		},
		"json with string values": func(t *testing.T, s *telegramtest.Server) *http.Request {
			b, _ := json.Marshal(map[string]string{"chat_id": "-1002003004005", "text": "<i>防汛</i> 通知", "parse_mode": "HTML", "reply_markup": markup})
			req, _ := http.NewRequest(http.MethodPost, endpoint(s), bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
			return req
		},
		"query": func(t *testing.T, s *telegramtest.Server) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, endpoint(s)+"?"+values.Encode(), nil)
			return req
		},
		"multipart": func(t *testing.T, s *telegramtest.Server) *http.Request {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			for k, v := range values {
				if err := mw.WriteField(k, v[0]); err != nil {
					t.Fatal(err)
				}
			}
			if err := mw.Close(); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodPost, endpoint(s), &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return req
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			s := start(t)
			var m telegramtest.Message
			post(t, build(t, s)).result(t, &m)
			if m.MessageID != 1 || m.Chat.ID != -1002003004005 || m.Chat.Type != "supergroup" || m.Text != "防汛 通知" ||
				len(m.Entities) != 1 || m.Entities[0] != (telegramtest.MessageEntity{Type: "italic", Offset: 0, Length: 2}) ||
				m.ReplyMarkup == nil || m.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "sub:防汛" {
				t.Errorf("result = %+v", m)
			}
			sent := s.Sent()
			if len(sent) != 1 || sent[0].Keyboard[0][0] != (telegramtest.InlineKeyboardButton{Text: "订阅", CallbackData: "sub:防汛"}) {
				t.Errorf("recorded = %+v", sent)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	s := start(t)
	cases := map[string]struct {
		path string
		code int
		desc string
	}{
		"wrong token":         {"/bot1:nope/getMe", 401, "Unauthorized"},
		"no token":            {"/getMe", 404, "Not Found"},
		"unknown method":      {"/bot" + s.Token() + "/sendSticker", 404, "Not Found"},
		"no method":           {"/bot" + s.Token(), 404, "Not Found"},
		"case-insensitive ok": {"/bot" + s.Token() + "/GETME", 200, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.URL()+c.path, nil)
			r := post(t, req)
			if c.code == 200 {
				var me telegramtest.User
				r.result(t, &me)
				if me.ID != 123456789 || !me.IsBot {
					t.Errorf("getMe = %+v", me)
				}
				return
			}
			r.wantError(t, c.code, c.desc)
		})
	}
	if st := s.Stats(); st.Calls["getMe"] != 1 || st.Calls["unknown"] != 1 || st.Errors[401] != 1 || st.Errors[404] != 3 {
		t.Errorf("stats = %+v", st)
	}
}

func TestOptions(t *testing.T) {
	s := start(t, telegramtest.WithToken("42:abc"), telegramtest.WithBot(telegramtest.User{FirstName: "通报", Username: "LanxiBot"}))
	var me telegramtest.User
	callJSON(t, s, "getMe", nil).result(t, &me)
	if me != (telegramtest.User{ID: 42, IsBot: true, FirstName: "通报", Username: "LanxiBot"}) || s.Bot() != me {
		t.Errorf("getMe = %+v", me)
	}
	if s.Endpoint() != s.URL()+"/bot%s/%s" {
		t.Errorf("Endpoint = %q", s.Endpoint())
	}
}

func TestGetUpdates(t *testing.T) {
	t.Run("offset confirms and limit bounds", func(t *testing.T) {
		s := start(t)
		var ids []int
		for i := range 5 {
			ids = append(ids, s.SendText(alice, "m"+strconv.Itoa(i)).UpdateID)
		}
		var got []telegramtest.Update
		callJSON(t, s, "getUpdates", map[string]any{"limit": 2}).result(t, &got)
		if len(got) != 2 || got[0].UpdateID != ids[0] || got[1].UpdateID != ids[1] || ids[1] != ids[0]+1 {
			t.Fatalf("first batch = %+v (ids %v)", got, ids)
		}
		// Without a higher offset nothing is confirmed.
		callJSON(t, s, "getUpdates", nil).result(t, &got)
		if len(got) != 5 {
			t.Fatalf("unconfirmed = %d updates, want 5", len(got))
		}
		callForm(t, s, "getUpdates", url.Values{"offset": {strconv.Itoa(ids[2] + 1)}}).result(t, &got)
		if len(got) != 2 || got[0].UpdateID != ids[3] || s.Pending() != 2 {
			t.Fatalf("after offset = %+v, pending %d", got, s.Pending())
		}
		callJSON(t, s, "getUpdates", map[string]any{"offset": -1}).result(t, &got)
		if len(got) != 1 || got[0].UpdateID != ids[4] {
			t.Fatalf("offset -1 = %+v", got)
		}
	})
	t.Run("long poll returns when an update arrives", func(t *testing.T) {
		s := start(t)
		done := make(chan reply)
		began := time.Now()
		go func() { done <- callJSON(t, s, "getUpdates", map[string]any{"timeout": 30}) }()
		await(t, s, "the long poll", func() bool { return s.Stats().Calls["getUpdates"] > 0 })
		u := s.SendText(alice, "hi")
		var got []telegramtest.Update
		(<-done).result(t, &got)
		if len(got) != 1 || got[0].UpdateID != u.UpdateID || time.Since(began) > 10*time.Second {
			t.Errorf("long poll = %+v after %v", got, time.Since(began))
		}
	})
	t.Run("long poll times out empty", func(t *testing.T) {
		s := start(t)
		var got []telegramtest.Update
		callJSON(t, s, "getUpdates", map[string]any{"timeout": 1}).result(t, &got)
		if got == nil || len(got) != 0 {
			t.Errorf("timed out poll = %#v, want []", got)
		}
	})
	t.Run("a newer poll ends the older with 409", func(t *testing.T) {
		s := start(t)
		done := make(chan reply)
		go func() { done <- callJSON(t, s, "getUpdates", map[string]any{"timeout": 30}) }()
		await(t, s, "the long poll", func() bool { return s.Stats().Calls["getUpdates"] > 0 })
		callJSON(t, s, "getUpdates", nil).result(t, new([]telegramtest.Update))
		(<-done).wantError(t, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
	})
	t.Run("redelivered update comes again with its id", func(t *testing.T) {
		s := start(t)
		u := s.SendText(alice, "once")
		var got []telegramtest.Update
		callJSON(t, s, "getUpdates", map[string]any{"offset": 0}).result(t, &got)
		if err := s.Redeliver(u.UpdateID); err != nil {
			t.Fatal(err)
		}
		callJSON(t, s, "getUpdates", map[string]any{"offset": u.UpdateID + 1}).result(t, &got)
		if len(got) != 1 || got[0].UpdateID != u.UpdateID || got[0].Message.Text != "once" {
			t.Errorf("redelivery = %+v", got)
		}
		later := s.SendText(alice, "later")
		callJSON(t, s, "getUpdates", map[string]any{"offset": u.UpdateID + 1}).result(t, &got)
		if len(got) != 1 || got[0].UpdateID != later.UpdateID {
			t.Errorf("after the redelivery got %+v, want only update %d", got, later.UpdateID)
		}
		if err := s.Redeliver(999); err == nil {
			t.Error("Redeliver of an unknown update succeeded")
		}
	})
}

func TestInjection(t *testing.T) {
	s := start(t)
	channel := s.PostToChannel(telegramtest.Chat{ID: -1009876543210, Title: "兰溪发布", Username: "lanxi_news"}, "公告")
	if channel.ChannelPost == nil || channel.ChannelPost.Chat.Type != "channel" || channel.ChannelPost.SenderChat == nil {
		t.Errorf("channel post = %+v", channel)
	}
	group := s.SendGroupText(telegramtest.Chat{ID: -4001, Title: "小组"}, alice, "/sub@TongbaoBot 防汛")
	if group.Message.Chat.Type != "group" || group.Message.Entities[0].Length != len("/sub@TongbaoBot") {
		t.Errorf("group message = %+v", group.Message)
	}
	// chat_id "@username" reaches a channel the server has seen.
	var m telegramtest.Message
	callJSON(t, s, "sendMessage", map[string]any{"chat_id": "@lanxi_news", "text": "推送"}).result(t, &m)
	if m.Chat.ID != -1009876543210 || m.Chat.Type != "channel" || m.MessageID != 2 {
		t.Errorf("message to @lanxi_news = %+v", m)
	}
	callJSON(t, s, "sendMessage", map[string]any{"chat_id": "@nobody", "text": "x"}).wantError(t, 400, "Bad Request: chat not found")

	if _, err := s.PressButton(alice, -4001, group.Message.MessageID, "x"); err == nil {
		t.Error("pressed a button on a message without buttons")
	}
	q := s.Inject(telegramtest.Update{CallbackQuery: &telegramtest.CallbackQuery{ID: "forged", From: alice, Data: "admin:yes"}})
	if q.UpdateID != group.UpdateID+1 {
		t.Errorf("injected update id = %d, want %d", q.UpdateID, group.UpdateID+1)
	}
	callJSON(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": "forged"}).result(t, new(bool))
	if got, ok := s.Message(-1009876543210, 2); !ok || got.Text != "推送" {
		t.Errorf("Message = %+v, %v", got, ok)
	}
}

func TestCommands(t *testing.T) {
	s := start(t)
	cmds := []map[string]string{{"command": "latest", "description": "最新会议"}}
	callJSON(t, s, "setMyCommands", map[string]any{"commands": cmds, "language_code": "zh"}).result(t, new(bool))
	callJSON(t, s, "setMyCommands", map[string]any{"commands": cmds, "scope": map[string]any{"type": "chat", "chat_id": 7}}).result(t, new(bool))
	var got []telegramtest.BotCommand
	callJSON(t, s, "getMyCommands", map[string]any{"language_code": "zh"}).result(t, &got)
	if len(got) != 1 || got[0].Command != "latest" {
		t.Errorf("getMyCommands zh = %+v", got)
	}
	callJSON(t, s, "getMyCommands", map[string]any{"language_code": "en"}).result(t, &got)
	if got == nil || len(got) != 0 {
		t.Errorf("getMyCommands en = %#v, want []", got)
	}
	if sets := s.Commands(); len(sets) != 2 || sets[0].Scope != (telegramtest.BotCommandScope{Type: "chat", ChatID: 7}) {
		t.Errorf("Commands = %+v", sets)
	}
	callJSON(t, s, "deleteMyCommands", map[string]any{"language_code": "zh"}).result(t, new(bool))
	if sets := s.Commands(); len(sets) != 1 {
		t.Errorf("after delete: %+v", sets)
	}
	bad := map[string]struct {
		body map[string]any
		desc string
	}{
		"upper case":     {map[string]any{"commands": []map[string]string{{"command": "Latest", "description": "x y"}}}, "Bad Request: BOT_COMMAND_INVALID"},
		"no description": {map[string]any{"commands": []map[string]string{{"command": "latest", "description": ""}}}, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"},
		"bad language":   {map[string]any{"commands": cmds, "language_code": "zh-hans"}, "Bad Request: invalid language code specified"},
		"bad scope":      {map[string]any{"commands": cmds, "scope": map[string]any{"type": "everyone"}}, "Bad Request: unsupported bot command scope type"},
	}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			callJSON(t, s, "setMyCommands", c.body).wantError(t, 400, c.desc)
		})
	}
}
