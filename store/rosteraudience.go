package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// RosterTarget is one person a roster audience intends: their member id,
// their unit now, and the account chosen to reach them (Bound false when
// they have no active account on any platform of the order: 未绑定).
type RosterTarget struct {
	Member    int64
	Unit      string
	Bound     bool
	Recipient content.Recipient
}

// ResolveRoster finds the people of a roster audience and, for each, the
// account to reach them on: the first platform of the audience's order on
// which they have an active account.
func (s *Store) ResolveRoster(ctx context.Context, a content.RosterAudience) ([]RosterTarget, error) {
	units, err := s.rdb.SMembers(ctx, s.k.roster("units")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: roster audience: %w", err)
	}
	var targets []RosterTarget
	if len(a.Units) > 0 || len(a.Posts) > 0 {
		if len(a.Units) > 0 {
			units = unitsWithin(units, a.Units)
		}
		var postIDs map[string]bool
		sets := make([]*redis.StringSliceCmd, len(units))
		posts := make([]*redis.StringSliceCmd, len(a.Posts))
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, u := range units {
				sets[i] = p.SMembers(ctx, s.k.roster("u", u))
			}
			for i, t := range a.Posts {
				posts[i] = p.SMembers(ctx, s.k.roster("t", t))
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("store: roster audience: %w", err)
		}
		if len(a.Posts) > 0 {
			postIDs = map[string]bool{}
			for _, c := range posts {
				for _, id := range c.Val() {
					postIDs[id] = true
				}
			}
		}
		for i, c := range sets {
			for _, v := range c.Val() {
				if postIDs != nil && !postIDs[v] {
					continue
				}
				id, _ := strconv.ParseInt(v, 10, 64)
				targets = append(targets, RosterTarget{Member: id, Unit: units[i]})
			}
		}
	}
	if len(a.IDs) > 0 {
		named, err := s.Members(ctx, a.IDs)
		if err != nil {
			return nil, err
		}
		for _, m := range named {
			if !slices.ContainsFunc(targets, func(t RosterTarget) bool { return t.Member == m.ID }) {
				targets = append(targets, RosterTarget{Member: m.ID, Unit: m.Unit})
			}
		}
	}
	ids := make([]int64, len(targets))
	for i, t := range targets {
		ids[i] = t.Member
	}
	picks, err := s.pickAccounts(ctx, ids, a.Order())
	if err != nil {
		return nil, err
	}
	for i := range targets {
		targets[i].Recipient, targets[i].Bound = picks[i].Recipient, picks[i].ok
	}
	return targets, nil
}

// resolveWithin resolves a roster segment and keeps its people in scope's
// units and below (all of them for nil).
func (s *Store) resolveWithin(ctx context.Context, seg content.Segment, scope []string) ([]RosterTarget, error) {
	a, err := content.ParseRosterAudience(seg)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	targets, err := s.ResolveRoster(ctx, a)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(targets, func(t RosterTarget) bool { return !content.WithinAny(t.Unit, scope) }), nil
}

// scopeSet writes the accounts bound to the people of scope's units (and
// below) to a temporary set beside the subscriber sets, for an audience to
// be intersected with, and returns its key; "" for no scope (everyone).
// The set is empty (absent) when nobody there has an account. The caller
// deletes it; it expires within the hour anyway.
func (s *Store) scopeSet(ctx context.Context, scope []string) (string, error) {
	if scope == nil {
		return "", nil
	}
	units, err := s.rdb.SMembers(ctx, s.k.roster("units")).Result()
	if err != nil {
		return "", fmt.Errorf("store: scope: %w", err)
	}
	ids, err := s.unitMembers(ctx, unitsWithin(units, scope))
	if err != nil {
		return "", err
	}
	key := s.k.subs("tmp", randomToken())
	const chunk = 10000
	for start := 0; start < len(ids); start += chunk {
		accs, err := s.rdb.HMGet(ctx, s.k.roster("ma"), idFields(ids[start:min(start+chunk, len(ids))])...).Result()
		if err != nil {
			return "", fmt.Errorf("store: scope: %w", err)
		}
		var members []any
		for _, v := range accs {
			for _, a := range parseAccounts(v) {
				members = append(members, a.ID)
			}
		}
		if len(members) == 0 {
			continue
		}
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.SAdd(ctx, key, members...)
			p.Expire(ctx, key, time.Hour)
			return nil
		}); err != nil {
			return "", fmt.Errorf("store: scope: %w", err)
		}
	}
	return key, nil
}

