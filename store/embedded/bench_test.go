package embedded

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// benchKeys is the dataset size the benchmarks quote.
const benchKeys = 100_000

// fillMixed writes n keys of mixed types, about as the store uses them:
// bulletin hashes, timeline and posting sorted sets, subscriber sets,
// read-state bitmaps, plain strings with TTLs, lists and one queue stream.
func fillMixed(tb testing.TB, rdb *redis.Client, n int) {
	tb.Helper()
	ctx := context.Background()
	pipe := rdb.Pipeline()
	for i := range n {
		k := "tb:" + strconv.Itoa(i)
		switch i % 6 {
		case 0:
			pipe.Set(ctx, k, "value-"+k, time.Hour)
		case 1:
			pipe.HSet(ctx, k, "title", "关于做好防汛工作的通知 "+k, "kind", "notice", "published", i)
		case 2:
			pipe.ZAdd(ctx, k, redis.Z{Score: float64(i) / 7, Member: "a"}, redis.Z{Score: 1e-12, Member: "b"})
		case 3:
			pipe.SAdd(ctx, k, "tg:1", "wx:oAbC", "wecom:zhangsan")
		case 4:
			pipe.SetBit(ctx, k, int64(i%10_000), 1)
		case 5:
			pipe.RPush(ctx, k, "x", "y", "z")
		}
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: "tb:queue", MaxLen: 10_000, Approx: false, Values: []string{"b", k, "s", "tg:1"}})
		if i%1000 == 999 {
			if _, err := pipe.Exec(ctx); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		tb.Fatal(err)
	}
}

// benchServer starts a Server on dir with a client.
func benchServer(tb testing.TB, dir string) (*Server, *redis.Client) {
	tb.Helper()
	srv, err := Start(Options{Dir: dir, SnapshotEvery: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	tb.Cleanup(func() {
		rdb.Close()
		srv.Close()
	})
	return srv, rdb
}

// BenchmarkSnapshot takes a snapshot of 100,000 keys of mixed types: the
// time is the whole compaction (rebuilding the copy from the previous
// snapshot and the journal, reading it, encoding, fsync), which the live
// server does not wait for (BenchmarkSnapshotPause); MB is the file size.
func BenchmarkSnapshot(b *testing.B) {
	dir := b.TempDir()
	srv, rdb := benchServer(b, dir)
	fillMixed(b, rdb, benchKeys)
	ctx := context.Background()
	for b.Loop() {
		if err := srv.Snapshot(ctx); err != nil {
			b.Fatal(err)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, SnapshotFile))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/1e6, "MB")
	b.ReportMetric(float64(fi.Size())/(benchKeys+1), "B/key")
}

// BenchmarkRestore starts a Server from a snapshot of 100,000 keys.
func BenchmarkRestore(b *testing.B) {
	dir := b.TempDir()
	srv, rdb := benchServer(b, dir)
	fillMixed(b, rdb, benchKeys)
	rdb.Close()
	if err := srv.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		srv, err := Start(Options{Dir: dir, SnapshotEvery: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := srv.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkExpiryTick is one expiry tick over 100,000 keys: the server's
// pause per tick, which sets the tick period (expiryTickCostFactor).
func BenchmarkExpiryTick(b *testing.B) {
	srv, rdb := benchServer(b, b.TempDir())
	fillMixed(b, rdb, benchKeys)
	var next time.Duration
	for b.Loop() {
		next = srv.tick()
	}
	b.ReportMetric(float64(next.Milliseconds()), "ms-period")
}

// BenchmarkWrite is the cost of one SET from 8 connections at once, which
// includes journaling it.
func BenchmarkWrite(b *testing.B) {
	_, rdb := benchServer(b, b.TempDir())
	ctx := context.Background()
	b.SetParallelism(4) // 8 goroutines on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			if err := rdb.Set(ctx, "w:"+strconv.Itoa(i%1000), i, 0).Err(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
