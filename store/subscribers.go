package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// Touch records that a subscriber was seen: it creates the subscriber
// (active, subscribed to everything) the first time, updates the name and
// last-seen time, and for a message the person sent (inbound) also the
// 48-hour window and an active status. created reports a new subscriber.
func (s *Store) Touch(ctx context.Context, id, name, lang string, inbound bool) (sub *content.Subscriber, created bool, err error) {
	platform, native, ok := strings.Cut(id, ":")
	if !ok || platform == "" || native == "" {
		return nil, false, fmt.Errorf("store: subscriber id %q is not platform:native_id", id)
	}
	now := time.Now()
	key := s.k.subscriber(id)
	dense, err := s.rdb.HGet(ctx, key, "dense").Int64()
	switch {
	case errors.Is(err, redis.Nil):
		if dense, created, err = s.createSubscriber(ctx, id, platform, native, lang, now); err != nil {
			return nil, false, err
		}
	case err != nil:
		return nil, false, fmt.Errorf("store: touch %s: %w", id, err)
	}
	fields := map[string]any{"last": now.Unix()}
	if inbound {
		fields["inbound"] = now.Unix()
	}
	// One round trip: the write, the record after it and the subscriber's
	// search index entry. The name is written, and the index's version
	// bumped, only when it changed: most messages carry the name the
	// record already holds.
	var rec *redis.MapStringStringCmd
	var entry *redis.StringCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, fields)
		rec = p.HGetAll(ctx, key)
		entry = p.HGet(ctx, s.k.subs("sx"), strconv.FormatInt(dense, 10))
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, false, fmt.Errorf("store: touch %s: %w", id, err)
	}
	m := rec.Val()
	if name != "" && m["name"] != name {
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, key, "name", name)
			p.HIncrBy(ctx, key, "iv", 1) // the search index's version, after the write
			rec = p.HGetAll(ctx, key)
			return nil
		}); err != nil {
			return nil, false, fmt.Errorf("store: touch %s: %w", id, err)
		}
		m = rec.Val()
	}
	if sub, err = decodeSubscriber(id, m); err != nil {
		return nil, false, err
	}
	// The entry was read before any rename: a stale one only costs the
	// swap a retry. An entry older than the record (a writer that stopped
	// before indexing, or a subscriber never indexed) is brought up to
	// date here too.
	if err := s.reindexFrom(ctx, id, dense, snapshotOf(sub.Name, sub.Unit, m["iv"]), entry.Val()); err != nil {
		return nil, false, err
	}
	if inbound && sub.Status != content.StatusActive {
		if err := s.SetStatus(ctx, id, content.StatusActive); err != nil {
			return nil, false, err
		}
		sub.Status = content.StatusActive
	}
	return sub, created, nil
}

// createSubscriber allocates a dense id and writes a new subscriber. Two
// processes creating the same subscriber at once agree on one dense id (the
// loser's number is left unused).
func (s *Store) createSubscriber(ctx context.Context, id, platform, native, lang string, now time.Time) (int64, bool, error) {
	n, err := s.rdb.Incr(ctx, s.k.subs("seq")).Result()
	if err != nil {
		return 0, false, fmt.Errorf("store: create %s: %w", id, err)
	}
	key := s.k.subscriber(id)
	won, err := s.rdb.HSetNX(ctx, key, "dense", n).Result()
	if err != nil {
		return 0, false, fmt.Errorf("store: create %s: %w", id, err)
	}
	if !won {
		dense, err := s.rdb.HGet(ctx, key, "dense").Int64()
		return dense, false, err
	}
	if lang == "" {
		lang = "zh"
	}
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, map[string]any{
			"platform": platform, "native": native, "lang": lang, "status": string(content.StatusActive),
			"first": now.Unix(), "last": now.Unix(), "mode": content.ModeInstant,
			"subs": `[{"kind":"all"}]`,
		})
		p.HSet(ctx, s.k.subs("dense"), strconv.FormatInt(n, 10), id)
		p.HSet(ctx, s.k.subs("idx"), id, n)
		p.SAdd(ctx, s.k.byStatus(content.StatusActive), id)
		p.SAdd(ctx, s.k.subs("platform", platform), id)
		p.SetBit(ctx, s.k.subs("pbm", platform), n, 1)
		p.SAdd(ctx, s.k.subs("all"), id)
		return nil
	}); err != nil {
		return 0, false, fmt.Errorf("store: create %s: %w", id, err)
	}
	return n, true, nil
}

