package store

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// Per-bulletin delivery state is two bitmaps indexed by the subscribers'
// dense ids — delivered and read — so each (bulletin, subscriber) pair
// costs 2 bits; counters and the read-time histogram are one small hash per
// bulletin. Which platform carried a delivery follows from the subscriber
// (tg:…, wx:…); how a read happened (link, button, full text) is counted per
// bulletin. A subscriber's own recent reads are a short capped log.

// historyLen is how many recent reads a subscriber's history keeps, and
// historyTTL how long the log of someone who stops reading stays.
const (
	historyLen = 10
	historyTTL = 90 * 24 * time.Hour
)

// presizeScript creates a bulletin's delivered and read bitmaps at their
// full size before the first bit is set: Redis allocates a new bitmap
// exactly, but grows an existing one greedily (up to twice its length), and
// a fan-out sets bits in no particular order. KEYS: the two bitmaps. ARGV:
// the highest dense id.
var presizeScript = redis.NewScript(`
for _, k in ipairs(KEYS) do
  if redis.call('EXISTS', k) == 0 then redis.call('SETBIT', k, ARGV[1], 0) end
end
return 1`)

// presizeBitmaps sizes a bulletin's bitmaps for every subscriber when its
// audience is a large share of them (at least an eighth); a small audience
// (a keyword, a unit) keeps small, sparse bitmaps instead.
func (s *Store) presizeBitmaps(ctx context.Context, bulletinID string, audience, maxDense int64) error {
	if bulletinID == "" || audience == 0 || audience*8 < maxDense {
		return nil
	}
	keys := []string{s.k.perBulletin(bulletinID, "dlv"), s.k.perBulletin(bulletinID, "read")}
	if err := presizeScript.Run(ctx, s.rdb, keys, maxDense).Err(); err != nil {
		return fmt.Errorf("store: size bitmaps of %s: %w", bulletinID, err)
	}
	return nil
}

// markReadScript sets the read bit and, the first time only, counts the
// read by channel and by hour after publication. KEYS: read bitmap, stats
// hash. ARGV: dense id, channel, hours since publication, expiry seconds (0 =
// none). Returns 1 for a first read.
var markReadScript = redis.NewScript(`
if redis.call('SETBIT', KEYS[1], ARGV[1], 1) == 1 then return 0 end
redis.call('HINCRBY', KEYS[2], 'read', 1)
redis.call('HINCRBY', KEYS[2], 'via:' .. ARGV[2], 1)
redis.call('HINCRBY', KEYS[2], 'h:' .. ARGV[3], 1)
if tonumber(ARGV[4]) > 0 then
  for _, k in ipairs(KEYS) do
    if redis.call('TTL', k) == -1 then redis.call('EXPIRE', k, ARGV[4]) end
  end
end
return 1`)

// historyScript appends a fixed-size record to a subscriber's read log
// unless the log already has the bulletin (only first reads are history),
// keeping only the last ARGV[3] bytes, and restarts its expiry. KEYS: log.
// ARGV: record, record length, cap bytes, TTL seconds.
var historyScript = redis.NewScript(`
local log = redis.call('GET', KEYS[1]) or ''
local size = tonumber(ARGV[2])
local id = string.sub(ARGV[1], 1, size - 4)
for i = 1, #log, size do
  if string.sub(log, i, i + size - 5) == id then return 0 end
end
local n = redis.call('APPEND', KEYS[1], ARGV[1])
local cap = tonumber(ARGV[3])
if n > cap then
  redis.call('SET', KEYS[1], string.sub(log .. ARGV[1], n - cap + 1))
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return n`)

