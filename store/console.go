package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// The web console's sign-in links, sessions and pending broadcasts (keys
// console:…, see keys.go): a link and a session live under the hash of
// their token, with their TTL; console:sessions indexes the sessions by
// start time for the list; console:approvals holds the pending broadcasts.

// consoleToken returns a new random token and the hash the store keys it by.
func consoleToken() (token, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("store: console token: %w", err)
	}
	token = hex.EncodeToString(b[:])
	return token, ConsoleHash(token), nil
}

// ConsoleHash is the hash under which a link or session token is stored:
// a copy of the store never holds a token that opens the console.
func ConsoleHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewConsoleLink makes a one-time sign-in link token for admin, valid for
// ttl.
func (s *Store) NewConsoleLink(ctx context.Context, admin string, ttl time.Duration) (string, error) {
	token, hash, err := consoleToken()
	if err != nil {
		return "", err
	}
	if err := s.rdb.Set(ctx, s.k.console("link", hash), admin, ttl).Err(); err != nil {
		return "", fmt.Errorf("store: console link for %s: %w", admin, err)
	}
	return token, nil
}

// UseConsoleLink spends a sign-in link and returns the admin it was made
// for; ErrNotFound when the link is unknown, expired or already used. Of two
// concurrent uses exactly one succeeds.
func (s *Store) UseConsoleLink(ctx context.Context, token string) (string, error) {
	admin, err := s.rdb.GetDel(ctx, s.k.console("link", ConsoleHash(token))).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: use console link: %w", err)
	}
	return admin, nil
}

// StartConsoleSession opens a session for sess.Admin that lapses after idle
// without use; it returns the browser's token and the session (with its
// handle and CSRF token filled in).
func (s *Store) StartConsoleSession(ctx context.Context, sess content.ConsoleSession, idle time.Duration) (string, *content.ConsoleSession, error) {
	token, hash, err := consoleToken()
	if err != nil {
		return "", nil, err
	}
	csrf, _, err := consoleToken()
	if err != nil {
		return "", nil, err
	}
	sess.Handle, sess.CSRF = hash, csrf
	data, _ := json.Marshal(sess)
	// Two keys in different Cluster slots: a pipeline, not a transaction;
	// a session missing from the index is still valid, just not listed.
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.k.console("sess", hash), data, idle)
		p.ZAdd(ctx, s.k.console("sessions"), redis.Z{Score: float64(sess.Started.Unix()), Member: hash})
		return nil
	}); err != nil {
		return "", nil, fmt.Errorf("store: start console session for %s: %w", sess.Admin, err)
	}
	return token, &sess, nil
}

// ConsoleSession returns the session a browser token opens and keeps it
// alive for another idle period; ErrNotFound when it lapsed or was revoked.
// Its last use is written at most once a minute.
func (s *Store) ConsoleSession(ctx context.Context, token string, idle time.Duration, now time.Time) (*content.ConsoleSession, error) {
	key := s.k.console("sess", ConsoleHash(token))
	data, err := s.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: console session: %w", err)
	}
	var sess content.ConsoleSession
	if err := json.Unmarshal(data, &sess); err != nil {
		return nil, fmt.Errorf("store: console session: %w", err)
	}
	if now.Sub(sess.Seen) >= time.Minute {
		sess.Seen = now
		data, _ = json.Marshal(sess)
		// SET XX: a session revoked meanwhile stays revoked.
		if err := s.rdb.SetArgs(ctx, key, data, redis.SetArgs{Mode: "XX", TTL: idle}).Err(); err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("store: console session: %w", err)
		}
	}
	return &sess, nil
}

// ConsoleSessions lists the open sessions, newest first, forgetting those
// that lapsed.
func (s *Store) ConsoleSessions(ctx context.Context) ([]content.ConsoleSession, error) {
	index := s.k.console("sessions")
	hashes, err := s.rdb.ZRevRange(ctx, index, 0, -1).Result()
	if err != nil || len(hashes) == 0 {
		return nil, err
	}
	keys := make([]string, len(hashes))
	for i, h := range hashes {
		keys[i] = s.k.console("sess", h)
	}
	// One GET each: in a Cluster the keys live in different slots.
	cmds := make([]*redis.StringCmd, len(keys))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Get(ctx, k)
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: console sessions: %w", err)
	}
	var out []content.ConsoleSession
	var gone []any
	for i, c := range cmds {
		var sess content.ConsoleSession
		if str := c.Val(); str == "" || json.Unmarshal([]byte(str), &sess) != nil {
			gone = append(gone, hashes[i])
			continue
		}
		out = append(out, sess)
	}
	if len(gone) > 0 {
		s.rdb.ZRem(ctx, index, gone...)
	}
	return out, nil
}

