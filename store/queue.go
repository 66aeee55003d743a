package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// Each platform has its own delivery queue: a Stream read by the consumer
// group "senders", a sorted set of deliveries waiting to be retried, and a
// dead-letter list. All three share the {q:PLATFORM} hash tag.
const (
	queueGroup = "senders"
	// enqueueBatch is how many XADDs go in one pipeline.
	enqueueBatch = 1000
	// deadLetterCap bounds the dead-letter list.
	deadLetterCap = 10000
)

func (s *Store) stream(platform string) string { return s.k.queue(platform, "stream") }

// EnsureQueue creates a platform's stream and consumer group if missing.
func (s *Store) EnsureQueue(ctx context.Context, platform string) error {
	err := s.rdb.XGroupCreateMkStream(ctx, s.stream(platform), queueGroup, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("store: create queue %s: %w", platform, err)
	}
	return nil
}

// Enqueue appends deliveries to a platform's queue, pipelined, trimming
// the entries every sender acknowledged and any older than the queue
// retention.
func (s *Store) Enqueue(ctx context.Context, platform string, ds []content.Delivery) error {
	if err := s.trimAcknowledged(ctx, platform); err != nil {
		return err
	}
	minID := strconv.FormatInt(time.Now().Add(-s.cfg.QueueRetention).UnixMilli(), 10)
	for start := 0; start < len(ds); start += enqueueBatch {
		batch := ds[start:min(start+enqueueBatch, len(ds))]
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, d := range batch {
				data, _ := json.Marshal(d)
				p.XAdd(ctx, &redis.XAddArgs{Stream: s.stream(platform), MinID: minID, Approx: true, Values: []string{"d", string(data)}})
			}
			return nil
		}); err != nil {
			return fmt.Errorf("store: enqueue %d deliveries on %s: %w", len(batch), platform, err)
		}
	}
	return nil
}

// trimAcknowledged drops the queue entries before the oldest one still
// pending and before the last one handed out: every sender acknowledged
// them (a retry lives in the delayed set, a dead letter in its list), and
// nothing reads them again. Without it the queue kept every delivery for
// the whole retention: 85 bytes each, 20,000 a bulletin.
func (s *Store) trimAcknowledged(ctx context.Context, platform string) error {
	stream := s.stream(platform)
	groups, err := s.rdb.XInfoGroups(ctx, stream).Result()
	if err != nil {
		if strings.Contains(err.Error(), "no such key") {
			return nil // no queue yet
		}
		return fmt.Errorf("store: trim queue %s: %w", platform, err)
	}
	before := ""
	for _, g := range groups {
		if g.Name == queueGroup {
			before = g.LastDeliveredID
		}
	}
	if before == "" || before == "0-0" {
		return nil
	}
	pending, err := s.rdb.XPending(ctx, stream, queueGroup).Result()
	if err != nil {
		return fmt.Errorf("store: trim queue %s: %w", platform, err)
	}
	if pending.Count > 0 && streamIDLess(pending.Lower, before) {
		before = pending.Lower
	}
	if err := s.rdb.XTrimMinID(ctx, stream, before).Err(); err != nil {
		return fmt.Errorf("store: trim queue %s: %w", platform, err)
	}
	return nil
}

// streamIDLess orders two stream ids ("ms-seq").
func streamIDLess(a, b string) bool {
	split := func(id string) (uint64, uint64) {
		ms, seq, _ := strings.Cut(id, "-")
		m, _ := strconv.ParseUint(ms, 10, 64)
		n, _ := strconv.ParseUint(seq, 10, 64)
		return m, n
	}
	am, as := split(a)
	bm, bs := split(b)
	return am < bm || am == bm && as < bs
}

// Receive reads up to count new deliveries for a consumer, waiting up to
// block for some to arrive.
func (s *Store) Receive(ctx context.Context, platform, consumer string, count int, block time.Duration) ([]content.Delivery, error) {
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: queueGroup, Consumer: consumer, Streams: []string{s.stream(platform), ">"},
		Count: int64(count), Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: receive from %s: %w", platform, err)
	}
	var out []content.Delivery
	for _, st := range res {
		out = append(out, decodeDeliveries(st.Messages)...)
	}
	return out, nil
}

