package embedded

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/alicebob/miniredis/v2/server"
)

// JournalPrefix starts the name of every journal segment in the data
// folder; an eight-digit sequence number follows.
const JournalPrefix = "tongbao.journal."

// ErrCorruptJournal is returned by Start when a journal segment is damaged
// anywhere but at its end (a crash leaves at most the last record half
// written; that one is cut off and logged), or a segment is missing.
var ErrCorruptJournal = errors.New("embedded: journal unreadable")

// listSegments returns the numbers of dir's journal segments, in order.
func listSegments(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded: list data folder: %w", err)
	}
	var seqs []uint64
	for _, e := range entries {
		num, ok := strings.CutPrefix(e.Name(), JournalPrefix)
		if !ok {
			continue
		}
		seq, err := strconv.ParseUint(num, 10, 64)
		if err != nil || len(num) < 8 {
			continue // not one of ours
		}
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	return seqs, nil
}

// segmentRead is what readSegment found in one segment.
type segmentRead struct {
	entries []entry
	whole   int64 // bytes of whole records
	size    int64 // the file's size; more than whole when the end is torn
}

// readSegment reads every record of the segment at path. A damaged record
// is an error unless nothing valid can follow it: it runs past the end of
// the file, is the file's last record, or only zero bytes follow (what a
// crash mid-write leaves); then the records before it are returned.
func readSegment(path string) (segmentRead, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return segmentRead{}, fmt.Errorf("embedded: read journal: %w", err)
	}
	r := segmentRead{size: int64(len(b))}
	for off := 0; off < len(b); {
		e, n, err := nextFrame(b[off:])
		if errors.Is(err, errTornFrame) && tornTail(b[off:]) {
			break
		}
		if err != nil {
			return segmentRead{}, fmt.Errorf("%w: %s: record at byte %d of %d: %w", ErrCorruptJournal, path, off, len(b), err)
		}
		r.entries = append(r.entries, e)
		off += n
		r.whole = int64(off)
	}
	return r, nil
}

// tornTail reports whether rest, starting with a damaged record, is what a
// crash in the middle of appending leaves.
func tornTail(rest []byte) bool {
	if len(rest) < frameHeader {
		return true
	}
	n := binary.LittleEndian.Uint32(rest)
	if n > 0 && n <= maxPayload && uint64(n)+frameHeader >= uint64(len(rest)) {
		return true // the last record, whole or cut short
	}
	for _, c := range rest {
		if c != 0 {
			return false
		}
	}
	return true
}

// applier replays journal entries into a miniredis through its command
// table, on a connection of its own, with the clock set to each entry's
// time, keeping the index of keys with a TTL as the live server did.
// Consecutive expiry ticks are applied as one (the last one's).
type applier struct {
	mr       *miniredis.Miniredis
	peer     *server.Peer
	expiries *expiries
	tick     *time.Time // the last tick not applied yet
}

func newApplier(x *expiries) *applier {
	return &applier{mr: x.mr, peer: server.NewPeer(bufio.NewWriter(io.Discard)), expiries: x}
}

// apply replays e. Replies are dropped: a command that failed when it first
// ran fails the same way again.
func (a *applier) apply(e *entry) {
	switch e.Kind {
	case kindTick:
		a.tick = &e.At
	case kindCommands:
		a.flush()
		a.mr.SetTime(e.At)
		a.expiries.refresh(e.DB, e.Cmds, e.At)
		a.do("SELECT", strconv.Itoa(e.DB))
		if e.Multi {
			a.do("MULTI")
		}
		for _, cmd := range e.Cmds {
			a.do(cmd...)
		}
		if e.Multi {
			a.do("EXEC")
		}
		a.expiries.afterWrite(e.DB, e.Cmds, e.At)
	}
}

// flush applies the pending tick.
func (a *applier) flush() {
	if a.tick == nil {
		return
	}
	a.mr.SetTime(*a.tick)
	a.expiries.expire(*a.tick)
	a.tick = nil
}

func (a *applier) do(args ...string) {
	a.mr.Server().Dispatch(a.peer, args)
}

// tornEnd says what replayJournal makes of a last segment that ends in the
// middle of a record.
type tornEnd int

const (
	// tornFails: it is ErrCorruptJournal (a compaction, whose segments
	// are all closed).
	tornFails tornEnd = iota
	// tornCut: the crash that left it is over; it is cut off the file and
	// logged (Start).
	tornCut
	// tornSkipped: the server that owns the folder is writing it; the
	// whole records before it are replayed and the file is left alone
	// (ReadFolder).
	tornSkipped
)

// replayJournal applies dir's segments numbered from from (at least 1) up
// to, not including, upTo into x's miniredis, in order, and returns the number of the last one (from-1 if
// there is none)
// and the time of the last entry (zero if none). torn says what a torn end
// of the last written segment is.
func replayJournal(dir string, from, upTo uint64, x *expiries, torn tornEnd, log *slog.Logger) (last uint64, lastAt int64, n int, err error) {
	seqs, err := listSegments(dir)
	if err != nil {
		return 0, 0, 0, err
	}
	seqs = slices.DeleteFunc(seqs, func(s uint64) bool { return s < from || s >= upTo })
	a := newApplier(x)
	last = from - 1
	var cut []uint64 // segments cut short so far: only empty ones may follow
	for _, seq := range seqs {
		path := segmentPath(dir, seq)
		if seq != last+1 {
			return 0, 0, 0, fmt.Errorf("%w: %s is there but %s is missing (the snapshot needs every segment from %d on); put it back, or move the snapshot and the journal (%s*) away to start empty",
				ErrCorruptJournal, path, segmentPath(dir, last+1), from, JournalPrefix)
		}
		r, err := readSegment(path)
		if err != nil {
			return 0, 0, 0, err
		}
		if len(cut) > 0 && r.size > 0 {
			return 0, 0, 0, fmt.Errorf("%w: %s ends with a damaged record but %s follows it", ErrCorruptJournal, segmentPath(dir, cut[0]), path)
		}
		if r.whole < r.size {
			switch {
			case torn == tornSkipped && seq == seqs[len(seqs)-1]:
				// The server that owns the folder is writing this record:
				// the ones before it are replayed.
			case torn == tornCut:
				cut = append(cut, seq)
				if err := os.Truncate(path, r.whole); err != nil {
					return 0, 0, 0, fmt.Errorf("embedded: cut torn journal record: %w", err)
				}
				log.Warn("embedded store: the journal ended with a half-written record (the server stopped while writing it); cut it off",
					"file", path, "kept_bytes", r.whole, "dropped_bytes", r.size-r.whole)
			default:
				return 0, 0, 0, fmt.Errorf("%w: %s: damaged record at byte %d", ErrCorruptJournal, path, r.whole)
			}
		}
		for i := range r.entries {
			a.apply(&r.entries[i])
			lastAt = r.entries[i].At.UnixNano()
		}
		n += len(r.entries)
		last = seq
	}
	a.flush()
	return last, lastAt, n, nil
}

// removeSegmentsBefore deletes dir's journal segments numbered below seq.
func removeSegmentsBefore(dir string, seq uint64) error {
	seqs, err := listSegments(dir)
	if err != nil {
		return err
	}
	for _, s := range seqs {
		if s >= seq {
			break
		}
		if err := os.Remove(segmentPath(dir, s)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("embedded: remove old journal: %w", err)
		}
	}
	return nil
}