// EndConsoleSession revokes a session by its handle; false when there was
// none.
func (s *Store) EndConsoleSession(ctx context.Context, handle string) (bool, error) {
	var del *redis.IntCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		del = p.Del(ctx, s.k.console("sess", handle))
		p.ZRem(ctx, s.k.console("sessions"), handle)
		return nil
	}); err != nil {
		return false, fmt.Errorf("store: end console session: %w", err)
	}
	return del.Val() == 1, nil
}

// ProposeBroadcast keeps a broadcast until a second admin approves it; it
// fills in the id.
func (s *Store) ProposeBroadcast(ctx context.Context, pb *content.PendingBroadcast) error {
	if pb.ID == "" {
		_, hash, err := consoleToken()
		if err != nil {
			return err
		}
		pb.ID = hash[:12]
	}
	data, _ := json.Marshal(pb)
	if err := s.rdb.HSet(ctx, s.k.console("approvals"), pb.ID, data).Err(); err != nil {
		return fmt.Errorf("store: propose broadcast: %w", err)
	}
	return nil
}

// PendingBroadcasts lists the broadcasts waiting for approval, oldest
// first.
func (s *Store) PendingBroadcasts(ctx context.Context) ([]content.PendingBroadcast, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.console("approvals")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: pending broadcasts: %w", err)
	}
	out := make([]content.PendingBroadcast, 0, len(m))
	for _, v := range m {
		var pb content.PendingBroadcast
		if json.Unmarshal([]byte(v), &pb) == nil {
			out = append(out, pb)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// takeScript removes a pending broadcast and returns it, so that of two
// admins approving (or one approving, one withdrawing) only one acts.
var takeScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then redis.call('HDEL', KEYS[1], ARGV[1]) end
return v`)

// TakeBroadcast removes a pending broadcast and returns it; ErrNotFound
// when it was already approved or withdrawn.
func (s *Store) TakeBroadcast(ctx context.Context, id string) (*content.PendingBroadcast, error) {
	v, err := takeScript.Run(ctx, s.rdb, []string{s.k.console("approvals")}, id).Text()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: take broadcast %s: %w", id, err)
	}
	var pb content.PendingBroadcast
	if err := json.Unmarshal([]byte(v), &pb); err != nil {
		return nil, fmt.Errorf("store: take broadcast %s: %w", id, err)
	}
	return &pb, nil
}

// FindSubscribers returns up to limit subscribers matching query — a
// subscriber id, or part of a name, id or unit — with a status ("" for
// any) and subscribed to topic ("" for any), sorted by unit then name: the
// first limit of them in that order, found through the search index
// (subsearch.go). An empty query lists the first subscribers in that
// order, or with a topic the first of its followers found (its set is
// scanned in batches until limit are found).
func (s *Store) FindSubscribers(ctx context.Context, query string, status content.Status, topic string, limit int) ([]*content.Subscriber, error) {
	query = strings.TrimSpace(query)
	if strings.Contains(query, ":") {
		if sub, err := s.Subscriber(ctx, query); err == nil && (status == "" || sub.Status == status) {
			return []*content.Subscriber{sub}, nil
		}
	}
	if query != "" || topic == "" {
		return s.searchSubscribers(ctx, query, status, topic, limit)
	}
	key := s.subIndexKey(content.Subscription{Kind: content.SubTopic, Value: topic})
	var out []*content.Subscriber
	var cursor uint64
	for len(out) < limit {
		ids, next, err := s.rdb.SScan(ctx, key, cursor, "", 1000).Result()
		if err != nil {
			return nil, fmt.Errorf("store: find subscribers: %w", err)
		}
		subs, err := s.loadSubscribers(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, sub := range subs {
			if status != "" && sub.Status != status {
				continue
			}
			out = append(out, sub)
			if len(out) == limit {
				break
			}
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	sortByUnit(out)
	return out, nil
}

// sortByUnit orders subscribers by unit (those without one last), then
// name, then id.
func sortByUnit(subs []*content.Subscriber) {
	sort.Slice(subs, func(i, j int) bool {
		ui, uj := subs[i].Unit, subs[j].Unit
		if (ui == "") != (uj == "") {
			return ui != ""
		}
		if ui != uj {
			return ui < uj
		}
		if subs[i].Name != subs[j].Name {
			return subs[i].Name < subs[j].Name
		}
		return subs[i].ID < subs[j].ID
	})
}

// SubscribersByDense loads the subscribers with these dense ids, in order,
// skipping any that are gone.
func (s *Store) SubscribersByDense(ctx context.Context, dense []int64) ([]*content.Subscriber, error) {
	ids, err := s.SubscriberIDs(ctx, dense)
	if err != nil {
		return nil, err
	}
	return s.loadSubscribers(ctx, ids)
}

// loadSubscribers reads subscribers by id in one round trip, in order,
// skipping empty ids and those that are gone.
func (s *Store) loadSubscribers(ctx context.Context, ids []string) ([]*content.Subscriber, error) {
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			if id != "" {
				cmds[i] = p.HGetAll(ctx, s.k.subscriber(id))
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: load subscribers: %w", err)
	}
	out := make([]*content.Subscriber, 0, len(ids))
	for i, c := range cmds {
		if c == nil {
			continue
		}
		if sub, err := decodeSubscriber(ids[i], c.Val()); err == nil {
			out = append(out, sub)
		}
	}
	return out, nil
}

// UnreadSubscribers returns who received a bulletin and has not read it,
// by unit then name, at most limit of them, and how many there are in all.
// Units are read one at a time, in order, until limit are found.
func (s *Store) UnreadSubscribers(ctx context.Context, bulletinID string, limit int) ([]*content.Subscriber, int64, error) {
	var dlv, read *redis.StringCmd
	var units *redis.StringSliceCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		dlv = p.Get(ctx, s.k.perBulletin(bulletinID, "dlv"))
		read = p.Get(ctx, s.k.perBulletin(bulletinID, "read"))
		units = p.SMembers(ctx, s.k.subs("units"))
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, fmt.Errorf("store: unread %s: %w", bulletinID, err)
	}
	unread := andNot(bitmapOf(dlv), bitmapOf(read))
	all := setBits(unread)
	names := units.Val()
	sort.Strings(names)
	var chosen []int64
	seen := map[int64]bool{}
	take := func(ds []int64) {
		for _, d := range ds {
			if len(chosen) >= limit {
				return
			}
			if !seen[d] {
				seen[d] = true
				chosen = append(chosen, d)
			}
		}
	}
	for _, u := range names {
		if len(chosen) >= limit {
			break
		}
		seg, err := s.rdb.Get(ctx, s.k.subs("ubm", u)).Bytes()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, 0, fmt.Errorf("store: unread %s: %w", bulletinID, err)
		}
		take(setBits(and(unread, seg)))
	}
	take(all) // those with no unit
	subs, err := s.SubscribersByDense(ctx, chosen)
	if err != nil {
		return nil, 0, err
	}
	sortByUnit(subs)
	return subs, int64(len(all)), nil
}

// RetryDeadLetter puts the dead letter at position index of a platform's
// list (as DeadLetters returns them) back on the queue, with its attempts
// reset; ErrNotFound when no entry there matches at (it moved or was
// retried already). A bulletin delivered meanwhile is still not sent twice:
// the sender's claim sees it delivered.
func (s *Store) RetryDeadLetter(ctx context.Context, platform string, index int64, at time.Time) (*content.DeadLetter, error) {
	key := s.k.queue(platform, "dead")
	raw, err := s.rdb.LIndex(ctx, key, index).Result()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: retry dead letter on %s: %w", platform, err)
	}
	var dl content.DeadLetter
	if err := json.Unmarshal([]byte(raw), &dl); err != nil || !dl.At.Equal(at) {
		return nil, ErrNotFound
	}
	// LREM removes this exact entry once; 0 means another admin took it.
	n, err := s.rdb.LRem(ctx, key, 1, raw).Result()
	if err != nil {
		return nil, fmt.Errorf("store: retry dead letter on %s: %w", platform, err)
	}
	if n == 0 {
		return nil, ErrNotFound
	}
	d := dl.Delivery
	d.StreamID, d.Attempt = "", 0
	if err := s.Enqueue(ctx, platform, []content.Delivery{d}); err != nil {
		return nil, err
	}
	return &dl, nil
}

// Reaches returns how many received and how many read each bulletin, in
// one round trip: what a list of bulletins shows, without the breakdowns
// of Stats.
func (s *Store) Reaches(ctx context.Context, ids []string) ([]content.Reach, error) {
	dlv := make([]*redis.StringCmd, len(ids))
	read := make([]*redis.StringCmd, len(ids))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			dlv[i] = p.Get(ctx, s.k.perBulletin(id, "dlv"))
			read[i] = p.Get(ctx, s.k.perBulletin(id, "read"))
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: reach of %d bulletins: %w", len(ids), err)
	}
	out := make([]content.Reach, len(ids))
	for i := range ids {
		d := bitmapOf(dlv[i])
		out[i] = content.Reach{Delivered: popcount(d), Read: popcount(and(bitmapOf(read[i]), d))}
	}
	return out, nil
}
