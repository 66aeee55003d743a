package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// journal appends entries to the current segment file of the data folder.
// Entries collect in memory (append, called in the order the commands ran)
// and reach the disk, fsynced, when sync runs: every Options.FsyncEvery and
// on Close. rotate starts a new segment, so that a compaction can fold the
// closed ones into a snapshot.
type journal struct {
	dir string

	mu       sync.Mutex // guards buf, seq and commands
	buf      []byte     // frames not yet written, for the segment seq
	seq      uint64
	commands uint64 // entries of commands appended since the journal opened

	syncMu  sync.Mutex // one sync or rotate at a time; guards f and written
	f       *os.File   // the segment seq
	written int64      // bytes of f known to be whole frames

	statMu  sync.Mutex
	durable time.Time // entries appended before this are on disk
	lastErr error     // the last write or fsync failure, nil once one succeeds
}

// openJournal creates segment seq in dir and makes it the current one.
func openJournal(dir string, seq uint64) (*journal, error) {
	f, err := createSegment(dir, seq)
	if err != nil {
		return nil, err
	}
	return &journal{dir: dir, seq: seq, f: f, durable: time.Now()}, nil
}

// createSegment creates the empty segment seq and makes its name durable.
func createSegment(dir string, seq uint64) (*os.File, error) {
	f, err := os.OpenFile(segmentPath(dir, seq), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("embedded: create journal: %w", err)
	}
	if err := syncDir(dir); err != nil {
		f.Close()
		return nil, fmt.Errorf("embedded: create journal: %w", err)
	}
	return f, nil
}

// append adds e to the journal's memory buffer; sync writes it out.
func (j *journal) append(e *entry) {
	j.mu.Lock()
	j.buf = appendFrame(j.buf, e)
	if e.Kind == kindCommands {
		j.commands++
	}
	j.mu.Unlock()
}

// sync writes the buffered entries to the current segment and fsyncs it.
// On failure the entries stay buffered for the next attempt, and the
// segment is cut back to its last whole frame.
func (j *journal) sync() error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	j.mu.Lock()
	data := j.buf
	j.buf = nil
	taken := time.Now()
	j.mu.Unlock()
	err := j.writeLocked(data)
	if err != nil {
		j.mu.Lock()
		j.buf = append(data, j.buf...)
		j.mu.Unlock()
	}
	j.setStatus(taken, err)
	return err
}

// writeLocked writes data at the end of the current segment and fsyncs it;
// j.syncMu is held.
func (j *journal) writeLocked(data []byte) error {
	if len(data) > 0 {
		if _, err := j.f.WriteAt(data, j.written); err != nil {
			j.f.Truncate(j.written) // best effort: the frames are retried
			return fmt.Errorf("embedded: write journal %s: %w", j.f.Name(), err)
		}
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("embedded: fsync journal %s: %w", j.f.Name(), err)
	}
	j.written += int64(len(data))
	return nil
}

// setStatus records the outcome of a write that held every entry appended
// before taken.
func (j *journal) setStatus(taken time.Time, err error) {
	j.statMu.Lock()
	defer j.statMu.Unlock()
	j.lastErr = err
	if err == nil {
		j.durable = taken
	}
}

// rotate closes the current segment, whole and fsynced, and starts the next
// one; it returns the new segment's number and how many entries of
// commands came before it since the journal opened. Entries appended before rotate
// returns are in the closed segments; later ones in the new one. Appends go
// on meanwhile: only the buffer swap holds them up.
func (j *journal) rotate() (seq, commands uint64, err error) {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	next, err := createSegment(j.dir, j.seq+1)
	if err != nil {
		return 0, 0, err
	}
	j.mu.Lock()
	data := j.buf
	j.buf = nil
	j.seq++
	seq, commands = j.seq, j.commands
	taken := time.Now()
	j.mu.Unlock()

	err = j.writeLocked(data)
	j.setStatus(taken, err)
	if err != nil {
		// Stay on the current segment, with data back in front of what
		// was appended meanwhile.
		j.mu.Lock()
		j.buf = append(data, j.buf...)
		j.seq--
		j.mu.Unlock()
		next.Close()
		os.Remove(next.Name())
		return 0, 0, err
	}
	j.f.Close()
	j.f, j.written = next, 0
	return seq, commands, nil
}

// commandCount returns how many entries of commands were appended since
// the journal opened.
func (j *journal) commandCount() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.commands
}

// status returns the time before which every appended entry is on disk,
// and the last write's error.
func (j *journal) status() (time.Time, error) {
	j.statMu.Lock()
	defer j.statMu.Unlock()
	return j.durable, j.lastErr
}

// close writes what is buffered and closes the segment.
func (j *journal) close() error {
	err := j.sync()
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	if cerr := j.f.Close(); err == nil && cerr != nil && !errors.Is(cerr, os.ErrClosed) {
		err = cerr
	}
	return err
}

// segmentPath names journal segment seq in dir.
func segmentPath(dir string, seq uint64) string {
	return filepath.Join(dir, fmt.Sprintf("%s%08d", JournalPrefix, seq))
}
