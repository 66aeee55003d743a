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
	"sync"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// The roster lives under one hash tag, {ros}, so an import, a sync or a
// binding changes it in one MULTI on Redis Cluster too:
//
//	{ros}:m          hash  member id → member JSON (everyone on the roster now)
//	{ros}:gone       hash  member id → {"name","unit"} of people who left (names for old receipts)
//	{ros}:u:UNIT     set   member ids of one unit (exactly that unit)
//	{ros}:t:POST     set   member ids holding a post
//	{ros}:units      set   units that have members
//	{ros}:acc        hash  subscriber id → member id (accounts bound now)
//	{ros}:ma         hash  member id → its bound accounts, "subscriber|dense" space-separated
//	{ros}:hist       hash  member id → dense ids of every account ever bound (reads count through them)
//	{ros}:codes      hash  invitation code → "member|expires|used by"
//	{ros}:mcode      hash  member id → its current code
//	{ros}:req        hash  bind request id → request JSON
//	{ros}:scope      hash  admin subscriber id → units they administer, comma-separated
//	{ros}:sent       zset  bulletins sent to roster people, by time sent
//	{ros}:seq, :reqseq     counters; {ros}:ver changes with every import or sync
//	{ros}:gen        string a random token set with every write of {ros}:m (the memo's check)
//
// Per bulletin sent to roster people, {b:ID}:ros maps each intended
// member to the unit they were in ("-" before it when they had no account)
// and {b:ID}:rrem is the bitmap of members reminded.

// ErrRosterChanged is returned when the roster changed between reading it
// and applying a change planned from it (two imports at once), or a
// binding kept conflicting with others: nothing was written. It is
// content.ErrRosterChanged, so the bot and the console can branch on it.
var ErrRosterChanged = content.ErrRosterChanged

// memberRecord is a member as stored in {ros}:m.
type memberRecord struct {
	Name    string `json:"n"`
	Unit    string `json:"u"`
	Post    string `json:"t,omitempty"`
	Phone   string `json:"m,omitempty"`
	WeComID string `json:"w,omitempty"`
	Source  string `json:"s,omitempty"`
}

func recordOf(m content.Member) string {
	data, _ := json.Marshal(memberRecord{m.Name, m.Unit, m.Post, m.Phone, m.WeComID, m.Source})
	return string(data)
}

func decodeMember(id int64, data string) (content.Member, error) {
	var r memberRecord
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return content.Member{}, fmt.Errorf("store: roster member %d: %w", id, err)
	}
	return content.Member{ID: id, Name: r.Name, Unit: r.Unit, Post: r.Post, Phone: r.Phone, WeComID: r.WeComID, Source: r.Source}, nil
}

// memberMemo keeps the roster as last read, decoded and sorted: reading
// the roster is one HGETALL, but decoding and sorting 100,000 records was
// most of a console roster page. A record whose text is unchanged is not
// decoded again, and an unchanged roster is not sorted again. The memo
// holds the last read only, so it never grows past the roster.
//
// Nor is the roster read again while {ros}:gen still holds the token of
// the read: every write of {ros}:m sets a new random one in the same
// MULTI (a counter would not do: a restore may bring back an old value
// with other records), so the same token is the same records.
type memberMemo struct {
	mu     sync.Mutex
	gen    string            // {ros}:gen when data was read; "" for none
	data   map[string]string // field → record text
	sorted []content.Member  // by unit, then name; no accounts
	fields []string          // sorted[i]'s field
}

// cached returns what decode last returned if the roster's token is still
// gen.
func (mm *memberMemo) cached(gen string) ([]content.Member, []string, bool) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	if gen == "" || gen != mm.gen {
		return nil, nil, false
	}
	return slices.Clone(mm.sorted), mm.fields, true
}

