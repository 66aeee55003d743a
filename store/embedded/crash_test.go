package embedded_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/store/embedded"
)

// childCrashEnv makes the test binary a child process that writes to the
// data folder named by the variable until it is killed (see TestKill9).
const childCrashEnv = "TONGBAO_EMBEDDED_CRASH_CHILD"

// crashFsyncEvery is the child's journal fsync period, short so that the
// test sees many fsyncs; crashSnapshotEvery makes it fold the journal into
// snapshots while it writes.
const (
	crashFsyncEvery    = 20 * time.Millisecond
	crashSnapshotEvery = 300 * time.Millisecond
)

// crashChild writes numbered operations to an embedded store on dir, each
// one transaction (SET k:i i, INCR count) followed by an XADD of i to a
// stream with an automatic ID, and prints "durable N" whenever the server
// reports that every operation up to N, acknowledged before its last
// fsync, is on disk. It never returns on its own.
func crashChild(dir string) int {
	srv, err := embedded.Start(embedded.Options{Dir: dir, FsyncEvery: crashFsyncEvery, SnapshotEvery: crashSnapshotEvery,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Println(err)
		return 1
	}
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	var acked []time.Time // acked[i]: when operation i was acknowledged
	durable := -1
	for i := 0; ; i++ {
		_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "k:"+strconv.Itoa(i), i, 0)
			p.Incr(ctx, "count")
			return nil
		})
		if err == nil {
			err = rdb.XAdd(ctx, &redis.XAddArgs{Stream: "log", Values: []string{"i", strconv.Itoa(i)}}).Err()
		}
		if err != nil {
			fmt.Println(err)
			return 1
		}
		acked = append(acked, time.Now())
		before, err := srv.Durable()
		if err != nil {
			fmt.Println(err)
			return 1
		}
		n := durable
		for n+1 < len(acked) && acked[n+1].Before(before) {
			n++
		}
		if n > durable {
			durable = n
			fmt.Println("durable", n)
		}
	}
}

// TestKill9 runs a child process writing to an embedded store, kills it
// with SIGKILL in the middle of its writes (after some snapshots), reopens
// the folder and checks that every operation the child had reported
// durable is there, whole.
func TestKill9(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childCrashEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	defer cmd.Process.Kill() // if the test fails before it does

	// Kill once 2,000 operations are durable and the child has written a
	// snapshot (one per crashSnapshotEvery); it keeps writing meanwhile.
	const enough = 2000
	lines := bufio.NewScanner(out)
	durable, killed := -1, false
	deadline := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for lines.Scan() {
		n, ok := strings.CutPrefix(lines.Text(), "durable ")
		if !ok {
			t.Errorf("child: %s", lines.Text())
			continue
		}
		i, err := strconv.Atoi(n)
		must(t, err)
		durable = max(durable, i)
		if durable >= enough && !killed && fileExists(filepath.Join(dir, embedded.SnapshotFile)) {
			must(t, cmd.Process.Signal(syscall.SIGKILL))
			killed = true
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("the child stopped (%v) before %d operations were durable (got to %d)", cmd.ProcessState, enough, durable)
	}

	if _, err := os.Stat(filepath.Join(dir, embedded.SnapshotFile)); err != nil {
		t.Errorf("the child took no snapshot while writing: %v", err)
	}

	ctx := context.Background()
	srv, rdb := startServer(t, embedded.Options{Dir: dir})
	count, err := rdb.Get(ctx, "count").Int()
	must(t, err)
	if count <= durable {
		t.Fatalf("count = %d after the crash, want more than %d (operations reported durable)", count, durable)
	}
	// Transactions are whole: k:0…k:count-1 are there, nothing beyond.
	for i := range count + 1 {
		v, err := rdb.Get(ctx, "k:"+strconv.Itoa(i)).Result()
		if i < count && (err != nil || v != strconv.Itoa(i)) {
			t.Fatalf("k:%d = %q, %v after the crash; want %d (count is %d)", i, v, err, i, count)
		}
		if i == count && err != redis.Nil {
			t.Errorf("k:%d = %q, %v; want none (count is %d, half a transaction?)", i, v, err, count)
		}
	}
	// The stream has every durable operation once, in order, with the IDs
	// it was given.
	entries, err := rdb.XRange(ctx, "log", "-", "+").Result()
	must(t, err)
	if len(entries) <= durable {
		t.Fatalf("stream has %d entries, want more than %d", len(entries), durable)
	}
	for i, e := range entries {
		if e.Values["i"] != strconv.Itoa(i) {
			t.Fatalf("stream entry %d (%s) = %v, want i=%d", i, e.ID, e.Values, i)
		}
	}
	keys, err := srv.Keys(ctx)
	must(t, err)
	t.Logf("killed after %d durable operations; %d recovered (%d keys)", durable+1, count, keys)
}

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
