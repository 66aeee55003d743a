package embedded_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/store/embedded"
)

// childLockEnv makes the test binary a child process that tries to take the
// data folder named by the variable (see TestLockAcrossProcesses).
const childLockEnv = "TONGBAO_EMBEDDED_LOCK_CHILD"

// childLocked is the child's exit code when the folder is locked.
const childLocked = 3

func TestMain(m *testing.M) {
	if dir := os.Getenv(childLockEnv); dir != "" {
		os.Exit(lockChild(dir))
	}
	if dir := os.Getenv(childCrashEnv); dir != "" {
		os.Exit(crashChild(dir))
	}
	os.Exit(m.Run())
}

// lockChild starts and closes a Server on dir, printing Start's error.
func lockChild(dir string) int {
	srv, err := embedded.Start(embedded.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Println(err)
		if errors.Is(err, embedded.ErrLocked) {
			return childLocked
		}
		return 1
	}
	if err := srv.Close(); err != nil {
		fmt.Println(err)
		return 1
	}
	return 0
}

// startServer starts a Server on dir and a go-redis client on it, as the
// store connects; both are closed when the test ends.
func startServer(t testing.TB, opts embedded.Options) (*embedded.Server, *redis.Client) {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv, err := embedded.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() {
		rdb.Close()
		srv.Close()
	})
	return srv, rdb
}

// restart closes srv and rdb and starts a new Server on the same folder.
func restart(t *testing.T, srv *embedded.Server, rdb *redis.Client, dir string) (*embedded.Server, *redis.Client) {
	t.Helper()
	rdb.Close()
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return startServer(t, embedded.Options{Dir: dir})
}

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// allBytes is a string of every byte value.
func allBytes() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}

func TestSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, rdb := startServer(t, embedded.Options{Dir: dir})

	scores := map[string]float64{
		"tenth": 0.1, "tiny": 1e-12, "+inf": math.Inf(1), "-inf": math.Inf(-1),
		"third": 1.0 / 3, "max": math.MaxFloat64, "denormal": math.SmallestNonzeroFloat64,
		"negative": -0.5, "big": 123456789.123456789, "zero": 0,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		scores["random"+strconv.Itoa(i)] = (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20))
	}

	// Stream state captured before the restart.
	var (
		idleBefore   time.Duration
		groupsBefore map[string]string // last delivered ID by group
	)

	cases := []struct {
		name  string
		write func(t *testing.T)
		check func(t *testing.T, rdb *redis.Client)
	}{
		{
			name:  "binary string and key",
			write: func(t *testing.T) { must(t, rdb.Set(ctx, "bin\x00\xff", allBytes(), 0).Err()) },
			check: func(t *testing.T, rdb *redis.Client) {
				if got := rdb.Get(ctx, "bin\x00\xff").Val(); got != allBytes() {
					t.Errorf("GET = %q, want every byte", got)
				}
			},
		},
		{
			name:  "empty string",
			write: func(t *testing.T) { must(t, rdb.Set(ctx, "empty", "", 0).Err()) },
			check: func(t *testing.T, rdb *redis.Client) {
				if got, err := rdb.Get(ctx, "empty").Result(); err != nil || got != "" {
					t.Errorf("GET = %q, %v; want \"\", nil", got, err)
				}
			},
		},
		{
			name: "bitmap at high offsets",
			write: func(t *testing.T) {
				for _, off := range []int64{0, 7, 8_000_000} {
					must(t, rdb.SetBit(ctx, "bits", off, 1).Err())
				}
			},
			check: func(t *testing.T, rdb *redis.Client) {
				if n := rdb.BitCount(ctx, "bits", nil).Val(); n != 3 {
					t.Errorf("BITCOUNT = %d, want 3", n)
				}
				if b := rdb.GetBit(ctx, "bits", 8_000_000).Val(); b != 1 {
					t.Errorf("GETBIT 8000000 = %d, want 1", b)
				}
				if n := rdb.StrLen(ctx, "bits").Val(); n != 1_000_001 {
					t.Errorf("STRLEN = %d, want 1000001", n)
				}
				if got := rdb.GetRange(ctx, "bits", 0, 0).Val(); got != "\x81" {
					t.Errorf("first byte = %q, want \\x81", got)
				}
			},
		},
		{
			name:  "hash",
			write: func(t *testing.T) { must(t, rdb.HSet(ctx, "hash", "a", "1", "f\x00", "\xff", "empty", "").Err()) },
			check: func(t *testing.T, rdb *redis.Client) {
				got := rdb.HGetAll(ctx, "hash").Val()
				want := map[string]string{"a": "1", "f\x00": "\xff", "empty": ""}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("HGETALL = %q, want %q", got, want)
				}
			},
		},
		{
			name:  "list order and duplicates",
			write: func(t *testing.T) { must(t, rdb.RPush(ctx, "list", "b", "a", "b", "", "\x00").Err()) },
			check: func(t *testing.T, rdb *redis.Client) {
				got := rdb.LRange(ctx, "list", 0, -1).Val()
				if want := []string{"b", "a", "b", "", "\x00"}; !slices.Equal(got, want) {
					t.Errorf("LRANGE = %q, want %q", got, want)
				}
			},
		},
		{
			name:  "set",
			write: func(t *testing.T) { must(t, rdb.SAdd(ctx, "set", "x", "y", "\xfe").Err()) },
			check: func(t *testing.T, rdb *redis.Client) {
				got := rdb.SMembers(ctx, "set").Val()
				slices.Sort(got)
				if want := []string{"x", "y", "\xfe"}; !slices.Equal(got, want) {
					t.Errorf("SMEMBERS = %q, want %q", got, want)
				}
			},
		},
		{
			name: "sorted set scores exact",
			write: func(t *testing.T) {
				for m, s := range scores {
					must(t, rdb.ZAdd(ctx, "zset", redis.Z{Score: s, Member: m}).Err())
				}
			},
			check: func(t *testing.T, rdb *redis.Client) {
				if n := rdb.ZCard(ctx, "zset").Val(); n != int64(len(scores)) {
					t.Errorf("ZCARD = %d, want %d", n, len(scores))
				}
				for m, want := range scores {
					got, err := rdb.ZScore(ctx, "zset", m).Result()
					if err != nil || math.Float64bits(got) != math.Float64bits(want) {
						t.Errorf("ZSCORE %s = %v (%v), want %v", m, got, err, want)
					}
				}
				first := rdb.ZRangeWithScores(ctx, "zset", 0, 0).Val()
				if len(first) != 1 || first[0].Member != "-inf" {
					t.Errorf("lowest member = %v, want -inf", first)
				}
			},
		},
		{
			name: "stream with consumer group and pending entry",
			write: func(t *testing.T) {
				for _, id := range []string{"1-1", "1-2", "2-0", "3-0"} {
					must(t, rdb.XAdd(ctx, &redis.XAddArgs{Stream: "queue", ID: id, Values: []string{"job", id, "bin", "\x00\xff"}}).Err())
				}
				must(t, rdb.XDel(ctx, "queue", "3-0").Err()) // last generated ID stays 3-0
				must(t, rdb.XGroupCreate(ctx, "queue", "workers", "0").Err())
				must(t, rdb.XGroupCreate(ctx, "queue", "late", "$").Err())
				must(t, rdb.XGroupCreateConsumer(ctx, "queue", "workers", "idle").Err())
				got := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "dead", Streams: []string{"queue", ">"}, Count: 2}).Val()
				if len(got) != 1 || len(got[0].Messages) != 2 {
					t.Fatalf("XREADGROUP = %v, want 2 entries", got)
				}
				must(t, rdb.XAck(ctx, "queue", "workers", "1-1").Err())
				// Kept: idle time is wall-clock time the restore must
				// keep; a longer pause only makes more of it.
				time.Sleep(20 * time.Millisecond)
				p := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "queue", Group: "workers", Start: "-", End: "+", Count: 10}).Val()
				if len(p) != 1 {
					t.Fatalf("XPENDING = %v, want one entry", p)
				}
				idleBefore = p[0].Idle
				groupsBefore = map[string]string{}
				for _, g := range rdb.XInfoGroups(ctx, "queue").Val() {
					groupsBefore[g.Name] = g.LastDeliveredID
				}
				if len(groupsBefore) != 2 {
					t.Fatalf("XINFO GROUPS = %v, want 2 groups", groupsBefore)
				}
			},
			check: func(t *testing.T, rdb *redis.Client) {
				entries := rdb.XRange(ctx, "queue", "-", "+").Val()
				var ids []string
				for _, e := range entries {
					ids = append(ids, e.ID)
					if e.Values["job"] != e.ID || e.Values["bin"] != "\x00\xff" {
						t.Errorf("entry %s = %q", e.ID, e.Values)
					}
				}
				if want := []string{"1-1", "1-2", "2-0"}; !slices.Equal(ids, want) {
					t.Errorf("XRANGE ids = %v, want %v", ids, want)
				}
				if got := lastGeneratedID(t, rdb, "queue"); got != "3-0" {
					t.Errorf("last generated ID = %q, want 3-0 (of the deleted entry)", got)
				}
				groups := map[string]string{}
				for _, g := range rdb.XInfoGroups(ctx, "queue").Val() {
					groups[g.Name] = g.LastDeliveredID
				}
				if fmt.Sprint(groups) != fmt.Sprint(groupsBefore) {
					t.Errorf("groups' last delivered IDs = %v, want %v", groups, groupsBefore)
				}
				var consumers []string
				for _, c := range rdb.XInfoConsumers(ctx, "queue", "workers").Val() {
					consumers = append(consumers, c.Name)
				}
				if want := []string{"dead", "idle"}; !slices.Equal(consumers, want) {
					t.Errorf("consumers = %v, want %v", consumers, want)
				}

				p := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "queue", Group: "workers", Start: "-", End: "+", Count: 10}).Val()
				if len(p) != 1 || p[0].ID != "1-2" || p[0].Consumer != "dead" || p[0].RetryCount != 1 || p[0].Idle < idleBefore {
					t.Fatalf("XPENDING = %+v, want 1-2 held by dead, delivered once, idle >= %v", p, idleBefore)
				}

				claimed, _, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "queue", Group: "workers", Consumer: "alive", MinIdle: 10 * time.Millisecond, Start: "0-0", Count: 10}).Result()
				if err != nil || len(claimed) != 1 || claimed[0].ID != "1-2" || claimed[0].Values["job"] != "1-2" {
					t.Fatalf("XAUTOCLAIM = %v, %v; want entry 1-2", claimed, err)
				}
				p = rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "queue", Group: "workers", Start: "-", End: "+", Count: 10}).Val()
				if len(p) != 1 || p[0].Consumer != "alive" || p[0].RetryCount != 2 {
					t.Errorf("XPENDING after XAUTOCLAIM = %+v, want alive, 2 deliveries", p)
				}
				next := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "alive", Streams: []string{"queue", ">"}, Block: -1}).Val()
				if len(next) != 1 || len(next[0].Messages) != 1 || next[0].Messages[0].ID != "2-0" {
					t.Errorf("XREADGROUP > = %v, want only 2-0", next)
				}
			},
		},
		{
			name:  "TTL kept",
			write: func(t *testing.T) { must(t, rdb.Set(ctx, "lease", "x", time.Hour).Err()) },
			check: func(t *testing.T, rdb *redis.Client) {
				if d := rdb.PTTL(ctx, "lease").Val(); d <= time.Hour-time.Minute || d > time.Hour {
					t.Errorf("PTTL = %v, want just under 1h", d)
				}
			},
		},
		{
			name:  "no TTL stays none",
			write: func(t *testing.T) { must(t, rdb.Set(ctx, "forever", "x", 0).Err()) },
			check: func(t *testing.T, rdb *redis.Client) {
				if d := rdb.PTTL(ctx, "forever").Val(); d != -1 {
					t.Errorf("PTTL = %v, want -1 (no expiry)", d)
				}
			},
		},
		{
			name: "other database",
			write: func(t *testing.T) {
				db3 := redis.NewClient(&redis.Options{Addr: srv.Addr(), DB: 3})
				defer db3.Close()
				must(t, db3.Set(ctx, "in3", "three", 0).Err())
			},
			check: func(t *testing.T, rdb *redis.Client) {
				db3 := redis.NewClient(&redis.Options{Addr: rdb.Options().Addr, DB: 3})
				defer db3.Close()
				if got := db3.Get(ctx, "in3").Val(); got != "three" {
					t.Errorf("db 3 GET = %q, want three", got)
				}
				if n := rdb.Exists(ctx, "in3").Val(); n != 0 {
					t.Errorf("key of db 3 found in db 0")
				}
			},
		},
		{
			name:  "HyperLogLog is not kept (miniredis cannot read it back)",
			write: func(t *testing.T) { must(t, rdb.PFAdd(ctx, "hll", "a", "b").Err()) },
			check: func(t *testing.T, rdb *redis.Client) {
				if n := rdb.Exists(ctx, "hll").Val(); n != 0 {
					t.Errorf("EXISTS hll = %d, want 0", n)
				}
			},
		},
	}
	for _, c := range cases {
		c.write(t)
	}
	srv, rdb = restart(t, srv, rdb, dir)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, rdb) })
	}

	t.Run("restored again unchanged", func(t *testing.T) {
		before := dumpAll(t, rdb)
		_, rdb2 := restart(t, srv, rdb, dir)
		if after := dumpAll(t, rdb2); after != before {
			t.Errorf("second restart changed the data:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// dumpAll describes every key of db 0 through DUMP-free reads, for
// comparing two datasets.
func dumpAll(t *testing.T, rdb *redis.Client) string {
	t.Helper()
	ctx := context.Background()
	keys := rdb.Keys(ctx, "*").Val()
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		typ := rdb.Type(ctx, k).Val()
		fmt.Fprintf(&b, "%q %s ttl=%v: ", k, typ, rdb.PTTL(ctx, k).Val() > 0)
		switch typ {
		case "string":
			fmt.Fprintf(&b, "%q", rdb.Get(ctx, k).Val())
		case "hash":
			fmt.Fprintf(&b, "%q", rdb.HGetAll(ctx, k).Val())
		case "list":
			fmt.Fprintf(&b, "%q", rdb.LRange(ctx, k, 0, -1).Val())
		case "set":
			m := rdb.SMembers(ctx, k).Val()
			slices.Sort(m)
			fmt.Fprintf(&b, "%q", m)
		case "zset":
			fmt.Fprintf(&b, "%v", rdb.ZRangeWithScores(ctx, k, 0, -1).Val())
		case "stream":
			// miniredis lists groups in map order: sort them.
			groups, _ := rdb.Do(ctx, "XINFO", "GROUPS", k).Slice()
			sorted := make([]string, len(groups))
			for i, g := range groups {
				sorted[i] = fmt.Sprint(g)
			}
			slices.Sort(sorted)
			fmt.Fprintf(&b, "%v %v", rdb.XRange(ctx, k, "-", "+").Val(), sorted)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// lastGeneratedID returns XINFO STREAM's last-generated-id (go-redis's
// XInfoStream wants more fields than miniredis returns).
func lastGeneratedID(t *testing.T, rdb *redis.Client, key string) string {
	t.Helper()
	res, err := rdb.Do(context.Background(), "XINFO", "STREAM", key).Result()
	must(t, err)
	switch info := res.(type) {
	case map[any]any:
		return fmt.Sprint(info["last-generated-id"])
	case []any:
		for i := 0; i+1 < len(info); i += 2 {
			if info[i] == "last-generated-id" {
				return fmt.Sprint(info[i+1])
			}
		}
	}
	t.Fatalf("XINFO STREAM = %#v", res)
	return ""
}

func TestExpiredKeysAreNotRestored(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, rdb := startServer(t, embedded.Options{Dir: dir})
	must(t, rdb.Set(ctx, "short", "x", 300*time.Millisecond).Err())
	must(t, rdb.Set(ctx, "long", "x", time.Hour).Err())
	rdb.Close()
	must(t, srv.Close())
	// Kept: the key must be past its deadline, on the wall clock, when the
	// next server loads the folder; a longer pause changes nothing.
	time.Sleep(400 * time.Millisecond)

	_, rdb = startServer(t, embedded.Options{Dir: dir})
	if n := rdb.Exists(ctx, "short").Val(); n != 0 {
		t.Errorf("expired key restored")
	}
	if n := rdb.Exists(ctx, "long").Val(); n != 1 {
		t.Errorf("live key not restored")
	}
}

func TestExpiryFollowsWallClock(t *testing.T) {
	ctx := context.Background()
	_, rdb := startServer(t, embedded.Options{Dir: t.TempDir()})
	const ttl = 1500 * time.Millisecond
	set := time.Now()
	must(t, rdb.Set(ctx, "k", "v", ttl).Err())
	must(t, rdb.Set(ctx, "stays", "v", 0).Err())
	if n := rdb.Exists(ctx, "k").Val(); n != 1 {
		t.Fatalf("key gone right after SET")
	}
	// The expiry tick runs on the server and tells nobody: ask again.
	for rdb.Exists(ctx, "k").Val() == 1 {
		if time.Since(set) > ttl+2*time.Minute { // only stops a broken test
			t.Fatalf("key with a %v TTL still there after %v", ttl, time.Since(set))
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The expiry tick is 100 ms on a small dataset: a key may go that
	// much early, never more.
	if lived := time.Since(set); lived < ttl-200*time.Millisecond {
		t.Errorf("key with a %v TTL expired after %v", ttl, lived)
	}
	if n := rdb.Exists(ctx, "stays").Val(); n != 1 {
		t.Errorf("key without TTL expired")
	}
}

func TestPeriodicSnapshot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, rdb := startServer(t, embedded.Options{Dir: dir, SnapshotEvery: 50 * time.Millisecond})
	if at, err := srv.LastSnapshot(); !at.IsZero() || err != nil {
		t.Fatalf("LastSnapshot before any = %v, %v; want zero, nil", at, err)
	}
	set := time.Now()
	must(t, rdb.Set(ctx, "k", "periodic", 0).Err())
	// The snapshot runs on the server and tells nobody: ask again.
	for {
		at, err := srv.LastSnapshot()
		if err != nil {
			t.Fatalf("LastSnapshot error: %v", err)
		}
		if at.After(set) {
			break
		}
		if time.Since(set) > 2*time.Minute { // only stops a broken test
			t.Fatalf("no snapshot after %v with SnapshotEvery 50ms", time.Since(set))
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The server is still running: restore a copy elsewhere.
	copyDir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(dir, embedded.SnapshotFile))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(copyDir, embedded.SnapshotFile), b, 0o600))
	_, rdb2 := startServer(t, embedded.Options{Dir: copyDir})
	if got := rdb2.Get(ctx, "k").Val(); got != "periodic" {
		t.Errorf("GET from the periodic snapshot = %q, want periodic", got)
	}
}

func TestLockSameProcess(t *testing.T) {
	dir := t.TempDir()
	srv, _ := startServer(t, embedded.Options{Dir: dir})
	_, err := embedded.Start(embedded.Options{Dir: dir})
	if !errors.Is(err, embedded.ErrLocked) {
		t.Fatalf("second Start = %v, want ErrLocked", err)
	}
	for _, want := range []string{filepath.Join(dir, embedded.LockFile), "this process", strconv.Itoa(os.Getpid())} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	pid, err := os.ReadFile(filepath.Join(dir, embedded.LockFile))
	if err != nil || strings.TrimSpace(string(pid)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, %v; want this process's id", pid, err)
	}
	must(t, srv.Close())
	srv2, err := embedded.Start(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatalf("Start after Close: %v", err)
	}
	must(t, srv2.Close())
}

func TestLockAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	child := func() (string, int) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childLockEnv+"="+dir)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("run child: %v", err)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}

	srv, _ := startServer(t, embedded.Options{Dir: dir})
	out, code := child()
	if code != childLocked {
		t.Fatalf("child with the folder locked: exit %d, output %q; want exit %d", code, out, childLocked)
	}
	if want := "process " + strconv.Itoa(os.Getpid()); !strings.Contains(out, want) {
		t.Errorf("child's error %q does not name %q", out, want)
	}

	must(t, srv.Close())
	if out, code := child(); code != 0 {
		t.Errorf("child after Close: exit %d, output %q; want 0", code, out)
	}
}

func TestCorruptSnapshot(t *testing.T) {
	// valid writes a folder with a snapshot and a previous snapshot.
	valid := func(t *testing.T) string {
		dir := t.TempDir()
		srv, rdb := startServer(t, embedded.Options{Dir: dir})
		for i := range 200 {
			must(t, rdb.Set(context.Background(), "k"+strconv.Itoa(i), strings.Repeat("v", i), 0).Err())
		}
		must(t, srv.Snapshot(context.Background()))
		rdb.Close()
		must(t, srv.Close()) // the Snapshot above becomes .prev
		return dir
	}
	snap := func(dir string) string { return filepath.Join(dir, embedded.SnapshotFile) }
	prev := func(dir string) string { return snap(dir) + ".prev" }

	cases := map[string]struct {
		damage   func(t *testing.T, dir string)
		wantPrev bool
	}{
		"garbage": {
			damage:   func(t *testing.T, dir string) { must(t, os.WriteFile(snap(dir), []byte("not a snapshot"), 0o600)) },
			wantPrev: true,
		},
		"empty file": {
			damage:   func(t *testing.T, dir string) { must(t, os.WriteFile(snap(dir), nil, 0o600)) },
			wantPrev: true,
		},
		"truncated": {
			damage: func(t *testing.T, dir string) {
				b, err := os.ReadFile(snap(dir))
				must(t, err)
				must(t, os.WriteFile(snap(dir), b[:len(b)/2], 0o600))
			},
			wantPrev: true,
		},
		"flipped byte": {
			damage: func(t *testing.T, dir string) {
				b, err := os.ReadFile(snap(dir))
				must(t, err)
				b[len(b)/2] ^= 0x40
				must(t, os.WriteFile(snap(dir), b, 0o600))
			},
			wantPrev: true,
		},
		"garbage without previous": {
			damage: func(t *testing.T, dir string) {
				must(t, os.WriteFile(snap(dir), []byte("not a snapshot"), 0o600))
				must(t, os.Remove(prev(dir)))
			},
		},
		"missing but previous there": {
			damage:   func(t *testing.T, dir string) { must(t, os.Remove(snap(dir))) },
			wantPrev: true,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := valid(t)
			c.damage(t, dir)
			_, err := embedded.Start(embedded.Options{Dir: dir})
			if !errors.Is(err, embedded.ErrCorruptSnapshot) {
				t.Fatalf("Start = %v, want ErrCorruptSnapshot", err)
			}
			if !strings.Contains(err.Error(), snap(dir)) {
				t.Errorf("error %q does not name %s", err, snap(dir))
			}
			if got := strings.Contains(err.Error(), prev(dir)); got != c.wantPrev {
				t.Errorf("error %q mentions %s: %v, want %v", err, prev(dir), got, c.wantPrev)
			}

			// Recovering as the error says works, and the failed Start
			// released the lock.
			if c.wantPrev {
				must(t, os.Rename(prev(dir), snap(dir)))
			} else {
				must(t, os.Remove(snap(dir)))
				journal, err := filepath.Glob(filepath.Join(dir, embedded.JournalPrefix+"*"))
				must(t, err)
				for _, f := range journal {
					must(t, os.Remove(f))
				}
			}
			_, rdb := startServer(t, embedded.Options{Dir: dir})
			if c.wantPrev && rdb.Get(context.Background(), "k199").Val() != strings.Repeat("v", 199) {
				t.Errorf("previous snapshot not restored")
			}
		})
	}
}

func TestStaleTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, embedded.SnapshotFile+".123.tmp")
	must(t, os.WriteFile(stale, []byte("half a snapshot"), 0o600))
	startServer(t, embedded.Options{Dir: dir})
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary snapshot still there: %v", err)
	}
}

