package embedded

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// writeSnapshot writes records as dir's snapshot.
func writeSnapshot(t *testing.T, dir string, records []Record) {
	t.Helper()
	var buf bytes.Buffer
	if err := encodeSnapshot(&buf, snapshotMeta{Taken: time.Now()}, records); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, SnapshotFile), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreSkipsExpired(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Now()
	writeSnapshot(t, dir, []Record{
		{Key: "expired", Type: "string", Value: "x", ExpireAtMilli: now.Add(-time.Second).UnixMilli()},
		{Key: "live", Type: "list", Items: []string{"a"}, ExpireAtMilli: now.Add(time.Hour).UnixMilli()},
		{DB: 7, Key: "forever", Type: "set", Items: []string{"m"}},
	})
	srv, err := Start(Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if n, err := srv.Keys(ctx); n != 2 || err != nil {
		t.Errorf("Keys = %d, %v; want 2 (the expired key skipped)", n, err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	if d := rdb.PTTL(ctx, "live").Val(); d <= 59*time.Minute {
		t.Errorf("PTTL live = %v, want about 1h", d)
	}
}

func TestRestoreFailureIsCorruptSnapshot(t *testing.T) {
	dir := t.TempDir()
	writeSnapshot(t, dir, []Record{{Key: "k", Type: "geo"}})
	_, err := Start(Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if !errors.Is(err, ErrCorruptSnapshot) || !strings.Contains(err.Error(), `unknown type "geo"`) {
		t.Fatalf("Start = %v, want ErrCorruptSnapshot about the unknown type", err)
	}
	// The failed Start released the folder.
	if err := os.Remove(filepath.Join(dir, SnapshotFile)); err != nil {
		t.Fatal(err)
	}
	srv, err := Start(Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("Start after removing the snapshot: %v", err)
	}
	srv.Close()
}
