package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tongbao/content"
)

// finishAll receives the platform's queue and finishes every delivery:
// the first sent of them with FinishSent, the rest with FinishDelivery
// (skipped, not sent).
func finishAll(t *testing.T, s *Store, plat string, sent int) {
	t.Helper()
	ctx := context.Background()
	got, err := s.Receive(ctx, plat, "w", 100, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range got {
		finish := s.FinishDelivery
		if i < sent {
			finish = s.FinishSent
		}
		if err := finish(ctx, plat, d, d.BulletinID, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// enqueue puts n deliveries of bulletin id on the platform's queue.
func enqueue(t *testing.T, s *Store, plat, id string, n int) {
	t.Helper()
	var ds []content.Delivery
	for i := range n {
		ds = append(ds, content.Delivery{BulletinID: id, Subscriber: fmt.Sprintf("%s:%d", plat, i), Dense: int64(i), Purpose: content.PurposeBulletin})
	}
	if err := s.EnsureQueue(context.Background(), plat); err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(context.Background(), plat, ds); err != nil {
		t.Fatal(err)
	}
}

// TestSentTotal: the sent total counts the deliveries finished as sent,
// per platform, and not the ones finished without a send.
func TestSentTotal(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if st, err := s.QueueStats(ctx, "tg"); err != nil || st.Sent != 0 {
			t.Fatalf("before any send: %+v, %v", st, err)
		}
		enqueue(t, s, "tg", "b1", 5)
		enqueue(t, s, "wx", "b1", 2)
		finishAll(t, s, "tg", 4)
		finishAll(t, s, "wx", 2)
		for plat, want := range map[string]int64{"tg": 4, "wx": 2} {
			if st, err := s.QueueStats(ctx, plat); err != nil || st.Sent != want {
				t.Errorf("%s: queue stats %+v, %v (want %d sent)", plat, st, err, want)
			}
		}
	})
}

// TestSentTotalSurvivesRestart: the embedded store keeps the sent total.
func TestSentTotalSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s := openEmbedded(t, dir)
	enqueue(t, s, "tg", "b1", 3)
	finishAll(t, s, "tg", 3)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openEmbedded(t, dir)
	if st, err := s.QueueStats(context.Background(), "tg"); err != nil || st.Sent != 3 {
		t.Errorf("after restart: %+v, %v (want 3 sent)", st, err)
	}
}
