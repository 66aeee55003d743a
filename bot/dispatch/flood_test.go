package dispatch_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/bot/telegram"
	"tongbao/bot/telegram/telegramtest"
	"tongbao/store"
)

// pacedTelegram is one replica's adapter for a shared fake, counting its
// messages in the store as every replica does.
func pacedTelegram(t testing.TB, st *store.Store, fake *telegramtest.Server) *telegram.Adapter {
	t.Helper()
	a, err := telegram.New(context.Background(), telegram.Config{Token: fake.Token(), APIBase: fake.URL()},
		telegram.Deps{Handler: noHandler{}, Dedupe: st, Pacer: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// strictFake answers 429 past Telegram's limits counted in sliding windows
// and counts every call during a retry_after as a violation.
func strictFake(t testing.TB) *telegramtest.Server {
	fake := telegramtest.New(telegramtest.WithStrictLimits(telegramtest.Limits{}))
	t.Cleanup(fake.Close)
	return fake
}

// publish fans a sample bulletin out with replicas dispatchers of 8
// workers (serve's default), each with its own adapter.
func publish(t *testing.T, st *store.Store, fake *telegramtest.Server, replicas int) {
	t.Helper()
	b := sample(t, "qingxi-2022-06-08-county-executive.txt")
	if _, err := st.SaveBulletin(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	var ds []*dispatch.Dispatcher
	for r := range replicas {
		// serve's send timeout: a send cut short after Telegram took it
		// would be sent again.
		ds = append(ds, newDispatcher(st, []chat.Sender{pacedTelegram(t, st, fake)},
			dispatch.Config{Owner: fmt.Sprint("replica-", r), Workers: 8, SendTimeout: 20 * time.Second}))
	}
	if _, err := ds[0].Publish(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		run(t, d)
	}
}

// awaitSent waits for n messages, however long the limits make it.
func awaitSent(t *testing.T, fake *telegramtest.Server, n int) []telegramtest.SentMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sent, err := fake.WaitSent(ctx, n)
	if err != nil {
		t.Fatalf("%v (%d 429s, %d violations)", err, len(fake.Throttled()), len(fake.Violations()))
	}
	return sent
}

func TestFanoutUnderStrictLimits(t *testing.T) {
	cases := []struct{ subscribers, replicas int }{{300, 2}, {1000, 1}}
	if testing.Short() {
		cases = cases[:1] // 1,000 messages take 36s at 27.6/s
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d subscribers, %d replicas", tc.subscribers, tc.replicas), func(t *testing.T) {
			st := openStore(t)
			fake := strictFake(t)
			addSubscribers(t, st, tc.subscribers)
			publish(t, st, fake, tc.replicas)
			sent := awaitSent(t, fake, tc.subscribers)
			for chat, c := range perChat(fake) {
				if c != 1 {
					t.Errorf("chat %d got %d messages", chat, c)
				}
			}
			fake.CheckPaced(t)
			// The rate reached is a figure of the machine, not a pass/fail
			// condition: BenchmarkFanoutStrict measures it (BENCHMARKS.md).
			span := sent[len(sent)-1].At.Sub(sent[0].At)
			rate := float64(len(sent)-1) / span.Seconds()
			t.Logf("%d messages in %v: %.1f a second", len(sent), span.Round(time.Millisecond), rate)
		})
	}
}

func TestA429PausesEverySender(t *testing.T) {
	st := openStore(t)
	// A send of the other replica can already be on its way when the 429
	// is given (on a loaded machine, a few milliseconds apart): it gets a
	// 429 too but is no violation. What is tested is that nothing is sent
	// after the senders could know.
	fake := telegramtest.New(telegramtest.WithStrictLimits(telegramtest.Limits{}), telegramtest.WithInFlightGrace(250*time.Millisecond))
	t.Cleanup(fake.Close)
	addSubscribers(t, st, 100)
	publish(t, st, fake, 2)
	awaitSent(t, fake, 30)
	// A 429 Telegram gives for a reason of its own: every sender of both
	// replicas waits its retry_after.
	fake.AddFault(telegramtest.TooManyRequests(2).For("sendMessage").Times(1))
	sent := awaitSent(t, fake, 100)
	for chat, c := range perChat(fake) {
		if c != 1 {
			t.Errorf("chat %d got %d messages", chat, c)
		}
	}
	if v := fake.Violations(); len(v) > 0 {
		t.Errorf("%d violations, the first: %v", len(v), v[0])
	}
	var th []telegramtest.Throttle
	for _, x := range fake.Throttled() {
		if x.Reason == "fault" {
			th = append(th, x)
		}
	}
	if len(th) != 1 {
		t.Fatalf("429s = %+v, want the injected one", fake.Throttled())
	}
	for _, m := range sent {
		if m.At.After(th[0].At) && m.At.Before(th[0].At.Add(2*time.Second)) {
			t.Errorf("message to %d sent %v after a 429 asking to wait 2s", m.ChatID, m.At.Sub(th[0].At))
		}
	}
}
