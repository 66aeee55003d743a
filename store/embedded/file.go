package embedded

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrCorruptSnapshot is returned by Start when the snapshot in the data
// folder cannot be read; Start never falls back to an empty dataset.
var ErrCorruptSnapshot = errors.New("embedded: snapshot unreadable")

// prevSuffix names the snapshot kept from before the current one.
const prevSuffix = ".prev"

// writeSnapshotFile writes records to dir's SnapshotFile atomically: into a
// temporary file, fsynced, then renamed over the old snapshot, which is
// first hard-linked as SnapshotFile+".prev". At every moment SnapshotFile is
// a complete snapshot, old or new. It returns the file's size.
func writeSnapshotFile(dir string, meta snapshotMeta, records []Record) (int64, error) {
	tmp, err := os.CreateTemp(dir, SnapshotFile+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("embedded: create snapshot: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	w := bufio.NewWriterSize(tmp, 1<<16)
	err = encodeSnapshot(w, meta, records)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	var size int64
	if err == nil {
		var fi os.FileInfo
		if fi, err = tmp.Stat(); err == nil {
			size = fi.Size()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("embedded: write snapshot %s: %w", tmp.Name(), err)
	}

	path := filepath.Join(dir, SnapshotFile)
	prev := path + prevSuffix
	if err := os.Remove(prev); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("embedded: keep previous snapshot: %w", err)
	}
	if err := os.Link(path, prev); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("embedded: keep previous snapshot: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("embedded: install snapshot: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return 0, fmt.Errorf("embedded: install snapshot: %w", err)
	}
	return size, nil
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// readSnapshotFile reads dir's snapshot. found is false when there is none
// to restore. A snapshot that cannot be read is an ErrCorruptSnapshot naming
// the file and, when there is one, the previous snapshot to fall back on.
func readSnapshotFile(dir string) (meta snapshotMeta, records []Record, found bool, err error) {
	path := filepath.Join(dir, SnapshotFile)
	prev := path + prevSuffix
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, statErr := os.Stat(prev); statErr == nil {
			return snapshotMeta{}, nil, false, fmt.Errorf("%w: %s is missing but the previous snapshot %s is there; rename it to %s to restore it, or move it away to start empty", ErrCorruptSnapshot, path, prev, SnapshotFile)
		}
		return snapshotMeta{}, nil, false, nil
	}
	if err != nil {
		return snapshotMeta{}, nil, false, fmt.Errorf("embedded: open snapshot: %w", err)
	}
	defer f.Close()
	meta, records, err = decodeSnapshot(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return snapshotMeta{}, nil, false, unrestorable(dir, err)
	}
	return meta, records, true, nil
}

// unrestorable is the ErrCorruptSnapshot for dir's snapshot failing with
// err: it names the file and says how to recover.
func unrestorable(dir string, err error) error {
	path := filepath.Join(dir, SnapshotFile)
	prev := path + prevSuffix
	hint := "move it and the journal (" + JournalPrefix + "*) away to start empty"
	if _, statErr := os.Stat(prev); statErr == nil {
		hint = fmt.Sprintf("the previous snapshot %s may be intact: rename it to %s to restore it (the journal brings it up to date), or move both and the journal (%s*) away to start empty", prev, SnapshotFile, JournalPrefix)
	}
	return fmt.Errorf("%w: %s: %w; %s", ErrCorruptSnapshot, path, err, hint)
}

// removeTempFiles deletes temporary snapshots left by a crash.
func removeTempFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("embedded: list data folder: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, SnapshotFile+".") || !strings.HasSuffix(name, ".tmp") {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("embedded: remove stale snapshot: %w", err)
		}
	}
	return nil
}
