package embedded_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/store/embedded"
)

// TestBlockingCommands checks the commands that wait for data, which the
// server runs as repeated tries instead of inside miniredis: one is woken
// by another client's write, one times out with the usual null reply, and
// one whose client hangs up does not hold other writes back.
func TestBlockingCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, rdb := startServer(t, embedded.Options{Dir: dir})

	popped := make(chan []string, 1)
	go func() {
		res, err := rdb.BLPop(ctx, 0, "jobs").Result()
		if err != nil {
			t.Error(err)
		}
		popped <- res
	}()
	must(t, rdb.Set(ctx, "unrelated", "x", 0).Err()) // another key: the waiter stays asleep
	must(t, rdb.RPush(ctx, "jobs", "j1").Err())
	select {
	case res := <-popped:
		if len(res) != 2 || res[1] != "j1" {
			t.Errorf("BLPOP = %q, want [jobs j1]", res)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("BLPOP not woken by RPUSH")
	}

	start := time.Now()
	if _, err := rdb.Do(ctx, "BLPOP", "empty", "0.1").Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("BLPOP on an empty list = %v, want redis.Nil after the timeout", err)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Errorf("BLPOP with a 100ms timeout answered after %v", waited)
	}

	must(t, rdb.XGroupCreateMkStream(ctx, "q", "g", "$").Err())
	if _, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"q", ">"}, Block: 50 * time.Millisecond}).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("XREADGROUP BLOCK on an empty stream = %v, want redis.Nil", err)
	}

	// A script adding to the stream, as the store's due-delivery script
	// does, serves a consumer waiting on it.
	got := make(chan []redis.XStream, 1)
	go func() {
		res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"q", ">"}, Block: 0}).Result()
		if err != nil {
			t.Error(err)
		}
		got <- res
	}()
	must(t, rdb.Eval(ctx, "return redis.call('XADD', KEYS[1], '*', 'd', ARGV[1])", []string{"q"}, "due").Err())
	select {
	case res := <-got:
		if len(res) != 1 || len(res[0].Messages) != 1 || res[0].Messages[0].Values["d"] != "due" {
			t.Errorf("XREADGROUP = %v, want the entry the script added", res)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("XREADGROUP not served after the script's XADD")
	}

	// A client waiting for ever hangs up; the others go on.
	gone := redis.NewClient(&redis.Options{Addr: srv.Addr(), ReadTimeout: -1})
	waiting := make(chan error, 1)
	go func() { waiting <- gone.BRPop(ctx, 0, "never").Err() }()
	must(t, rdb.Set(ctx, "before", "x", 0).Err())
	gone.Close()
	<-waiting
	must(t, rdb.Set(ctx, "after", "x", 0).Err())

	// What BLPOP took stays taken after a restart.
	_, rdb = restart(t, srv, rdb, dir)
	if n := rdb.LLen(ctx, "jobs").Val(); n != 0 {
		t.Errorf("LLEN jobs = %d after restart, want 0", n)
	}
}
