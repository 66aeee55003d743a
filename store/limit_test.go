package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"tongbao/content"
)

func TestRateLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Unix(1_700_000_000, 0)
		global := content.Rate{Key: "global", Interval: time.Second / 30}
		chat := func(id string) content.Rate { return content.Rate{Key: "chat:" + id, Interval: time.Second} }
		if w, err := s.RateLimit(ctx, "tg", []content.Rate{global, chat("1")}, now); err != nil || w != 0 {
			t.Fatalf("first = %v, %v", w, err)
		}
		// The same chat again at once: wait about a second.
		if w, _ := s.RateLimit(ctx, "tg", []content.Rate{global, chat("1")}, now); w < 900*time.Millisecond || w > time.Second {
			t.Errorf("same chat again waits %v, want ~1s", w)
		}
		// Another chat at once: only the global spacing (33 ms) applies.
		if w, _ := s.RateLimit(ctx, "tg", []content.Rate{global, chat("2")}, now); w <= 0 || w > 34*time.Millisecond {
			t.Errorf("other chat waits %v, want ~33ms", w)
		}
		later := now.Add(40 * time.Millisecond)
		if w, _ := s.RateLimit(ctx, "tg", []content.Rate{global, chat("2")}, later); w != 0 {
			t.Errorf("other chat after 40ms waits %v", w)
		}
		// 30 per second over a simulated second, evenly spaced.
		allowed := 0
		for ms := 0; ms < 1000; ms++ {
			if w, _ := s.RateLimit(ctx, "wx", []content.Rate{{Key: "global", Interval: time.Second / 30}}, now.Add(time.Duration(ms)*time.Millisecond)); w == 0 {
				allowed++
			}
		}
		if allowed < 29 || allowed > 31 {
			t.Errorf("%d allowed in one second at 30/s", allowed)
		}
		// A burst of 3 is allowed at once, then spacing.
		burst := content.Rate{Key: "group:9", Interval: 3 * time.Second, Burst: 3}
		for i := 0; i < 3; i++ {
			if w, _ := s.RateLimit(ctx, "tg", []content.Rate{burst}, now); w != 0 {
				t.Errorf("burst message %d waits %v", i+1, w)
			}
		}
		if w, _ := s.RateLimit(ctx, "tg", []content.Rate{burst}, now); w == 0 {
			t.Error("fourth burst message allowed")
		}
	})
}

func TestAudienceSizesBitmaps(t *testing.T) {
	s := backends["single"](t)
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		s.Touch(ctx, fmt.Sprintf("tg:%d", i), "", "", true)
	}
	b := samples[qingxiMeet]
	if err := s.Audience(ctx, b, false, func([]content.Recipient) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"dlv", "read"} {
		n, err := s.rdb.StrLen(ctx, s.k.perBulletin(b.ID, part)).Result()
		if err != nil || n != 100/8+1 {
			t.Errorf("%s bitmap is %d bytes, %v; want %d (sized for 100 subscribers)", part, n, err, 100/8+1)
		}
	}
	// A small audience (a keyword few want) keeps sparse bitmaps.
	s.Unsubscribe(ctx, "tg:1", content.Subscription{Kind: content.SubAll})
	for i := 0; i < 100; i++ {
		s.Unsubscribe(ctx, fmt.Sprintf("tg:%d", i), content.Subscription{Kind: content.SubAll})
	}
	s.Subscribe(ctx, "tg:5", content.Subscription{Kind: content.SubKeyword, Value: "王立新"})
	other := *b
	other.ID = "20220609-small"
	s.Audience(ctx, &other, false, func([]content.Recipient) error { return nil })
	if n, _ := s.rdb.Exists(ctx, s.k.perBulletin(other.ID, "dlv")).Result(); n != 0 {
		t.Error("a one-subscriber audience got a full-size bitmap")
	}
}

// TestRateLimitN: n events at once are all allowed or none, and n above a
// burst is refused outright.
func TestRateLimitN(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Unix(1_700_000_000, 0)
		// 30 at once, then one every 62 s (a WeCom member's limit).
		member := []content.Rate{{Key: "sent", Interval: 62 * time.Second, Burst: 30}}
		take := func(n int, at time.Time) time.Duration {
			t.Helper()
			w, err := s.RateLimitN(ctx, "wecom:m", n, member, at)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		if w := take(28, now); w != 0 {
			t.Fatalf("28 of a burst of 30 wait %s", w)
		}
		if w := take(3, now); w != 62*time.Second {
			t.Errorf("3 more with 2 left wait %s, want 62s", w)
		}
		if w := take(2, now); w != 0 {
			t.Errorf("the last 2 of the burst wait %s", w)
		}
		if w := take(1, now.Add(time.Second)); w != 61*time.Second {
			t.Errorf("the 31st a second later waits %s, want 61s", w)
		}
		if w := take(1, now.Add(62*time.Second)); w != 0 {
			t.Errorf("the 31st after 62s waits %s", w)
		}
		if _, err := s.RateLimitN(ctx, "wecom:m", 31, member, now); err == nil {
			t.Error("31 at once against a burst of 30: no error")
		}
	})
}

// TestAllow: a sender over the rate is refused until the bucket refills,
// and only the first refusal of a wait says so.
func TestAllow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Unix(1_700_000_000, 0)
		perMinute := content.Rate{Key: "msg", Interval: time.Minute / 5, Burst: 5}
		over := 0
		for i := 0; i < 8; i++ {
			wait, first, err := s.Allow(ctx, "msg:tg:1", perMinute, now)
			if err != nil {
				t.Fatal(err)
			}
			if wait > 0 {
				over++
				if wait != 12*time.Second {
					t.Errorf("message %d waits %s, want 12s (a minute / 5)", i+1, wait)
				}
			}
			if first != (i == 5) {
				t.Errorf("message %d: first = %v", i+1, first)
			}
		}
		if over != 3 {
			t.Errorf("%d of 8 messages over a limit of 5", over)
		}
		if wait, _, _ := s.Allow(ctx, "msg:tg:2", perMinute, now); wait != 0 {
			t.Errorf("another sender waits %s", wait)
		}
		if wait, _, _ := s.Allow(ctx, "msg:tg:1", perMinute, now.Add(12*time.Second)); wait != 0 {
			t.Errorf("after 12s the sender still waits %s", wait)
		}
	})
}

func TestTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.Token(ctx, "wx"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing token: %v", err)
		}
		if err := s.SaveToken(ctx, "wx", "abc", time.Minute); err != nil {
			t.Fatal(err)
		}
		if v, err := s.Token(ctx, "wx"); err != nil || v != "abc" {
			t.Errorf("token = %q, %v", v, err)
		}
		if ttl := s.rdb.PTTL(ctx, s.k.token("wx")).Val(); ttl <= 0 || ttl > time.Minute {
			t.Errorf("token lives %s, want at most a minute", ttl)
		}
		if err := s.SaveToken(ctx, "wx", "abc", -time.Second); err == nil {
			t.Error("a negative time to live was accepted")
		}
		if err := s.DeleteToken(ctx, "wx"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Token(ctx, "wx"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted token: %v", err)
		}
		if err := s.DeleteToken(ctx, "wx"); err != nil {
			t.Errorf("deleting a missing token: %v", err)
		}
	})
}
