package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestSourceStatus(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.LoadSourceStatus(ctx, "qingxi"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("status of a source never polled: err = %v, want ErrNotFound", err)
		}
		for _, want := range []string{`{"name":"qingxi","items_seen":1}`, `{"name":"qingxi","items_seen":2}`} {
			if err := s.SaveSourceStatus(ctx, "qingxi", []byte(want)); err != nil {
				t.Fatal(err)
			}
			got, err := s.LoadSourceStatus(ctx, "qingxi")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("status = %s, want %s", got, want)
			}
		}
		if _, err := s.LoadSourceStatus(ctx, "lanxi"); !errors.Is(err, ErrNotFound) {
			t.Errorf("another source's status: err = %v, want ErrNotFound", err)
		}
	})
}

func TestSourceItems(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		tests := map[string]struct {
			mark  []string
			query []string
			want  []bool
		}{
			"nothing marked":  {query: []string{"a", "b"}, want: []bool{false, false}},
			"some marked":     {mark: []string{"a", "c"}, query: []string{"a", "b", "c"}, want: []bool{true, false, true}},
			"marked twice":    {mark: []string{"a", "a"}, query: []string{"a"}, want: []bool{true}},
			"empty query":     {mark: []string{"a"}, query: nil, want: []bool{}},
			"nothing to mark": {mark: []string{}, query: []string{"a"}, want: []bool{false}},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				source := "src-" + name
				if err := s.MarkSourceItems(ctx, source, tc.mark); err != nil {
					t.Fatal(err)
				}
				got, err := s.SourceItemsSeen(ctx, source, tc.query)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("seen = %v, want %v", got, tc.want)
				}
			})
		}
		t.Run("sources are apart", func(t *testing.T) {
			if err := s.MarkSourceItems(ctx, "one", []string{"x"}); err != nil {
				t.Fatal(err)
			}
			got, err := s.SourceItemsSeen(ctx, "two", []string{"x"})
			if err != nil {
				t.Fatal(err)
			}
			if got[0] {
				t.Error("an item marked by source one counts as seen by source two")
			}
		})
	})
}

func TestSourceItemsForgetOldest(t *testing.T) {
	s := openTest(t, single.URL())
	ctx := context.Background()
	first := []string{"oldest"}
	if err := s.MarkSourceItems(ctx, "busy", first); err != nil {
		t.Fatal(err)
	}
	batch := make([]string, maxSourceItems)
	for i := range batch {
		batch[i] = fmt.Sprint("item-", i)
	}
	// Kept: marks are scored by the wall-clock millisecond; the batch must
	// be marked in a later one so "oldest" scores lowest. Waiting longer
	// changes nothing.
	time.Sleep(2 * time.Millisecond)
	if err := s.MarkSourceItems(ctx, "busy", batch); err != nil {
		t.Fatal(err)
	}
	got, err := s.SourceItemsSeen(ctx, "busy", []string{"oldest", "item-0", fmt.Sprint("item-", maxSourceItems-1)})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[false true true]" {
		t.Errorf("seen [oldest, first of batch, last of batch] = %v, want [false true true]", got)
	}
	if n := s.rdb.ZCard(ctx, s.k.source("busy", "items")).Val(); n != maxSourceItems {
		t.Errorf("remembered %d items, want %d", n, maxSourceItems)
	}
}