type pick struct {
	content.Recipient
	ok bool
}

// pickAccounts chooses for each member the account to reach them on: the
// first platform of order on which they have an active account.
func (s *Store) pickAccounts(ctx context.Context, ids []int64, order []string) ([]pick, error) {
	out := make([]pick, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	accs, err := s.rdb.HMGet(ctx, s.k.roster("ma"), idFields(ids)...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: roster accounts: %w", err)
	}
	per := make([][]boundAccount, len(ids))
	var all []any
	for i, v := range accs {
		per[i] = parseAccounts(v)
		for _, a := range per[i] {
			all = append(all, a.ID)
		}
	}
	if len(all) == 0 {
		return out, nil
	}
	active, err := s.rdb.SMIsMember(ctx, s.k.byStatus(content.StatusActive), all...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: roster accounts: %w", err)
	}
	k := 0
	for i, as := range per {
		best := len(order)
		for _, a := range as {
			if !active[k] {
				k++
				continue
			}
			k++
			platform, _, _ := strings.Cut(a.ID, ":")
			if rank := slices.Index(order, platform); rank >= 0 && rank < best {
				best = rank
				out[i] = pick{content.Recipient{ID: a.ID, Dense: a.Dense}, true}
			}
		}
	}
	return out, nil
}

// rosterAudience is AudienceOf for a roster segment: it records who the
// bulletin is meant for (each person within scope with their unit, marked
// when they cannot be reached) and hands over the accounts chosen to reach
// them.
func (s *Store) rosterAudience(ctx context.Context, bulletinID string, seg content.Segment, scope []string, fn func([]content.Recipient) error) error {
	targets, err := s.resolveWithin(ctx, seg, scope)
	if err != nil {
		return err
	}
	if err := s.recordIntended(ctx, bulletinID, targets); err != nil {
		return err
	}
	batch := make([]content.Recipient, 0, audienceBatch)
	for _, t := range targets {
		if !t.Bound {
			continue
		}
		batch = append(batch, t.Recipient)
		if len(batch) == audienceBatch {
			if err := fn(batch); err != nil {
				return err
			}
			batch = make([]content.Recipient, 0, audienceBatch)
		}
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// recordIntended stores a bulletin's intended readers with their units
// ("-" before the unit of those who could not be reached). A resumed
// fan-out writes the same again. The record expires with the bulletin's
// other delivery records (the delivery retention), and the list of roster
// bulletins forgets those older than that.
func (s *Store) recordIntended(ctx context.Context, bulletinID string, targets []RosterTarget) error {
	const chunk = 10000
	key := s.k.perBulletin(bulletinID, "ros")
	now := time.Now()
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		fields := make([]any, 0, 2*min(chunk, len(targets)))
		for _, t := range targets {
			v := t.Unit
			if !t.Bound {
				v = "-" + v
			}
			fields = append(fields, strconv.FormatInt(t.Member, 10), v)
			if len(fields) == 2*chunk {
				p.HSet(ctx, key, fields...)
				fields = fields[:0]
			}
		}
		if len(fields) > 0 {
			p.HSet(ctx, key, fields...)
		}
		p.ZAddNX(ctx, s.k.roster("sent"), redis.Z{Score: float64(now.UnixMilli()), Member: bulletinID})
		if s.cfg.DeliveryRetention > 0 {
			p.ZRemRangeByScore(ctx, s.k.roster("sent"), "-inf", "("+strconv.FormatInt(now.Add(-s.cfg.DeliveryRetention).UnixMilli(), 10))
		}
		return nil
	})
	if err == nil {
		err = s.retain(ctx, key)
	}
	if err != nil {
		return fmt.Errorf("store: record audience of %s: %w", bulletinID, err)
	}
	return nil
}

// retainScript gives the keys that have no expiry yet one of ARGV[2]
// seconds, after setting bit ARGV[1] of KEYS[1] unless it is "". KEYS: one
// bulletin's records.
var retainScript = redis.NewScript(`
if ARGV[1] ~= '' then redis.call('SETBIT', KEYS[1], ARGV[1], 1) end
if tonumber(ARGV[2]) > 0 then
  for _, k in ipairs(KEYS) do
    if redis.call('TTL', k) == -1 then redis.call('EXPIRE', k, ARGV[2]) end
  end
end
return 1`)

// retain gives a bulletin's roster records (keys of one bulletin) the
// delivery retention, counted from when they were first written, as its
// delivered and read bitmaps have.
func (s *Store) retain(ctx context.Context, keys ...string) error {
	if s.cfg.DeliveryRetention <= 0 {
		return nil
	}
	return retainScript.Run(ctx, s.rdb, keys, "", int64(s.cfg.DeliveryRetention/time.Second)).Err()
}

// markMemberRead records, for a bulletin sent to roster people, that the
// person an account is bound to now read it: a read counts for whoever
// was bound when it happened, so an account that is unbound and bound to
// someone else later neither takes its old reads to the new person nor
// gives the old one its new reads. subscriber is the account's id.
func (s *Store) markMemberRead(ctx context.Context, bulletinID, subscriber string) error {
	owner, err := s.rdb.HGet(ctx, s.k.roster("acc"), subscriber).Result()
	if errors.Is(err, redis.Nil) {
		return nil // bound to nobody
	}
	if err != nil {
		return fmt.Errorf("store: roster read of %s by %s: %w", bulletinID, subscriber, err)
	}
	keys := []string{s.k.perBulletin(bulletinID, "rread")}
	if err := retainScript.Run(ctx, s.rdb, keys, owner, int64(s.cfg.DeliveryRetention/time.Second)).Err(); err != nil {
		return fmt.Errorf("store: roster read of %s by %s: %w", bulletinID, subscriber, err)
	}
	return nil
}

// LatestRosterBulletin is the id of the bulletin last sent to roster
// people, or ErrNotFound.
func (s *Store) LatestRosterBulletin(ctx context.Context) (string, error) {
	ids, err := s.rdb.ZRevRange(ctx, s.k.roster("sent"), 0, 0).Result()
	if err != nil {
		return "", fmt.Errorf("store: latest roster bulletin: %w", err)
	}
	if len(ids) == 0 {
		return "", ErrNotFound
	}
	return ids[0], nil
}

// countRoster is CountAudience for a roster segment: how many of its
// people within scope can be reached.
func (s *Store) countRoster(ctx context.Context, seg content.Segment, scope []string) (int64, error) {
	targets, err := s.resolveWithin(ctx, seg, scope)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, t := range targets {
		if t.Bound {
			n++
		}
	}
	return n, nil
}

// RosterStatus tells, for a bulletin sent to roster people, where each
// intended reader stands, under the unit they were in when it was sent:
// read when they read it on an account bound to them at the time (so
// unbinding keeps what was read, and rebinding an account moves none of
// it), delivered when it reached any account they ever had bound.
// ErrNotFound when the bulletin was not sent to roster people.
func (s *Store) RosterStatus(ctx context.Context, bulletinID string) ([]content.MemberStatus, error) {
	intended, err := s.rdb.HGetAll(ctx, s.k.perBulletin(bulletinID, "ros")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: roster status %s: %w", bulletinID, err)
	}
	if len(intended) == 0 {
		return nil, ErrNotFound
	}
	fields := make([]string, 0, len(intended))
	for f := range intended {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	var hist, ma, names, gone *redis.SliceCmd
	var dlv, read *redis.StringCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		hist = p.HMGet(ctx, s.k.roster("hist"), fields...)
		ma = p.HMGet(ctx, s.k.roster("ma"), fields...)
		names = p.HMGet(ctx, s.k.roster("m"), fields...)
		gone = p.HMGet(ctx, s.k.roster("gone"), fields...)
		dlv = p.Get(ctx, s.k.perBulletin(bulletinID, "dlv"))
		read = p.Get(ctx, s.k.perBulletin(bulletinID, "rread"))
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: roster status %s: %w", bulletinID, err)
	}
	d, r := bitmapOf(dlv), bitmapOf(read)
	out := make([]content.MemberStatus, len(fields))
	for i, f := range fields {
		id, _ := strconv.ParseInt(f, 10, 64)
		unit, wasBound := intended[f], true
		if rest, ok := strings.CutPrefix(unit, "-"); ok {
			unit, wasBound = rest, false
		}
		st := content.MemberStatus{ID: id, Unit: unit, Name: memberName(names.Val()[i], gone.Val()[i])}
		st.Bound = wasBound || len(parseAccounts(ma.Val()[i])) > 0
		st.Read = bitSet(r, id)
		hs, _ := hist.Val()[i].(string)
		for _, x := range strings.Fields(hs) {
			n, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				continue
			}
			st.Delivered = st.Delivered || bitSet(d, n)
		}
		out[i] = st
	}
	return out, nil
}

