package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tongbao/content"
)

func TestConsoleLinksAreSpentOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		token, err := s.NewConsoleLink(ctx, "tg:1", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		// Eight browsers race for one link: exactly one gets in.
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, err := s.UseConsoleLink(ctx, token)
				if err == nil && id == "tg:1" {
					mu.Lock()
					won++
					mu.Unlock()
				} else if !errors.Is(err, ErrNotFound) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Errorf("%d uses of one link succeeded", won)
		}
		if _, err := s.UseConsoleLink(ctx, "not-a-token"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown link: %v", err)
		}
		// The store keeps only the hash.
		if n := s.rdb.Exists(ctx, s.k.console("link", token)).Val(); n != 0 {
			t.Error("the raw token is a key")
		}
	})
}

func TestConsoleSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		start := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		token, sess, err := s.StartConsoleSession(ctx, content.ConsoleSession{Admin: "tg:1", Started: start, Seen: start}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if sess.CSRF == "" || sess.Handle != ConsoleHash(token) || sess.CSRF == token {
			t.Fatalf("session %+v", sess)
		}
		got, err := s.ConsoleSession(ctx, token, time.Hour, start.Add(2*time.Minute))
		if err != nil || got.Admin != "tg:1" || got.CSRF != sess.CSRF {
			t.Fatalf("session by token: %+v %v", got, err)
		}
		if again, _ := s.ConsoleSession(ctx, token, time.Hour, start.Add(150*time.Second)); !again.Seen.Equal(start.Add(2 * time.Minute)) {
			t.Errorf("last use %v, want the first use a minute ago kept", again.Seen)
		}
		other, _, _ := s.StartConsoleSession(ctx, content.ConsoleSession{Admin: "tg:2", Started: start.Add(time.Minute), Seen: start}, time.Hour)
		list, err := s.ConsoleSessions(ctx)
		if err != nil || len(list) != 2 || list[0].Admin != "tg:2" {
			t.Fatalf("sessions %+v %v", list, err)
		}
		if ok, err := s.EndConsoleSession(ctx, sess.Handle); !ok || err != nil {
			t.Fatalf("end: %v %v", ok, err)
		}
		if _, err := s.ConsoleSession(ctx, token, time.Hour, start); !errors.Is(err, ErrNotFound) {
			t.Errorf("a revoked session opens: %v", err)
		}
		if ok, _ := s.EndConsoleSession(ctx, sess.Handle); ok {
			t.Error("revoked twice")
		}
		// A lapsed session drops out of the list.
		s.rdb.Del(ctx, s.k.console("sess", ConsoleHash(other)))
		if list, _ := s.ConsoleSessions(ctx); len(list) != 0 {
			t.Errorf("lapsed sessions listed: %+v", list)
		}
	})
}

func TestPendingBroadcastsAreTakenOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		pb := &content.PendingBroadcast{Proposer: "tg:1", Text: "停电", Segment: "all", At: time.Now()}
		if err := s.ProposeBroadcast(ctx, pb); err != nil || pb.ID == "" {
			t.Fatal(err)
		}
		list, _ := s.PendingBroadcasts(ctx)
		if len(list) != 1 || list[0].Text != "停电" {
			t.Fatalf("pending %+v", list)
		}
		if got, err := s.TakeBroadcast(ctx, pb.ID); err != nil || got.Proposer != "tg:1" {
			t.Fatalf("take: %+v %v", got, err)
		}
		if _, err := s.TakeBroadcast(ctx, pb.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("taken twice: %v", err)
		}
	})
}

