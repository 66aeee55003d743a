package embedded

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// crashImage copies dir's snapshot and journal, as a crash would leave
// them, once every write acknowledged so far is on disk: the server keeps
// running, so the copy may catch a record half written.
func crashImage(t *testing.T, srv *Server, dir string) string {
	t.Helper()
	mark := time.Now()
	// The fsync runs on the server's timer and tells nobody: ask again.
	for deadline := time.Now().Add(2 * time.Minute); ; {
		at, err := srv.Durable()
		must(t, err)
		if at.After(mark) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("journal not fsynced %v after the writes", time.Since(mark))
		}
		time.Sleep(10 * time.Millisecond)
	}
	image := t.TempDir()
	files, err := os.ReadDir(dir)
	must(t, err)
	for _, f := range files {
		if !strings.HasPrefix(f.Name(), SnapshotFile) && !strings.HasPrefix(f.Name(), JournalPrefix) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(image, f.Name()), b, 0o600))
	}
	return image
}

// TestReplayMatchesLive runs writes whose outcome depends on time, on other
// clients or on state a replay must rebuild exactly (automatic stream IDs,
// a blocked XREADGROUP woken by an XADD, delivery times, a key re-created
// after it expired, EVALSHA of a script reading TIME, a transaction
// switching databases, SPOP, a snapshot in the middle), then starts a second
// server on a crash image of the folder: it must hold the same data.
func TestReplayMatchesLive(t *testing.T) {
	ctx := context.Background()
	srv, rdb, dir := startJournaled(t)

	must(t, rdb.XGroupCreateMkStream(ctx, "q", "g", "$").Err())
	read := make(chan []redis.XStream, 1)
	go func() {
		res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "blocked", Streams: []string{"q", ">"}, Count: 1, Block: 20 * time.Second}).Result()
		if err != nil {
			t.Error(err)
		}
		read <- res
	}()
	// Other writes first, so that the XREADGROUP is likely to be waiting
	// when the XADDs come (it must get one either way).
	must(t, rdb.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "m"}).Err())
	must(t, rdb.SetBit(ctx, "bits", 100, 1).Err())
	for range 3 {
		must(t, rdb.XAdd(ctx, &redis.XAddArgs{Stream: "q", Values: []string{"d", "job"}}).Err())
	}
	if res := <-read; len(res) != 1 || len(res[0].Messages) != 1 {
		t.Fatalf("blocked XREADGROUP got %v, want one entry", res)
	}

	stamp := redis.NewScript(`
local t = redis.call('TIME')
redis.call('SET', KEYS[1], t[1] .. '.' .. t[2])
return redis.call('XADD', KEYS[2], '*', 'by', 'script')`)
	for range 2 { // EVAL, then EVALSHA
		must(t, stamp.Run(ctx, rdb, []string{"stamp", "q"}).Err())
	}

	must(t, rdb.Set(ctx, "lease", "first", 150*time.Millisecond).Err())
	must(t, rdb.Set(ctx, "long", "x", time.Hour).Err())
	must(t, srv.Snapshot(ctx))
	// The expiry tick runs on the server and tells nobody: ask again.
	for deadline := time.Now().Add(2 * time.Minute); rdb.Exists(ctx, "lease").Val() == 1; {
		if time.Now().After(deadline) {
			t.Fatal("lease never expired")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ok := rdb.SetNX(ctx, "lease", "second", time.Hour).Val(); !ok {
		t.Fatal("SETNX after expiry failed")
	}
	// EVALSHA of a script loaded before the snapshot: the journal after it
	// must carry the source.
	must(t, rdb.EvalSha(ctx, stamp.Hash(), []string{"stamp", "q"}).Err())

	_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, "n")
		p.Select(ctx, 2)
		p.HSet(ctx, "in2", "f", "v")
		return nil
	})
	must(t, err)
	must(t, rdb.Do(ctx, "SELECT", 0).Err()) // the client's pool connection may be in db 2
	must(t, rdb.IncrByFloat(ctx, "f", 0.1).Err())
	must(t, rdb.SAdd(ctx, "pool", "a", "b", "c", "d", "e", "f", "g", "h").Err())
	must(t, rdb.SPopN(ctx, "pool", 3).Err()) // at random: journaled as SREM
	must(t, rdb.SPop(ctx, "pool").Err())
	if err := rdb.SPop(ctx, "no such set").Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("SPOP of a missing set = %v, want redis.Nil", err)
	}
	_, _, err = rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "q", Group: "g", Consumer: "thief", Start: "0", Count: 10}).Result()
	must(t, err)
	must(t, rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "other", Streams: []string{"q", ">"}, Count: 2}).Err())

	live, got := liveAndReplayed(t, srv, rdb, dir)
	for i := range live {
		l, g := live[i], got[i]
		// TTLs are kept to the millisecond but each server reads them at
		// its own time: compare within a second.
		if (l.ExpireAtMilli == 0) != (g.ExpireAtMilli == 0) || abs(l.ExpireAtMilli-g.ExpireAtMilli) > 1000 {
			t.Errorf("%q expires at %d replayed, %d live", l.Key, g.ExpireAtMilli, l.ExpireAtMilli)
		}
		l.ExpireAtMilli, g.ExpireAtMilli = 0, 0
		if l.Stream != nil && g.Stream != nil {
			for gi := range l.Stream.Groups {
				for pi := range l.Stream.Groups[gi].Pending {
					lp, gp := &l.Stream.Groups[gi].Pending[pi], &g.Stream.Groups[gi].Pending[pi]
					if abs(lp.LastDeliveryMilli-gp.LastDeliveryMilli) > 1 {
						t.Errorf("%s delivered at %d replayed, %d live", lp.ID, gp.LastDeliveryMilli, lp.LastDeliveryMilli)
					}
					lp.LastDeliveryMilli, gp.LastDeliveryMilli = 0, 0
				}
			}
		}
		if !reflect.DeepEqual(l, g) {
			t.Errorf("replayed %+v (stream %+v)\nlive     %+v (stream %+v)", g, g.Stream, l, l.Stream)
		}
	}
}

// startJournaled starts a Server on a new folder, fsyncing its journal
// every 20 ms, with a client; both close when the test ends.
func startJournaled(t *testing.T) (*Server, *redis.Client, string) {
	t.Helper()
	dir := t.TempDir()
	srv, err := Start(Options{Dir: dir, FsyncEvery: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	must(t, err)
	t.Cleanup(func() { srv.Close() })
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return srv, rdb, dir
}

// liveAndReplayed starts a second server on a crash image of dir, the
// folder of srv, and returns the keys of both (rdb is srv's client), which
// must be as many.
func liveAndReplayed(t *testing.T, srv *Server, rdb *redis.Client, dir string) (live, replayed []Record) {
	t.Helper()
	ctx := context.Background()
	image := crashImage(t, srv, dir)
	other, err := Start(Options{Dir: image, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	must(t, err)
	defer other.Close()
	rdb2 := redis.NewClient(&redis.Options{Addr: other.Addr()})
	defer rdb2.Close()
	_, live, _, err = dump(ctx, rdb)
	must(t, err)
	_, replayed, _, err = dump(ctx, rdb2)
	must(t, err)
	if len(replayed) != len(live) {
		t.Fatalf("replayed %d keys, live %d:\n%+v\n%+v", len(replayed), len(live), replayed, live)
	}
	return live, replayed
}

func abs(n int64) int64 { return max(n, -n) }