// MarkRead records that a subscriber (by dense id) read a bulletin through
// a channel. Only the first read counts; first reports whether this was it.
// It is one round trip — the bitmap, counters and history go in one
// pipeline — and two more for a bulletin sent to roster people.
func (s *Store) MarkRead(ctx context.Context, bulletinID string, dense int64, via string, published, at time.Time) (first bool, err error) {
	hours := int64(0)
	if !published.IsZero() && at.After(published) {
		hours = int64(at.Sub(published) / time.Hour)
	}
	keys := []string{s.k.perBulletin(bulletinID, "read"), s.k.perBulletin(bulletinID, "stats")}
	args := []any{dense, via, hours, int64(s.cfg.DeliveryRetention / time.Second)}
	histKeys := []string{s.k.history(dense)}
	histArgs := []any{historyRecord(bulletinID, at), historyRecordLen, historyLen * historyRecordLen, int64(historyTTL / time.Second)}
	// A bulletin sent to roster people also counts the read for the person
	// the account is bound to (markMemberRead): the same round trip asks
	// whether it was and which account read.
	var roster *redis.IntCmd
	var account *redis.SliceCmd
	run := func(useSHA bool) (*redis.Cmd, error) {
		var res *redis.Cmd
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			if useSHA {
				res = markReadScript.EvalSha(ctx, p, keys, args...)
				historyScript.EvalSha(ctx, p, histKeys, histArgs...)
			} else {
				res = markReadScript.Eval(ctx, p, keys, args...)
				historyScript.Eval(ctx, p, histKeys, histArgs...)
			}
			roster = p.Exists(ctx, s.k.perBulletin(bulletinID, "ros"))
			account = p.HMGet(ctx, s.k.subs("dense"), strconv.FormatInt(dense, 10))
			return nil
		})
		return res, err
	}
	// The scripts are loaded at Open; a server that lost them (restarted)
	// gets them whole once.
	res, err := run(true)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		res, err = run(false)
	}
	if err != nil {
		return false, fmt.Errorf("store: mark read b=%s s=%d: %w", bulletinID, dense, err)
	}
	if sub, _ := account.Val()[0].(string); roster.Val() == 1 && sub != "" {
		if err := s.markMemberRead(ctx, bulletinID, sub); err != nil {
			return false, err
		}
	}
	n, _ := res.Int64()
	return n == 1, nil
}

// historyRecordLen is the size of one history record: the bulletin id
// padded to 24 bytes and a 4-byte big-endian Unix time.
const historyRecordLen = 28

func historyRecord(bulletinID string, at time.Time) string {
	var rec [historyRecordLen]byte
	copy(rec[:24], bulletinID)
	t := uint32(at.Unix())
	rec[24], rec[25], rec[26], rec[27] = byte(t>>24), byte(t>>16), byte(t>>8), byte(t)
	return string(rec[:])
}

// History returns a subscriber's recent reads, newest first.
func (s *Store) History(ctx context.Context, dense int64) ([]content.HistoryEntry, error) {
	data, err := s.rdb.Get(ctx, s.k.history(dense)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: history %d: %w", dense, err)
	}
	var out []content.HistoryEntry
	for off := len(data) - historyRecordLen; off >= 0; off -= historyRecordLen {
		rec := data[off : off+historyRecordLen]
		id := string(rec[:24])
		for len(id) > 0 && id[len(id)-1] == 0 {
			id = id[:len(id)-1]
		}
		t := uint32(rec[24])<<24 | uint32(rec[25])<<16 | uint32(rec[26])<<8 | uint32(rec[27])
		out = append(out, content.HistoryEntry{BulletinID: id, ReadAt: time.Unix(int64(t), 0)})
	}
	return out, nil
}

// Stats computes a bulletin's delivered / read counts, overall and by
// platform and unit, with the read channels and the read-time histogram.
func (s *Store) Stats(ctx context.Context, bulletinID string) (*content.DeliveryStats, error) {
	units, err := s.rdb.SMembers(ctx, s.k.subs("units")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: stats %s: %w", bulletinID, err)
	}
	platforms := []string{"tg", "wx", "wecom", "console"}
	var dlv, read *redis.StringCmd
	var stats *redis.MapStringStringCmd
	segs := map[string]*redis.StringCmd{}
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		dlv = p.Get(ctx, s.k.perBulletin(bulletinID, "dlv"))
		read = p.Get(ctx, s.k.perBulletin(bulletinID, "read"))
		stats = p.HGetAll(ctx, s.k.perBulletin(bulletinID, "stats"))
		for _, pl := range platforms {
			segs["p:"+pl] = p.Get(ctx, s.k.subs("pbm", pl))
		}
		for _, u := range units {
			segs["u:"+u] = p.Get(ctx, s.k.subs("ubm", u))
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: stats %s: %w", bulletinID, err)
	}
	d, r := bitmapOf(dlv), bitmapOf(read)
	st := &content.DeliveryStats{
		BulletinID: bulletinID, Delivered: popcount(d), Read: popcount(and(r, d)),
		ByPlatform: map[string]content.Reach{}, ByUnit: map[string]content.Reach{}, Via: map[string]int64{}, ByHour: map[int]int64{},
	}
	if st.Delivered > 0 {
		st.ReadRate = float64(st.Read) / float64(st.Delivered)
	}
	for name, cmd := range segs {
		seg := bitmapOf(cmd)
		reach := content.Reach{Delivered: popcount(and(d, seg)), Read: popcount(and(and(r, d), seg))}
		switch name[:2] {
		case "p:":
			if reach.Delivered > 0 {
				st.ByPlatform[name[2:]] = reach
			}
		case "u:":
			st.ByUnit[name[2:]] = reach
		}
	}
	for k, v := range stats.Val() {
		n, _ := strconv.ParseInt(v, 10, 64)
		switch {
		case len(k) > 4 && k[:4] == "via:":
			st.Via[k[4:]] = n
		case len(k) > 2 && k[:2] == "h:":
			h, _ := strconv.Atoi(k[2:])
			st.ByHour[h] = n
		case k == "reminded":
			st.Reminded = n
		}
	}
	return st, nil
}