// attributeRosterReads counts the reads of roster bulletins recorded
// before reads were counted per person (schema 2) for the people whose
// accounts, bound then or since, read them — the attribution those
// records allow — so no read recorded before the upgrade is lost.
func (s *Store) attributeRosterReads(ctx context.Context) error {
	ids, err := s.rdb.ZRange(ctx, s.k.roster("sent"), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("store: roster bulletins: %w", err)
	}
	for _, id := range ids {
		intended, err := s.rdb.HKeys(ctx, s.k.perBulletin(id, "ros")).Result()
		if err != nil {
			return fmt.Errorf("store: roster reads of %s: %w", id, err)
		}
		if len(intended) == 0 {
			continue // expired
		}
		var hist *redis.SliceCmd
		var read *redis.StringCmd
		var ttl *redis.DurationCmd
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			hist = p.HMGet(ctx, s.k.roster("hist"), intended...)
			read = p.Get(ctx, s.k.perBulletin(id, "read"))
			ttl = p.PTTL(ctx, s.k.perBulletin(id, "ros"))
			return nil
		}); err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("store: roster reads of %s: %w", id, err)
		}
		r := bitmapOf(read)
		key := s.k.perBulletin(id, "rread")
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, f := range intended {
				hs, _ := hist.Val()[i].(string)
				for _, x := range strings.Fields(hs) {
					if n, err := strconv.ParseInt(x, 10, 64); err == nil && bitSet(r, n) {
						member, _ := strconv.ParseInt(f, 10, 64)
						p.SetBit(ctx, key, member, 1)
						break
					}
				}
			}
			if ttl.Val() > 0 {
				p.PExpire(ctx, key, ttl.Val())
			}
			return nil
		}); err != nil {
			return fmt.Errorf("store: roster reads of %s: %w", id, err)
		}
	}
	return nil
}

