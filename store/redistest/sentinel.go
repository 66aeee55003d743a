package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	// SentinelMaster is the name the sentinels know the primary by.
	SentinelMaster = "tongbao"
	// sentinelTimeout bounds setting up the sentinels and a failover.
	// Sentinel hears of replicas and of the other sentinels through hello
	// messages every 2 s and fails over about a second after the primary
	// stops answering; the margin is for a loaded 2-core CI machine.
	sentinelTimeout = 2 * time.Minute
	// sentinelDownAfter is how long the primary must not answer before a
	// sentinel thinks it down (Redis's default is 30 s).
	sentinelDownAfter = 1000
)

// Sentinel is a private Redis Sentinel deployment: a primary, one replica
// of it and three sentinels (a quorum of two), each on loopback ports in
// its own directory.
type Sentinel struct {
	data      []*node // the two data servers, the first started as primary
	sentinels []*node
}

// StartSentinel starts a primary, its replica and three sentinels watching
// it in tb.TempDir(), and returns when the replica is in sync and every
// sentinel knows the replica and the other two sentinels, so that a
// failover can happen. Everything is killed when the test ends.
func StartSentinel(tb testing.TB, opts ...Option) *Sentinel {
	tb.Helper()
	cfg := newConfig(opts)
	return inTestDir(tb, func(dir string) (*Sentinel, error) { return startSentinel(dir, cfg) })
}

func startSentinel(dir string, cfg config) (*Sentinel, error) {
	if err := lookPath("redis-server"); err != nil {
		return nil, err
	}
	s := &Sentinel{}
	if err := s.create(dir, cfg); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *Sentinel) create(dir string, cfg config) error {
	mkNode := func(name string, args []string) (*node, error) {
		ndir := filepath.Join(dir, name)
		if err := os.Mkdir(ndir, 0o700); err != nil {
			return nil, fmt.Errorf("redistest: sentinel setup dir: %w", err)
		}
		return newNode(ndir, false, args)
	}
	primary, err := mkNode("primary", cfg.args)
	if err != nil {
		return err
	}
	if err := primary.start(); err != nil {
		return err
	}
	s.data = append(s.data, primary)
	host, port, _ := net.SplitHostPort(primary.addr())
	replica, err := mkNode("replica", append([]string{"--replicaof", host, port}, cfg.args...))
	if err != nil {
		return err
	}
	if err := replica.start(); err != nil {
		return err
	}
	s.data = append(s.data, replica)
	for i := range 3 {
		n, err := mkNode("sentinel"+strconv.Itoa(i), nil)
		if err != nil {
			return err
		}
		n.sentinelConf = filepath.Join(n.dir, "sentinel.conf")
		conf := fmt.Sprintf("sentinel monitor %[1]s %[2]s %[3]s 2\nsentinel down-after-milliseconds %[1]s %[4]d\nsentinel failover-timeout %[1]s 10000\n",
			SentinelMaster, host, port, sentinelDownAfter)
		if err := os.WriteFile(n.sentinelConf, []byte(conf), 0o600); err != nil {
			return fmt.Errorf("redistest: sentinel config: %w", err)
		}
		if err := n.start(); err != nil {
			return err
		}
		s.sentinels = append(s.sentinels, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), sentinelTimeout)
	defer cancel()
	if err := waitInfo(ctx, replica, "replication", "master_link_status:up"); err != nil {
		return err
	}
	for _, n := range s.sentinels {
		c := newAdminClient(n.addr())
		err := pollUntil(ctx, func() error {
			m, err := c.Do(ctx, "SENTINEL", "MASTER", SentinelMaster).Result()
			if err != nil {
				return err
			}
			f := fields(m)
			if f["num-slaves"] != "1" || f["num-other-sentinels"] != "2" {
				return fmt.Errorf("sentinel %s knows %s replicas and %s other sentinels, want 1 and 2", n.addr(), f["num-slaves"], f["num-other-sentinels"])
			}
			return nil
		})
		_ = c.Close()
		if err != nil {
			return fmt.Errorf("redistest: sentinels not ready: %w; log %s ends:\n%s", err, n.logPath(), n.logTail())
		}
	}
	return nil
}

