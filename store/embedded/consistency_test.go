package embedded

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestSnapshotIsPointInTime takes snapshots while transactions move units
// between counters (MULTI INCR one, DECR another): every snapshot must see
// each transaction whole, so the counters always sum to zero.
func TestSnapshotIsPointInTime(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, err := Start(Options{Dir: dir, SnapshotEvery: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()

	const counters = 200
	pipe := rdb.Pipeline()
	for i := range 1000 { // filler, so that a snapshot takes a while
		pipe.Set(ctx, "filler:"+strconv.Itoa(i), i, 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				from, to := "c:"+strconv.Itoa(i%counters), "c:"+strconv.Itoa((i*7+1)%counters)
				_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Incr(ctx, to)
					p.Decr(ctx, from)
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	seenAny := false
	for range 3 {
		if err := srv.Snapshot(ctx); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, SnapshotFile))
		if err != nil {
			t.Fatal(err)
		}
		_, records, err := decodeSnapshot(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		sum, seen := 0, 0
		for _, r := range records {
			if strings.HasPrefix(r.Key, "c:") {
				n, _ := strconv.Atoi(r.Value)
				sum += n
				seen++
			}
		}
		seenAny = seenAny || seen > 0
		if sum != 0 {
			t.Errorf("snapshot with %d counters sums to %d, want 0: it saw half a transaction", seen, sum)
		}
	}
	close(stop)
	wg.Wait()
	if !seenAny {
		t.Error("no snapshot saw a counter")
	}
}
