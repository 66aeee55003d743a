package store

import (
	"compress/gzip"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/store/embedded"
)

// A backup file is one gzip stream holding a gob stream: a backupHeader,
// then backupChunks of records (keys without the store's prefix), the last
// one marked End with the number of records before it. gzip's checksum
// catches damaged bytes, the End chunk a file cut short.
const (
	backupMagic = "tongbao-backup"
	// backupFormat is the layout of the backup files this build writes and
	// reads.
	backupFormat = 1
	// backupBatch is how many keys are read, written and restored at a time.
	backupBatch = 500
)

// ErrBadBackup is returned for a file that is not a whole Tongbao backup
// this build can read; nothing has been written when it is returned.
var ErrBadBackup = errors.New("not a usable Tongbao backup")

// ErrNotEmpty is returned by Restore when the store already holds data.
var ErrNotEmpty = errors.New("the store is not empty")

// BackupInfo describes a backup.
type BackupInfo struct {
	// Format is the file layout (backupFormat).
	Format int
	// Schema is the stored data's schema version (see CurrentSchema).
	Schema int
	// Taken is when the copy was made (for the embedded store, the moment
	// it holds; for Redis, when the copy began).
	Taken time.Time
	// Source says what the copy was read from: embedded, redis, sentinel
	// or cluster.
	Source string
	// Keys is the number of keys in the backup.
	Keys int
}

type backupHeader struct {
	Magic      string
	Format     int
	Schema     int
	TakenMilli int64
	Source     string
}

type backupChunk struct {
	Records []embedded.Record
	End     bool
	Total   int // records before the End chunk
}

// Progress is told how many keys are done out of how many are known so far
// (the total can grow while a copy runs).
type Progress func(done, total int)

// Backup writes a copy of every key under cfg.Prefix to w, from the store
// cfg describes, while other processes keep using it:
//
//   - The embedded store is read from its data folder (snapshot and
//     journal) without starting it, so a running `tongbao serve` keeps the
//     folder; the copy is the data at one moment, the last journal write.
//   - Redis and Redis Cluster (every master) are read key by key, each key
//     whole at one moment (a read-only script per key). Keys are copied in
//     an order that keeps the delivery protocol whole: open fan-out jobs and
//     their enqueue records first, then the delivery queues, then the rest
//     (delivered and read records among them), and the jobs again — so a
//     delivery acknowledged in the queue copy is delivered in the copy, and
//     one in flight is queued again, never lost. A change that spans several
//     keys made while the copy runs (a bulletin being stored) may be copied
//     part-way; keys created meanwhile are picked up by a last scan.
func Backup(ctx context.Context, cfg Config, deps Deps, w io.Writer, progress Progress) (BackupInfo, error) {
	cfg, deps = cfg.withDefaults(), deps.withDefaults()
	if progress == nil {
		progress = func(int, int) {}
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: %w", err)
	}
	bw := &backupWriter{enc: gob.NewEncoder(zw), prefix: cfg.Prefix}
	var info BackupInfo
	if strings.TrimSpace(cfg.URL) == EmbeddedURL {
		info, err = backupFolder(ctx, cfg, deps.Logger, bw, progress)
	} else {
		info, err = backupRedis(ctx, cfg, bw, progress)
	}
	if err != nil {
		return BackupInfo{}, err
	}
	if err := bw.enc.Encode(backupChunk{End: true, Total: bw.n}); err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: write: %w", err)
	}
	if err := zw.Close(); err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: write: %w", err)
	}
	info.Keys = bw.n
	return info, nil
}

// backupWriter encodes records in chunks.
type backupWriter struct {
	enc    *gob.Encoder
	prefix string
	n      int
}

func (bw *backupWriter) header(info BackupInfo) error {
	h := backupHeader{Magic: backupMagic, Format: backupFormat, Schema: info.Schema, TakenMilli: info.Taken.UnixMilli(), Source: info.Source}
	if err := bw.enc.Encode(h); err != nil {
		return fmt.Errorf("store: backup: write: %w", err)
	}
	return nil
}

// write encodes one chunk of records, their keys without the prefix.
func (bw *backupWriter) write(records []embedded.Record) error {
	if len(records) == 0 {
		return nil
	}
	for i := range records {
		records[i].DB = 0
		records[i].Key = strings.TrimPrefix(records[i].Key, bw.prefix)
	}
	if err := bw.enc.Encode(backupChunk{Records: records}); err != nil {
		return fmt.Errorf("store: backup: write: %w", err)
	}
	bw.n += len(records)
	return nil
}