// decode returns the members of the roster hash m (field → record), read
// with the token gen, sorted by unit and name, and each one's field; the
// caller may change the members, not the fields.
func (mm *memberMemo) decode(m map[string]string, gen string) ([]content.Member, []string, error) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	if !sameRecords(mm.data, m) {
		known := make(map[string]content.Member, len(mm.sorted))
		for i, f := range mm.fields {
			if mm.data[f] == m[f] {
				known[f] = mm.sorted[i]
			}
		}
		sorted, fields := make([]content.Member, 0, len(m)), make([]string, 0, len(m))
		for f, v := range m {
			mem, ok := known[f]
			if !ok {
				id, _ := strconv.ParseInt(f, 10, 64)
				var err error
				if mem, err = decodeMember(id, v); err != nil {
					return nil, nil, err
				}
			}
			sorted, fields = append(sorted, mem), append(fields, f)
		}
		sort.Sort(byUnitName{sorted, fields})
		mm.data, mm.sorted, mm.fields = m, sorted, fields
	}
	mm.gen = gen
	return slices.Clone(mm.sorted), mm.fields, nil
}

// sameRecords reports whether two reads of the roster hash are the same.
func sameRecords(a, b map[string]string) bool {
	if a == nil || len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if w, ok := a[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// byUnitName sorts members, and their fields with them, by unit and name.
type byUnitName struct {
	members []content.Member
	fields  []string
}

func (s byUnitName) Len() int { return len(s.members) }
func (s byUnitName) Less(i, j int) bool {
	if s.members[i].Unit != s.members[j].Unit {
		return s.members[i].Unit < s.members[j].Unit
	}
	return s.members[i].Name < s.members[j].Name
}
func (s byUnitName) Swap(i, j int) {
	s.members[i], s.members[j] = s.members[j], s.members[i]
	s.fields[i], s.fields[j] = s.fields[j], s.fields[i]
}

// Roster returns everyone on the roster with their bound accounts, sorted
// by unit and name, and the roster's version for ApplyRoster.
func (s *Store) Roster(ctx context.Context) ([]content.Member, int64, error) {
	var m, ma *redis.MapStringStringCmd
	var ver, gen *redis.StringCmd
	read := func(records bool) error {
		if _, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			if records {
				m = p.HGetAll(ctx, s.k.roster("m"))
			}
			ma = p.HGetAll(ctx, s.k.roster("ma"))
			ver = p.Get(ctx, s.k.roster("ver"))
			gen = p.Get(ctx, s.k.roster("gen"))
			return nil
		}); err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("store: read roster: %w", err)
		}
		return nil
	}
	if err := read(false); err != nil {
		return nil, 0, err
	}
	out, fields, ok := s.members.cached(gen.Val())
	if !ok {
		if err := read(true); err != nil {
			return nil, 0, err
		}
		var err error
		if out, fields, err = s.members.decode(m.Val(), gen.Val()); err != nil {
			return nil, 0, err
		}
	}
	accounts := ma.Val()
	for i, f := range fields {
		out[i].Accounts = accountIDs(parseAccounts(accounts[f]))
	}
	v, _ := strconv.ParseInt(ver.Val(), 10, 64)
	return out, v, nil
}

// Members returns the members with the given ids (those still on the
// roster), with their bound accounts.
func (s *Store) Members(ctx context.Context, ids []int64) ([]content.Member, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	fields := idFields(ids)
	var m, ma *redis.SliceCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		m = p.HMGet(ctx, s.k.roster("m"), fields...)
		ma = p.HMGet(ctx, s.k.roster("ma"), fields...)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: read members: %w", err)
	}
	out := make([]content.Member, 0, len(ids))
	for i, id := range ids {
		data, _ := m.Val()[i].(string)
		if data == "" {
			continue
		}
		mem, err := decodeMember(id, data)
		if err != nil {
			return nil, err
		}
		mem.Accounts = accountIDs(parseAccounts(ma.Val()[i]))
		out = append(out, mem)
	}
	return out, nil
}

