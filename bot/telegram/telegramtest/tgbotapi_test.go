package telegramtest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tongbao/bot/telegram/telegramtest"
)

// connect builds a tgbotapi client against s, as the adapter does.
func connect(t *testing.T, s *telegramtest.Server) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(s.Token(), s.Endpoint(), &http.Client{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return bot
}

// nextUpdate reads one update from a tgbotapi updates channel.
func nextUpdate(t *testing.T, ch tgbotapi.UpdatesChannel) tgbotapi.Update {
	t.Helper()
	select {
	case u := <-ch:
		return u
	case <-time.After(10 * time.Second):
		t.Fatal("no update within 10s")
		return tgbotapi.Update{}
	}
}

func TestTgbotapiConversation(t *testing.T) {
	s := start(t)
	bot := connect(t, s)
	if bot.Self.UserName != "TongbaoBot" || !bot.Self.IsBot || bot.Self.ID != 123456789 {
		t.Fatalf("getMe = %+v", bot.Self)
	}

	// Commands at start, in two languages.
	for _, lang := range []string{"zh", "en"} {
		cfg := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), lang,
			tgbotapi.BotCommand{Command: "latest", Description: "最新会议 / latest meeting"},
			tgbotapi.BotCommand{Command: "help", Description: "帮助 / help"})
		if _, err := bot.Request(cfg); err != nil {
			t.Fatalf("setMyCommands %s: %v", lang, err)
		}
	}
	if sets := s.Commands(); len(sets) != 2 || sets[0].LanguageCode != "en" || sets[1].Commands[0].Command != "latest" ||
		sets[0].Scope.Type != "default" {
		t.Errorf("Commands = %+v", sets)
	}
	if got, err := bot.GetMyCommandsWithConfig(tgbotapi.NewGetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), "zh")); err != nil || len(got) != 2 {
		t.Errorf("getMyCommands = %v, %v", got, err)
	}

	updates := bot.GetUpdatesChan(tgbotapi.UpdateConfig{Timeout: 5})
	t.Cleanup(bot.StopReceivingUpdates)

	injected := s.SendText(wang, "/start")
	u := nextUpdate(t, updates)
	if u.UpdateID != injected.UpdateID || u.Message == nil || !u.Message.IsCommand() || u.Message.Command() != "start" ||
		u.Message.Chat.ID != wang.ID || u.Message.Chat.Type != "private" || u.Message.From.LanguageCode != "zh-hans" {
		t.Fatalf("update = %+v, message %+v", u, u.Message)
	}

	// A reply with HTML and an inline keyboard.
	msg := tgbotapi.NewMessage(u.Message.Chat.ID, "<b>兰溪市委常委会(扩大)会议</b>\n2022-05-27 · 朱俊华\n<a href=\"https://example.org/r/abc\">全文 &amp; 链接</a>")
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	msg.ReplyToMessageID = u.Message.MessageID
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("全文", "full:42"),
			tgbotapi.NewInlineKeyboardButtonData("已读", "read:42")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("原文", "https://example.org/b/42")))
	sentMsg, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if sentMsg.MessageID != 2 || sentMsg.Chat.ID != wang.ID || sentMsg.From.ID != bot.Self.ID || sentMsg.Date == 0 ||
		sentMsg.Text != "兰溪市委常委会(扩大)会议\n2022-05-27 · 朱俊华\n全文 & 链接" ||
		sentMsg.ReplyToMessage == nil || sentMsg.ReplyToMessage.Text != "/start" {
		t.Errorf("sent message = %+v", sentMsg)
	}
	if len(sentMsg.Entities) != 2 || sentMsg.Entities[0].Type != "bold" || sentMsg.Entities[0].Length != 13 ||
		sentMsg.Entities[1].Type != "text_link" || sentMsg.Entities[1].URL != "https://example.org/r/abc" {
		t.Errorf("entities = %+v", sentMsg.Entities)
	}
	if sentMsg.ReplyMarkup == nil || len(sentMsg.ReplyMarkup.InlineKeyboard) != 2 {
		t.Errorf("reply markup = %+v", sentMsg.ReplyMarkup)
	}
	rec := s.SentTo(wang.ID)
	if len(rec) != 1 || rec[0].ParseMode != "HTML" || !rec[0].DisablePreview || rec[0].ReplyTo != u.Message.MessageID ||
		rec[0].Text != msg.Text || rec[0].ChatType != "private" {
		t.Fatalf("recorded = %+v", rec)
	}
	wantButtons := []telegramtest.InlineKeyboardButton{
		{Text: "全文", CallbackData: "full:42"}, {Text: "已读", CallbackData: "read:42"},
		{Text: "原文", URL: "https://example.org/b/42"},
	}
	if !slices.Equal(rec[0].Buttons(), wantButtons) {
		t.Errorf("buttons = %+v, want %+v", rec[0].Buttons(), wantButtons)
	}

	// A button press, answered, and the message edited.
	if _, err := s.PressButton(wang, wang.ID, sentMsg.MessageID, "read:42"); err != nil {
		t.Fatal(err)
	}
	u = nextUpdate(t, updates)
	q := u.CallbackQuery
	if q == nil || q.Data != "read:42" || q.From.ID != wang.ID || q.Message == nil || q.Message.MessageID != sentMsg.MessageID {
		t.Fatalf("callback update = %+v", u)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(q.ID, "已记录")); err != nil {
		t.Fatalf("answerCallbackQuery: %v", err)
	}
	if a := s.CallbackAnswers(); len(a) != 1 || a[0].Text != "已记录" || a[0].Data != "read:42" || a[0].MessageID != sentMsg.MessageID {
		t.Errorf("answers = %+v", a)
	}
	var apiErr *tgbotapi.Error
	if _, err := bot.Request(tgbotapi.NewCallback(q.ID, "again")); !errors.As(err, &apiErr) || apiErr.Code != 400 {
		t.Errorf("second answer: %v", err)
	}
	edit := tgbotapi.NewEditMessageText(wang.ID, sentMsg.MessageID, "<b>兰溪市委常委会(扩大)会议</b> ✓")
	edit.ParseMode = tgbotapi.ModeHTML
	edited, err := bot.Send(edit)
	if err != nil {
		t.Fatalf("edit: %v", err)
	}
	if edited.Text != "兰溪市委常委会(扩大)会议 ✓" || edited.EditDate == 0 || edited.ReplyMarkup != nil {
		t.Errorf("edited = %+v", edited)
	}
	if e := s.Edits(); len(e) != 1 || e[0].MessageID != sentMsg.MessageID || e[0].PlainText != edited.Text {
		t.Errorf("edits = %+v", e)
	}
	if _, err := bot.Send(edit); !errors.As(err, &apiErr) || apiErr.Code != 400 {
		t.Errorf("same edit again: %v, want 400 not modified", err)
	}
}