// Subscriber returns one subscriber, or ErrNotFound.
func (s *Store) Subscriber(ctx context.Context, id string) (*content.Subscriber, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.subscriber(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: get subscriber %s: %w", id, err)
	}
	return decodeSubscriber(id, m)
}

// decodeSubscriber reads a subscriber record's hash.
func decodeSubscriber(id string, m map[string]string) (*content.Subscriber, error) {
	if len(m) == 0 || m["platform"] == "" {
		return nil, ErrNotFound
	}
	unix := func(f string) time.Time {
		v, _ := strconv.ParseInt(m[f], 10, 64)
		if v == 0 {
			return time.Time{}
		}
		return time.Unix(v, 0).In(content.Shanghai)
	}
	sub := &content.Subscriber{
		ID: id, Platform: m["platform"], NativeID: m["native"], Name: m["name"], Lang: m["lang"],
		Unit: m["unit"], Status: content.Status(m["status"]), Admin: m["admin"] == "1",
		FirstSeen: unix("first"), LastSeen: unix("last"), LastInbound: unix("inbound"),
		Mode: m["mode"], DigestAt: m["digest_at"], Quiet: m["quiet"],
	}
	sub.Dense, _ = strconv.ParseInt(m["dense"], 10, 64)
	if m["subs"] != "" {
		if err := json.Unmarshal([]byte(m["subs"]), &sub.Subs); err != nil {
			return nil, fmt.Errorf("store: subscriber %s: bad subscriptions: %w", id, err)
		}
	}
	if sub.Mode == "" {
		sub.Mode = content.ModeInstant
	}
	return sub, nil
}

// SetStatus changes a subscriber's status (active, blocked, left).
func (s *Store) SetStatus(ctx context.Context, id string, status content.Status) error {
	switch status {
	case content.StatusActive, content.StatusBlocked, content.StatusLeft:
	default:
		return fmt.Errorf("store: unknown status %q", status)
	}
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.k.subscriber(id), "status", string(status))
		for _, st := range content.Statuses {
			if st == status {
				p.SAdd(ctx, s.k.byStatus(st), id)
			} else {
				p.SRem(ctx, s.k.byStatus(st), id)
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("store: set status %s: %w", id, err)
	}
	return nil
}

// SetLang records the subscriber's language ("zh" or "en").
func (s *Store) SetLang(ctx context.Context, id, lang string) error {
	return s.rdb.HSet(ctx, s.k.subscriber(id), "lang", lang).Err()
}

// SetUnit records the subscriber's unit (单位), used for stats and
// reminders by unit.
func (s *Store) SetUnit(ctx context.Context, id, unit string) error {
	sub, err := s.Subscriber(ctx, id)
	if err != nil {
		return err
	}
	unit = strings.TrimSpace(unit)
	var now *redis.SliceCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if sub.Unit != "" {
			p.SRem(ctx, s.k.subs("unit", sub.Unit), id)
			p.SetBit(ctx, s.k.subs("ubm", sub.Unit), sub.Dense, 0)
		}
		p.HSet(ctx, s.k.subscriber(id), "unit", unit)
		if unit != "" {
			p.SAdd(ctx, s.k.subs("unit", unit), id)
			p.SAdd(ctx, s.k.subs("units"), unit)
			p.SetBit(ctx, s.k.subs("ubm", unit), sub.Dense, 1)
		}
		// The search index's version, bumped after the write, and what
		// the record holds then.
		p.HIncrBy(ctx, s.k.subscriber(id), "iv", 1)
		now = p.HMGet(ctx, s.k.subscriber(id), "name", "unit", "iv")
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set unit %s: %w", id, err)
	}
	name, _ := now.Val()[0].(string)
	unit, _ = now.Val()[1].(string)
	version, _ := now.Val()[2].(string)
	return s.reindexSubscriber(ctx, id, sub.Dense, snapshotOf(name, unit, version))
}

