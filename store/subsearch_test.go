package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"tongbao/content"
)

// Pools of the generated subscribers: few enough surnames and given
// characters that names share characters and pairs, units that hold each
// other (农业局 in 县农业局), ids of two shapes.
var (
	searchSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "欧阳", "司马"}
	searchGiven    = []string{"伟", "芳", "娜", "敏", "静", "立", "新", "国", "强", "华", "明", "丽"}
	searchUnits    = []string{"", "", "农业局", "县农业局", "农业农村局", "教育局", "县教育局", "卫健委", "Finance Office"}
)

// seedSearch writes n subscribers through the store's own writes (Touch,
// SetUnit, SetStatus, Subscribe), then renames and moves some, so the
// index has seen changes as well as additions; all of them share ":",
// whose postings (past 512) become a bitmap.
func seedSearch(t testing.TB, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	name := func() string {
		nm := searchSurnames[rng.IntN(len(searchSurnames))]
		for range 1 + rng.IntN(3-len([]rune(nm))/2) {
			nm += searchGiven[rng.IntN(len(searchGiven))]
		}
		return nm
	}
	for i := range n {
		id := fmt.Sprintf("tg:%d", 100000+i*37)
		if i%5 == 0 {
			id = fmt.Sprintf("wx:o6_bmj%04dPTlm", i)
		}
		if _, _, err := s.Touch(ctx, id, name(), "zh", true); err != nil {
			t.Fatal(err)
		}
		if u := searchUnits[rng.IntN(len(searchUnits))]; u != "" {
			if err := s.SetUnit(ctx, id, u); err != nil {
				t.Fatal(err)
			}
		}
		if i%7 == 0 {
			if err := s.SetStatus(ctx, id, content.StatusBlocked); err != nil {
				t.Fatal(err)
			}
		}
		if i%3 == 0 {
			if _, err := s.Subscribe(ctx, id, content.Subscription{Kind: content.SubTopic, Value: "防汛"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Renames and moves, among them back to no unit.
	for i := 0; i < n; i += 11 {
		id := fmt.Sprintf("tg:%d", 100000+i*37)
		if i%5 == 0 {
			id = fmt.Sprintf("wx:o6_bmj%04dPTlm", i)
		}
		if _, _, err := s.Touch(ctx, id, name(), "zh", false); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUnit(ctx, id, searchUnits[(i/11)%len(searchUnits)]); err != nil {
			t.Fatal(err)
		}
	}
}

// bruteFind is FindSubscribers by definition: everyone whose id, name or
// unit holds query, with the status and topic, by unit then name, the
// first limit.
func bruteFind(all []*content.Subscriber, query string, status content.Status, topic string, limit int) []string {
	var out []*content.Subscriber
	for _, sub := range all {
		if !strings.Contains(sub.ID, query) && !strings.Contains(sub.Name, query) && !strings.Contains(sub.Unit, query) {
			continue
		}
		if status != "" && sub.Status != status {
			continue
		}
		if topic != "" && !slices.Contains(sub.Subs, content.Subscription{Kind: content.SubTopic, Value: topic}) {
			continue
		}
		out = append(out, sub)
	}
	sortByUnit(out)
	return subIDs(out[:min(limit, len(out))])
}

func subIDs(subs []*content.Subscriber) []string {
	ids := make([]string, len(subs))
	for i, s := range subs {
		ids[i] = s.ID
	}
	return ids
}

// searchQueries are parts of names, units and ids, single characters,
// pairs that occur only apart, and queries nobody matches.
var searchQueries = []string{
	"", "王", "欧阳", "阳伟", "李芳", "张伟国", "司马明丽", "伟", "丽", "新国",
	"农业", "县农业局", "农业局", "教育", "农村局", "委", "Office", "ce O", "e",
	"tg:", "tg:1", "10", "37", "wx:o6", "PTlm", "_", "bmj00", ":",
	"伟芳娜", "无此人", "农业教育", "x", "局王", "\xe5\xbc",
}

// TestFindSubscribersMatchesScan compares the index's answers with the
// definition over a few hundred generated subscribers, on every backend,
// with the candidates checked one by one and with the ordered walk (in
// small steps, so it crosses many).
func TestFindSubscribersMatchesScan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedSearch(t, s, 600)
		all, err := s.ListSubscribers(ctx, "", 0)
		if err != nil || len(all) != 600 {
			t.Fatalf("ListSubscribers: %d, %v", len(all), err)
		}
		defer func(n int, w int64) { searchNarrow, searchWalk = n, w }(searchNarrow, searchWalk)
		for _, narrow := range []int{searchNarrow, 5} {
			// Checked one by one, then walked 7 keys a step.
			searchNarrow, searchWalk = narrow, 7
			for _, q := range searchQueries {
				for _, f := range []struct {
					status content.Status
					topic  string
					limit  int
				}{{"", "", 1000}, {"", "", 7}, {content.StatusBlocked, "", 1000}, {content.StatusActive, "防汛", 5}, {"", "防汛", 1000}} {
					if q == "" && f.topic != "" && f.limit < 1000 {
						continue // a topic's first followers found, not the first in order
					}
					got, err := s.FindSubscribers(ctx, q, f.status, f.topic, f.limit)
					if err != nil {
						t.Fatalf("FindSubscribers(%q): %v", q, err)
					}
					want := bruteFind(all, q, f.status, f.topic, f.limit)
					if ids := subIDs(got); !slices.Equal(ids, want) {
						t.Errorf("narrow=%d FindSubscribers(%q, %q, %q, %d) = %d %v\nwant %d %v", narrow, q, f.status, f.topic, f.limit, len(ids), ids, len(want), want)
					}
				}
			}
		}
		// The postings of a gram all 600 share (every id holds ":") are a
		// bitmap.
		bm, err1 := s.rdb.Exists(ctx, s.k.subs("nb", ":")).Result()
		set, err2 := s.rdb.Exists(ctx, s.k.subs("ng", ":")).Result()
		if bm != 1 || set != 0 || err1 != nil || err2 != nil {
			t.Errorf("the postings of \":\": bitmap %d, set %d (%v, %v); want only the bitmap", bm, set, err1, err2)
		}
	})
}

// TestSearchIndexFollowsChanges: an old name or unit is no longer found,
// the new one is.
func TestSearchIndexFollowsChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, _, err := s.Touch(ctx, "tg:1", "张三丰", "zh", true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUnit(ctx, "tg:1", "武当办"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Touch(ctx, "tg:1", "张无忌", "zh", true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUnit(ctx, "tg:1", "明教"); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"三丰": 0, "武当": 0, "无忌": 1, "明教": 1, "张": 1} {
			if got, err := s.FindSubscribers(ctx, q, "", "", 10); err != nil || len(got) != want {
				t.Errorf("FindSubscribers(%q) = %v, %v; want %d", q, got, err, want)
			}
		}
	})
}

