package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// replica is a miniredis of its own with a client on it, on which a data
// folder's snapshot and journal are loaded: the live server at start, and
// the copy a compaction reads.
type replica struct {
	mr  *miniredis.Miniredis
	rdb *redis.Client
}

// startReplica starts an empty miniredis on a loopback port.
func startReplica() (*replica, error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded: listen: %w", err)
	}
	mr.Server().SetPreHook(limitDatabases)
	return &replica{
		mr:  mr,
		rdb: redis.NewClient(&redis.Options{Addr: mr.Addr(), Protocol: 2, ReadTimeout: -1, ClientName: "tongbao-embedded"}),
	}, nil
}

func (r *replica) close() {
	r.rdb.Close()
	r.mr.Close()
}

// loaded is where loading a data folder ended.
type loaded struct {
	meta     snapshotMeta
	restored int    // keys restored from the snapshot
	expired  int    // keys of the snapshot that had expired when it was taken
	entries  int    // journal entries replayed
	lastSeq  uint64 // the last journal segment replayed (meta.JournalFrom-1 if none)
	at       time.Time
	expiries *expiries // the restored keys that have a TTL, by deadline
}

// load restores a snapshot into r, with miniredis's clock at the time it
// was taken, then replays the journal segments from meta.JournalFrom up to
// (not including) upTo. at is the clock after the last entry.
func (r *replica) load(ctx context.Context, dir string, meta snapshotMeta, records []Record, upTo uint64, torn tornEnd, log *slog.Logger) (loaded, error) {
	r.mr.SetTime(meta.Taken)
	n, err := restore(ctx, r.rdb, records, meta.Taken)
	if err != nil {
		return loaded{}, unrestorable(dir, err)
	}
	from := max(meta.JournalFrom, 1)
	x := newExpiries(r.mr)
	x.addRecords(records, meta.Taken)
	last, lastAt, entries, err := replayJournal(dir, from, upTo, x, torn, log)
	if err != nil {
		return loaded{}, err
	}
	at := meta.Taken
	if entries > 0 {
		at = time.Unix(0, lastAt)
	}
	return loaded{expiries: x, meta: meta, restored: n, expired: len(records) - n, entries: entries, lastSeq: last, at: at}, nil
}

// compact writes a new snapshot of dir: the current snapshot with the
// journal segments before upTo replayed on a replica of its own, read
// there (the live server is not held meanwhile). The new snapshot starts
// the journal at upTo. Segments that even the replaced snapshot (now
// SnapshotFile.prev) no longer needs are removed.
func compact(ctx context.Context, dir string, upTo uint64, log *slog.Logger) (taken time.Time, keys int, size int64, skippedHLL int, err error) {
	meta, taken, records, skippedHLL, err := readFolder(ctx, dir, upTo, tornFails, log)
	if err != nil {
		return time.Time{}, 0, 0, 0, err
	}
	size, err = writeSnapshotFile(dir, snapshotMeta{Taken: taken, JournalFrom: upTo}, records)
	if err != nil {
		return time.Time{}, 0, 0, 0, err
	}
	if err := removeSegmentsBefore(dir, max(meta.JournalFrom, 1)); err != nil {
		return time.Time{}, 0, 0, 0, err
	}
	return taken, len(records), size, skippedHLL, nil
}

// readFolder loads dir's snapshot (meta is its header) and the journal
// segments before upTo on a replica of its own and reads every key there,
// as of the last entry replayed (taken).
func readFolder(ctx context.Context, dir string, upTo uint64, torn tornEnd, log *slog.Logger) (meta snapshotMeta, taken time.Time, records []Record, skippedHLL int, err error) {
	meta, records, _, err = readSnapshotFile(dir)
	if err != nil {
		return meta, time.Time{}, nil, 0, err
	}
	r, err := startReplica()
	if err != nil {
		return meta, time.Time{}, nil, 0, err
	}
	defer r.close()
	state, err := r.load(ctx, dir, meta, records, upTo, torn, log)
	if err != nil {
		return meta, time.Time{}, nil, 0, err
	}
	records = nil // let the old snapshot go before the new one is read
	// The keys are read with the clock at the last entry's time, and the
	// TTLs set to the time left then.
	r.mr.SetTime(state.at)
	state.expiries.refreshAll(state.at)
	taken, records, skippedHLL, err = dump(ctx, r.rdb)
	return meta, taken, records, skippedHLL, err
}

// allSegments is an upTo that replays every segment there is.
const allSegments = math.MaxUint64
