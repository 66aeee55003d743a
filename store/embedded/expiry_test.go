package embedded

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestExpiryByDeadline sets and clears TTLs in every way a client can
// (SET … PX, KEEPTTL, PERSIST, RENAME, MOVE, a script, a transaction,
// PEXPIRE … GT, FLUSHDB, SWAPDB) and checks that exactly the keys left with a TTL expire,
// that a TTL counts down, and that a server replaying the journal holds
// the same keys with the same deadlines.
func TestExpiryByDeadline(t *testing.T) {
	ctx := context.Background()
	srv, rdb, dir := startJournaled(t)
	db3 := redis.NewClient(&redis.Options{Addr: srv.Addr(), DB: 3})
	defer db3.Close()

	const short = 300 * time.Millisecond
	set := time.Now()
	must(t, rdb.Set(ctx, "px", "v", short).Err())
	must(t, rdb.Set(ctx, "persisted", "v", short).Err())
	must(t, rdb.Persist(ctx, "persisted").Err())
	must(t, rdb.Set(ctx, "overwritten", "v", short).Err())
	must(t, rdb.Set(ctx, "overwritten", "v2", 0).Err())
	must(t, rdb.Set(ctx, "kept", "v", short).Err())
	must(t, rdb.SetArgs(ctx, "kept", "v2", redis.SetArgs{KeepTTL: true}).Err())
	must(t, rdb.Set(ctx, "from", "v", short).Err())
	must(t, rdb.Rename(ctx, "from", "renamed").Err())
	must(t, rdb.Set(ctx, "moved", "v", short).Err())
	must(t, rdb.Move(ctx, "moved", 3).Err())
	must(t, rdb.Set(ctx, "extended", "v", short).Err())
	must(t, rdb.PExpire(ctx, "extended", time.Hour).Err())
	must(t, rdb.Eval(ctx, `redis.call('SET', KEYS[1], 'v'); return redis.call('PEXPIRE', KEYS[1], ARGV[1])`,
		[]string{"scripted"}, short.Milliseconds()).Err())
	_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "tx", "v", 0)
		p.PExpire(ctx, "tx", short)
		return nil
	})
	must(t, err)
	// A key flushed away with its TTL, then made again without one.
	db5 := redis.NewClient(&redis.Options{Addr: srv.Addr(), DB: 5})
	defer db5.Close()
	must(t, db5.Set(ctx, "flushed", "v", short).Err())
	must(t, db5.FlushDB(ctx).Err())
	must(t, db5.HSet(ctx, "flushed", "f", "v").Err())
	// A key that changes database with SWAPDB keeps its deadline.
	db7 := redis.NewClient(&redis.Options{Addr: srv.Addr(), DB: 7})
	defer db7.Close()
	must(t, db5.Set(ctx, "swapped", "v", short).Err())
	must(t, rdb.Do(ctx, "SWAPDB", 5, 7).Err())
	for i := range 1000 {
		must(t, rdb.Set(ctx, "many:"+strconv.Itoa(i), "v", short).Err())
	}
	must(t, rdb.Set(ctx, "counting", "v", time.Minute).Err())
	afterSet := time.Now()

	gone := []string{"px", "kept", "renamed", "scripted", "tx", "many:0", "many:999"}
	stay := []string{"persisted", "overwritten", "extended", "counting"}
	// The expiry tick runs on the server and tells nobody: ask again.
	for deadline := time.Now().Add(2 * time.Minute); rdb.Exists(ctx, gone...).Val() > 0 || db3.Exists(ctx, "moved").Val() > 0 || db7.Exists(ctx, "swapped").Val() > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("keys with a %v TTL still there after %v: %d of %v, moved %d",
				short, time.Since(set), rdb.Exists(ctx, gone...).Val(), gone, db3.Exists(ctx, "moved").Val())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if lived := time.Since(set); lived < short {
		t.Errorf("keys with a %v TTL went after %v", short, lived)
	}
	if d := db7.PTTL(ctx, "flushed").Val(); d != -1 {
		t.Errorf("PTTL of a key made again after FLUSHDB = %v, want -1 (none)", d)
	}
	if n := rdb.DBSize(ctx).Val(); n != int64(len(stay)) {
		t.Errorf("%d keys left, want %d (%v)", n, len(stay), stay)
	}
	for _, k := range stay {
		if rdb.Exists(ctx, k).Val() != 1 {
			t.Errorf("%q expired", k)
		}
	}

	// The TTL has counted down by at least the time since the SET.
	asked := time.Now()
	left := rdb.PTTL(ctx, "counting").Val()
	if most := time.Minute - asked.Sub(afterSet) + time.Millisecond; left > most || left <= 0 {
		t.Errorf("PTTL counting = %v %v after the SET, want at most %v", left, asked.Sub(set), most)
	}
	// PEXPIRE … GT compares with the time left: a little less than the
	// minute set first, but more than now is left.
	if n := rdb.Do(ctx, "PEXPIRE", "counting", (left + 50*time.Millisecond).Milliseconds(), "GT").Val(); n != int64(1) {
		t.Errorf("PEXPIRE GT %v with %v left did not apply", left+50*time.Millisecond, left)
	}

	live, got := liveAndReplayed(t, srv, rdb, dir)
	for i := range live {
		if live[i].Key != got[i].Key || abs(live[i].ExpireAtMilli-got[i].ExpireAtMilli) > 1000 {
			t.Errorf("replayed %q expiring at %d, live %q at %d", got[i].Key, got[i].ExpireAtMilli, live[i].Key, live[i].ExpireAtMilli)
		}
	}
}

// BenchmarkExpiryTickDue is the expiry of 1,000 due keys at once among
// 100,000 others: its cost grows with the keys that expire, not with the
// dataset (compare BenchmarkExpiryTick). The background ticks may take some
// of them first; expired-keys counts the ones this tick deleted.
func BenchmarkExpiryTickDue(b *testing.B) {
	srv, rdb := benchServer(b, b.TempDir())
	fillMixed(b, rdb, benchKeys)
	ctx := context.Background()
	const due = 1000
	expired := 0
	for b.Loop() {
		b.StopTimer()
		pipe := rdb.Pipeline()
		for i := range due {
			pipe.Set(ctx, "due:"+strconv.Itoa(i), "v", time.Millisecond)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			b.Fatal(err)
		}
		// Kept (a benchmark, timer stopped): the TTLs must run out on
		// the wall clock the expiry reads; a longer pause changes nothing.
		for start := time.Now(); time.Since(start) < 2*time.Millisecond; {
			time.Sleep(time.Millisecond)
		}
		b.StartTimer()
		srv.writeMu.Lock()
		expired += srv.expiries.expire(time.Now())
		srv.writeMu.Unlock()
	}
	b.StopTimer()
	if n := rdb.Exists(ctx, "due:0", "due:999").Val(); n != 0 {
		b.Fatalf("%d due keys left after the tick", n)
	}
	b.ReportMetric(float64(expired)/float64(b.N), "expired-keys")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(max(1, expired)), "µs/expired-key")
}
