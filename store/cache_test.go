package store

import (
	"context"
	"errors"
	"testing"
)

// TestBulletinCache reads through the cache, then closes the store under
// it: what the cache holds is still answered, what it dropped (the oldest
// beyond its size) and what it never held are not, and a missing bulletin
// is not remembered.
func TestBulletinCache(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, single.URL())
	saveSamples(t, s)
	c := NewBulletinCache(s, 2)
	ids := map[string]string{}
	for _, name := range []string{lanxiTxt, qingxiMeet, qingxiFlood} {
		ids[name] = samples[name].ID
	}
	if _, err := c.Bulletin(ctx, "no-such-id"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing bulletin: err = %v, want ErrNotFound", err)
	}
	for _, name := range []string{lanxiTxt, qingxiMeet, qingxiFlood} {
		b, err := c.Bulletin(ctx, ids[name])
		if err != nil || b.ID != ids[name] {
			t.Fatalf("Bulletin(%s) = %v, %v", ids[name], b, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{qingxiMeet, qingxiFlood} {
		if b, err := c.Bulletin(ctx, ids[name]); err != nil || b.ID != ids[name] {
			t.Errorf("cached %s after the store closed = %v, %v; want it from memory", ids[name], b, err)
		}
	}
	if _, err := c.Bulletin(ctx, ids[lanxiTxt]); err == nil {
		t.Errorf("the oldest bulletin beyond the cache's size was still answered with the store closed")
	}
	if _, err := c.Bulletin(ctx, "no-such-id"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("missing bulletin with the store closed: err = %v, want the store's error (not a remembered miss)", err)
	}
}
