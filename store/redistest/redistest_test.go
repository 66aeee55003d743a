package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// The suite shares one server and one cluster, which also exercises
// StartMain and StartClusterMain.
var (
	shared        *Server
	sharedCluster *Cluster
)

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	srv, stop, err := StartMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	c, stopCluster, err := StartClusterMain(3)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stopCluster()
	shared, sharedCluster = srv, c
	return m.Run()
}

func TestServer(t *testing.T) {
	t.Parallel()
	servers := map[string]*Server{"Start": Start(t), "StartMain": shared}
	for name, srv := range servers {
		t.Run(name, func(t *testing.T) {
			if want := "redis://" + srv.Addr(); srv.URL() != want {
				t.Errorf("URL() = %q, want %q", srv.URL(), want)
			}
			urlOpts, err := redis.ParseURL(srv.URL())
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", srv.URL(), err)
			}
			transports := map[string]*redis.Options{
				"tcp":  {Addr: srv.Addr()},
				"unix": {Network: "unix", Addr: srv.Socket()},
				"url":  urlOpts,
			}
			for tname, opts := range transports {
				t.Run(tname, func(t *testing.T) {
					rdb := redis.NewClient(opts)
					t.Cleanup(func() { _ = rdb.Close() })
					ctx := context.Background()
					if got, err := rdb.Ping(ctx).Result(); err != nil || got != "PONG" {
						t.Fatalf("PING = %q, %v; want PONG", got, err)
					}
					key := t.Name()
					if err := rdb.Set(ctx, key, "v-"+tname, 0).Err(); err != nil {
						t.Fatalf("SET: %v", err)
					}
					if got, err := rdb.Get(ctx, key).Result(); err != nil || got != "v-"+tname {
						t.Fatalf("GET = %q, %v; want %q", got, err, "v-"+tname)
					}
				})
			}
		})
	}
}

func TestStopRestart(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	addr := srv.Addr()
	tcp := srv.Client(t)
	unix := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket()})
	t.Cleanup(func() { _ = unix.Close() })
	clients := map[string]*redis.Client{"tcp": tcp, "unix": unix}
	ctx := context.Background()
	if err := tcp.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}

	srv.Stop()
	srv.Stop() // stopping twice is harmless
	for name, c := range clients {
		if err := c.Ping(ctx).Err(); err == nil {
			t.Errorf("%s: PING after Stop succeeded, want an error", name)
		}
	}

	srv.Restart(t)
	if srv.Addr() != addr {
		t.Errorf("Addr() after Restart = %s, want %s", srv.Addr(), addr)
	}
	for name, c := range clients {
		if err := c.Ping(ctx).Err(); err != nil {
			t.Errorf("%s: PING after Restart: %v", name, err)
		}
	}
	if err := tcp.Get(ctx, "k").Err(); !errors.Is(err, redis.Nil) {
		t.Errorf("GET after Restart: err = %v, want redis.Nil (no persistence)", err)
	}
	srv.Restart(t) // restarting a running server works too
	if err := tcp.Ping(ctx).Err(); err != nil {
		t.Errorf("PING after second Restart: %v", err)
	}
}

func TestWithArgs(t *testing.T) {
	t.Parallel()
	srv := Start(t, WithArgs("--maxmemory", "12345"))
	got, err := srv.Client(t).ConfigGet(context.Background(), "maxmemory").Result()
	if err != nil || got["maxmemory"] != "12345" {
		t.Fatalf("CONFIG GET maxmemory = %v, %v; want 12345", got, err)
	}
}

// TestFlushAll is not parallel, so it never runs beside the tests that use
// the shared server and cluster.
func TestFlushAll(t *testing.T) {
	ctx := context.Background()
	rdb := shared.Client(t)
	cc := sharedCluster.Client(t)
	for i := range 10 {
		k := "flush:" + strconv.Itoa(i)
		if err := rdb.Set(ctx, k, "v", 0).Err(); err != nil {
			t.Fatalf("SET: %v", err)
		}
		if err := cc.Set(ctx, k, "v", 0).Err(); err != nil {
			t.Fatalf("cluster SET: %v", err)
		}
	}
	shared.FlushAll(t)
	sharedCluster.FlushAll(t)
	if n, err := rdb.DBSize(ctx).Result(); err != nil || n != 0 {
		t.Errorf("server DBSIZE after FlushAll = %d, %v; want 0", n, err)
	}
	if n, err := cc.DBSize(ctx).Result(); err != nil || n != 0 {
		t.Errorf("cluster DBSIZE after FlushAll = %d, %v; want 0", n, err)
	}
}

