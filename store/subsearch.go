package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// The subscriber search index: what lets the console find subscribers by
// any part of a name, id or unit without reading everyone. All its keys
// are in the {sub} slot:
//
//	{sub}:sx          hash   dense id → the version of the record indexed
//	                         and the subscriber's search key
//	{sub}:sord        zset   every search key, all scored 0: in
//	                         lexicographic order, which is the console's
//	                         order (unit, those without one last, then name,
//	                         then id)
//	{sub}:ng:GRAM     set    dense ids whose id, name or unit holds GRAM
//	{sub}:nb:GRAM     bitmap the same, once more than max(512, N/256) of
//	                         the N subscribers do
//
// A search key is "1"+unit+NUL+name+NUL+id, or "2"+NUL+name+NUL+id for a
// subscriber without a unit. The grams of a text are its characters and
// its pairs of adjacent characters, each field apart. A query of one
// character reads that character's postings; a longer one intersects
// those of its pairs: everything that holds the query holds all its pairs,
// so nothing is missed, and the few that hold the pairs apart are dropped
// by comparing the search keys themselves.
//
// Why grams and not a sorted set of every suffix: names are 2–4
// characters but ids are long (a WeChat openid has 28), so the suffixes
// would be some 40 sorted-set entries of ~100 bytes per subscriber. Grams
// are small integers in small sets (Redis keeps a set of at most 512
// integers as a packed array, 4 bytes each, and ~40 bytes a member past
// that); a gram that many share (a platform's prefix, a common surname, a
// digit, a unit's words) becomes a bitmap of N/8 bytes, cheaper than the
// hash table past max(512, N/256) members. For 100,000 subscribers the
// whole index takes ~520 bytes each (BENCHMARKS.md).

// searchNarrow is how many candidates a search checks one by one; past
// that it walks {sub}:sord in order and stops at the limit, which for so
// common a query comes quickly.
var searchNarrow = 4000

// searchWalk is how many search keys one step of the walk reads.
var searchWalk = int64(2000)

// searchKey is a subscriber's key in the search index; NUL separates the
// fields, so none may hold one.
func searchKey(id, name, unit string) string {
	clean := func(s string) string { return strings.ReplaceAll(s, "\x00", "") }
	flag := "2"
	if unit != "" {
		flag = "1"
	}
	return flag + clean(unit) + "\x00" + clean(name) + "\x00" + clean(id)
}

// searchFields reads a search key back; ok is false for a malformed one.
func searchFields(key string) (id, name, unit string, ok bool) {
	if key == "" {
		return "", "", "", false
	}
	parts := strings.SplitN(key[1:], "\x00", 3)
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[2], parts[1], parts[0], true
}

// searchKeyGrams are the grams a search key is indexed under: the
// characters and adjacent pairs of its id, name and unit, each once.
func searchKeyGrams(key string) []string {
	id, name, unit, ok := searchFields(key)
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(g string) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	for _, f := range []string{id, name, unit} {
		prev := ""
		for _, r := range f {
			c := string(r)
			add(c)
			if prev != "" {
				add(prev + c)
			}
			prev = c
		}
	}
	return out
}

