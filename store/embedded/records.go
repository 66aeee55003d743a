package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

// folderAttempts is how often ReadFolder starts over when its read failed:
// the Server that owns the folder may compact it meanwhile and remove a
// journal segment the read had listed.
const folderAttempts = 3

// ReadFolder reads every key of the data folder dir as its snapshot and
// journal have them, without taking the folder's lock, so a running Server
// keeps serving meanwhile. The keys are those of one moment, the last
// journal entry written to the file (a Server writes its journal every
// FsyncEvery); a record the Server is still writing is not read. taken is
// that moment; skippedHLL counts the HyperLogLog keys left out (see the
// package documentation).
func ReadFolder(ctx context.Context, dir string, log *slog.Logger) (taken time.Time, records []Record, skippedHLL int, err error) {
	if st, err := os.Stat(dir); err != nil {
		return time.Time{}, nil, 0, fmt.Errorf("embedded: data folder: %w", err)
	} else if !st.IsDir() {
		return time.Time{}, nil, 0, fmt.Errorf("embedded: data folder %s is not a folder", dir)
	}
	if log == nil {
		log = slog.Default()
	}
	for attempt := 1; ; attempt++ {
		_, taken, records, skippedHLL, err = readFolder(ctx, dir, allSegments, tornSkipped, log)
		if err == nil || attempt == folderAttempts || ctx.Err() != nil {
			return taken, records, skippedHLL, err
		}
	}
}

// keyScript reads one key at one moment: {unix seconds, microseconds, type,
// PTTL, value}, or {unix seconds, microseconds, "none"} when the key is
// gone. It only reads, so it runs as EVALSHA_RO.
var keyScript = redis.NewScript(readLua + `
local out = redis.call('TIME')
local t = redis.call('TYPE', KEYS[1])['ok']
out[3] = t
if read[t] then
  out[4] = redis.call('PTTL', KEYS[1])
  out[5] = read[t](KEYS[1])
end
return out`)

// ReadKeys reads keys from a Redis server, a replica or a Cluster, each
// whole at one moment of its own (one script per key, which Redis runs with
// nothing in between), pipelined. Keys that no longer exist are left out.
// Every record's DB is 0: the client's database.
func ReadKeys(ctx context.Context, c redis.UniversalClient, keys []string) ([]Record, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	if err := keyScript.Load(ctx, c).Err(); err != nil {
		return nil, fmt.Errorf("embedded: load the key reader: %w", err)
	}
	cmds := make([]*redis.Cmd, len(keys))
	if _, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = keyScript.EvalShaRO(ctx, p, []string{k})
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("embedded: read %d keys: %w", len(keys), err)
	}
	out := make([]Record, 0, len(keys))
	for i, cmd := range cmds {
		res, err := cmd.Slice()
		if err != nil {
			return nil, fmt.Errorf("embedded: read %q: %w", keys[i], err)
		}
		rec, ok, err := parseKey(keys[i], res)
		if err != nil {
			return nil, fmt.Errorf("embedded: read %q: %w", keys[i], err)
		}
		if ok {
			out = append(out, rec)
		}
	}
	return out, nil
}

// parseKey turns keyScript's reply for key into a record; ok is false when
// the key was gone.
func parseKey(key string, res []any) (rec Record, ok bool, err error) {
	if len(res) < 3 {
		return Record{}, false, fmt.Errorf("reply has %d elements", len(res))
	}
	sec, err1 := intString(res[0])
	usec, err2 := intString(res[1])
	typ, err3 := bulk(res[2])
	if err := firstErr(err1, err2, err3); err != nil {
		return Record{}, false, err
	}
	if typ == "none" {
		return Record{}, false, nil
	}
	if len(res) != 5 {
		return Record{}, false, fmt.Errorf("a key of type %q cannot be read", typ)
	}
	taken := time.Unix(sec, usec*1000)
	rec = Record{Key: key, Type: typ}
	ttl, err := integer(res[3])
	if err == nil {
		err = rec.setValue(res[4], taken)
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("%s: %w", typ, err)
	}
	if ttl >= 0 {
		rec.ExpireAtMilli = taken.UnixMilli() + ttl
	}
	return rec, true, nil
}
