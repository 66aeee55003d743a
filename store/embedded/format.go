package embedded

import (
	"compress/gzip"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"time"
)

const (
	// formatMagic opens every snapshot, so that another gob file is not
	// mistaken for one.
	formatMagic = "tongbao-embedded-snapshot"
	// formatVersion is the snapshot layout this package writes; it reads
	// it and formatVersion1.
	formatVersion = 2
	// formatVersion1 is the layout of the snapshot-only store, before the
	// journal: the same without JournalFrom.
	formatVersion1 = 1
)

// header opens a snapshot.
type header struct {
	Magic   string
	Version int
	// TakenMilli is when the snapshot was taken, in Unix milliseconds of
	// the server's clock; pending stream entries' delivery times are
	// absolute too.
	TakenMilli int64
	// Keys is the number of records that follow.
	Keys int
	// JournalFrom is the first journal segment to replay after the
	// snapshot (0 in format 1: every segment there is).
	JournalFrom uint64
}

// snapshotMeta is what a snapshot says besides its keys.
type snapshotMeta struct {
	Taken       time.Time
	JournalFrom uint64
}

// Record is one key with its value, as snapshots and Tongbao's backups
// (store.Backup) hold it. Which value fields are set depends on Type.
type Record struct {
	DB   int
	Key  string
	Type string // string, hash, list, set, zset or stream
	// ExpireAtMilli is the absolute expiry in Unix milliseconds, 0 for none.
	ExpireAtMilli int64
	// Value is a string's value (bitmaps are strings).
	Value string
	// Items are a hash's fields and values, alternating; a list's elements
	// in order; a set's members; a sorted set's members.
	Items []string
	// Scores are a sorted set's scores, one per member of Items.
	Scores []float64
	// Stream is a stream's entries and consumer groups.
	Stream *StreamValue
}

// StreamValue is a stream's content.
type StreamValue struct {
	Entries []StreamEntry
	// LastGeneratedID is the highest ID the stream has handed out, which
	// can be above the last entry's after XDEL or XTRIM; "" for a stream
	// that was only ever created by XGROUP CREATE … MKSTREAM.
	LastGeneratedID string
	Groups          []StreamGroup
}

// StreamEntry is one stream entry.
type StreamEntry struct {
	ID     string
	Fields []string // field, value, field, value…
}

// StreamGroup is one consumer group.
type StreamGroup struct {
	Name            string
	LastDeliveredID string
	Consumers       []string
	Pending         []PendingEntry
}

// PendingEntry is one entry of a group's pending entries list.
type PendingEntry struct {
	ID                string
	Consumer          string
	Deliveries        int64
	LastDeliveryMilli int64 // Unix milliseconds
}

// encodeSnapshot writes a snapshot of records to w.
func encodeSnapshot(w io.Writer, meta snapshotMeta, records []Record) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return fmt.Errorf("embedded: gzip: %w", err)
	}
	enc := gob.NewEncoder(zw)
	h := header{Magic: formatMagic, Version: formatVersion, TakenMilli: meta.Taken.UnixMilli(), Keys: len(records), JournalFrom: meta.JournalFrom}
	if err := enc.Encode(h); err != nil {
		return fmt.Errorf("embedded: encode snapshot header: %w", err)
	}
	for i := range records {
		if err := enc.Encode(&records[i]); err != nil {
			return fmt.Errorf("embedded: encode key %q: %w", records[i].Key, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("embedded: gzip: %w", err)
	}
	return nil
}

// decodeSnapshot reads a whole snapshot from r. It fails unless r holds
// exactly one complete, intact snapshot of a known version: gzip's checksum
// catches flipped bits, the header's key count a truncated gob stream.
func decodeSnapshot(r io.Reader) (meta snapshotMeta, records []Record, err error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return snapshotMeta{}, nil, fmt.Errorf("not a gzip stream: %w", err)
	}
	dec := gob.NewDecoder(zr)
	var h header
	if err := dec.Decode(&h); err != nil {
		return snapshotMeta{}, nil, fmt.Errorf("header: %w", err)
	}
	if h.Magic != formatMagic {
		return snapshotMeta{}, nil, fmt.Errorf("header: not a Tongbao snapshot (magic %q)", h.Magic)
	}
	if h.Version != formatVersion && h.Version != formatVersion1 {
		return snapshotMeta{}, nil, fmt.Errorf("header: format version %d, this build reads versions %d and %d", h.Version, formatVersion1, formatVersion)
	}
	if h.Keys < 0 {
		return snapshotMeta{}, nil, fmt.Errorf("header: %d keys", h.Keys)
	}
	// The key count comes from the file: do not trust it with an allocation.
	records = make([]Record, 0, min(h.Keys, 1<<16))
	for i := range h.Keys {
		var rec Record
		if err := dec.Decode(&rec); err != nil {
			return snapshotMeta{}, nil, fmt.Errorf("key %d of %d: %w", i+1, h.Keys, err)
		}
		records = append(records, rec)
	}
	var extra Record
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("more keys than the header announces")
		}
		return snapshotMeta{}, nil, fmt.Errorf("after key %d: %w", h.Keys, err)
	}
	return snapshotMeta{Taken: time.UnixMilli(h.TakenMilli), JournalFrom: h.JournalFrom}, records, nil
}