// Reclaim takes over deliveries that another consumer received and has
// not acknowledged for minIdle (it crashed, or hangs), up to count.
func (s *Store) Reclaim(ctx context.Context, platform, consumer string, minIdle time.Duration, count int) ([]content.Delivery, error) {
	var out []content.Delivery
	start := "0-0"
	for len(out) < count {
		msgs, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: s.stream(platform), Group: queueGroup, Consumer: consumer,
			MinIdle: minIdle, Start: start, Count: int64(count - len(out)),
		}).Result()
		if err != nil {
			return out, fmt.Errorf("store: reclaim on %s: %w", platform, err)
		}
		out = append(out, decodeDeliveries(msgs)...)
		if next == "0-0" || next == "" || len(msgs) == 0 {
			break
		}
		start = next
	}
	return out, nil
}

func decodeDeliveries(msgs []redis.XMessage) []content.Delivery {
	out := make([]content.Delivery, 0, len(msgs))
	for _, m := range msgs {
		raw, _ := m.Values["d"].(string)
		var d content.Delivery
		if json.Unmarshal([]byte(raw), &d) != nil {
			d.LastError = "undecodable queue entry"
		}
		d.StreamID = m.ID
		out = append(out, d)
	}
	return out
}

// Ack marks deliveries as handled.
func (s *Store) Ack(ctx context.Context, platform string, ds ...content.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.StreamID
	}
	if err := s.rdb.XAck(ctx, s.stream(platform), queueGroup, ids...).Err(); err != nil {
		return fmt.Errorf("store: ack on %s: %w", platform, err)
	}
	return nil
}

// Retry acknowledges a delivery and schedules it again at due with the
// reason recorded. A failed attempt counts (attempt is raised); a delivery
// only held back (quiet hours, a rate limit) does not.
func (s *Store) Retry(ctx context.Context, platform string, d content.Delivery, due time.Time, reason string, failed bool) error {
	next := d
	if failed {
		next.Attempt++
	}
	next.LastError = reason
	data, _ := json.Marshal(next)
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, s.k.queue(platform, "delayed"), redis.Z{Score: float64(due.UnixMilli()), Member: string(data)})
		p.XAck(ctx, s.stream(platform), queueGroup, d.StreamID)
		return nil
	}); err != nil {
		return fmt.Errorf("store: schedule retry on %s: %w", platform, err)
	}
	return nil
}

// promoteScript moves deliveries whose time has come from the delayed set
// to the stream. KEYS: delayed, stream. ARGV: now (ms), max count.
var promoteScript = redis.NewScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, d in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', 'd', d)
  redis.call('ZREM', KEYS[1], d)
end
return #due`)

// PromoteDue moves delayed deliveries that are due onto the queue and
// returns how many moved. Safe to run from every replica at once.
func (s *Store) PromoteDue(ctx context.Context, platform string, now time.Time) (int, error) {
	n, err := promoteScript.Run(ctx, s.rdb, []string{s.k.queue(platform, "delayed"), s.stream(platform)}, now.UnixMilli(), 500).Int()
	if err != nil {
		return 0, fmt.Errorf("store: promote due on %s: %w", platform, err)
	}
	return n, nil
}

// DeadLetter gives up on a delivery: it is acknowledged and kept, with the
// reason, in the platform's dead-letter list.
func (s *Store) DeadLetter(ctx context.Context, platform string, d content.Delivery, reason string) error {
	data, _ := json.Marshal(content.DeadLetter{Delivery: d, Reason: reason, At: time.Now()})
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, s.k.queue(platform, "dead"), data)
		p.LTrim(ctx, s.k.queue(platform, "dead"), 0, deadLetterCap-1)
		if d.StreamID != "" {
			p.XAck(ctx, s.stream(platform), queueGroup, d.StreamID)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("store: dead-letter on %s: %w", platform, err)
	}
	return nil
}