// queryGrams are the grams whose postings hold every subscriber a query
// matches: its character, or its distinct adjacent pairs.
func queryGrams(q string) []string {
	rs := []rune(q)
	if len(rs) == 1 {
		return []string{q}
	}
	var out []string
	for i := 1; i < len(rs); i++ {
		if g := string(rs[i-1 : i+1]); !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// indexEntry is what {sub}:sx holds for a subscriber: the version of the
// record it was made from (the record's iv field, bumped by every write
// of its name or unit) and its search key.
func indexEntry(version int64, key string) string {
	return strconv.FormatInt(version, 10) + " " + key
}

// parseIndexEntry reads an sx entry; a missing one ("") is version -1.
func parseIndexEntry(v string) (version int64, key string) {
	ver, key, ok := strings.Cut(v, " ")
	if !ok {
		return -1, ""
	}
	n, err := strconv.ParseInt(ver, 10, 64)
	if err != nil {
		return -1, ""
	}
	return n, key
}

// reindexScript swaps a subscriber's sx entry from ARGV[2] ("" for none)
// to ARGV[3] if the index still holds ARGV[2] for dense id ARGV[1]; it
// returns 0, changing nothing, when another writer got there first. The
// search keys are ARGV[5] (old, "" for none) and ARGV[6] (new). KEYS: the
// sx hash, the sord zset, the seq counter (N), then a set and a bitmap key
// for each of the ARGV[4] grams to remove, then for each gram to add. A
// set that grows past max(512, N/256) members becomes a bitmap.
var reindexScript = redis.NewScript(`
local dense, old, new, nrem = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if (redis.call('HGET', KEYS[1], dense) or '') ~= old then return 0 end
redis.call('HSET', KEYS[1], dense, new)
if ARGV[5] ~= ARGV[6] then
  if ARGV[5] ~= '' then redis.call('ZREM', KEYS[2], ARGV[5]) end
  redis.call('ZADD', KEYS[2], 0, ARGV[6])
end
local big = math.max(512, math.floor(tonumber(redis.call('GET', KEYS[3]) or '0') / 256))
for i = 4, #KEYS, 2 do
  local set, bm = KEYS[i], KEYS[i+1]
  if (i - 4) / 2 < nrem then
    redis.call('SREM', set, dense)
    if redis.call('EXISTS', bm) == 1 then redis.call('SETBIT', bm, dense, 0) end
  elseif redis.call('EXISTS', bm) == 1 then
    redis.call('SETBIT', bm, dense, 1)
  else
    redis.call('SADD', set, dense)
    if redis.call('SCARD', set) > big then
      for _, d in ipairs(redis.call('SMEMBERS', set)) do redis.call('SETBIT', bm, d, 1) end
      redis.call('DEL', set)
    end
  end
end
return 1`)

// reindexArgs are the keys and arguments of reindexScript to replace the
// sx entry old ("" for none) with new.
func (s *Store) reindexArgs(dense int64, old, new string) ([]string, []any) {
	_, oldKey := parseIndexEntry(old)
	_, newKey := parseIndexEntry(new)
	oldGrams, newGrams := searchKeyGrams(oldKey), searchKeyGrams(newKey)
	var rem, add []string
	for _, g := range oldGrams {
		if !slices.Contains(newGrams, g) {
			rem = append(rem, g)
		}
	}
	for _, g := range newGrams {
		if !slices.Contains(oldGrams, g) {
			add = append(add, g)
		}
	}
	keys := []string{s.k.subs("sx"), s.k.subs("sord"), s.k.subs("seq")}
	for _, g := range append(rem, add...) {
		keys = append(keys, s.k.subs("ng", g), s.k.subs("nb", g))
	}
	return keys, []any{dense, old, new, len(rem), oldKey, newKey}
}

// recordSnapshot is what the search index is made from, read from a
// subscriber's record in one command: name, unit and version.
type recordSnapshot struct {
	name, unit string
	version    int64
}

// snapshotOf reads a snapshot from a record's fields.
func snapshotOf(name, unit, version string) recordSnapshot {
	v, _ := strconv.ParseInt(version, 10, 64)
	return recordSnapshot{name: name, unit: unit, version: v}
}

// reindexSubscriber brings a subscriber's entry in the search index up to
// date after a write to its name or unit; snap is read from the record
// after that write. Versions decide between concurrent writers: every
// write bumps the record's version after writing, so whoever reads the
// highest version reads the final name and unit, and the index takes only
// a newer version than it holds.
func (s *Store) reindexSubscriber(ctx context.Context, id string, dense int64, snap recordSnapshot) error {
	old, err := s.rdb.HGet(ctx, s.k.subs("sx"), strconv.FormatInt(dense, 10)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("store: index subscriber %s: %w", id, err)
	}
	return s.reindexFrom(ctx, id, dense, snap, old)
}

// reindexFrom is reindexSubscriber given the sx entry read at some point
// before ("" for none): nothing to do, without a round trip, if it is as
// new as snap; a swap from it otherwise, read again while another writer
// swaps first.
func (s *Store) reindexFrom(ctx context.Context, id string, dense int64, snap recordSnapshot, old string) error {
	entry := indexEntry(snap.version, searchKey(id, snap.name, snap.unit))
	for range 20 {
		if v, _ := parseIndexEntry(old); v >= snap.version {
			return nil
		}
		keys, args := s.reindexArgs(dense, old, entry)
		done, err := reindexScript.Run(ctx, s.rdb, keys, args...).Int()
		if err != nil {
			return fmt.Errorf("store: index subscriber %s: %w", id, err)
		}
		if done == 1 {
			return nil
		}
		if old, err = s.rdb.HGet(ctx, s.k.subs("sx"), strconv.FormatInt(dense, 10)).Result(); err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("store: index subscriber %s: %w", id, err)
		}
	}
	return fmt.Errorf("store: index subscriber %s: too many concurrent changes", id)
}

// indexAllSubscribers builds the search index of every subscriber, a
// batch at a time; entries already right are left alone, so it can run
// again after a crash part-way.
func (s *Store) indexAllSubscribers(ctx context.Context) error {
	var cursor uint64
	for {
		kv, next, err := s.rdb.HScan(ctx, s.k.subs("dense"), cursor, "", 500).Result()
		if err != nil {
			return fmt.Errorf("store: index subscribers: %w", err)
		}
		fields, ids := make([]string, 0, len(kv)/2), make([]string, 0, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			fields, ids = append(fields, kv[i]), append(ids, kv[i+1])
		}
		if err := s.indexBatch(ctx, fields, ids); err != nil {
			return err
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// indexBatch indexes subscribers by dense id (fields) and id, in two
// round trips; those changed meanwhile are indexed one by one.
func (s *Store) indexBatch(ctx context.Context, fields, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	recs := make([]*redis.SliceCmd, len(ids))
	var olds *redis.SliceCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			recs[i] = p.HMGet(ctx, s.k.subscriber(id), "name", "unit", "iv", "platform")
		}
		olds = p.HMGet(ctx, s.k.subs("sx"), fields...)
		return nil
	}); err != nil {
		return fmt.Errorf("store: index subscribers: %w", err)
	}
	type swap struct {
		i     int
		dense int64
		snap  recordSnapshot
		run   *redis.Cmd
	}
	var swaps []*swap
	for i := range ids {
		v := recs[i].Val()
		if platform, _ := v[3].(string); platform == "" {
			continue // a dense id whose record is gone
		}
		name, _ := v[0].(string)
		unit, _ := v[1].(string)
		version, _ := v[2].(string)
		snap := snapshotOf(name, unit, version)
		old, _ := olds.Val()[i].(string)
		dense, err := strconv.ParseInt(fields[i], 10, 64)
		if cur, _ := parseIndexEntry(old); err != nil || cur >= snap.version {
			continue
		}
		swaps = append(swaps, &swap{i: i, dense: dense, snap: snap})
	}
	if len(swaps) == 0 {
		return nil
	}
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, w := range swaps {
			old, _ := olds.Val()[w.i].(string)
			keys, args := s.reindexArgs(w.dense, old, indexEntry(w.snap.version, searchKey(ids[w.i], w.snap.name, w.snap.unit)))
			w.run = reindexScript.Eval(ctx, p, keys, args...)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("store: index subscribers: %w", err)
	}
	for _, w := range swaps {
		if n, _ := w.run.Int(); n != 1 {
			if err := s.reindexSubscriber(ctx, ids[w.i], w.dense, w.snap); err != nil {
				return err
			}
		}
	}
	return nil
}

// searchSubscribers is FindSubscribers through the index: the first limit
// subscribers, in the console's order, whose id, name or unit holds query
// (everyone for ""), with the status and topic asked for.
func (s *Store) searchSubscribers(ctx context.Context, query string, status content.Status, topic string, limit int) ([]*content.Subscriber, error) {
	var ids []string
	take := func(keys []string) error {
		more, err := s.keepMatching(ctx, keys, query, status, topic)
		ids = append(ids, more...)
		return err
	}
	cands, narrow, err := s.searchCandidates(ctx, query)
	switch {
	case err != nil:
		return nil, err
	case narrow:
		keys, err := s.searchKeys(ctx, cands)
		if err != nil {
			return nil, err
		}
		slices.Sort(keys)
		if err := take(keys); err != nil {
			return nil, err
		}
	default:
		// By key, not by rank: a subscriber added meanwhile shifts no one.
		for from := "-"; len(ids) < limit; {
			keys, err := s.rdb.ZRangeByLex(ctx, s.k.subs("sord"), &redis.ZRangeBy{Min: from, Max: "+", Count: searchWalk}).Result()
			if err != nil {
				return nil, fmt.Errorf("store: find subscribers: %w", err)
			}
			if err := take(keys); err != nil {
				return nil, err
			}
			if int64(len(keys)) < searchWalk {
				break
			}
			from = "(" + keys[len(keys)-1]
		}
	}
	if len(ids) > limit {
		ids = ids[:limit]
	}
	subs, err := s.loadSubscribers(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := subs[:0]
	for _, sub := range subs {
		if status == "" || sub.Status == status {
			out = append(out, sub)
		}
	}
	sortByUnit(out)
	return out, nil
}

// searchCandidates reads the postings of query's grams and intersects
// them: the dense ids of everyone who may match, and narrow true. When
// there are more than searchNarrow of them (or the query is empty or not
// UTF-8, so it has no grams), narrow is false and the caller walks
// everyone in order.
func (s *Store) searchCandidates(ctx context.Context, query string) ([]int64, bool, error) {
	if query == "" || !utf8.ValidString(query) {
		return nil, false, nil
	}
	grams := queryGrams(query)
	sets := make([]*redis.StringSliceCmd, len(grams))
	maps := make([]*redis.StringCmd, len(grams))
	// One MULTI: a set turning into a bitmap meanwhile is seen once.
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, g := range grams {
			sets[i] = p.SMembers(ctx, s.k.subs("ng", g))
			maps[i] = p.Get(ctx, s.k.subs("nb", g))
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, false, fmt.Errorf("store: find subscribers: %w", err)
	}
	var small [][]int64 // the grams kept as sets
	var bitmap []byte   // the AND of those kept as bitmaps
	bitmaps := 0
	for i := range grams {
		if bm := bitmapOf(maps[i]); bm != nil {
			if bitmaps == 0 {
				bitmap = bm
			} else {
				bitmap = and(bitmap, bm)
			}
			bitmaps++
			continue
		}
		members := sets[i].Val()
		if len(members) == 0 {
			return nil, true, nil // nobody holds this gram
		}
		ds := make([]int64, 0, len(members))
		for _, m := range members {
			if d, err := strconv.ParseInt(m, 10, 64); err == nil {
				ds = append(ds, d)
			}
		}
		small = append(small, ds)
	}
	if len(small) == 0 {
		if popcount(bitmap) > int64(searchNarrow) {
			return nil, false, nil
		}
		return setBits(bitmap), true, nil
	}
	slices.SortFunc(small, func(a, b []int64) int { return len(a) - len(b) })
	cands := small[0]
	for _, other := range small[1:] {
		slices.Sort(other)
		kept := cands[:0]
		for _, d := range cands {
			if _, found := slices.BinarySearch(other, d); found {
				kept = append(kept, d)
			}
		}
		cands = kept
	}
	if bitmaps > 0 {
		kept := cands[:0]
		for _, d := range cands {
			if bitSet(bitmap, d) {
				kept = append(kept, d)
			}
		}
		cands = kept
	}
	return cands, len(cands) <= searchNarrow, nil
}

// searchKeys reads the search keys of dense ids (skipping any missing).
func (s *Store) searchKeys(ctx context.Context, dense []int64) ([]string, error) {
	if len(dense) == 0 {
		return nil, nil
	}
	fields := make([]string, len(dense))
	for i, d := range dense {
		fields[i] = strconv.FormatInt(d, 10)
	}
	vals, err := s.rdb.HMGet(ctx, s.k.subs("sx"), fields...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: find subscribers: %w", err)
	}
	keys := make([]string, 0, len(vals))
	for _, v := range vals {
		e, _ := v.(string)
		if _, k := parseIndexEntry(e); k != "" {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// keepMatching returns, in order, the ids of the search keys whose id,
// name or unit holds query and that have the status and topic asked for
// ("" for any).
func (s *Store) keepMatching(ctx context.Context, keys []string, query string, status content.Status, topic string) ([]string, error) {
	var ids []string
	for _, k := range keys {
		id, name, unit, ok := searchFields(k)
		if ok && (strings.Contains(id, query) || strings.Contains(name, query) || strings.Contains(unit, query)) {
			ids = append(ids, id)
		}
	}
	var sets []string
	if status != "" {
		sets = append(sets, s.k.byStatus(status))
	}
	if topic != "" {
		sets = append(sets, s.subIndexKey(content.Subscription{Kind: content.SubTopic, Value: topic}))
	}
	for _, set := range sets {
		if len(ids) == 0 {
			break
		}
		members := make([]any, len(ids))
		for i, id := range ids {
			members[i] = id
		}
		in, err := s.rdb.SMIsMember(ctx, set, members...).Result()
		if err != nil {
			return nil, fmt.Errorf("store: find subscribers: %w", err)
		}
		kept := ids[:0]
		for i, id := range ids {
			if in[i] {
				kept = append(kept, id)
			}
		}
		ids = kept
	}
	return ids, nil
}