// waitInfo polls INFO section on n until it contains want.
func waitInfo(ctx context.Context, n *node, section, want string) error {
	c := newAdminClient(n.addr())
	defer c.Close()
	err := pollUntil(ctx, func() error {
		info, err := c.Info(ctx, section).Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, want+"\r\n") {
			return fmt.Errorf("INFO %s of %s lacks %s", section, n.addr(), want)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redistest: %w; log %s ends:\n%s", err, n.logPath(), n.logTail())
	}
	return nil
}

// fields turns a reply of fields and values (a RESP3 map, or a flat RESP2
// array) into a map.
func fields(reply any) map[string]string {
	m := map[string]string{}
	switch r := reply.(type) {
	case map[any]any:
		for k, v := range r {
			m[fmt.Sprint(k)] = fmt.Sprint(v)
		}
	case []any:
		for i := 0; i+1 < len(r); i += 2 {
			m[fmt.Sprint(r[i])] = fmt.Sprint(r[i+1])
		}
	}
	return m
}

// URL is the deployment as the store reads it:
// redis-sentinel://host:port,host:port,host:port/tongbao.
func (s *Sentinel) URL() string {
	addrs := make([]string, len(s.sentinels))
	for i, n := range s.sentinels {
		addrs[i] = n.addr()
	}
	return "redis-sentinel://" + strings.Join(addrs, ",") + "/" + SentinelMaster
}

// Primary returns the address the first sentinel gives for the primary.
func (s *Sentinel) Primary(tb testing.TB) string {
	tb.Helper()
	addr, err := s.primaryOf(context.Background(), s.sentinels[0])
	if err != nil {
		tb.Fatal(err)
	}
	return addr
}

func (s *Sentinel) primaryOf(ctx context.Context, sentinel *node) (string, error) {
	c := newAdminClient(sentinel.addr())
	defer c.Close()
	hp, err := c.Do(ctx, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", SentinelMaster).StringSlice()
	if err != nil || len(hp) != 2 {
		return "", fmt.Errorf("redistest: sentinel %s: primary address: %v %v", sentinel.addr(), hp, err)
	}
	return net.JoinHostPort(hp[0], hp[1]), nil
}

// KillPrimary kills the current primary's process, as a crash would, and
// returns its address.
func (s *Sentinel) KillPrimary(tb testing.TB) string {
	tb.Helper()
	addr := s.Primary(tb)
	for _, n := range s.data {
		if n.addr() == addr {
			n.stop()
			return addr
		}
	}
	tb.Fatalf("redistest: the sentinels name %s as primary, which is none of the data servers", addr)
	return ""
}

// WaitFailover waits until every sentinel names a primary other than old
// and that server answers as a primary.
func (s *Sentinel) WaitFailover(tb testing.TB, old string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), sentinelTimeout)
	defer cancel()
	var primary string
	for _, sn := range s.sentinels {
		err := pollUntil(ctx, func() error {
			addr, err := s.primaryOf(ctx, sn)
			if err != nil {
				return err
			}
			if addr == old {
				return fmt.Errorf("sentinel %s still names %s", sn.addr(), old)
			}
			primary = addr
			return nil
		})
		if err != nil {
			tb.Fatalf("redistest: no failover: %v; log %s ends:\n%s", err, sn.logPath(), sn.logTail())
		}
	}
	for _, n := range s.data {
		if n.addr() == primary {
			if err := waitInfo(ctx, n, "replication", "role:master"); err != nil {
				tb.Fatal(err)
			}
			return
		}
	}
	tb.Fatalf("redistest: the sentinels name %s as primary, which is none of the data servers", primary)
}

func (s *Sentinel) stop() {
	for _, n := range s.sentinels {
		n.stop()
	}
	for _, n := range s.data {
		n.stop()
	}
}