// DeadLetters returns the newest dead letters of a platform.
func (s *Store) DeadLetters(ctx context.Context, platform string, n int) ([]content.DeadLetter, error) {
	raw, err := s.rdb.LRange(ctx, s.k.queue(platform, "dead"), 0, int64(n-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: dead letters of %s: %w", platform, err)
	}
	out := make([]content.DeadLetter, 0, len(raw))
	for _, r := range raw {
		var dl content.DeadLetter
		if json.Unmarshal([]byte(r), &dl) == nil {
			out = append(out, dl)
		}
	}
	return out, nil
}

// QueueStats reports a platform's queue depth.
func (s *Store) QueueStats(ctx context.Context, platform string) (*content.QueueStats, error) {
	if err := s.EnsureQueue(ctx, platform); err != nil {
		return nil, err
	}
	var length, delayed, dead *redis.IntCmd
	var sent *redis.StringCmd
	var groups *redis.XInfoGroupsCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		length = p.XLen(ctx, s.stream(platform))
		groups = p.XInfoGroups(ctx, s.stream(platform))
		delayed = p.ZCard(ctx, s.k.queue(platform, "delayed"))
		dead = p.LLen(ctx, s.k.queue(platform, "dead"))
		sent = p.Get(ctx, s.k.queue(platform, "sent"))
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: queue stats %s: %w", platform, err)
	}
	st := &content.QueueStats{Length: length.Val(), Delayed: delayed.Val(), Dead: dead.Val()}
	st.Sent, _ = sent.Int64() // none sent yet: no key
	for _, g := range groups.Val() {
		if g.Name != queueGroup {
			continue
		}
		st.Pending, st.Lag = g.Pending, g.Lag
		if s.emb != nil {
			// miniredis reports the stream length as the lag; count the
			// entries after the group's last delivered one instead.
			after, err := s.rdb.XRange(ctx, s.stream(platform), "("+g.LastDeliveredID, "+").Result()
			if err != nil {
				return nil, fmt.Errorf("store: queue stats %s: %w", platform, err)
			}
			st.Lag = int64(len(after))
		}
	}
	return st, nil
}

// A send lease is a key per (bulletin, subscriber) holding the claim's
// token, so only the claim that took it can renew or drop it: a lease that
// ran out and was taken by another sender is never dropped by the first.

// claimScript takes the per-pair send lease unless the pair is already
// delivered. KEYS: delivered bitmap, lease key. ARGV: dense, lease ms,
// token.
var claimScript = redis.NewScript(`
if redis.call('GETBIT', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[2]) then return 0 end
return 2`)

func (s *Store) leaseKey(bulletinID string, dense int64) string {
	return s.k.perBulletin(bulletinID, "lease:"+strconv.FormatInt(dense, 10))
}

// completeScript sets the delivered bit, drops the lease if the token
// holds it (any lease for an empty token) and starts the retention clock
// of the bitmap. KEYS: delivered bitmap, lease key. ARGV: dense, retention
// seconds (0 = keep), token.
var completeScript = redis.NewScript(`
redis.call('SETBIT', KEYS[1], ARGV[1], 1)
if ARGV[3] == '' or redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
if tonumber(ARGV[2]) > 0 and redis.call('TTL', KEYS[1]) == -1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 1`)