func TestCluster(t *testing.T) {
	t.Parallel()
	clusters := map[string]*Cluster{"StartCluster": StartCluster(t, 3), "StartClusterMain": sharedCluster}
	for name, c := range clusters {
		t.Run(name, func(t *testing.T) {
			if got := len(c.Addrs()); got != 3 {
				t.Fatalf("len(Addrs()) = %d, want 3", got)
			}
			if want := strings.Join(c.Addrs(), ","); c.URL() != want {
				t.Errorf("URL() = %q, want %q", c.URL(), want)
			}
			cc := c.Client(t)
			ctx := context.Background()

			t.Run("keys on every node", func(t *testing.T) {
				for i := range 30 {
					k := fmt.Sprintf("%s:%d", t.Name(), i)
					if err := cc.Set(ctx, k, i, 0).Err(); err != nil {
						t.Fatalf("SET %s: %v", k, err)
					}
					if got, err := cc.Get(ctx, k).Int(); err != nil || got != i {
						t.Fatalf("GET %s = %d, %v; want %d", k, got, err, i)
					}
				}
				for _, addr := range c.Addrs() {
					node := redis.NewClient(&redis.Options{Addr: addr})
					n, err := node.DBSize(ctx).Result()
					_ = node.Close()
					if err != nil || n == 0 {
						t.Errorf("node %s DBSIZE = %d, %v; want keys on every node", addr, n, err)
					}
				}
			})
			t.Run("multi-key with hash tag", func(t *testing.T) {
				a, b := "{"+t.Name()+"}:a", "{"+t.Name()+"}:b"
				if err := cc.MSet(ctx, a, "1", b, "2").Err(); err != nil {
					t.Fatalf("MSET: %v", err)
				}
				got, err := cc.MGet(ctx, a, b).Result()
				if err != nil || len(got) != 2 || got[0] != "1" || got[1] != "2" {
					t.Fatalf("MGET = %v, %v; want [1 2]", got, err)
				}
			})
			t.Run("multi-key across slots fails", func(t *testing.T) {
				err := cc.MSet(ctx, t.Name()+":a", "1", t.Name()+":b", "2").Err()
				if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
					t.Fatalf("MSET across slots: err = %v, want CROSSSLOT", err)
				}
			})
		})
	}
}

// TestStartErrors is not parallel: it changes PATH.
func TestStartErrors(t *testing.T) {
	serverOnly := t.TempDir()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server not on PATH; run ./scripts/test.sh, which installs it: %v", err)
	}
	if err := os.Symlink(bin, filepath.Join(serverOnly, "redis-server")); err != nil {
		t.Fatal(err)
	}
	server := func(dir string) error { _, err := startServer(dir, config{}); return err }
	cluster := func(masters int) func(string) error {
		return func(dir string) error { _, err := startCluster(dir, masters, config{}); return err }
	}
	cases := map[string]struct {
		path  string // PATH for the start; "" keeps it
		dir   string // directory to start in; "" is a fresh TempDir
		start func(dir string) error
		want  string
	}{
		"no redis-server": {path: t.TempDir(), start: server, want: "redis-server not found on PATH; run ./scripts/test.sh"},
		"no redis-cli":    {path: serverOnly, start: cluster(3), want: "redis-cli not found on PATH; run ./scripts/test.sh"},
		"too few masters": {start: cluster(2), want: "at least 3 masters"},
		"socket too long": {dir: filepath.Join(t.TempDir(), strings.Repeat("x", 120)), start: server, want: "set a shorter TMPDIR"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.path != "" {
				t.Setenv("PATH", tc.path)
			}
			dir := tc.dir
			if dir == "" {
				dir = t.TempDir()
			}
			err := tc.start(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestPortTaken checks that a start on a port someone else holds reports
// errAddrInUse (so start retries on new ports), even when the holder is a
// redis-server that answers.
func TestPortTaken(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, sharedPort, err := net.SplitHostPort(shared.Addr())
	if err != nil {
		t.Fatal(err)
	}
	holders := map[string]string{
		"silent listener":      strconv.Itoa(l.Addr().(*net.TCPAddr).Port),
		"another redis-server": sharedPort,
	}
	for name, port := range holders {
		t.Run(name, func(t *testing.T) {
			n, err := newNode(t.TempDir(), false, nil)
			if err != nil {
				t.Fatal(err)
			}
			if n.port, err = strconv.Atoi(port); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(n.stop)
			if err := n.launch(); !errors.Is(err, errAddrInUse) {
				t.Fatalf("launch on a taken port: err = %v, want errAddrInUse", err)
			}
		})
	}
}