func TestFindSubscribersAndUnreadByUnit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b := &content.Bulletin{ID: "20260101-aaaa", Title: "测试", PublishedAt: time.Now(), Kind: content.KindNotice, Paragraphs: []string{"正文"},
			Fingerprint: content.MakeFingerprint("正文")}
		if _, err := s.SaveBulletin(ctx, b); err != nil {
			t.Fatal(err)
		}
		units := map[string]string{"tg:1": "乙局", "tg:2": "甲局", "tg:3": "", "tg:4": "甲局"}
		names := map[string]string{"tg:1": "张三", "tg:2": "李四", "tg:3": "王五", "tg:4": "赵六"}
		for i := 1; i <= 4; i++ {
			id := fmt.Sprintf("tg:%d", i)
			sub, _, err := s.Touch(ctx, id, names[id], "zh", true)
			if err != nil {
				t.Fatal(err)
			}
			if units[id] != "" {
				s.SetUnit(ctx, id, units[id])
			}
			d := content.Delivery{BulletinID: b.ID, Subscriber: id, Dense: sub.Dense}
			s.BeginDeliveries(ctx, []content.Delivery{d}, []string{b.ID}, []string{"x"}, time.Minute)
			if err := s.FinishDelivery(ctx, "tg", d, b.ID, "x"); err != nil {
				t.Fatal(err)
			}
		}
		found, err := s.FindSubscribers(ctx, "甲局", "", "", 10)
		if err != nil || len(found) != 2 || found[0].Name != "李四" || found[1].Name != "赵六" {
			t.Fatalf("by unit: %v %v", found, err)
		}
		if found, _ := s.FindSubscribers(ctx, "tg:3", "", "", 10); len(found) != 1 || found[0].Name != "王五" {
			t.Errorf("by id: %v", found)
		}
		if found, _ := s.FindSubscribers(ctx, "", "", "", 3); len(found) != 3 {
			t.Errorf("limit: %d", len(found))
		}
		if _, err := s.Subscribe(ctx, "tg:4", content.Subscription{Kind: content.SubTopic, Value: "防汛"}); err != nil {
			t.Fatal(err)
		}
		if found, _ := s.FindSubscribers(ctx, "", "", "防汛", 10); len(found) != 1 || found[0].ID != "tg:4" {
			t.Errorf("by topic: %v", found)
		}
		if found, _ := s.FindSubscribers(ctx, "张三", "", "防汛", 10); len(found) != 0 {
			t.Errorf("by topic and name: %v", found)
		}
		sub2, _ := s.Subscriber(ctx, "tg:2")
		s.MarkRead(ctx, b.ID, sub2.Dense, content.ViaLink, b.PublishedAt, time.Now())
		unread, total, err := s.UnreadSubscribers(ctx, b.ID, 10)
		if err != nil || total != 3 {
			t.Fatalf("unread %d %v", total, err)
		}
		var order []string
		for _, u := range unread {
			order = append(order, u.Name)
		}
		// Units in code-point order (乙 U+4E59 before 甲 U+7532), no unit last.
		if fmt.Sprint(order) != "[张三 赵六 王五]" {
			t.Errorf("unread by unit then name: %v", order)
		}
	})
}

func TestRetryDeadLetter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.EnsureQueue(ctx, "tg"); err != nil {
			t.Fatal(err)
		}
		d := content.Delivery{BulletinID: "b1", Subscriber: "tg:1", Dense: 1, Attempt: 4}
		if err := s.DeadLetter(ctx, "tg", d, "blocked by user"); err != nil {
			t.Fatal(err)
		}
		dls, _ := s.DeadLetters(ctx, "tg", 10)
		if _, err := s.RetryDeadLetter(ctx, "tg", 0, dls[0].At.Add(time.Second)); !errors.Is(err, ErrNotFound) {
			t.Errorf("a stale form retried: %v", err)
		}
		if _, err := s.RetryDeadLetter(ctx, "tg", 0, dls[0].At); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RetryDeadLetter(ctx, "tg", 0, dls[0].At); !errors.Is(err, ErrNotFound) {
			t.Errorf("retried twice: %v", err)
		}
		got, err := s.Receive(ctx, "tg", "c", 10, time.Millisecond)
		if err != nil || len(got) != 1 || got[0].Attempt != 0 || got[0].Subscriber != "tg:1" {
			t.Errorf("requeued %+v %v", got, err)
		}
	})
}