// FindMembers returns the members named name, in unit (or below it) when
// unit is not "".
func (s *Store) FindMembers(ctx context.Context, name, unit string) ([]content.Member, error) {
	units, err := s.rdb.SMembers(ctx, s.k.roster("units")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: find member: %w", err)
	}
	if unit != "" {
		units = unitsWithin(units, []string{unit})
	}
	ids, err := s.unitMembers(ctx, units)
	if err != nil {
		return nil, err
	}
	all, err := s.Members(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []content.Member
	for _, m := range all {
		if m.Name == name {
			out = append(out, m)
		}
	}
	return out, nil
}

// ApplyRoster writes a change planned (content.PlanRoster) from the roster
// at version: everything in one MULTI, or nothing when the roster changed
// since, or a binding changed meanwhile (ErrRosterChanged). New members
// get their ids here; members who
// leave keep their name and unit for old receipts, lose their accounts'
// bindings, and keep the history of what those accounts read.
func (s *Store) ApplyRoster(ctx context.Context, ch content.RosterChange, version int64) error {
	if ch.Empty() {
		return nil
	}
	var first int64
	if n := int64(len(ch.Added)); n > 0 {
		last, err := s.rdb.IncrBy(ctx, s.k.roster("seq"), n).Result()
		if err != nil {
			return fmt.Errorf("store: apply roster: %w", err)
		}
		first = last - n + 1
	}
	verKey := s.k.roster("ver")
	err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
		v, err := tx.Get(ctx, verKey).Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if v != version {
			return ErrRosterChanged
		}
		var removedAccounts []string
		if len(ch.Removed) > 0 {
			ids := make([]int64, len(ch.Removed))
			for i, m := range ch.Removed {
				ids[i] = m.ID
			}
			accs, err := tx.HMGet(ctx, s.k.roster("ma"), idFields(ids)...).Result()
			if err != nil {
				return err
			}
			for _, a := range accs {
				removedAccounts = append(removedAccounts, accountIDs(parseAccounts(a))...)
			}
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			s.writeChange(ctx, p, ch, first, removedAccounts)
			p.Incr(ctx, verKey)
			p.Set(ctx, s.k.roster("gen"), randomToken(), 0)
			return nil
		})
		return err
	}, verKey, s.k.roster("ma"))
	if err != nil {
		if errors.Is(err, ErrRosterChanged) || errors.Is(err, redis.TxFailedErr) {
			return ErrRosterChanged
		}
		return fmt.Errorf("store: apply roster: %w", err)
	}
	return s.syncUnits(ctx)
}

// writeChange queues a change's writes on p. New members are numbered from
// first on.
func (s *Store) writeChange(ctx context.Context, p redis.Pipeliner, ch content.RosterChange, first int64, removedAccounts []string) {
	const batch = 10000 // fields per HSET: keeps each command's reply small
	var records []any
	flush := func(force bool) {
		if len(records) >= 2*batch || (force && len(records) > 0) {
			p.HSet(ctx, s.k.roster("m"), records...)
			records = records[:0]
		}
	}
	byUnit := map[string][]any{}
	byPost := map[string][]any{}
	for i, r := range ch.Added {
		m := r.Member
		m.ID = first + int64(i)
		records = append(records, strconv.FormatInt(m.ID, 10), recordOf(m))
		flush(false)
		byUnit[m.Unit] = append(byUnit[m.Unit], m.ID)
		if m.Post != "" {
			byPost[m.Post] = append(byPost[m.Post], m.ID)
		}
	}
	for _, c := range ch.Changed {
		id := strconv.FormatInt(c.After.ID, 10)
		records = append(records, id, recordOf(c.After))
		flush(false)
		if c.Before.Unit != c.After.Unit {
			p.SRem(ctx, s.k.roster("u", c.Before.Unit), c.After.ID)
			byUnit[c.After.Unit] = append(byUnit[c.After.Unit], c.After.ID)
		}
		if c.Before.Post != c.After.Post {
			if c.Before.Post != "" {
				p.SRem(ctx, s.k.roster("t", c.Before.Post), c.After.ID)
			}
			if c.After.Post != "" {
				byPost[c.After.Post] = append(byPost[c.After.Post], c.After.ID)
			}
		}
	}
	flush(true)
	for u, ids := range byUnit {
		p.SAdd(ctx, s.k.roster("u", u), ids...)
		p.SAdd(ctx, s.k.roster("units"), u)
	}
	for t, ids := range byPost {
		p.SAdd(ctx, s.k.roster("t", t), ids...)
	}
	for _, m := range ch.Removed {
		s.removeMember(ctx, p, m)
	}
	if len(removedAccounts) > 0 {
		p.HDel(ctx, s.k.roster("acc"), removedAccounts...)
	}
}

