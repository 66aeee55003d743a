package telegram

import (
	"context"
	"errors"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/telegram/telegramtest"
)

func TestConnectWaitsForTelegram(t *testing.T) {
	s := telegramtest.New()
	t.Cleanup(s.Close)
	// Telegram does not answer getMe for the first three tries.
	s.AddFault(telegramtest.ServerError().For("getMe").Times(3))
	h := &recorder{answer: echo}
	a, err := Open(Config{Token: s.Token(), APIBase: s.URL()}, Deps{Handler: h, Dedupe: &memDedupe{}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	a.connectBackoff = 10 * time.Millisecond
	if a.Ready() {
		t.Fatal("ready before connecting")
	}
	// Meanwhile pushes are held back, without counting as failures.
	_, err = a.Send(context.Background(), "42", chat.Text("通报"))
	if f, after := chat.ClassifySend(err); f != chat.FailRateLimited || after <= 0 {
		t.Errorf("Send before connecting = %v (%v, %v), want held back", err, f, after)
	}
	run(t, a) // waits for the connection
	connected := make(chan error, 1)
	go func() { connected <- a.Connect(context.Background()) }()
	if err := <-connected; err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if !a.Ready() {
		t.Fatal("not ready after connecting")
	}
	if got := s.Stats().Calls["getMe"]; got != 4 {
		t.Errorf("getMe called %d times, want 3 failures and a success", got)
	}
	s.SendText(zhang, "/start")
	if sent := waitSent(t, s, zhang.ID, 1); sent[0].PlainText != "echo /start" {
		t.Errorf("reply = %q", sent[0].PlainText)
	}
}

func TestConnectGivesUpOnARefusedToken(t *testing.T) {
	s := telegramtest.New(telegramtest.WithToken("42:right"))
	t.Cleanup(s.Close)
	a, err := Open(Config{Token: "42:wrong", APIBase: s.URL()}, Deps{Handler: &recorder{}, Dedupe: &memDedupe{}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	a.connectBackoff = 10 * time.Millisecond
	err = a.Connect(timeout(t))
	var ae *apiError
	if !errors.As(err, &ae) || ae.Code != 401 && ae.Code != 404 {
		t.Errorf("Connect = %v, want the token refused", err)
	}
}
