package embedded

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// readLua defines the Lua functions that read one key of each type: read[t](k)
// is the value of key k of type t (a stream's being {entries, last
// generated ID, groups}). dumpScript and keyScript share it.
const readLua = `
local function fields(flat)
  local m = {}
  for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end
  return m
end

local function stream(k)
  local groups = {}
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', k)) do
    local name = fields(g)['name']
    local consumers = {}
    for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', k, name)) do
      consumers[#consumers + 1] = fields(c)['name']
    end
    groups[#groups + 1] = {name, fields(g)['last-delivered-id'], consumers,
      redis.call('XPENDING', k, name, '-', '+', '2147483647')}
  end
  return {redis.call('XRANGE', k, '-', '+'),
    fields(redis.call('XINFO', 'STREAM', k))['last-generated-id'], groups}
end

local read = {
  string = function(k) return redis.call('GET', k) end,
  hash = function(k) return redis.call('HGETALL', k) end,
  list = function(k) return redis.call('LRANGE', k, 0, -1) end,
  set = function(k) return redis.call('SMEMBERS', k) end,
  zset = function(k) return redis.call('ZRANGE', k, 0, -1, 'WITHSCORES') end,
  stream = stream,
  hll = function(k) return 0 end,
}
`

// dumpScript reads every key of every database. miniredis runs a script
// under the lock that serializes all commands, so what it returns is one
// point in time. It returns {unix seconds, microseconds, group…}, a group
// being {db, type, keys, PTTLs, values} for the keys of one type in one
// database, with a stream's value {entries, last generated ID, groups} and a
// group's {name, last delivered ID, consumers, XPENDING entries}.
// miniredis's SCAN returns every key in one reply; HyperLogLogs (type "hll"
// in miniredis) are listed but cannot be read.
var dumpScript = redis.NewScript(readLua + `
local out = redis.call('TIME')
for db = 0, tonumber(ARGV[1]) - 1 do
  redis.call('SELECT', db)
  for t, value in pairs(read) do
    local keys = redis.call('SCAN', 0, 'TYPE', t)[2]
    if #keys > 0 then
      local ttls, values = {}, {}
      for i, k in ipairs(keys) do
        ttls[i] = redis.call('PTTL', k)
        values[i] = value(k)
      end
      out[#out + 1] = {db, t, keys, ttls, values}
    end
  end
end
return out
`)

// dump reads the whole dataset through dumpScript and returns it as records
// sorted by database and key, with the time it was read and the number of
// HyperLogLog keys left out.
func dump(ctx context.Context, rdb *redis.Client) (taken time.Time, records []Record, skippedHLL int, err error) {
	res, err := dumpScript.Run(ctx, rdb, nil, databases).Slice()
	if err != nil {
		return time.Time{}, nil, 0, fmt.Errorf("embedded: read dataset: %w", err)
	}
	taken, records, skippedHLL, err = parseDump(res)
	if err != nil {
		return time.Time{}, nil, 0, fmt.Errorf("embedded: read dataset: %w", err)
	}
	slices.SortFunc(records, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.DB, b.DB), cmp.Compare(a.Key, b.Key))
	})
	return taken, records, skippedHLL, nil
}

// parseDump turns dumpScript's reply into records.
func parseDump(res []any) (taken time.Time, records []Record, skippedHLL int, err error) {
	if len(res) < 2 {
		return time.Time{}, nil, 0, fmt.Errorf("reply has %d elements", len(res))
	}
	sec, err1 := intString(res[0])
	usec, err2 := intString(res[1])
	if err := firstErr(err1, err2); err != nil {
		return time.Time{}, nil, 0, fmt.Errorf("TIME: %w", err)
	}
	taken = time.Unix(sec, usec*1000)
	for _, g := range res[2:] {
		group, err := array(g, 5)
		if err != nil {
			return time.Time{}, nil, 0, err
		}
		db, err1 := integer(group[0])
		typ, err2 := bulk(group[1])
		keys, err3 := bulks(group[2])
		ttls, err4 := array(group[3], len(keys))
		values, err5 := array(group[4], len(keys))
		if err := firstErr(err1, err2, err3, err4, err5); err != nil {
			return time.Time{}, nil, 0, err
		}
		if typ == "hll" {
			skippedHLL += len(keys)
			continue
		}
		for i, key := range keys {
			rec := Record{DB: int(db), Key: key, Type: typ}
			ttl, err := integer(ttls[i])
			if err == nil {
				err = rec.setValue(values[i], taken)
			}
			if err != nil {
				return time.Time{}, nil, 0, fmt.Errorf("db %d %s %q: %w", db, typ, key, err)
			}
			if ttl >= 0 {
				rec.ExpireAtMilli = taken.UnixMilli() + ttl
			}
			records = append(records, rec)
		}
	}
	return taken, records, skippedHLL, nil
}

