package telegramtest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tongbao/bot/telegram/telegramtest"
)

// BenchmarkSendMessage measures how many sendMessage calls an unthrottled
// server answers from parallel keep-alive clients posting forms, as
// tgbotapi does: the ceiling a sender benchmarked against the server can
// reach.
func BenchmarkSendMessage(b *testing.B) {
	s := start(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	endpoint := s.URL() + "/bot" + s.Token() + "/sendMessage"
	text := "<b>县政府第十二次常务会议</b>\n会议由王立新主持，研究部署防汛工作。\n<a href=\"https://example.org/r/abc\">全文</a>"
	markup := `{"inline_keyboard":[[{"text":"全文","callback_data":"full:42"},{"text":"已读","callback_data":"read:42"}]]}`
	var chat atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	began := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			form := url.Values{
				"chat_id":      {strconv.FormatInt(chat.Add(1), 10)},
				"text":         {text},
				"parse_mode":   {"HTML"},
				"reply_markup": {markup},
			}
			resp, err := client.Post(endpoint, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "msgs/s")
	if n := len(s.Sent()); n != b.N {
		b.Errorf("recorded %d of %d messages", n, b.N)
	}
}

// BenchmarkWebhookDelivery measures how fast the server POSTs injected
// updates to a webhook that answers at once.
func BenchmarkWebhookDelivery(b *testing.B) {
	s := start(b)
	var got atomic.Int64
	done := make(chan struct{})
	hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if got.Add(1) == int64(b.N) {
			close(done)
		}
	})
	receiver := httptest.NewServer(hook)
	b.Cleanup(receiver.Close)
	callJSON(b, s, "setWebhook", map[string]any{"url": receiver.URL, "max_connections": 32}).result(b, new(bool))
	b.ResetTimer()
	began := time.Now()
	for i := range b.N {
		s.SendText(telegramtest.User{ID: int64(i%1000 + 1), FirstName: "u"}, "最新会议")
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		b.Fatalf("delivered %d of %d updates", got.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "updates/s")
}