// SetDelivery records how a subscriber receives bulletins: mode (instant
// or digest), the digest time ("08:00") and quiet hours ("22:00-07:00" or
// "" for none).
func (s *Store) SetDelivery(ctx context.Context, id, mode, digestAt, quiet string) error {
	if mode != content.ModeInstant && mode != content.ModeDigest {
		return fmt.Errorf("store: unknown delivery mode %q", mode)
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.k.subscriber(id), "mode", mode, "digest_at", digestAt, "quiet", quiet)
		if mode == content.ModeDigest {
			p.SAdd(ctx, s.k.subs("digest"), id)
		} else {
			p.SRem(ctx, s.k.subs("digest"), id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set delivery %s: %w", id, err)
	}
	return nil
}

// SetAdmin grants or revokes the admin role.
func (s *Store) SetAdmin(ctx context.Context, id string, admin bool) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if admin {
			p.HSet(ctx, s.k.subscriber(id), "admin", "1")
			p.SAdd(ctx, s.k.subs("admins"), id)
		} else {
			p.HDel(ctx, s.k.subscriber(id), "admin")
			p.SRem(ctx, s.k.subs("admins"), id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set admin %s: %w", id, err)
	}
	return nil
}

// IsAdmin reports whether a subscriber holds the admin role.
func (s *Store) IsAdmin(ctx context.Context, id string) (bool, error) {
	return s.rdb.SIsMember(ctx, s.k.subs("admins"), id).Result()
}

// Admins lists the subscribers with the admin role in the store, sorted.
func (s *Store) Admins(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.k.subs("admins")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: admins: %w", err)
	}
	slices.Sort(ids)
	return ids, nil
}

// Subscribe adds a subscription. Subscribing to a topic, kind or keyword
// narrows a subscriber who received everything to just what they chose;
// subscribing to SubAll widens again. It reports false when the
// subscription was already there.
func (s *Store) Subscribe(ctx context.Context, id string, sub content.Subscription) (bool, error) {
	return s.changeSubs(ctx, id, func(subs []content.Subscription) ([]content.Subscription, bool) {
		for _, have := range subs {
			if have == sub {
				return subs, false
			}
		}
		if sub.Kind == content.SubAll {
			return []content.Subscription{sub}, true
		}
		out := []content.Subscription{}
		for _, have := range subs {
			if have.Kind != content.SubAll {
				out = append(out, have)
			}
		}
		return append(out, sub), true
	})
}

// Unsubscribe removes a subscription (SubAll removes every one, so nothing
// more is pushed). It reports false when there was nothing to remove.
func (s *Store) Unsubscribe(ctx context.Context, id string, sub content.Subscription) (bool, error) {
	return s.changeSubs(ctx, id, func(subs []content.Subscription) ([]content.Subscription, bool) {
		if sub.Kind == content.SubAll {
			return []content.Subscription{}, len(subs) > 0
		}
		out := []content.Subscription{}
		for _, have := range subs {
			if have != sub {
				out = append(out, have)
			}
		}
		return out, len(out) != len(subs)
	})
}

// changeSubs rewrites a subscriber's subscriptions and the fan-out
// indexes that mirror them.
func (s *Store) changeSubs(ctx context.Context, id string, change func([]content.Subscription) ([]content.Subscription, bool)) (bool, error) {
	cur, err := s.Subscriber(ctx, id)
	if err != nil {
		return false, err
	}
	next, changed := change(cur.Subs)
	if !changed {
		return false, nil
	}
	data, _ := json.Marshal(next)
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.k.subscriber(id), "subs", string(data))
		for _, old := range cur.Subs {
			p.SRem(ctx, s.subIndexKey(old), id)
		}
		for _, sub := range next {
			p.SAdd(ctx, s.subIndexKey(sub), id)
			if sub.Kind == content.SubKeyword {
				p.SAdd(ctx, s.k.subs("kws"), sub.Value)
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: change subscriptions of %s: %w", id, err)
	}
	return true, nil
}

// subIndexKey is the set of subscribers holding a subscription.
func (s *Store) subIndexKey(sub content.Subscription) string {
	switch sub.Kind {
	case content.SubAll:
		return s.k.subs("all")
	case content.SubKeyword:
		return s.k.subs("kw", sub.Value)
	default:
		return s.k.subs(sub.Kind, sub.Value)
	}
}

// audienceBatch is how many subscriber ids fan-out hands over at a time.
const audienceBatch = 1000

// Audience calls fn with batches of the active subscribers the bulletin
// goes to: its chosen audience (content.Audience), or when none was chosen
// those whose subscriptions match it (everything, its topics, its kind, or
// a keyword in its text). Digest-mode subscribers are left out unless
// includeDigest. The set is computed once in Redis and read in batches, so
// a province-sized audience never sits in memory at once.
func (s *Store) Audience(ctx context.Context, b *content.Bulletin, includeDigest bool, fn func([]content.Recipient) error) error {
	keys, platforms, err := s.bulletinSets(ctx, b)
	if err != nil {
		return err
	}
	within, done, err := s.unionSet(ctx, platforms)
	if err != nil {
		return err
	}
	defer done()
	return s.scanAudience(ctx, b.ID, keys, within, includeDigest, fn)
}

