package store

import (
	"context"
	"crypto/rand"
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

// codeAlphabet has no 0/O, 1/I/L: codes are read off paper and typed.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// codeLen is a code's length: 31^8 ≈ 8.5e11 codes, so guessing one of a
// county's thousands of live codes takes about a hundred million tries
// (and every try is a chat message under the per-person message limit).
const codeLen = 8

func newCode() string {
	var b [codeLen]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b[:])
}

// normalizeCode folds a typed code to its stored form: upper case, without
// spaces or dashes.
func normalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '　':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// Invite gives each member a new one-time code, valid for ttl, replacing
// the code they had. It returns the codes by member id.
func (s *Store) Invite(ctx context.Context, ids []int64, ttl time.Duration, now time.Time) (map[int64]string, error) {
	if len(ids) == 0 {
		return map[int64]string{}, nil
	}
	old, err := s.rdb.HMGet(ctx, s.k.roster("mcode"), idFields(ids)...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: invite: %w", err)
	}
	out := make(map[int64]string, len(ids))
	expires := now.Add(ttl).Unix()
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		var codes, mcodes []any
		var stale []string
		for i, id := range ids {
			if c, _ := old[i].(string); c != "" {
				stale = append(stale, c)
			}
			c := newCode()
			out[id] = c
			codes = append(codes, c, fmt.Sprintf("%d|%d|", id, expires))
			mcodes = append(mcodes, strconv.FormatInt(id, 10), c)
		}
		if len(stale) > 0 {
			p.HDel(ctx, s.k.roster("codes"), stale...)
		}
		p.HSet(ctx, s.k.roster("codes"), codes...)
		p.HSet(ctx, s.k.roster("mcode"), mcodes...)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: invite: %w", err)
	}
	return out, nil
}

// BindCode binds a subscriber's account to the member a code was given
// to, and uses the code up. It fails with content.ErrCodeUnknown,
// ErrCodeUsed (also when the member has left), ErrCodeExpired, or
// ErrBoundElsewhere when the account belongs to another member.
func (s *Store) BindCode(ctx context.Context, code, subscriber string, now time.Time) (*content.Member, error) {
	code = normalizeCode(code)
	dense, err := s.accountDense(ctx, subscriber)
	if err != nil {
		return nil, err
	}
	codesKey := s.k.roster("codes")
	var bound *content.Member
	err = s.watchRetry(ctx, func(tx *redis.Tx) error {
		v, err := tx.HGet(ctx, codesKey, code).Result()
		if errors.Is(err, redis.Nil) {
			return content.ErrCodeUnknown
		}
		if err != nil {
			return err
		}
		parts := strings.SplitN(v, "|", 3)
		if len(parts) != 3 {
			return content.ErrCodeUnknown
		}
		id, _ := strconv.ParseInt(parts[0], 10, 64)
		exp, _ := strconv.ParseInt(parts[1], 10, 64)
		switch {
		case parts[2] != "":
			return content.ErrCodeUsed
		case now.Unix() >= exp:
			return content.ErrCodeExpired
		}
		m, err := s.bindTx(ctx, tx, id, subscriber, dense, func(p redis.Pipeliner) {
			p.HSet(ctx, codesKey, code, fmt.Sprintf("%d|%d|%s", id, exp, subscriber))
			p.HDel(ctx, s.k.roster("mcode"), parts[0])
		})
		bound = m
		return err
	}, codesKey, s.k.roster("acc"), s.k.roster("ma"))
	if err != nil {
		return nil, bindError(subscriber, err)
	}
	return bound, nil
}

// Bind binds a subscriber's account to a member (an admin approved it, or
// the WeCom directory lists the member's account). Binding an account
// already bound to the member is no change.
func (s *Store) Bind(ctx context.Context, memberID int64, subscriber string) (*content.Member, error) {
	dense, err := s.accountDense(ctx, subscriber)
	if err != nil {
		return nil, err
	}
	var bound *content.Member
	err = s.watchRetry(ctx, func(tx *redis.Tx) error {
		m, err := s.bindTx(ctx, tx, memberID, subscriber, dense, nil)
		bound = m
		return err
	}, s.k.roster("acc"), s.k.roster("ma"))
	if err != nil {
		return nil, bindError(subscriber, err)
	}
	return bound, nil
}

