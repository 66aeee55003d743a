package embedded

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/alicebob/miniredis/v2/server"
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
	// DefaultFsyncEvery is the journal's fsync period when Options leaves
	// it 0.
	DefaultFsyncEvery = time.Second
)

// Options configures Start.
type Options struct {
	// Dir is the data folder holding the snapshot, the journal and the lock
	// file (--data); it is created if missing. Required.
	Dir string
	// SnapshotEvery is the period of background snapshots, which fold the
	// journal into the snapshot; 0 means DefaultSnapshotEvery.
	SnapshotEvery time.Duration
	// FsyncEvery is how often the journal is written and fsynced: a crash
	// loses at most the writes of the last FsyncEvery. 0 means
	// DefaultFsyncEvery.
	FsyncEvery time.Duration
	// Logger gets the start notice and persistence problems; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Server is a running embedded Redis. Its methods are safe for concurrent
// use.
type Server struct {
	mr      *miniredis.Miniredis
	ln      net.Listener
	dir     string
	lock    *os.File
	log     *slog.Logger
	journal *journal
	stop    chan struct{}
	done    chan struct{}

	// writeMu orders every change to the data with its journal entry.
	writeMu  sync.Mutex
	waiters  map[*waiter]struct{} // clients waiting for data (runBlocking)
	expiries *expiries            // the keys that have a TTL, by deadline

	scriptsMu sync.Mutex
	scripts   map[string]string // script source by SHA-1

	connMu  sync.Mutex
	conns   map[net.Conn]struct{}
	closing bool
	clients sync.WaitGroup // the accept loop and the connections

	snapMu       sync.Mutex // one snapshot at a time
	snapCommands uint64     // journal.commandCount() when the last snapshot began

	statMu  sync.Mutex
	lastAt  time.Time // when the newest snapshot on disk was taken
	lastErr error     // the last snapshot attempt's failure

	closeOnce sync.Once
	closeErr  error
}

// Start locks opts.Dir, loads the snapshot and replays the journal found in
// the folder into an in-process Redis, listens on a loopback port and
// starts the journal, the background snapshots and key expiry. It fails
// when another Server holds the folder (ErrLocked), when the snapshot
// cannot be read (ErrCorruptSnapshot) or the journal is damaged other than
// at its very end (ErrCorruptJournal).
func Start(opts Options) (*Server, error) {
	if opts.Dir == "" {
		return nil, errors.New("embedded: no data folder (Options.Dir)")
	}
	if opts.SnapshotEvery <= 0 {
		opts.SnapshotEvery = DefaultSnapshotEvery
	}
	if opts.FsyncEvery <= 0 {
		opts.FsyncEvery = DefaultFsyncEvery
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
	go s.run(opts.SnapshotEvery, opts.FsyncEvery)
	return s, nil
}

// start loads the locked folder and starts serving; on failure it leaves
// nothing running (but the lock).
func start(opts Options, lock *os.File) (*Server, error) {
	if err := removeTempFiles(opts.Dir); err != nil {
		return nil, err
	}
	meta, records, found, err := readSnapshotFile(opts.Dir)
	if err != nil {
		return nil, err
	}
	r, err := startReplica()
	if err != nil {
		return nil, err
	}
	state, err := r.load(context.Background(), opts.Dir, meta, records, allSegments, tornCut, opts.Logger)
	if err != nil {
		r.close()
		return nil, err
	}
	// Clients come through the Server's own listener from now on; the
	// replica's served the restore only.
	r.rdb.Close()
	r.mr.Server().Close()
	fail := func(err error) (*Server, error) {
		r.mr.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(fmt.Errorf("embedded: listen: %w", err))
	}
	j, err := openJournal(opts.Dir, state.lastSeq+1)
	if err != nil {
		ln.Close()
		return fail(err)
	}
	s := &Server{
		mr:       r.mr,
		ln:       ln,
		dir:      opts.Dir,
		lock:     lock,
		log:      opts.Logger,
		journal:  j,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		waiters:  map[*waiter]struct{}{},
		expiries: state.expiries,
		scripts:  map[string]string{},
		conns:    map[net.Conn]struct{}{},
	}
	if state.entries > 0 {
		s.snapCommands = math.MaxUint64 // the replayed journal is still to fold
	}
	s.tick() // keys that expired while the server was down go now
	s.mr.SetTime(time.Time{})
	if found {
		s.lastAt = meta.Taken
		s.log.Info("embedded store restored", "dir", opts.Dir, "keys", state.restored, "expired", state.expired,
			"snapshot_taken", meta.Taken, "journal_entries", state.entries)
	} else if state.entries > 0 {
		s.log.Info("embedded store restored from its journal", "dir", opts.Dir, "journal_entries", state.entries)
	}
	s.clients.Add(1)
	go s.acceptClients()
	s.log.Info("embedded store started: it is for one small server; beyond that run a real Redis and pass --redis redis://…",
		"addr", s.Addr(), "dir", opts.Dir, "snapshot_every", opts.SnapshotEvery, "fsync_every", opts.FsyncEvery)
	return s, nil
}

// Addr returns the loopback "host:port" the server listens on, for a
// go-redis client's Options.Addr.
func (s *Server) Addr() string {
	return s.ln.Addr().String()
}

// Snapshot folds the journal into a new snapshot now. The live server is
// held only while the journal moves on to a new segment; the snapshot is
// read from a copy rebuilt from the previous snapshot and the journal.
func (s *Server) Snapshot(ctx context.Context) error {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	start := time.Now()
	var (
		taken      time.Time
		keys       int
		size       int64
		skippedHLL int
	)
	upTo, commands, err := s.journal.rotate()
	if err == nil {
		taken, keys, size, skippedHLL, err = compact(ctx, s.dir, upTo, s.log)
	}
	if err == nil {
		s.snapCommands = commands
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
	s.log.Debug("embedded store snapshot", "keys", keys, "bytes", size, "took", time.Since(start))
	return nil
}

// LastSnapshot returns when the newest snapshot on disk was taken (zero if
// there is none yet) and the error of the last attempt, nil if it succeeded.
func (s *Server) LastSnapshot() (time.Time, error) {
	s.statMu.Lock()
	defer s.statMu.Unlock()
	return s.lastAt, s.lastErr
}

// Durable returns a time before which every acknowledged write is on disk
// (the start of the last journal fsync that succeeded), and the error of
// the last journal write, nil if it succeeded.
func (s *Server) Durable() (time.Time, error) {
	return s.journal.status()
}

// Keys returns the number of keys in all databases.
func (s *Server) Keys(ctx context.Context) (int64, error) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	p := server.NewPeer(w)
	var n int64
	for db := range databases {
		s.dispatch(p, "SELECT", strconv.Itoa(db))
		p.Flush()
		buf.Reset()
		s.dispatch(p, "DBSIZE")
		p.Flush()
		line := bytes.TrimSpace(buf.Bytes())
		size, err := strconv.ParseInt(string(bytes.TrimPrefix(line, []byte(":"))), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("embedded: count keys: DBSIZE answered %q", line)
		}
		n += size
	}
	return n, ctx.Err()
}

// Close stops the server, writes the journal out, takes a final snapshot
// and releases the data folder. It returns the first error of these; the
// server stops either way. Calling Close again returns the same result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		s.closeClients()
		err := s.journal.sync()
		if serr := s.Snapshot(context.Background()); err == nil {
			err = serr
		}
		if jerr := s.journal.close(); err == nil {
			err = jerr
		}
		s.mr.Close()
		s.lock.Close()
		s.closeErr = err
	})
	return s.closeErr
}