// subscribedKeys are the sets whose union is everyone whose subscriptions
// match the bulletin.
func (s *Store) subscribedKeys(ctx context.Context, b *content.Bulletin) ([]string, error) {
	keys := []string{s.k.subs("all"), s.k.subs(content.SubKind, string(b.Kind))}
	for _, t := range b.Tags {
		keys = append(keys, s.k.subs(content.SubTopic, t))
	}
	kws, err := s.rdb.SMembers(ctx, s.k.subs("kws")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: audience: %w", err)
	}
	text := b.Title + "\n" + b.Text()
	for _, kw := range kws {
		if kw != "" && strings.Contains(text, kw) {
			keys = append(keys, s.k.subs("kw", kw))
		}
	}
	return keys, nil
}

// AudienceOf calls fn with batches of the active subscribers in a
// segment, for the delivery of bulletinID (an announcement); a roster
// segment (content.RosterAudience) gives one account per person reached.
// scope, the units the sender administers (nil: everyone), limits it to
// the people of those units and below: for a roster segment its people
// there, for any other the accounts bound to them.
func (s *Store) AudienceOf(ctx context.Context, bulletinID string, seg content.Segment, scope []string, fn func([]content.Recipient) error) error {
	if seg.IsRoster() {
		return s.rosterAudience(ctx, bulletinID, seg, scope, fn)
	}
	keys, err := s.segmentKeys(seg)
	if err != nil {
		return err
	}
	within, err := s.scopeSet(ctx, scope)
	if err != nil {
		return err
	}
	if within != "" {
		defer s.rdb.Del(context.WithoutCancel(ctx), within)
	}
	return s.scanAudience(ctx, bulletinID, keys, within, true, fn)
}

// CountAudience is how many active subscribers a segment has within scope
// (nil: everyone): as many as AudienceOf gives for the same arguments.
func (s *Store) CountAudience(ctx context.Context, seg content.Segment, scope []string) (int64, error) {
	if seg.IsRoster() {
		return s.countRoster(ctx, seg, scope)
	}
	keys, err := s.segmentKeys(seg)
	if err != nil {
		return 0, err
	}
	within, err := s.scopeSet(ctx, scope)
	if err != nil {
		return 0, err
	}
	var in []string
	if within != "" {
		defer s.rdb.Del(context.WithoutCancel(ctx), within)
		in = []string{within}
	}
	n, err := s.countActive(ctx, keys, [][]string{in})
	if err != nil {
		return 0, fmt.Errorf("store: count audience: %w", err)
	}
	return n, nil
}

// segmentKeys are the sets whose union is a segment. A topic (or kind)
// segment is everyone whose subscriptions include it: those who follow it
// and those who receive everything.
func (s *Store) segmentKeys(seg content.Segment) ([]string, error) {
	kind, value, _ := strings.Cut(string(seg), ":")
	switch {
	case kind == "all" || kind == "":
		return []string{s.k.byStatus(content.StatusActive)}, nil
	case value == "":
		return nil, fmt.Errorf("store: segment %q names no value (want all, platform:tg, topic:防汛, unit:…, kind:meeting)", seg)
	case kind == content.SubTopic || kind == content.SubKind:
		return []string{s.k.subs(kind, value), s.k.subs("all")}, nil
	case kind == "platform" || kind == "unit":
		return []string{s.k.subs(kind, value)}, nil
	}
	return nil, fmt.Errorf("store: unknown segment %q (want all, platform:tg, topic:防汛, unit:…, kind:meeting)", seg)
}