// watchRetries is how often a binding is tried again when another one
// changed the bindings between its WATCH and its EXEC: bindings of
// different people touch the same two hashes, so a crowd binding at once
// (a meeting room typing their codes) conflicts, and each retry succeeds
// for at least one of them.
const watchRetries = 100

// watchRetry runs fn under WATCH of keys, again while another client's
// write made its transaction fail.
func (s *Store) watchRetry(ctx context.Context, fn func(*redis.Tx) error, keys ...string) error {
	var err error
	for range watchRetries {
		if err = s.rdb.Watch(ctx, fn, keys...); !errors.Is(err, redis.TxFailedErr) {
			return err
		}
	}
	return err
}

// accountDense is the dense id of a subscriber about to be bound, who must
// exist (the bot records everyone who writes; a sync records members).
func (s *Store) accountDense(ctx context.Context, subscriber string) (int64, error) {
	dense, err := s.rdb.HGet(ctx, s.k.subs("idx"), subscriber).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("store: bind %s: %w", subscriber, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: bind %s: %w", subscriber, err)
	}
	return dense, nil
}

func bindError(subscriber string, err error) error {
	switch {
	case errors.Is(err, content.ErrCodeUnknown), errors.Is(err, content.ErrCodeUsed),
		errors.Is(err, content.ErrCodeExpired), errors.Is(err, content.ErrBoundElsewhere),
		errors.Is(err, ErrNotFound):
		return err
	case errors.Is(err, redis.TxFailedErr):
		return fmt.Errorf("store: bind %s: %w", subscriber, ErrRosterChanged)
	}
	return fmt.Errorf("store: bind %s: %w", subscriber, err)
}

// bindTx checks and (in the MULTI, with extra's writes) binds subscriber to
// member id inside a WATCH of {ros}:acc and {ros}:ma.
func (s *Store) bindTx(ctx context.Context, tx *redis.Tx, id int64, subscriber string, dense int64, extra func(redis.Pipeliner)) (*content.Member, error) {
	field := strconv.FormatInt(id, 10)
	data, err := tx.HGet(ctx, s.k.roster("m"), field).Result()
	if errors.Is(err, redis.Nil) {
		return nil, content.ErrCodeUsed // the member left the roster
	}
	if err != nil {
		return nil, err
	}
	m, err := decodeMember(id, data)
	if err != nil {
		return nil, err
	}
	owner, err := tx.HGet(ctx, s.k.roster("acc"), subscriber).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	if owner != "" && owner != field {
		return nil, content.ErrBoundElsewhere
	}
	accs, err := tx.HGet(ctx, s.k.roster("ma"), field).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	hist, err := tx.HGet(ctx, s.k.roster("hist"), field).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	bound := parseAccounts(accs)
	if !slices.ContainsFunc(bound, func(a boundAccount) bool { return a.ID == subscriber }) {
		bound = append(bound, boundAccount{subscriber, dense})
	}
	m.Accounts = accountIDs(bound)
	d := strconv.FormatInt(dense, 10)
	hs := strings.Fields(hist)
	if !slices.Contains(hs, d) {
		hs = append(hs, d)
	}
	_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.k.roster("acc"), subscriber, field)
		p.HSet(ctx, s.k.roster("ma"), field, formatAccounts(bound))
		p.HSet(ctx, s.k.roster("hist"), field, strings.Join(hs, " "))
		if extra != nil {
			extra(p)
		}
		return nil
	})
	return &m, err
}

// Unbind takes a subscriber's account off the member it is bound to;
// what it read still counts for them. It returns that member, or
// ErrNotFound when the account is bound to nobody.
func (s *Store) Unbind(ctx context.Context, subscriber string) (*content.Member, error) {
	var out *content.Member
	err := s.watchRetry(ctx, func(tx *redis.Tx) error {
		owner, err := tx.HGet(ctx, s.k.roster("acc"), subscriber).Result()
		if errors.Is(err, redis.Nil) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		accs, err := tx.HGet(ctx, s.k.roster("ma"), owner).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		rest := slices.DeleteFunc(parseAccounts(accs), func(a boundAccount) bool { return a.ID == subscriber })
		id, _ := strconv.ParseInt(owner, 10, 64)
		ms, err := s.Members(ctx, []int64{id})
		if err != nil {
			return err
		}
		if len(ms) == 1 {
			out = &ms[0]
			out.Accounts = accountIDs(rest)
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HDel(ctx, s.k.roster("acc"), subscriber)
			if len(rest) == 0 {
				p.HDel(ctx, s.k.roster("ma"), owner)
			} else {
				p.HSet(ctx, s.k.roster("ma"), owner, formatAccounts(rest))
			}
			return nil
		})
		return err
	}, s.k.roster("acc"), s.k.roster("ma"))
	if err != nil {
		return nil, bindError(subscriber, err)
	}
	return out, nil
}

