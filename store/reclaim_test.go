package store

import (
	"context"
	"testing"
	"time"

	"tongbao/content"
)

func TestReclaimDead(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.EnsureQueue(ctx, "tg"); err != nil {
			t.Fatal(err)
		}
		var ds []content.Delivery
		for i := range 6 {
			ds = append(ds, content.Delivery{BulletinID: "b1", Subscriber: "tg:1", Dense: int64(i + 1)})
		}
		if err := s.Enqueue(ctx, "tg", ds); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"dead", "live"} {
			got, err := s.Receive(ctx, "tg", c, 3, time.Second)
			if err != nil || len(got) != 3 {
				t.Fatalf("%s received %d: %v", c, len(got), err)
			}
			ids, tokens := []string{"b1", "b1", "b1"}, []string{c + "/1", c + "/2", c + "/3"}
			if _, _, err := s.BeginDeliveries(ctx, got, ids, tokens, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Heartbeat(ctx, "live", time.Minute); err != nil {
			t.Fatal(err)
		}
		got, from, err := s.ReclaimDead(ctx, "tg", "survivor", 0, 10)
		if err != nil || len(got) != 3 || len(from) != 3 || from[0] != "dead" {
			t.Fatalf("ReclaimDead = %d deliveries from %v, %v; want the dead consumer's 3", len(got), from, err)
		}
		claimIDs := []string{"b1", "b1", "b1"}
		if err := s.DropLeasesOf(ctx, got, claimIDs, from); err != nil {
			t.Fatal(err)
		}
		// Its leases are free now; the live consumer's are not.
		claims, _, err := s.BeginDeliveries(ctx, append(got, ds[3:]...), []string{"b1", "b1", "b1", "b1", "b1", "b1"},
			[]string{"survivor/1", "survivor/2", "survivor/3", "survivor/4", "survivor/5", "survivor/6"}, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range claims {
			dense := append(got, ds[3:]...)[i].Dense
			live := dense > 3
			if want := map[bool]content.Claim{false: content.ClaimOK, true: content.ClaimBusy}[live]; c != want {
				t.Errorf("claim of %d = %v, want %v", dense, c, want)
			}
		}
		// Nothing left to take, and the dead consumer is forgotten.
		if got, _, err := s.ReclaimDead(ctx, "tg", "survivor", 0, 10); err != nil || len(got) != 0 {
			t.Errorf("second ReclaimDead = %d, %v", len(got), err)
		}
		consumers, err := s.rdb.XInfoConsumers(ctx, s.stream("tg"), queueGroup).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range consumers {
			if c.Name == "dead" {
				t.Errorf("the dead consumer is still listed: %+v", c)
			}
		}
	})
}