func TestTgbotapiGroupCommand(t *testing.T) {
	s := start(t)
	bot := connect(t, s)
	group := telegramtest.Chat{ID: -1001234567890, Title: "兰溪干部群"}
	s.SendGroupText(group, alice, "/latest@TongbaoBot meeting")
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(updates) != 1 {
		t.Fatalf("GetUpdates = %v, %v", updates, err)
	}
	m := updates[0].Message
	if m.Chat.Type != "supergroup" || !m.IsCommand() || m.Command() != "latest" || m.CommandWithAt() != "latest@TongbaoBot" ||
		m.CommandArguments() != "meeting" || !bot.IsMessageToMe(*m) {
		t.Errorf("message = %+v", m)
	}
}

func TestTgbotapiErrors(t *testing.T) {
	s := start(t)
	if _, err := tgbotapi.NewBotAPIWithAPIEndpoint("123456789:wrong", s.Endpoint()); err == nil || err.Error() != "Unauthorized" {
		t.Errorf("wrong token: %v, want Unauthorized", err)
	}
	bot := connect(t, s)
	s.AddFault(telegramtest.TooManyRequests(7).InChat(5).Times(1))
	_, err := bot.Send(tgbotapi.NewMessage(5, "hi"))
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != 429 || apiErr.RetryAfter != 7 {
		t.Errorf("429: %#v", err)
	}
	s.AddFault(telegramtest.Blocked(6))
	if _, err := bot.Send(tgbotapi.NewMessage(6, "hi")); !errors.As(err, &apiErr) || apiErr.Code != 403 ||
		apiErr.Message != "Forbidden: bot was blocked by the user" {
		t.Errorf("403: %#v", err)
	}
}

