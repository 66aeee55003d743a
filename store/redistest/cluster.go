package redistest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterTimeout bounds creating a cluster and waiting until every node
// agrees it is whole. redis-cli alone needs ~3 s on an idle machine; the
// margin is for a loaded 2-core CI machine.
const clusterTimeout = 2 * time.Minute

// Cluster is a private Redis Cluster of masters only, every hash slot
// assigned, each node on a loopback port.
type Cluster struct {
	nodes []*node
}

// StartCluster starts masters (at least 3) cluster-enabled redis-servers in
// tb.TempDir(), joins them with redis-cli --cluster create and waits until
// every node reports cluster_state:ok with all 16384 slots. The nodes are
// killed when the test ends.
func StartCluster(tb testing.TB, masters int, opts ...Option) *Cluster {
	tb.Helper()
	cfg := newConfig(opts)
	return inTestDir(tb, func(dir string) (*Cluster, error) { return startCluster(dir, masters, cfg) })
}

// StartClusterMain is StartCluster for a whole test binary, from TestMain.
// Call stop after m.Run: it kills the nodes and removes their directories.
func StartClusterMain(masters int, opts ...Option) (c *Cluster, stop func(), err error) {
	cfg := newConfig(opts)
	return inTempDir(func(dir string) (*Cluster, error) { return startCluster(dir, masters, cfg) })
}

func startCluster(dir string, masters int, cfg config) (*Cluster, error) {
	if masters < 3 {
		return nil, fmt.Errorf("redistest: a cluster needs at least 3 masters, got %d", masters)
	}
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if err := lookPath(bin); err != nil {
			return nil, err
		}
	}
	c := &Cluster{}
	if err := c.create(dir, masters, cfg); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) create(dir string, masters int, cfg config) error {
	for i := range masters {
		ndir := filepath.Join(dir, "node"+strconv.Itoa(i))
		if err := os.Mkdir(ndir, 0o700); err != nil {
			return fmt.Errorf("redistest: cluster node dir: %w", err)
		}
		n, err := newNode(ndir, true, cfg.args)
		if err != nil {
			return err
		}
		if err := n.start(); err != nil {
			return err
		}
		c.nodes = append(c.nodes, n)
	}

	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("redistest: redis-cli --cluster create: %w\n%s", err, out)
	}
	return c.waitOK(ctx)
}

// waitOK polls CLUSTER INFO on every node until each knows all nodes, sees
// all slots served and says cluster_state:ok.
func (c *Cluster) waitOK(ctx context.Context) error {
	want := map[string]string{
		"cluster_state":          "ok",
		"cluster_slots_assigned": "16384",
		"cluster_slots_ok":       "16384",
		"cluster_known_nodes":    strconv.Itoa(len(c.nodes)),
	}
	for _, n := range c.nodes {
		client := newAdminClient(n.addr())
		err := pollUntil(ctx, func() error {
			info, err := client.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			for k, v := range want {
				if !strings.Contains(info, k+":"+v+"\r\n") {
					return fmt.Errorf("want %s:%s in CLUSTER INFO:\n%s", k, v, info)
				}
			}
			return nil
		})
		_ = client.Close()
		if err != nil {
			return fmt.Errorf("redistest: cluster node %s not ready: %w; log %s ends:\n%s", n.addr(), err, n.logPath(), n.logTail())
		}
	}
	return nil
}

// pollUntil calls check every pollInterval until it returns nil or ctx ends,
// then returns check's last error.
func pollUntil(ctx context.Context, check func() error) error {
	for {
		err := check()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(pollInterval):
		}
	}
}

// Addrs are the nodes' TCP addresses, "127.0.0.1:PORT" each.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		addrs[i] = n.addr()
	}
	return addrs
}

// URL is the nodes' addresses joined by commas, "host:port,host:port,...",
// the form the store reads as a cluster.
func (c *Cluster) URL() string { return strings.Join(c.Addrs(), ",") }

// Client returns a go-redis cluster client of the nodes, closed when the
// test ends.
func (c *Cluster) Client(tb testing.TB) *redis.ClusterClient {
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	tb.Cleanup(func() { _ = client.Close() })
	return client
}

// FlushAll deletes every key on every node.
func (c *Cluster) FlushAll(tb testing.TB) {
	tb.Helper()
	for _, n := range c.nodes {
		if err := n.flushAll(); err != nil {
			tb.Fatal(err)
		}
	}
}

func (c *Cluster) stop() {
	for _, n := range c.nodes {
		n.stop()
	}
}
