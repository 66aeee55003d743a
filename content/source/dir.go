package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"tongbao/content"
)

// DefaultSettle is how long a file must stay unchanged before it is read:
// copying a bulletin into the folder takes far less, and a file still being
// written is never read half-way.
const DefaultSettle = 2 * time.Second

// dirExts are the files a folder source reads. An old Word .doc is read to
// be refused with its reason (save it as .docx), which the source's status
// shows, rather than passed over in silence.
var dirExts = map[string]bool{".txt": true, ".html": true, ".htm": true, ".docx": true, ".doc": true}

// dirSource watches a folder: every .txt, .html, .htm, .docx or .doc file
// directly in it is an item, known by its name and the hash of its bytes.
type dirSource struct {
	cfg    Config
	settle time.Duration
	// wakeAt asks the poller for a scan at a time (a file not yet settled,
	// a file-system event).
	wakeAt func(time.Time)

	mu sync.Mutex
	// known caches each file's hash by size and modification time, so an
	// unchanged folder is scanned without reading its files.
	known map[string]fileSig
}

type fileSig struct {
	size int64
	mod  time.Time
	hash string
}

func newDirSource(cfg Config, settle time.Duration, wakeAt func(time.Time)) *dirSource {
	return &dirSource{cfg: cfg, settle: settle, wakeAt: wakeAt, known: map[string]fileSig{}}
}

func (s *dirSource) list(ctx context.Context, _ map[string]Validators) (*listing, error) {
	entries, err := os.ReadDir(s.cfg.Path)
	if err != nil {
		return nil, fsError("folder "+s.cfg.Path, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := &listing{}
	present := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || !dirExts[strings.ToLower(filepath.Ext(name))] {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed since ReadDir
		}
		present[name] = true
		if settled := info.ModTime().Add(s.settle); time.Now().Before(settled) {
			s.wakeAt(settled)
			continue
		}
		sig, ok := s.known[name]
		if !ok || sig.size != info.Size() || !sig.mod.Equal(info.ModTime()) {
			sig, err = s.sign(name, info)
			if errors.Is(err, errUnsettled) {
				s.wakeAt(time.Now().Add(s.settle))
				continue
			}
			if err != nil {
				l.notes = append(l.notes, err.Error())
				continue
			}
			s.known[name] = sig
		}
		l.items = append(l.items, s.file(name, sig))
	}
	for name := range s.known {
		if !present[name] {
			delete(s.known, name)
		}
	}
	sort.SliceStable(l.items, func(i, j int) bool { return l.items[i].when.Before(l.items[j].when) })
	return l, nil
}

// errUnsettled means a file changed while it was read.
var errUnsettled = errors.New("file changed while it was read")

// sign hashes a file whose size and time are info's; a file larger than
// the parser accepts is signed by size and time alone.
func (s *dirSource) sign(name string, info fs.FileInfo) (fileSig, error) {
	sig := fileSig{size: info.Size(), mod: info.ModTime()}
	if info.Size() > DefaultMaxBytes {
		sig.hash = fmt.Sprintf("large:%d:%d", info.Size(), info.ModTime().UnixNano())
		return sig, nil
	}
	data, err := s.read(name)
	if err != nil {
		return sig, err
	}
	after, err := os.Stat(filepath.Join(s.cfg.Path, name))
	if err != nil || after.Size() != info.Size() || !after.ModTime().Equal(info.ModTime()) {
		return sig, errUnsettled
	}
	sum := sha256.Sum256(data)
	sig.hash = hex.EncodeToString(sum[:16])
	return sig, nil
}

// read reads one file of the folder, refusing one larger than the parser
// accepts without reading it whole.
func (s *dirSource) read(name string) ([]byte, error) {
	f, err := os.Open(filepath.Join(s.cfg.Path, name))
	if err != nil {
		return nil, fsError("file "+name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, DefaultMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("file %s: cannot read it: %w", name, err)
	}
	if len(data) > DefaultMaxBytes {
		return nil, fmt.Errorf("file %s: %w (limit %s)", name, content.ErrTooLarge, size(DefaultMaxBytes))
	}
	return data, nil
}

// file makes one settled file an item.
func (s *dirSource) file(name string, sig fileSig) item {
	return item{key: name, hash: sig.hash, title: name, when: sig.mod, load: func(context.Context) ([]content.Input, error) {
		data, err := s.read(name)
		if err != nil {
			return nil, err
		}
		return []content.Input{{Data: data, Name: name, Charset: s.cfg.Charset, Fetched: sig.mod}}, nil
	}}
}

// watch asks for a scan whenever the folder changes, until ctx ends. When
// the folder cannot be watched the periodic rescan still finds new files.
func (s *dirSource) watch(ctx context.Context, log *slog.Logger) {
	w, err := fsnotify.NewWatcher()
	if err == nil {
		err = w.Add(s.cfg.Path)
		if err != nil {
			w.Close()
		}
	}
	if err != nil {
		log.Warn("source: cannot watch folder; rescanning it every interval instead",
			"source", s.cfg.Name, "path", s.cfg.Path, "interval", s.cfg.Interval, "err", err)
		return
	}
	defer w.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-w.Events:
			if !ok {
				return
			}
			s.wakeAt(time.Now().Add(s.settle))
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			log.Warn("source: folder watch", "source", s.cfg.Name, "err", err)
		}
	}
}

// fsError says in plain words why a folder or file ("folder /srv/in",
// "file a.txt") cannot be read.
func fsError(what string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &plainError{what + " does not exist", err}
	case errors.Is(err, fs.ErrPermission):
		return &plainError{what + ": permission denied", err}
	}
	return fmt.Errorf("%s: cannot read it: %w", what, err)
}