func TestTgbotapiWebhook(t *testing.T) {
	s := start(t)
	bot := connect(t, s)
	const secret = "s3cr3t-Token_1"
	var mu sync.Mutex
	var got []tgbotapi.Update
	arrived := make(chan struct{}, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Telegram-Bot-Api-Secret-Token") != secret {
			http.Error(w, "bad secret", http.StatusUnauthorized)
			return
		}
		u, err := bot.HandleUpdate(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, *u)
		mu.Unlock()
		arrived <- struct{}{}
	}))
	t.Cleanup(hook.Close)

	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": hook.URL + "/telegram", "secret_token": secret}); err != nil {
		t.Fatalf("setWebhook: %v", err)
	}
	if w, ok := s.Webhook(); !ok || w.SecretToken != secret || w.MaxConnections != 40 {
		t.Errorf("webhook = %+v, %v", w, ok)
	}
	info, err := bot.GetWebhookInfo()
	if err != nil || !info.IsSet() || info.URL != hook.URL+"/telegram" {
		t.Errorf("getWebhookInfo = %+v, %v", info, err)
	}
	var apiErr *tgbotapi.Error
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{}); !errors.As(err, &apiErr) || apiErr.Code != 409 {
		t.Errorf("getUpdates with a webhook: %v, want 409", err)
	}

	u := s.SendText(alice, "最新会议")
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook POST")
	}
	mu.Lock()
	if len(got) != 1 || got[0].UpdateID != u.UpdateID || got[0].Message.Text != "最新会议" {
		t.Errorf("webhook got %+v", got)
	}
	mu.Unlock()

	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatalf("deleteWebhook: %v", err)
	}
	s.SendText(alice, "after")
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: u.UpdateID + 1})
	if err != nil || len(updates) != 1 || updates[0].Message.Text != "after" {
		t.Errorf("polling after deleteWebhook = %+v, %v", updates, err)
	}
}

// A webhook may answer an update with a method call; Telegram runs it.
func TestTgbotapiWebhookReply(t *testing.T) {
	s := start(t)
	bot := connect(t, s)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := bot.HandleUpdate(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = tgbotapi.WriteToHTTPResponse(w, tgbotapi.NewMessage(u.Message.Chat.ID, "收到"))
	}))
	t.Cleanup(hook.Close)
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": hook.URL}); err != nil {
		t.Fatal(err)
	}
	s.SendText(alice, "hello")
	sent, err := s.WaitSent(timeout(t), 1)
	if err != nil || sent[0].PlainText != "收到" || sent[0].ChatID != alice.ID {
		t.Errorf("sent = %+v, %v", sent, err)
	}
}

// Results decode into tgbotapi's types field for field.
func TestTgbotapiShapes(t *testing.T) {
	s := start(t)
	u := s.SendText(alice, "/help")
	r := callJSON(t, s, "getUpdates", map[string]any{"offset": 0})
	var updates []tgbotapi.Update
	r.result(t, &updates)
	if len(updates) != 1 || updates[0].UpdateID != u.UpdateID || updates[0].Message.Entities[0].Type != "bot_command" ||
		updates[0].Message.Entities[0].Length != 5 || updates[0].Message.Chat.UserName != "alice" ||
		int64(updates[0].Message.Date) != u.Message.Date {
		t.Errorf("updates = %+v", updates)
	}
	resp, err := http.Get(s.URL() + "/bot" + s.Token() + "/getMe")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var me tgbotapi.APIResponse
	if err := json.Unmarshal(body, &me); err != nil || !me.Ok {
		t.Fatalf("getMe over GET: %s", body)
	}
}