// TestSearchIndexUnderConcurrentWrites renames and moves one subscriber
// from several writers at once: afterwards the index holds exactly what
// the record does — its search key, and its dense id under its grams and
// no others.
func TestSearchIndexUnderConcurrentWrites(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub, _, err := s.Touch(ctx, "tg:1", "张三", "zh", true)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{"李四", "王五六", "欧阳修", "赵钱孙李"}
		units := []string{"农业局", "县教育局", "", "卫健委"}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 8 {
			wg.Go(func() {
				for i := range 15 {
					var err error
					if (w+i)%2 == 0 {
						_, _, err = s.Touch(ctx, "tg:1", names[(w*3+i)%len(names)], "zh", false)
					} else {
						err = s.SetUnit(ctx, "tg:1", units[(w*5+i)%len(units)])
					}
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		final, err := s.Subscriber(ctx, "tg:1")
		if err != nil {
			t.Fatal(err)
		}
		want := searchKey(final.ID, final.Name, final.Unit)
		entry, err := s.rdb.HGet(ctx, s.k.subs("sx"), "1").Result()
		if _, got := parseIndexEntry(entry); err != nil || got != want {
			t.Fatalf("search key %q, %v; the record holds %q", got, err, want)
		}
		mine := searchKeyGrams(want)
		all := []string{"张三"}
		all = append(append(all, names...), units...)
		for _, text := range all {
			for _, g := range searchKeyGrams(searchKey("", text, "")) {
				in, err := s.rdb.SIsMember(ctx, s.k.subs("ng", g), sub.Dense).Result()
				if err != nil {
					t.Fatal(err)
				}
				if in != slices.Contains(mine, g) {
					t.Errorf("gram %q: indexed %v, the record (%s, %s) holds it %v", g, in, final.Name, final.Unit, !in)
				}
			}
		}
	})
}

// TestTouchKeepsIndexCheap: a Touch carrying the name the record holds
// (every Telegram message) costs the round trips of one carrying none and
// leaves the index's version alone; a new name is indexed at once, and a
// subscriber first seen without a name (WeChat) is found by id.
func TestTouchKeepsIndexCheap(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, _, err := s.Touch(ctx, "wx:o6_touchABC", "", "zh", true); err != nil {
			t.Fatal(err)
		}
		if got, err := s.FindSubscribers(ctx, "touchABC", "", "", 10); err != nil || len(got) != 1 {
			t.Errorf("a subscriber first seen without a name: FindSubscribers(touchABC) = %v, %v; want 1", got, err)
		}
		if _, _, err := s.Touch(ctx, "tg:7", "张三", "zh", true); err != nil {
			t.Fatal(err)
		}
		version := func() string { return s.rdb.HGet(ctx, s.k.subscriber("tg:7"), "iv").Val() }
		was := version()
		trips := countTrips(s)
		if _, _, err := s.Touch(ctx, "tg:7", "", "zh", true); err != nil {
			t.Fatal(err)
		}
		bare, _ := trips.since()
		sub, _, err := s.Touch(ctx, "tg:7", "张三", "zh", true)
		if err != nil {
			t.Fatal(err)
		}
		same, _ := trips.since()
		if same != bare || sub.Name != "张三" {
			t.Errorf("Touch with the same name: %d round trips, name %q; without a name %d", same, sub.Name, bare)
		}
		if now := version(); now != was {
			t.Errorf("index version %s after a Touch with the same name, was %s", now, was)
		}
		if _, _, err := s.Touch(ctx, "tg:7", "李四", "zh", true); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"张三": 0, "李四": 1} {
			if got, err := s.FindSubscribers(ctx, q, "", "", 10); err != nil || len(got) != want {
				t.Errorf("after a rename FindSubscribers(%q) = %v, %v; want %d", q, got, err, want)
			}
		}
	})
}

// TestTouchCatchesUpIndex: a record whose index entry is behind (a writer
// that bumped the version and stopped before indexing) is indexed again
// by the next Touch, even one carrying the same name.
func TestTouchCatchesUpIndex(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, _, err := s.Touch(ctx, "tg:8", "张三", "zh", true); err != nil {
			t.Fatal(err)
		}
		key := s.k.subscriber("tg:8")
		if err := s.rdb.HSet(ctx, key, "name", "王五").Err(); err != nil {
			t.Fatal(err)
		}
		if err := s.rdb.HIncrBy(ctx, key, "iv", 1).Err(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Touch(ctx, "tg:8", "王五", "zh", false); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"张三": 0, "王五": 1} {
			if got, err := s.FindSubscribers(ctx, q, "", "", 10); err != nil || len(got) != want {
				t.Errorf("FindSubscribers(%q) = %v, %v; want %d", q, got, err, want)
			}
		}
	})
}