// backupFolder copies the embedded store's data folder.
func backupFolder(ctx context.Context, cfg Config, log *slog.Logger, bw *backupWriter, progress Progress) (BackupInfo, error) {
	taken, all, skipped, err := embedded.ReadFolder(ctx, cfg.DataDir, log)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup of the embedded store in %s: %w", cfg.DataDir, err)
	}
	if skipped > 0 {
		log.Warn("backup: HyperLogLog keys cannot be read from the embedded store and were left out", "keys", skipped)
	}
	var records []embedded.Record
	schema := 0
	for _, r := range all {
		if r.DB != 0 || !strings.HasPrefix(r.Key, cfg.Prefix) {
			continue
		}
		if r.Key == (keys{p: cfg.Prefix}).schema() && r.Type == "string" {
			schema = parseSchema(r.Value)
		}
		records = append(records, r)
	}
	info := BackupInfo{Format: backupFormat, Schema: schema, Taken: taken, Source: "embedded"}
	if err := bw.header(info); err != nil {
		return BackupInfo{}, err
	}
	for start := 0; start < len(records); start += backupBatch {
		if err := bw.write(records[start:min(start+backupBatch, len(records))]); err != nil {
			return BackupInfo{}, err
		}
		progress(bw.n, len(records))
	}
	progress(bw.n, len(records))
	return info, nil
}

// backupRedis copies a Redis server or Cluster key by key.
func backupRedis(ctx context.Context, cfg Config, bw *backupWriter, progress Progress) (BackupInfo, error) {
	rdb, err := connect(ctx, cfg)
	if err != nil {
		return BackupInfo{}, err
	}
	defer rdb.Close()
	source := "redis"
	if _, ok := rdb.(*redis.ClusterClient); ok {
		source = "cluster"
	} else if strings.HasPrefix(strings.TrimSpace(cfg.URL), "redis-sentinel://") {
		source = "sentinel"
	}
	info := BackupInfo{Format: backupFormat, Taken: time.Now(), Source: source}
	k := keys{p: cfg.Prefix}
	v, err := rdb.Get(ctx, k.schema()).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return BackupInfo{}, fmt.Errorf("store: backup: schema version: %w", err)
	}
	info.Schema = parseSchema(v)
	if err := bw.header(info); err != nil {
		return BackupInfo{}, err
	}
	seen := map[string]bool{}
	var all []string
	collect := func(batch []string) error {
		for _, key := range batch {
			if !seen[key] {
				seen[key] = true
				all = append(all, key)
			}
		}
		return nil
	}
	match := escapeGlob(cfg.Prefix) + "*"
	if err := scanKeys(ctx, rdb, match, collect); err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: list keys: %w", err)
	}
	total := len(all)
	done := 0
	copyKeys := func(keys []string) error {
		for start := 0; start < len(keys); start += backupBatch {
			batch := keys[start:min(start+backupBatch, len(keys))]
			records, err := embedded.ReadKeys(ctx, rdb, batch)
			if err != nil {
				return fmt.Errorf("store: backup: %w", err)
			}
			if err := bw.write(records); err != nil {
				return err
			}
			done += len(batch)
			progress(done, total)
		}
		return nil
	}
	// The phases, in order (see Backup). The open jobs are read first and
	// again after the rest, and a job open at either moment is open in the
	// copy: resuming a finished fan-out sends nothing twice (the delivered
	// records stop it), missing an unfinished one would lose deliveries.
	phases := make([][]string, 3)
	var jobs []string
	for _, key := range all {
		switch {
		case strings.HasPrefix(key, k.jobs("")):
			jobs = append(jobs, key)
		case strings.HasPrefix(key, k.p+"{b:") && strings.HasSuffix(key, "}:enq"): // perBulletin(ID, "enq")
			phases[0] = append(phases[0], key)
		case strings.HasPrefix(key, k.p+"{q:"): // queue(PLATFORM, …)
			phases[1] = append(phases[1], key)
		default:
			phases[2] = append(phases[2], key)
		}
	}
	jobsFirst, err := embedded.ReadKeys(ctx, rdb, jobs)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: %w", err)
	}
	for _, p := range phases {
		if err := copyKeys(p); err != nil {
			return BackupInfo{}, err
		}
	}
	// Keys created while the copy ran.
	before := len(all)
	if err := scanKeys(ctx, rdb, match, collect); err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: list keys: %w", err)
	}
	var fresh []string
	for _, key := range all[before:] {
		if strings.HasPrefix(key, k.jobs("")) {
			jobs = append(jobs, key)
		} else {
			fresh = append(fresh, key)
		}
	}
	total += len(fresh)
	if err := copyKeys(fresh); err != nil {
		return BackupInfo{}, err
	}
	jobsLast, err := embedded.ReadKeys(ctx, rdb, jobs)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("store: backup: %w", err)
	}
	if err := bw.write(unionSets(jobsFirst, jobsLast)); err != nil {
		return BackupInfo{}, err
	}
	progress(done+len(jobs), total)
	return info, nil
}

