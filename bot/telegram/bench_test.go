package telegram

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tongbao/bot/telegram/telegramtest"
)

// BenchmarkWebhook measures updates handled per second end to end: the
// fake Bot API POSTs text messages from 1,000 users to the adapter's
// webhook over 32 connections (max_connections), the adapter checks the
// secret, deduplicates, runs a trivial handler and sends its one-line
// reply back to the fake. An update counts when its reply is recorded.
func BenchmarkWebhook(b *testing.B) {
	s := telegramtest.New()
	b.Cleanup(s.Close)
	mux := http.NewServeMux()
	hook := httptest.NewServer(mux)
	b.Cleanup(hook.Close)
	cfg := Config{Token: s.Token(), APIBase: s.URL(), WebhookURL: hook.URL + "/telegram", WebhookSecret: "bench-secret"}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	a, err := New(ctx, cfg, Deps{Handler: &recorder{answer: echo}, Dedupe: &memDedupe{}, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	mux.Handle("/telegram", a)
	api, err := dialAPI(ctx, s.Token(), s.URL(), defaultClient())
	if err != nil {
		b.Fatal(err)
	}
	p := params{"url": cfg.WebhookURL, "secret_token": cfg.WebhookSecret, "max_connections": "32"}
	if err := api.call(ctx, "setWebhook", p, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	began := time.Now()
	for i := range b.N {
		s.SendText(telegramtest.User{ID: int64(i%1000 + 1), FirstName: "u"}, "最新会议")
	}
	if _, err := s.WaitSent(ctx, b.N); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "updates/s")
	b.StopTimer()
	a.lanes.wait()
}