// leaseTokenScript renews (ARGV[2] > 0) or drops (0) a send lease the token
// holds; it returns 1 when the token held it. KEYS: lease key. ARGV:
// token, lease ms.
var leaseTokenScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('DEL', KEYS[1]) end
return 1`)

// Release drops a send lease the token holds, without recording a
// delivery (the send failed or was put off).
func (s *Store) Release(ctx context.Context, claimID string, dense int64, token string) error {
	if err := leaseTokenScript.Run(ctx, s.rdb, []string{s.leaseKey(claimID, dense)}, token, 0).Err(); err != nil {
		return fmt.Errorf("store: release b=%s s=%d: %w", claimID, dense, err)
	}
	return nil
}

// Renew extends a send lease the token still holds and reports whether it
// did; false means the lease ran out and the delivery is not the caller's
// to send any more.
func (s *Store) Renew(ctx context.Context, claimID string, dense int64, token string, lease time.Duration) (bool, error) {
	n, err := leaseTokenScript.Run(ctx, s.rdb, []string{s.leaseKey(claimID, dense)}, token, lease.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: renew b=%s s=%d: %w", claimID, dense, err)
	}
	return n == 1, nil
}

// MarkEnqueued records that deliveries of a bulletin were enqueued for
// these subscribers and returns, for each, whether it was not enqueued
// before — so a fan-out resumed after a crash enqueues only what it had not.
func (s *Store) MarkEnqueued(ctx context.Context, bulletinID string, dense []int64) ([]bool, error) {
	key := s.k.perBulletin(bulletinID, "enq")
	cmds := make([]*redis.IntCmd, len(dense))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, d := range dense {
			cmds[i] = p.SetBit(ctx, key, d, 1)
		}
		p.Expire(ctx, key, 7*24*time.Hour)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: mark enqueued b=%s: %w", bulletinID, err)
	}
	fresh := make([]bool, len(dense))
	for i, c := range cmds {
		fresh[i] = c.Val() == 0
	}
	return fresh, nil
}

// FanoutDone marks a bulletin's fan-out complete and drops its enqueue
// bitmap; the delivered and read bitmaps are all that stays.
func (s *Store) FanoutDone(ctx context.Context, bulletinID string) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.k.perBulletin(bulletinID, "stats"), "fanout_done", time.Now().Unix())
		p.Del(ctx, s.k.perBulletin(bulletinID, "enq"))
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: fan-out done %s: %w", bulletinID, err)
	}
	return nil
}

// FannedOut reports whether a bulletin's fan-out was completed before.
func (s *Store) FannedOut(ctx context.Context, bulletinID string) (bool, error) {
	n, err := s.rdb.HExists(ctx, s.k.perBulletin(bulletinID, "stats"), "fanout_done").Result()
	if err != nil {
		return false, fmt.Errorf("store: fan-out state %s: %w", bulletinID, err)
	}
	return n, nil
}

// BeginDeliveries takes, in one round trip for a whole batch, the send
// lease of each delivery (on claimIDs[i], with tokens[i], unless already
// delivered) and the record of its subscriber (nil when the subscriber no
// longer exists).
func (s *Store) BeginDeliveries(ctx context.Context, ds []content.Delivery, claimIDs, tokens []string, lease time.Duration) ([]content.Claim, []*content.Subscriber, error) {
	run := func(useSHA bool) ([]*redis.Cmd, []*redis.MapStringStringCmd, error) {
		claims := make([]*redis.Cmd, len(ds))
		subs := make([]*redis.MapStringStringCmd, len(ds))
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, d := range ds {
				keys := []string{s.k.perBulletin(claimIDs[i], "dlv"), s.leaseKey(claimIDs[i], d.Dense)}
				if useSHA {
					claims[i] = claimScript.EvalSha(ctx, p, keys, d.Dense, lease.Milliseconds(), tokens[i])
				} else {
					claims[i] = claimScript.Eval(ctx, p, keys, d.Dense, lease.Milliseconds(), tokens[i])
				}
				subs[i] = p.HGetAll(ctx, s.k.subscriber(d.Subscriber))
			}
			return nil
		})
		return claims, subs, err
	}
	claims, subs, err := run(true)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		claims, subs, err = run(false)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: begin %d deliveries: %w", len(ds), err)
	}
	outClaims := make([]content.Claim, len(ds))
	outSubs := make([]*content.Subscriber, len(ds))
	for i, d := range ds {
		n, _ := claims[i].Int()
		rec, err := decodeSubscriber(d.Subscriber, subs[i].Val())
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, nil, err
		}
		outClaims[i], outSubs[i] = content.Claim(n), rec
	}
	return outClaims, outSubs, nil
}

// FinishDelivery records a delivery as done, drops the lease token holds
// and acknowledges the queue entry, in one round trip.
func (s *Store) FinishDelivery(ctx context.Context, platform string, d content.Delivery, claimID, token string) error {
	return s.finish(ctx, platform, d, claimID, token, false)
}

// FinishSent is FinishDelivery for a delivery that was sent: it also adds
// one to the platform's sent total (QueueStats.Sent).
func (s *Store) FinishSent(ctx context.Context, platform string, d content.Delivery, claimID, token string) error {
	return s.finish(ctx, platform, d, claimID, token, true)
}

// finish records a delivery as delivered and acknowledges it, counting it
// as sent when sent is true.
func (s *Store) finish(ctx context.Context, platform string, d content.Delivery, claimID, token string, sent bool) error {
	keys := []string{s.k.perBulletin(claimID, "dlv"), s.leaseKey(claimID, d.Dense)}
	args := []any{d.Dense, int64(s.cfg.DeliveryRetention / time.Second), token}
	run := func(useSHA bool) error {
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			if useSHA {
				completeScript.EvalSha(ctx, p, keys, args...)
			} else {
				completeScript.Eval(ctx, p, keys, args...)
			}
			// Counted before the acknowledgement, on the same node: a
			// delivery seen acknowledged is counted.
			if sent {
				p.Incr(ctx, s.k.queue(platform, "sent"))
			}
			p.XAck(ctx, s.stream(platform), queueGroup, d.StreamID)
			return nil
		})
		return err
	}
	err := run(true)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		// The pipeline's other commands ran: counted already.
		sent = false
		err = run(false)
	}
	if err != nil {
		return fmt.Errorf("store: finish delivery b=%s s=%s: %w", claimID, d.Subscriber, err)
	}
	return nil
}