// unionSets merges two reads of the same set keys: a key in either, with
// the members of both (a key that is no set in both reads: the later read).
func unionSets(first, last []embedded.Record) []embedded.Record {
	at := map[string]int{}
	var out []embedded.Record
	for _, r := range append(first, last...) {
		i, seen := at[r.Key]
		switch {
		case !seen:
			at[r.Key] = len(out)
			out = append(out, r)
		case out[i].Type == "set" && r.Type == "set":
			for _, m := range r.Items {
				if !slices.Contains(out[i].Items, m) {
					out[i].Items = append(out[i].Items, m)
				}
			}
		default:
			out[i] = r
		}
	}
	return out
}

// connect opens and checks a client for cfg.URL (not the embedded store).
func connect(ctx context.Context, cfg Config) (redis.UniversalClient, error) {
	rdb, err := NewClient(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %w", cfg.Setting, redactURL(cfg.URL), err)
	}
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("%s=%q: cannot reach Redis: %w", cfg.Setting, redactURL(cfg.URL), err)
	}
	return rdb, nil
}

// scanKeys calls fn with the keys matching match, in batches, on a server
// or on every master of a Cluster (fn is called from one goroutine at a
// time).
func scanKeys(ctx context.Context, rdb redis.UniversalClient, match string, fn func([]string) error) error {
	var mu sync.Mutex
	scan := func(ctx context.Context, c redis.Cmdable) error {
		var cursor uint64
		for {
			keys, next, err := c.Scan(ctx, cursor, match, 1000).Result()
			if err != nil {
				return err
			}
			mu.Lock()
			err = fn(keys)
			mu.Unlock()
			if err != nil || next == 0 {
				return err
			}
			cursor = next
		}
	}
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return scan(ctx, c) })
	}
	return scan(ctx, rdb)
}

// escapeGlob quotes the characters SCAN's MATCH treats specially.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// backupReader decodes a backup file.
type backupReader struct {
	zr  *gzip.Reader
	dec *gob.Decoder
}

// openBackup reads r's header.
func openBackup(r io.Reader) (*backupReader, BackupInfo, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, BackupInfo{}, fmt.Errorf("%w: not a gzip file (%v)", ErrBadBackup, err)
	}
	dec := gob.NewDecoder(zr)
	var h backupHeader
	err = dec.Decode(&h)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return nil, BackupInfo{}, fmt.Errorf("%w: cut short within its header", ErrBadBackup)
	case err != nil && !strings.Contains(err.Error(), "gob"):
		return nil, BackupInfo{}, fmt.Errorf("%w: damaged (%v)", ErrBadBackup, err)
	case err != nil || h.Magic != backupMagic:
		return nil, BackupInfo{}, fmt.Errorf("%w: it does not start with a Tongbao backup header", ErrBadBackup)
	}
	if h.Format != backupFormat {
		return nil, BackupInfo{}, fmt.Errorf("%w: file format %d, this build reads format %d (use the Tongbao version that wrote it)", ErrBadBackup, h.Format, backupFormat)
	}
	info := BackupInfo{Format: h.Format, Schema: h.Schema, Taken: time.UnixMilli(h.TakenMilli), Source: h.Source}
	return &backupReader{zr: zr, dec: dec}, info, nil
}

