package embedded

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// writeJournal writes, as segment 1 of a new folder, one SET per key
// (k0=0, k1=1, …) and returns the folder and the segment's path.
func writeJournal(t *testing.T, keys int) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	j, err := openJournal(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		j.append(&entry{Kind: kindCommands, At: time.Now(), Cmds: [][]string{{"SET", "k" + strconv.Itoa(i), strconv.Itoa(i)}}})
	}
	if err := j.close(); err != nil {
		t.Fatal(err)
	}
	return dir, segmentPath(dir, 1)
}

// startLogged starts a Server on dir whose log goes to the returned buffer.
func startLogged(t *testing.T, dir string) (*Server, *bytes.Buffer, error) {
	t.Helper()
	var log bytes.Buffer
	srv, err := Start(Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err == nil {
		t.Cleanup(func() { srv.Close() })
	}
	return srv, &log, err
}

// presentKeys returns which of k0…k(n-1) the server has, as "0,1,…".
func presentKeys(t *testing.T, srv *Server, n int) string {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	var got []string
	for i := range n {
		v, err := rdb.Get(context.Background(), "k"+strconv.Itoa(i)).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil || v != strconv.Itoa(i) {
			t.Fatalf("GET k%d = %q, %v", i, v, err)
		}
		got = append(got, v)
	}
	return strings.Join(got, ",")
}

func TestJournalTornLastRecord(t *testing.T) {
	cases := map[string]struct {
		damage func(b []byte) []byte
		want   string
	}{
		"last record cut short": {
			damage: func(b []byte) []byte { return b[:len(b)-3] },
			want:   "0,1,2,3",
		},
		"only the header of the last record": {
			damage: func(b []byte) []byte { return b[:len(b)-frameSize(t, b, 4)+5] },
			want:   "0,1,2,3",
		},
		"zeros after the last record": {
			damage: func(b []byte) []byte { return append(b, make([]byte, 4096)...) },
			want:   "0,1,2,3,4",
		},
		"last record's bytes damaged": {
			damage: func(b []byte) []byte { b[len(b)-2] ^= 0xff; return b },
			want:   "0,1,2,3",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir, path := writeJournal(t, 5)
			b, err := os.ReadFile(path)
			must(t, err)
			must(t, os.WriteFile(path, c.damage(b), 0o600))
			srv, log, err := startLogged(t, dir)
			if err != nil {
				t.Fatalf("Start = %v, want the torn record cut off", err)
			}
			if got := presentKeys(t, srv, 5); got != c.want {
				t.Errorf("keys after restart = %s, want %s", got, c.want)
			}
			if c.want != "0,1,2,3,4" && !strings.Contains(log.String(), "half-written record") {
				t.Errorf("the cut is not logged: %s", log)
			}
			// The segment was cut back to its whole records: a second
			// start, after more writes, reads it cleanly.
			rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
			must(t, rdb.Set(context.Background(), "k9", "9", 0).Err())
			rdb.Close()
			must(t, srv.Close())
			srv2, log2, err := startLogged(t, dir)
			if err != nil {
				t.Fatalf("second Start = %v", err)
			}
			if got := presentKeys(t, srv2, 10); got != c.want+",9" {
				t.Errorf("keys after a second restart = %s, want %s,9", got, c.want)
			}
			if strings.Contains(log2.String(), "half-written") {
				t.Errorf("second start found a torn record again: %s", log2)
			}
		})
	}
}

// frameSize returns the size of record i of the segment b.
func frameSize(t *testing.T, b []byte, i int) int {
	t.Helper()
	for off := 0; ; i-- {
		_, n, err := nextFrame(b[off:])
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			return n
		}
		off += n
	}
}

func TestJournalDamageIsAnError(t *testing.T) {
	cases := map[string]func(t *testing.T, dir, path string){
		"record in the middle": func(t *testing.T, dir, path string) {
			b, err := os.ReadFile(path)
			must(t, err)
			b[frameSize(t, b, 0)+frameHeader+2] ^= 0x10
			must(t, os.WriteFile(path, b, 0o600))
		},
		"garbage in the middle": func(t *testing.T, dir, path string) {
			b, err := os.ReadFile(path)
			must(t, err)
			cut := frameSize(t, b, 0)
			b = append(b[:cut:cut], append([]byte("garbage that is not a record"), b[cut:]...)...)
			must(t, os.WriteFile(path, b, 0o600))
		},
		"torn segment followed by another": func(t *testing.T, dir, path string) {
			b, err := os.ReadFile(path)
			must(t, err)
			must(t, os.WriteFile(path, b[:len(b)-3], 0o600))
			must(t, os.WriteFile(segmentPath(dir, 2), b[:frameSize(t, b, 0)], 0o600))
		},
		"segment missing": func(t *testing.T, dir, path string) {
			b, err := os.ReadFile(path)
			must(t, err)
			must(t, os.WriteFile(segmentPath(dir, 3), b, 0o600))
		},
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			dir, path := writeJournal(t, 5)
			damage(t, dir, path)
			_, _, err := startLogged(t, dir)
			if !errors.Is(err, ErrCorruptJournal) {
				t.Fatalf("Start = %v, want ErrCorruptJournal", err)
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the file", err)
			}
			// The failed Start released the folder.
			if _, err := lockDir(dir); err != nil {
				t.Errorf("folder still locked: %v", err)
			}
		})
	}
}

// FuzzJournalRecord feeds the journal reader damaged segments: it must
// fail cleanly or return records that encode back to the same bytes.
func FuzzJournalRecord(f *testing.F) {
	f.Add(appendFrame(nil, &entry{Kind: kindCommands, At: time.Unix(0, 42), DB: 3, Multi: true, Cmds: [][]string{{"SET", "k", "\x00"}, {"DEL", "k"}}}))
	f.Add(appendFrame(nil, &entry{Kind: kindTick, At: time.Unix(0, 7), Tick: time.Second}))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, n, err := nextFrame(data)
		if err != nil {
			return
		}
		if again := appendFrame(nil, &e); !bytes.Equal(again, data[:n]) {
			t.Errorf("re-encoded %x, want %x", again, data[:n])
		}
	})
}

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
