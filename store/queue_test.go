package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tongbao/content"
)

// TestEnqueueTrimsAcknowledged: a new enqueue drops the entries before the
// oldest pending one, which every sender acknowledged, and keeps the
// pending one for Reclaim.
func TestEnqueueTrimsAcknowledged(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		const plat = "tg"
		if err := s.EnsureQueue(ctx, plat); err != nil {
			t.Fatal(err)
		}
		batch := func(first int) []content.Delivery {
			var ds []content.Delivery
			for i := first; i < first+5; i++ {
				ds = append(ds, content.Delivery{BulletinID: "b1", Subscriber: fmt.Sprintf("tg:%d", i), Dense: int64(i), Purpose: content.PurposeBulletin})
			}
			return ds
		}
		if err := s.Enqueue(ctx, plat, batch(1)); err != nil {
			t.Fatal(err)
		}
		got, err := s.Receive(ctx, plat, "worker-a", 10, 100*time.Millisecond)
		if err != nil || len(got) != 5 {
			t.Fatalf("Receive = %+v, %v", got, err)
		}
		// tg:3 stays pending; the rest are acknowledged.
		if err := s.Ack(ctx, plat, got[0], got[1], got[3], got[4]); err != nil {
			t.Fatal(err)
		}
		if err := s.Enqueue(ctx, plat, batch(6)); err != nil {
			t.Fatal(err)
		}
		// Left: tg:3 (pending), tg:4 and tg:5 (after it), tg:6–10 (new).
		if st, err := s.QueueStats(ctx, plat); err != nil || st.Length != 8 || st.Pending != 1 || st.Lag != 5 {
			t.Errorf("queue stats after the trim = %+v, %v (want length 8, 1 pending, lag 5)", st, err)
		}
		back, err := s.Reclaim(ctx, plat, "worker-b", 0, 10)
		if err != nil || len(back) != 1 || back[0].Subscriber != "tg:3" {
			t.Fatalf("Reclaim = %+v, %v", back, err)
		}
		if err := s.Ack(ctx, plat, back...); err != nil {
			t.Fatal(err)
		}
		got, err = s.Receive(ctx, plat, "worker-b", 10, 100*time.Millisecond)
		if err != nil || len(got) != 5 || got[0].Subscriber != "tg:6" {
			t.Fatalf("Receive the second batch = %+v, %v", got, err)
		}
		if err := s.Ack(ctx, plat, got...); err != nil {
			t.Fatal(err)
		}
		// All acknowledged: the next enqueue keeps only the last handed out.
		if err := s.Enqueue(ctx, plat, batch(11)); err != nil {
			t.Fatal(err)
		}
		if st, err := s.QueueStats(ctx, plat); err != nil || st.Length != 6 || st.Pending != 0 || st.Lag != 5 {
			t.Errorf("queue stats after all were acknowledged = %+v, %v (want length 6, lag 5)", st, err)
		}
	})
}
