package source

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// writeOld writes a file and dates it a minute back, so it counts as
// settled at once.
func writeOld(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
}

// inputsNamed returns the inputs handed over for a file name.
func (r *recorder) inputsNamed(name string) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out [][]byte
	for _, in := range r.inputs {
		if in.Name == name {
			out = append(out, in.Data)
		}
	}
	return out
}

// TestDirWatch runs a poller over a folder: files written after the start
// are picked up by file-system events (the rescan interval is an hour), a
// file written slowly is read once, complete.
func TestDirWatch(t *testing.T) {
	dir := t.TempDir()
	writeOld(t, filepath.Join(dir, qingxiMeet), testdata(t, qingxiMeet))
	writeOld(t, filepath.Join(dir, "scan.pdf"), []byte("%PDF-1.4"))
	writeOld(t, filepath.Join(dir, ".hidden.txt"), testdata(t, qingxiFlood))
	st := openStore(t)
	rec := newRecorder()
	p, err := New(PollerConfig{Sources: []Config{{Name: "inbox", Type: TypeDir, Path: dir, Interval: time.Hour}}, Owner: "a", Settle: DefaultSettle},
		Deps{Ingest: rec.ingest, Status: st, Lease: st, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	waitFor(t, "the file present at start", func() bool { return rec.stored() == 1 })

	t.Run("file written after start", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(dir, lanxiText), testdata(t, lanxiText), 0o644); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the new file", func() bool { return rec.stored() == 2 })
		if got := rec.titles()[1]; got != sampleTitles[0] {
			t.Errorf("stored %q", got)
		}
	})

	t.Run("file written slowly in two parts", func(t *testing.T) {
		full := testdata(t, qingxiFlood)
		half := len(full) / 2
		path := filepath.Join(dir, qingxiFlood)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(full[:half])
		// Kept: the pause between the two writes is what is tested. The
		// settle time is measured from the file's modification time, on the
		// wall clock, and cannot be injected; 200 ms is a tenth of it, so
		// only a machine stalled for 1.8 s between two writes could fail.
		time.Sleep(200 * time.Millisecond)
		f.Write(full[half:])
		f.Close()
		waitFor(t, "the slow file", func() bool { return rec.stored() == 3 })
		got := rec.inputsNamed(qingxiFlood)
		if len(got) != 1 || !bytes.Equal(got[0], full) {
			t.Errorf("the slow file was handed over %d times; complete: %v", len(got), len(got) > 0 && bytes.Equal(got[0], full))
		}
	})

	t.Run("ignored files", func(t *testing.T) {
		if n := len(rec.inputsNamed("scan.pdf")) + len(rec.inputsNamed(".hidden.txt")); n != 0 {
			t.Errorf("%d inputs from a .pdf or a hidden file", n)
		}
	})
}

