package embedded_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/store/embedded"
)

// TestLoadsFormat1Folder starts on a data folder written by the snapshot-only
// store (format 1, before the journal): testdata/format1 was written by that
// code and is kept as it wrote it.
func TestLoadsFormat1Folder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("testdata", "format1", embedded.SnapshotFile))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, embedded.SnapshotFile), b, 0o600))

	srv, rdb := startServer(t, embedded.Options{Dir: dir})
	check := func(t *testing.T, rdb *redis.Client) {
		t.Helper()
		if got := rdb.Get(ctx, "greeting").Val(); got != "你好\x00\xff" {
			t.Errorf("GET greeting = %q", got)
		}
		if d := rdb.PTTL(ctx, "lease").Val(); d < 24*time.Hour {
			t.Errorf("PTTL lease = %v, want until 2100", d)
		}
		if got := rdb.HGet(ctx, "bulletin:1", "title").Val(); got != "关于做好秋冬季森林防火工作的通知" {
			t.Errorf("HGET = %q", got)
		}
		if got := rdb.LRange(ctx, "list", 0, -1).Val(); !slices.Equal(got, []string{"c", "a", "b"}) {
			t.Errorf("LRANGE = %q", got)
		}
		if got := rdb.SCard(ctx, "subs").Val(); got != 2 {
			t.Errorf("SCARD = %d", got)
		}
		if got := rdb.ZScore(ctx, "timeline", "b2").Val(); got != -2 {
			t.Errorf("ZSCORE = %v", got)
		}
		if got := rdb.GetBit(ctx, "read:1", 1000).Val(); got != 1 {
			t.Errorf("GETBIT = %d", got)
		}
		p := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "queue", Group: "senders", Start: "-", End: "+", Count: 10}).Val()
		if len(p) != 1 || p[0].ID != "5-1" || p[0].Consumer != "w1" {
			t.Errorf("XPENDING = %+v, want 5-1 held by w1", p)
		}
		db3 := redis.NewClient(&redis.Options{Addr: rdb.Options().Addr, DB: 3})
		defer db3.Close()
		if got := db3.Get(ctx, "in3").Val(); got != "three" {
			t.Errorf("db 3 GET = %q", got)
		}
	}
	check(t, rdb)

	// Written again in the current format, the data comes back the same.
	must(t, rdb.Set(ctx, "after", "upgrade", 0).Err())
	_, rdb = restart(t, srv, rdb, dir)
	check(t, rdb)
	if got := rdb.Get(ctx, "after").Val(); got != "upgrade" {
		t.Errorf("GET after = %q, want upgrade", got)
	}
}