// Unread lists the subscribers who received a bulletin and have not read
// it, optionally only those of one unit, sorted.
func (s *Store) Unread(ctx context.Context, bulletinID, unit string) ([]string, error) {
	dense, err := s.unreadDense(ctx, bulletinID, unit)
	if err != nil {
		return nil, err
	}
	ids, err := s.SubscriberIDs(ctx, dense)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ids)) // an empty list, never nil: JSON shows []
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out, nil
}

// unreadDense returns the dense ids delivered and not read.
func (s *Store) unreadDense(ctx context.Context, bulletinID, unit string) ([]int64, error) {
	var dlv, read, seg *redis.StringCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		dlv = p.Get(ctx, s.k.perBulletin(bulletinID, "dlv"))
		read = p.Get(ctx, s.k.perBulletin(bulletinID, "read"))
		if unit != "" {
			seg = p.Get(ctx, s.k.subs("ubm", unit))
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: unread %s: %w", bulletinID, err)
	}
	unread := andNot(bitmapOf(dlv), bitmapOf(read))
	if seg != nil {
		unread = and(unread, bitmapOf(seg))
	}
	return setBits(unread), nil
}

// NoteReminded counts a reminder sent for a bulletin and reports whether
// this subscriber had not been reminded before (one reminder per
// subscriber per bulletin, ever).
func (s *Store) NoteReminded(ctx context.Context, bulletinID string, dense int64) (bool, error) {
	old, err := s.rdb.SetBit(ctx, s.k.perBulletin(bulletinID, "remind"), dense, 1).Result()
	if err != nil {
		return false, fmt.Errorf("store: note reminder b=%s s=%d: %w", bulletinID, dense, err)
	}
	if old == 0 {
		s.rdb.HIncrBy(ctx, s.k.perBulletin(bulletinID, "stats"), "reminded", 1)
	}
	return old == 0, nil
}

// UnreadNotReminded returns the dense ids that received a bulletin, have
// not read it and have never been reminded of it.
func (s *Store) UnreadNotReminded(ctx context.Context, bulletinID, unit string) ([]int64, error) {
	unread, err := s.unreadDense(ctx, bulletinID, unit)
	if err != nil {
		return nil, err
	}
	reminded, err := s.rdb.Get(ctx, s.k.perBulletin(bulletinID, "remind")).Bytes()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: reminders %s: %w", bulletinID, err)
	}
	out := unread[:0]
	for _, d := range unread {
		if !bitSet(reminded, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// Bitmaps as Redis stores them: bit 0 is the high bit of byte 0.

func bitmapOf(c *redis.StringCmd) []byte {
	if c == nil {
		return nil
	}
	b, _ := c.Bytes()
	return b
}

func bitSet(b []byte, i int64) bool {
	byteIdx := i / 8
	return byteIdx < int64(len(b)) && b[byteIdx]&(0x80>>(i%8)) != 0
}

func and(a, b []byte) []byte {
	out := make([]byte, min(len(a), len(b)))
	for i := range out {
		out[i] = a[i] & b[i]
	}
	return out
}

func andNot(a, b []byte) []byte {
	out := make([]byte, len(a))
	for i := range a {
		out[i] = a[i]
		if i < len(b) {
			out[i] &^= b[i]
		}
	}
	return out
}

func popcount(b []byte) int64 {
	n := 0
	for _, x := range b {
		n += bits.OnesCount8(x)
	}
	return int64(n)
}

func setBits(b []byte) []int64 {
	var out []int64
	for i, x := range b {
		for x != 0 {
			lead := bits.LeadingZeros8(x)
			out = append(out, int64(i*8+lead))
			x &^= 0x80 >> lead
		}
	}
	return out
}