// setValue fills r's value fields from the script's value for r.Type.
func (r *Record) setValue(v any, taken time.Time) error {
	var err error
	switch r.Type {
	case "string":
		r.Value, err = bulk(v)
	case "hash", "list", "set":
		r.Items, err = bulks(v)
	case "zset":
		r.Items, r.Scores, err = scored(v)
	case "stream":
		r.Stream, err = parseStream(v, taken)
	default:
		err = errors.New("unknown type")
	}
	return err
}

// scored splits ZRANGE … WITHSCORES into members and scores. miniredis
// prints scores like Redis (fpconv's shortest round-tripping form, inf and
// -inf), so parsing them gives back the exact float64.
func scored(v any) (members []string, scores []float64, err error) {
	flat, err := bulks(v)
	if err != nil {
		return nil, nil, err
	}
	if len(flat)%2 != 0 {
		return nil, nil, errors.New("odd ZRANGE reply")
	}
	for i := 0; i < len(flat); i += 2 {
		s, err := strconv.ParseFloat(flat[i+1], 64)
		if err != nil {
			return nil, nil, fmt.Errorf("score of %q: %w", flat[i], err)
		}
		members = append(members, flat[i])
		scores = append(scores, s)
	}
	return members, scores, nil
}

// parseStream reads a stream's {entries, last generated ID, groups}.
func parseStream(v any, taken time.Time) (*StreamValue, error) {
	parts, err := array(v, 3)
	if err != nil {
		return nil, err
	}
	entries, err1 := array(parts[0], -1)
	lastID, err2 := bulk(parts[1])
	groups, err3 := array(parts[2], -1)
	if err := firstErr(err1, err2, err3); err != nil {
		return nil, err
	}
	s := &StreamValue{LastGeneratedID: lastID}
	for _, e := range entries {
		pair, err := array(e, 2)
		if err != nil {
			return nil, fmt.Errorf("entry: %w", err)
		}
		id, err1 := bulk(pair[0])
		fields, err2 := bulks(pair[1])
		if err := firstErr(err1, err2); err != nil {
			return nil, fmt.Errorf("entry: %w", err)
		}
		s.Entries = append(s.Entries, StreamEntry{ID: id, Fields: fields})
	}
	for _, g := range groups {
		group, err := parseGroup(g, taken)
		if err != nil {
			return nil, fmt.Errorf("group: %w", err)
		}
		s.Groups = append(s.Groups, group)
	}
	// miniredis lists groups in map order; a snapshot keeps them sorted.
	slices.SortFunc(s.Groups, func(a, b StreamGroup) int { return cmp.Compare(a.Name, b.Name) })
	return s, nil
}

// parseGroup reads a group's {name, last delivered ID, consumers, XPENDING
// entries}; XPENDING gives the time since the last delivery, which becomes
// an absolute time.
func parseGroup(v any, taken time.Time) (StreamGroup, error) {
	parts, err := array(v, 4)
	if err != nil {
		return StreamGroup{}, err
	}
	name, err1 := bulk(parts[0])
	last, err2 := bulk(parts[1])
	consumers, err3 := bulks(parts[2])
	pending, err4 := array(parts[3], -1)
	if err := firstErr(err1, err2, err3, err4); err != nil {
		return StreamGroup{}, err
	}
	slices.Sort(consumers)
	g := StreamGroup{Name: name, LastDeliveredID: last, Consumers: consumers}
	for _, p := range pending {
		entry, err := array(p, 4)
		if err != nil {
			return StreamGroup{}, fmt.Errorf("pending: %w", err)
		}
		id, err1 := bulk(entry[0])
		consumer, err2 := bulk(entry[1])
		idle, err3 := integer(entry[2])
		deliveries, err4 := integer(entry[3])
		if err := firstErr(err1, err2, err3, err4); err != nil {
			return StreamGroup{}, fmt.Errorf("pending: %w", err)
		}
		g.Pending = append(g.Pending, PendingEntry{
			ID: id, Consumer: consumer, Deliveries: deliveries,
			LastDeliveryMilli: taken.UnixMilli() - idle,
		})
	}
	return g, nil
}

// array asserts that v is an array of n elements (any number if n < 0).
func array(v any, n int) ([]any, error) {
	a, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("got %T, want an array", v)
	}
	if n >= 0 && len(a) != n {
		return nil, fmt.Errorf("got %d elements, want %d", len(a), n)
	}
	return a, nil
}

// bulk asserts that v is a string.
func bulk(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("got %T, want a string", v)
	}
	return s, nil
}

// bulks asserts that v is an array of strings.
func bulks(v any) ([]string, error) {
	a, err := array(v, -1)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(a))
	for i, e := range a {
		if out[i], err = bulk(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// integer asserts that v is an integer.
func integer(v any) (int64, error) {
	n, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("got %T, want an integer", v)
	}
	return n, nil
}

// intString parses a string holding an integer, as TIME replies.
func intString(v any) (int64, error) {
	s, err := bulk(v)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