// BoundMember returns the member a subscriber's account is bound to, or
// ErrNotFound.
func (s *Store) BoundMember(ctx context.Context, subscriber string) (*content.Member, error) {
	owner, err := s.rdb.HGet(ctx, s.k.roster("acc"), subscriber).Result()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: bound member of %s: %w", subscriber, err)
	}
	id, _ := strconv.ParseInt(owner, 10, 64)
	ms, err := s.Members(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, ErrNotFound
	}
	return &ms[0], nil
}

// RequestBind records a subscriber's request to be bound to a member, for
// an admin to approve. A second request of the same account for the same
// member returns the first.
func (s *Store) RequestBind(ctx context.Context, subscriber string, m content.Member, now time.Time) (content.BindRequest, error) {
	reqs, err := s.BindRequests(ctx)
	if err != nil {
		return content.BindRequest{}, err
	}
	for _, r := range reqs {
		if r.Subscriber == subscriber && r.MemberID == m.ID {
			return r, nil
		}
	}
	n, err := s.rdb.Incr(ctx, s.k.roster("reqseq")).Result()
	if err != nil {
		return content.BindRequest{}, fmt.Errorf("store: bind request: %w", err)
	}
	r := content.BindRequest{ID: n, Subscriber: subscriber, MemberID: m.ID, Name: m.Name, Unit: m.Unit, At: now}
	data, _ := json.Marshal(r)
	if err := s.rdb.HSet(ctx, s.k.roster("req"), strconv.FormatInt(n, 10), data).Err(); err != nil {
		return content.BindRequest{}, fmt.Errorf("store: bind request: %w", err)
	}
	return r, nil
}

// BindRequests lists the pending bind requests, oldest first.
func (s *Store) BindRequests(ctx context.Context) ([]content.BindRequest, error) {
	all, err := s.rdb.HGetAll(ctx, s.k.roster("req")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: bind requests: %w", err)
	}
	out := make([]content.BindRequest, 0, len(all))
	for _, v := range all {
		var r content.BindRequest
		if json.Unmarshal([]byte(v), &r) == nil {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// TakeBindRequest removes a pending request and returns it (to approve or
// refuse it); ErrNotFound when there is none with that id (another admin
// took it).
func (s *Store) TakeBindRequest(ctx context.Context, id int64) (content.BindRequest, error) {
	field := strconv.FormatInt(id, 10)
	var get *redis.StringCmd
	var del *redis.IntCmd
	if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get = p.HGet(ctx, s.k.roster("req"), field)
		del = p.HDel(ctx, s.k.roster("req"), field)
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return content.BindRequest{}, fmt.Errorf("store: take bind request %d: %w", id, err)
	}
	var r content.BindRequest
	if del.Val() == 0 || json.Unmarshal([]byte(get.Val()), &r) != nil {
		return r, ErrNotFound
	}
	return r, nil
}

// SetScope sets the units an admin administers (names and receipts of
// people in those units and below); no units removes the scope.
func (s *Store) SetScope(ctx context.Context, subscriber string, units []string) error {
	var err error
	if len(units) == 0 {
		err = s.rdb.HDel(ctx, s.k.roster("scope"), subscriber).Err()
	} else {
		err = s.rdb.HSet(ctx, s.k.roster("scope"), subscriber, strings.Join(units, ",")).Err()
	}
	if err != nil {
		return fmt.Errorf("store: scope of %s: %w", subscriber, err)
	}
	return nil
}

// Scope returns the units an admin administers, or nil when none were set.
func (s *Store) Scope(ctx context.Context, subscriber string) ([]string, error) {
	v, err := s.rdb.HGet(ctx, s.k.roster("scope"), subscriber).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: scope of %s: %w", subscriber, err)
	}
	return strings.Split(v, ","), nil
}