// closeClients stops accepting, hangs up on every client and waits for
// their commands to finish.
func (s *Server) closeClients() {
	s.connMu.Lock()
	s.closing = true
	s.ln.Close()
	for nc := range s.conns {
		nc.Close()
	}
	s.connMu.Unlock()
	s.clients.Wait()
}

// run expires keys, fsyncs the journal and takes the periodic snapshots
// until Close.
func (s *Server) run(snapshotEvery, fsyncEvery time.Duration) {
	defer close(s.done)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { s.every(fsyncEvery, "journal fsync", s.journal.sync) })
	wg.Go(func() { s.every(snapshotEvery, "periodic snapshot", s.periodicSnapshot) })
	expiry := time.NewTimer(minExpiryTick)
	defer expiry.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-expiry.C:
			expiry.Reset(s.tick())
		}
	}
}

// periodicSnapshot takes a snapshot unless no command changed data since
// the last one: expiry ticks alone cost a replay little (consecutive ones
// are applied as one).
func (s *Server) periodicSnapshot() error {
	s.snapMu.Lock()
	last, _ := s.LastSnapshot()
	idle := s.snapCommands == s.journal.commandCount() && !last.IsZero()
	s.snapMu.Unlock()
	if idle {
		return nil
	}
	return s.Snapshot(context.Background())
}

// every runs f every period until Close, logging its failures.
func (s *Server) every(period time.Duration, what string, f func() error) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if err := f(); err != nil {
				s.log.Error("embedded store: "+what+" failed", "dir", s.dir, "err", err)
			}
		}
	}
}