// each calls fn with every chunk of records and checks that the file ends
// where the backup says it does.
func (br *backupReader) each(fn func([]embedded.Record) error) (int, error) {
	n := 0
	for {
		var c backupChunk
		if err := br.dec.Decode(&c); err != nil {
			return n, fmt.Errorf("%w: damaged or cut short after %d keys (%v)", ErrBadBackup, n, err)
		}
		if c.End {
			if c.Total != n {
				return n, fmt.Errorf("%w: it ends after %d keys but says it holds %d", ErrBadBackup, n, c.Total)
			}
			break
		}
		if err := fn(c.Records); err != nil {
			return n, err
		}
		n += len(c.Records)
	}
	// gzip checks its checksum and length at the end of the stream.
	if _, err := io.Copy(io.Discard, br.zr); err != nil {
		return n, fmt.Errorf("%w: damaged at the end (%v)", ErrBadBackup, err)
	}
	return n, nil
}

// CheckBackup reads a whole backup file and returns what it holds, or an
// ErrBadBackup saying what is wrong with it.
func CheckBackup(r io.Reader) (BackupInfo, error) {
	br, info, err := openBackup(r)
	if err != nil {
		return BackupInfo{}, err
	}
	info.Keys, err = br.each(func([]embedded.Record) error { return nil })
	if err != nil {
		return BackupInfo{}, err
	}
	if info.Schema > CurrentSchema {
		return info, fmt.Errorf("%w: it holds data of schema version %d, this build knows up to %d: restore it with a newer Tongbao", ErrBadBackup, info.Schema, CurrentSchema)
	}
	return info, nil
}

// Restore loads a backup into the store. The file is read twice: first
// whole, to check it (a damaged, cut-short or too new file is refused with
// ErrBadBackup and nothing is written), then to load it. A store that
// holds data is refused with ErrNotEmpty unless force is set, which deletes
// every key under the store's prefix first. Keys whose time to live ran
// out since the backup are not restored. The restored data keeps the
// backup's schema version; the next start migrates it if it is older.
func (s *Store) Restore(ctx context.Context, r io.ReadSeeker, force bool, progress Progress) (BackupInfo, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	info, err := CheckBackup(r)
	if err != nil {
		return info, err
	}
	empty, err := s.Empty(ctx)
	if err != nil {
		return info, err
	}
	if !empty && !force {
		return info, ErrNotEmpty
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return info, fmt.Errorf("store: restore: rewind: %w", err)
	}
	br, _, err := openBackup(r)
	if err != nil {
		return info, err
	}
	// The store's own schema stamp (or, with force, everything) goes: the
	// data takes the backup's.
	if err := s.deleteAll(ctx, force); err != nil {
		return info, err
	}
	pipe := s.rdb.Pipeline()
	rp := embedded.NewReplayer(ctx, pipe)
	now := time.Now().UnixMilli()
	done := 0
	_, err = br.each(func(records []embedded.Record) error {
		for i := range records {
			rec := &records[i]
			done++
			if rec.ExpireAtMilli != 0 && rec.ExpireAtMilli <= now {
				continue
			}
			rec.Key = s.k.p + rec.Key
			if err := rp.Add(rec); err != nil {
				return fmt.Errorf("store: restore: %w", err)
			}
		}
		progress(done, info.Keys)
		return nil
	})
	if err == nil {
		err = rp.Flush()
	}
	if err != nil {
		return info, fmt.Errorf("store: restore stopped part-way (run it again with --force): %w", err)
	}
	return info, nil
}

// Empty reports whether the store holds no key under its prefix but the
// schema version.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	errFound := errors.New("found")
	stamp := s.k.schema()
	err := scanKeys(ctx, s.rdb, escapeGlob(s.k.p)+"*", func(keys []string) error {
		for _, k := range keys {
			if k != stamp {
				return errFound
			}
		}
		return nil
	})
	if errors.Is(err, errFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: is it empty: %w", err)
	}
	return true, nil
}

// deleteAll deletes the schema version and, with all, every key under the
// store's prefix.
func (s *Store) deleteAll(ctx context.Context, all bool) error {
	if err := s.rdb.Del(ctx, s.k.schema()).Err(); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	if !all {
		return nil
	}
	err := scanKeys(ctx, s.rdb, escapeGlob(s.k.p)+"*", func(keys []string) error {
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Del(ctx, k)
			}
			return nil
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("store: restore: delete what the store held: %w", err)
	}
	return nil
}