// memberName is the name in a member record (on the roster, or left), ""
// when forgotten.
func memberName(current, gone any) string {
	for _, v := range []any{current, gone} {
		if str, _ := v.(string); str != "" {
			var rec memberRecord
			if json.Unmarshal([]byte(str), &rec) == nil {
				return rec.Name
			}
		}
	}
	return ""
}

// RosterReminders picks, of a roster bulletin's intended readers within
// scope (everyone for nil), those bound and not yet read who were never
// reminded of it, marks them reminded, and returns the accounts to remind
// them on (by order) and their statuses. Each person is reminded once per
// bulletin, whichever account and whoever asks.
func (s *Store) RosterReminders(ctx context.Context, bulletinID string, scope, order []string) ([]content.Recipient, []content.MemberStatus, error) {
	all, err := s.RosterStatus(ctx, bulletinID)
	if err != nil {
		return nil, nil, err
	}
	var cand []content.MemberStatus
	var ids []int64
	for _, st := range all {
		if st.Bound && !st.Read && st.Name != "" && content.WithinAny(st.Unit, scope) {
			cand = append(cand, st)
			ids = append(ids, st.ID)
		}
	}
	picks, err := s.pickAccounts(ctx, ids, order)
	if err != nil {
		return nil, nil, err
	}
	olds := make([]*redis.IntCmd, len(cand))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, st := range cand {
			if picks[i].ok {
				olds[i] = p.SetBit(ctx, s.k.perBulletin(bulletinID, "rrem"), st.ID, 1)
			}
		}
		return nil
	}); err != nil {
		return nil, nil, fmt.Errorf("store: roster reminders %s: %w", bulletinID, err)
	}
	var recips []content.Recipient
	var who []content.MemberStatus
	for i, st := range cand {
		if olds[i] != nil && olds[i].Val() == 0 {
			recips = append(recips, picks[i].Recipient)
			who = append(who, st)
		}
	}
	if len(recips) > 0 {
		s.rdb.HIncrBy(ctx, s.k.perBulletin(bulletinID, "stats"), "reminded", int64(len(recips)))
		if err := s.retain(ctx, s.k.perBulletin(bulletinID, "rrem")); err != nil {
			return nil, nil, fmt.Errorf("store: roster reminders %s: %w", bulletinID, err)
		}
	}
	return recips, who, nil
}