func TestDatabaseIndexLimit(t *testing.T) {
	ctx := context.Background()
	_, rdb := startServer(t, embedded.Options{Dir: t.TempDir()})
	must(t, rdb.Set(ctx, "k", "v", 0).Err())
	cases := map[string]struct {
		args    []any
		refused bool
	}{
		"SELECT 15":         {args: []any{"SELECT", 15}},
		"SELECT 16":         {args: []any{"SELECT", 16}, refused: true},
		"SELECT -1":         {args: []any{"SELECT", -1}, refused: true},
		"MOVE to 16":        {args: []any{"MOVE", "k", 16}, refused: true},
		"SWAPDB 0 16":       {args: []any{"SWAPDB", 0, 16}, refused: true},
		"COPY DB 99":        {args: []any{"COPY", "k", "k2", "DB", 99}, refused: true},
		"COPY key named DB": {args: []any{"COPY", "DB", "99"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			conn := rdb.Conn()
			defer conn.Close()
			err := conn.Do(ctx, c.args...).Err()
			refused := err != nil && strings.Contains(err.Error(), "DB index is out of range")
			if refused != c.refused {
				t.Errorf("%v: error %v, want refused %v", c.args, err, c.refused)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	ctx := context.Background()
	srv, rdb := startServer(t, embedded.Options{Dir: t.TempDir()})
	must(t, rdb.MSet(ctx, "a", 1, "b", 2, "c", 3).Err())
	db5 := redis.NewClient(&redis.Options{Addr: srv.Addr(), DB: 5})
	defer db5.Close()
	must(t, db5.HSet(ctx, "h", "f", "v").Err())
	if n, err := srv.Keys(ctx); n != 4 || err != nil {
		t.Errorf("Keys = %d, %v; want 4", n, err)
	}
}

func TestCloseIdempotent(t *testing.T) {
	t.Run("clean", func(t *testing.T) {
		srv, _ := startServer(t, embedded.Options{Dir: t.TempDir()})
		for i := range 2 {
			if err := srv.Close(); err != nil {
				t.Errorf("Close #%d = %v", i+1, err)
			}
		}
	})
	t.Run("final snapshot fails", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		srv, _ := startServer(t, embedded.Options{Dir: dir})
		must(t, os.RemoveAll(dir))
		err1 := srv.Close()
		if err1 == nil {
			t.Fatal("Close with the data folder gone = nil, want the snapshot error")
		}
		if err2 := srv.Close(); err2 != err1 {
			t.Errorf("second Close = %v, want %v", err2, err1)
		}
		if _, err := srv.LastSnapshot(); err != err1 {
			t.Errorf("LastSnapshot error = %v, want %v", err, err1)
		}
	})
}