// removeMember queues the writes that take a member off the roster, keeping
// their name and unit for old receipts and the history of their reads.
func (s *Store) removeMember(ctx context.Context, p redis.Pipeliner, m content.Member) {
	id := strconv.FormatInt(m.ID, 10)
	gone, _ := json.Marshal(memberRecord{Name: m.Name, Unit: m.Unit})
	p.HSet(ctx, s.k.roster("gone"), id, string(gone))
	p.HDel(ctx, s.k.roster("m"), id)
	p.SRem(ctx, s.k.roster("u", m.Unit), m.ID)
	if m.Post != "" {
		p.SRem(ctx, s.k.roster("t", m.Post), m.ID)
	}
	p.HDel(ctx, s.k.roster("ma"), id)
	p.HDel(ctx, s.k.roster("mcode"), id)
}

// syncUnits drops units that no longer have members from the unit list.
func (s *Store) syncUnits(ctx context.Context) error {
	units, err := s.rdb.SMembers(ctx, s.k.roster("units")).Result()
	if err != nil {
		return fmt.Errorf("store: roster units: %w", err)
	}
	cards := make([]*redis.IntCmd, len(units))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, u := range units {
			cards[i] = p.SCard(ctx, s.k.roster("u", u))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("store: roster units: %w", err)
	}
	var empty []any
	for i, c := range cards {
		if c.Val() == 0 {
			empty = append(empty, units[i])
		}
	}
	if len(empty) > 0 {
		return s.rdb.SRem(ctx, s.k.roster("units"), empty...).Err()
	}
	return nil
}

// RosterUnits lists the units that have members, sorted.
func (s *Store) RosterUnits(ctx context.Context) ([]string, error) {
	units, err := s.rdb.SMembers(ctx, s.k.roster("units")).Result()
	if err != nil {
		return nil, fmt.Errorf("store: roster units: %w", err)
	}
	sort.Strings(units)
	return units, nil
}

// Forget removes a member's personal data — name, post, phone, WeCom
// account, bindings, pending bind requests, their name in old receipts —
// while every count they are part of stays: old bulletins still count them
// (unnamed) as intended, delivered and read.
func (s *Store) Forget(ctx context.Context, m content.Member) error {
	verKey := s.k.roster("ver")
	id := strconv.FormatInt(m.ID, 10)
	reqs, err := s.BindRequests(ctx)
	if err != nil {
		return err
	}
	var theirs []string
	for _, r := range reqs {
		if r.MemberID == m.ID {
			theirs = append(theirs, strconv.FormatInt(r.ID, 10))
		}
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		s.removeMember(ctx, p, m)
		if len(m.Accounts) > 0 {
			p.HDel(ctx, s.k.roster("acc"), m.Accounts...)
		}
		if len(theirs) > 0 {
			p.HDel(ctx, s.k.roster("req"), theirs...)
		}
		p.HDel(ctx, s.k.roster("gone"), id)
		p.Incr(ctx, verKey)
		p.Set(ctx, s.k.roster("gen"), randomToken(), 0)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: forget member %d: %w", m.ID, err)
	}
	return s.syncUnits(ctx)
}

// unitMembers returns the member ids of the given units (exactly those).
func (s *Store) unitMembers(ctx context.Context, units []string) ([]int64, error) {
	cmds := make([]*redis.StringSliceCmd, len(units))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, u := range units {
			cmds[i] = p.SMembers(ctx, s.k.roster("u", u))
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: unit members: %w", err)
	}
	var ids []int64
	for _, c := range cmds {
		for _, v := range c.Val() {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}

// unitsWithin keeps the units that lie within one of tops.
func unitsWithin(units, tops []string) []string {
	var out []string
	for _, u := range units {
		if content.WithinAny(u, tops) {
			out = append(out, u)
		}
	}
	return out
}

// boundAccount is one account bound to a member, as {ros}:ma keeps it:
// the subscriber id with its dense id, so choosing an account for a
// delivery needs no second look-up.
type boundAccount struct {
	ID    string
	Dense int64
}

// parseAccounts reads a {ros}:ma value (an HMGET answer: nil for none).
func parseAccounts(v any) []boundAccount {
	str, _ := v.(string)
	var out []boundAccount
	for f := range strings.FieldsSeq(str) {
		id, d, _ := strings.Cut(f, "|")
		n, _ := strconv.ParseInt(d, 10, 64)
		out = append(out, boundAccount{id, n})
	}
	return out
}

func formatAccounts(as []boundAccount) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.ID + "|" + strconv.FormatInt(a.Dense, 10)
	}
	return strings.Join(parts, " ")
}

func accountIDs(as []boundAccount) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func idFields(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out
}