// TestDirScan polls a folder by hand, as the periodic rescan does.
func TestDirScan(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t)
	rec := newRecorder()
	p := newPoller(t, st, "a", rec, Config{Name: "inbox", Type: TypeDir, Path: dir, Interval: time.Minute})
	path := filepath.Join(dir, qingxiMeet)

	t.Run("unsettled file waits", func(t *testing.T) {
		if err := os.WriteFile(path, testdata(t, qingxiMeet), 0o644); err != nil {
			t.Fatal(err)
		}
		status := poll(t, p, "inbox")
		if rec.inputCount() != 0 || status.Listed != 0 {
			t.Errorf("a file written just now was read: %d inputs", rec.inputCount())
		}
		r := p.byName["inbox"]
		r.mu.Lock()
		early := r.early
		r.mu.Unlock()
		if early.IsZero() || time.Until(early) > time.Second {
			t.Errorf("no scan asked for when the file settles (early %s)", early)
		}
	})

	tests := []struct {
		name   string
		change func(t *testing.T)
		inputs int // handed over so far
		stored int
	}{
		{"settled file read", func(t *testing.T) { writeOld(t, path, testdata(t, qingxiMeet)) }, 1, 1},
		{"unchanged folder", func(t *testing.T) {}, 1, 1},
		{"same content touched", func(t *testing.T) {
			now := time.Now().Add(-10 * time.Second)
			os.Chtimes(path, now, now)
		}, 1, 1},
		{"changed content read again", func(t *testing.T) {
			writeOld(t, path, append(testdata(t, qingxiMeet), "\n会议还研究了其他事项，要求各部门抓好落实。\n"...))
		}, 2, 2},
		{"renamed file is a new item, a duplicate bulletin", func(t *testing.T) {
			if err := os.Rename(path, filepath.Join(dir, "renamed.txt")); err != nil {
				t.Fatal(err)
			}
		}, 3, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			status := poll(t, p, "inbox")
			if rec.inputCount() != tc.inputs || rec.stored() != tc.stored || status.Failures != 0 {
				t.Errorf("inputs %d, stored %d (want %d, %d); status %+v", rec.inputCount(), rec.stored(), tc.inputs, tc.stored, status)
			}
		})
	}

	t.Run("too large", func(t *testing.T) {
		big := bytes.Repeat([]byte("青溪县人民政府办公室。\n"), (DefaultMaxBytes/30)+1)
		writeOld(t, filepath.Join(dir, "big.txt"), big)
		inputs := rec.inputCount()
		status := poll(t, p, "inbox")
		if !strings.Contains(status.LastError, "big.txt") || !strings.Contains(status.LastError, "too large") || status.Failures != 0 {
			t.Errorf("status %+v, want big.txt refused as too large", status)
		}
		status = poll(t, p, "inbox")
		if rec.inputCount() != inputs {
			t.Errorf("the large file was handed over")
		}
		if status.Failures != 0 {
			t.Errorf("status %+v", status)
		}
	})

	t.Run("missing folder", func(t *testing.T) {
		p := newPoller(t, st, "a", rec, Config{Name: "gone", Type: TypeDir, Path: filepath.Join(dir, "nope"), Interval: time.Minute})
		status := poll(t, p, "gone")
		if status.Failures != 1 || status.LastError != "folder "+filepath.Join(dir, "nope")+" does not exist" {
			t.Errorf("status %+v", status)
		}
	})
}

// TestDirDocx reads Word files from a folder: a .docx is a bulletin like a
// text file, whatever the case of its ending; an old .doc is refused with
// the reason in the source's status, and nothing is stored for it.
func TestDirDocx(t *testing.T) {
	dir := t.TempDir()
	meeting, err := os.ReadFile("../testdata/docx/meeting.docx")
	if err != nil {
		t.Fatal(err)
	}
	notice, err := os.ReadFile("../testdata/docx/notice.docx")
	if err != nil {
		t.Fatal(err)
	}
	writeOld(t, filepath.Join(dir, "常务会议.docx"), meeting)
	writeOld(t, filepath.Join(dir, "汛期通知.DOCX"), notice)
	st := openStore(t)
	rec := newRecorder()
	p := newPoller(t, st, "a", rec, Config{Name: "inbox", Type: TypeDir, Path: dir, Interval: time.Minute})

	status := poll(t, p, "inbox")
	titles := rec.titles()
	sort.Strings(titles)
	want := []string{"关于做好2026年汛期安全防范工作的通知", "青石县政府召开第十二次常务会议"}
	if !reflect.DeepEqual(titles, want) || status.Failures != 0 || status.LastError != "" {
		t.Fatalf("stored %q, want %q; status %+v", titles, want, status)
	}

	// An old binary .doc: the start of a compound file with a WordDocument
	// stream in its directory.
	doc := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 504)...)
	for _, c := range "WordDocument" {
		doc = append(doc, byte(c), 0)
	}
	writeOld(t, filepath.Join(dir, "旧通知.doc"), doc)
	status = poll(t, p, "inbox")
	if rec.stored() != 2 || !strings.Contains(status.LastError, "旧通知.doc") || !strings.Contains(status.LastError, "save it as .docx") {
		t.Errorf("stored %d; status %+v, want the .doc refused with its reason", rec.stored(), status)
	}
}