// scanAudience calls fn with batches of the active subscribers in the
// union of keys, and in the set within unless it is "".
func (s *Store) scanAudience(ctx context.Context, bulletinID string, keys []string, within string, includeDigest bool, fn func([]content.Recipient) error) error {
	tmp := s.k.subs("tmp", randomToken())
	var size, seq *redis.IntCmd
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SUnionStore(ctx, tmp, keys...)
		p.SInterStore(ctx, tmp, tmp, s.k.byStatus(content.StatusActive))
		if within != "" {
			p.SInterStore(ctx, tmp, tmp, within)
		}
		if !includeDigest {
			p.SDiffStore(ctx, tmp, tmp, s.k.subs("digest"))
		}
		p.Expire(ctx, tmp, time.Hour)
		size = p.SCard(ctx, tmp)
		seq = p.IncrBy(ctx, s.k.subs("seq"), 0)
		return nil
	}); err != nil {
		return fmt.Errorf("store: audience: %w", err)
	}
	defer s.rdb.Del(context.WithoutCancel(ctx), tmp)
	if err := s.presizeBitmaps(ctx, bulletinID, size.Val(), seq.Val()); err != nil {
		return err
	}
	var cursor uint64
	for {
		ids, next, err := s.rdb.SScan(ctx, tmp, cursor, "", audienceBatch).Result()
		if err != nil {
			return fmt.Errorf("store: audience: %w", err)
		}
		if len(ids) > 0 {
			dense, err := s.rdb.HMGet(ctx, s.k.subs("idx"), ids...).Result()
			if err != nil {
				return fmt.Errorf("store: audience: %w", err)
			}
			batch := make([]content.Recipient, 0, len(ids))
			for i, id := range ids {
				str, _ := dense[i].(string)
				if n, err := strconv.ParseInt(str, 10, 64); err == nil {
					batch = append(batch, content.Recipient{ID: id, Dense: n})
				}
			}
			if err := fn(batch); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// DigestSubscribers lists the ids of active subscribers in digest mode.
func (s *Store) DigestSubscribers(ctx context.Context) ([]string, error) {
	return s.rdb.SInter(ctx, s.k.subs("digest"), s.k.byStatus(content.StatusActive)).Result()
}

// SubscriberIDs maps dense ids back to subscriber ids ("" for unknown).
func (s *Store) SubscriberIDs(ctx context.Context, dense []int64) ([]string, error) {
	if len(dense) == 0 {
		return nil, nil
	}
	fields := make([]string, len(dense))
	for i, d := range dense {
		fields[i] = strconv.FormatInt(d, 10)
	}
	vals, err := s.rdb.HMGet(ctx, s.k.subs("dense"), fields...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: map dense ids: %w", err)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i], _ = v.(string)
	}
	return out, nil
}

// CountSubscribers returns the subscriber tallies.
func (s *Store) CountSubscribers(ctx context.Context) (*content.SubscriberCounts, error) {
	units, err := s.rdb.SMembers(ctx, s.k.subs("units")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: count subscribers: %w", err)
	}
	platforms := []string{"tg", "wx", "wecom", "console"}
	cmds := map[string]*redis.IntCmd{}
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, st := range content.Statuses {
			cmds["status:"+string(st)] = p.SCard(ctx, s.k.byStatus(st))
		}
		for _, pl := range platforms {
			cmds["platform:"+pl] = p.SCard(ctx, s.k.subs("platform", pl))
		}
		for _, u := range units {
			cmds["unit:"+u] = p.SCard(ctx, s.k.subs("unit", u))
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: count subscribers: %w", err)
	}
	c := &content.SubscriberCounts{ByStatus: map[content.Status]int64{}, ByPlatform: map[string]int64{}, ByUnit: map[string]int64{}}
	for name, cmd := range cmds {
		kind, value, _ := strings.Cut(name, ":")
		n := cmd.Val()
		switch kind {
		case "status":
			c.ByStatus[content.Status(value)] = n
			c.Total += n
		case "platform":
			if n > 0 {
				c.ByPlatform[value] = n
			}
		case "unit":
			c.ByUnit[value] = n
		}
	}
	return c, nil
}

// ListSubscribers returns subscribers with a status ("" for all), sorted by
// id, at most limit of them.
func (s *Store) ListSubscribers(ctx context.Context, status content.Status, limit int) ([]*content.Subscriber, error) {
	var ids []string
	for _, st := range content.Statuses {
		if status != "" && st != status {
			continue
		}
		m, err := s.rdb.SMembers(ctx, s.k.byStatus(st)).Result()
		if err != nil {
			return nil, fmt.Errorf("store: list subscribers: %w", err)
		}
		ids = append(ids, m...)
	}
	sort.Strings(ids)
	if limit > 0 && len(ids) > limit {
		ids = ids[:limit]
	}
	out := make([]*content.Subscriber, 0, len(ids))
	for _, id := range ids {
		sub, err := s.Subscriber(ctx, id)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		out = append(out, sub)
	}
	return out, nil
}
