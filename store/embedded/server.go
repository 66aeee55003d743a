package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

const (
	// SnapshotFile is the name of the snapshot in the data folder; the one
	// before it is kept as SnapshotFile+".prev".
	SnapshotFile = "tongbao.snapshot"
	// LockFile is the name of the lock file in the data folder; it holds the
	// id of the process using the folder.
	LockFile = "tongbao.lock"
	// DefaultSnapshotEvery is the snapshot period when Options leaves it 0.
	DefaultSnapshotEvery = time.Minute
)

// Options configures Start.
type Options struct {
	// Dir is the data folder holding the snapshot and the lock file
	// (--data); it is created if missing. Required.
	Dir string
	// SnapshotEvery is the period of background snapshots; 0 means
	// DefaultSnapshotEvery.
	SnapshotEvery time.Duration
	// Logger gets the start notice and snapshot problems; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Server is a running embedded Redis. Its methods are safe for concurrent
// use.
type Server struct {
	mr    *miniredis.Miniredis
	rdb   *redis.Client // the server's own connection, for snapshots
	dir   string
	lock  *os.File
	log   *slog.Logger
	clock *expiryClock
	stop  chan struct{}
	done  chan struct{}

	snapMu sync.Mutex // one snapshot at a time

	statMu  sync.Mutex
	lastAt  time.Time // when the newest snapshot on disk was taken
	lastErr error     // the last snapshot attempt's failure

	closeOnce sync.Once
	closeErr  error
}

// Start locks opts.Dir, starts an in-process Redis on a loopback port,
// restores the snapshot found in the folder and starts the background
// snapshots and key expiry. It fails when another Server holds the folder
// (ErrLocked) or when the snapshot cannot be read (ErrCorruptSnapshot).
func Start(opts Options) (*Server, error) {
	if opts.Dir == "" {
		return nil, errors.New("embedded: no data folder (Options.Dir)")
	}
	if opts.SnapshotEvery <= 0 {
		opts.SnapshotEvery = DefaultSnapshotEvery
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded: create data folder: %w", err)
	}
	lock, err := lockDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	s, err := start(opts, lock)
	if err != nil {
		lock.Close()
		return nil, err
	}
	go s.run(opts.SnapshotEvery)
	return s, nil
}

// start brings the server up in a locked folder and restores its snapshot;
// on failure it leaves nothing running (but the lock).
func start(opts Options, lock *os.File) (*Server, error) {
	if err := removeTempFiles(opts.Dir); err != nil {
		return nil, err
	}
	taken, records, found, err := readSnapshotFile(opts.Dir)
	if err != nil {
		return nil, err
	}
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded: listen: %w", err)
	}
	mr.Server().SetPreHook(limitDatabases)
	s := &Server{
		mr:    mr,
		rdb:   redis.NewClient(&redis.Options{Addr: mr.Addr(), Protocol: 2, ReadTimeout: -1, ClientName: "tongbao-embedded"}),
		dir:   opts.Dir,
		lock:  lock,
		log:   opts.Logger,
		clock: newExpiryClock(mr),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	if found {
		n, err := restore(context.Background(), s.rdb, records, time.Now())
		if err != nil {
			s.rdb.Close()
			mr.Close()
			return nil, unrestorable(opts.Dir, err)
		}
		s.lastAt = taken
		s.log.Info("embedded store restored", "dir", opts.Dir, "keys", n, "expired", len(records)-n, "snapshot_taken", taken)
	}
	s.log.Info("embedded store started: it is for one small server; beyond that run a real Redis and pass --redis redis://…",
		"addr", mr.Addr(), "dir", opts.Dir, "snapshot_every", opts.SnapshotEvery)
	return s, nil
}

// Addr returns the loopback "host:port" the server listens on, for a
// go-redis client's Options.Addr.
func (s *Server) Addr() string {
	return s.mr.Addr()
}

// Snapshot writes the whole dataset to the data folder now.
func (s *Server) Snapshot(ctx context.Context) error {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	start := time.Now()
	s.clock.advance() // expired keys stay out of the snapshot
	taken, records, skippedHLL, err := dump(ctx, s.rdb)
	var size int64
	if err == nil {
		size, err = writeSnapshotFile(s.dir, taken, records)
	}
	s.statMu.Lock()
	s.lastErr = err
	if err == nil {
		s.lastAt = taken
	}
	s.statMu.Unlock()
	if err != nil {
		return err
	}
	if skippedHLL > 0 {
		s.log.Warn("embedded store: HyperLogLog keys cannot be saved and were left out of the snapshot", "hll_keys", skippedHLL)
	}
	s.log.Debug("embedded store snapshot", "keys", len(records), "bytes", size, "took", time.Since(start))
	return nil
}

// LastSnapshot returns when the newest snapshot on disk was taken (zero if
// there is none yet) and the error of the last attempt, nil if it succeeded.
func (s *Server) LastSnapshot() (time.Time, error) {
	s.statMu.Lock()
	defer s.statMu.Unlock()
	return s.lastAt, s.lastErr
}

// Keys returns the number of keys in all databases.
func (s *Server) Keys(ctx context.Context) (int64, error) {
	n, err := countScript.Run(ctx, s.rdb, nil, databases).Int64()
	if err != nil {
		return 0, fmt.Errorf("embedded: count keys: %w", err)
	}
	return n, nil
}

// Close takes a final snapshot, stops the server and releases the data
// folder. It returns the final snapshot's error; the server stops either
// way. Clients should be closed first: writes that race with Close may miss
// the final snapshot. Calling Close again returns the same result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		s.closeErr = s.Snapshot(context.Background())
		s.rdb.Close()
		s.mr.Close()
		s.lock.Close()
	})
	return s.closeErr
}

// run expires keys and takes the periodic snapshots until Close.
func (s *Server) run(snapshotEvery time.Duration) {
	defer close(s.done)
	snapshots := time.NewTicker(snapshotEvery)
	defer snapshots.Stop()
	expiry := time.NewTimer(minExpiryTick)
	defer expiry.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-expiry.C:
			expiry.Reset(s.clock.advance())
		case <-snapshots.C:
			if err := s.Snapshot(context.Background()); err != nil {
				s.log.Error("embedded store: periodic snapshot failed", "dir", s.dir, "err", err)
			}
		}
	}
}
