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
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// startTimeout bounds how long one redis-server may take to answer.
	// Redis starts in milliseconds; the margin is for a loaded 2-core CI
	// machine running -race test binaries next to it.
	startTimeout = 30 * time.Second
	// pollInterval is how often a starting server or cluster is asked again.
	pollInterval = 20 * time.Millisecond
	// portAttempts is how often a start is retried on fresh ports after
	// another process took a port between its probe and redis-server's bind.
	portAttempts = 5
	// maxSocketPath keeps sockaddr_un.sun_path (104 bytes on some systems,
	// 108 on Linux) big enough for the socket path and its NUL.
	maxSocketPath = 103
)

// errAddrInUse marks a start that failed because a port was taken.
var errAddrInUse = errors.New("address already in use")

// lookPath fails with the fix when a Redis binary is missing: the tests must
// fail loudly on such a machine, never skip.
func lookPath(name string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("redistest: %s not found on PATH; run ./scripts/test.sh, which installs it: %w", name, err)
	}
	return nil
}

// node is one redis-server process in its own directory, listening on a
// loopback TCP port and a unix socket, plus a cluster bus port when it is a
// cluster node.
type node struct {
	dir     string
	socket  string
	cluster bool
	args    []string // extra redis-server arguments
	// sentinelConf, when set, runs the node as a Sentinel with this
	// configuration file (which Sentinel rewrites as it learns).
	sentinelConf string

	mu      sync.Mutex
	port    int
	busPort int
	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has been waited for
	logFrom int64         // where the current process's output starts in the log
}

func newNode(dir string, cluster bool, args []string) (*node, error) {
	socket := filepath.Join(dir, "redis.sock")
	if len(socket) > maxSocketPath {
		return nil, fmt.Errorf("redistest: unix socket path %q is longer than %d bytes; set a shorter TMPDIR", socket, maxSocketPath)
	}
	return &node{dir: dir, socket: socket, cluster: cluster, args: args}, nil
}

func (n *node) addr() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(n.port))
}

func (n *node) logPath() string { return filepath.Join(n.dir, "redis.log") }

// start launches the node on fresh free ports, retrying when another process
// wins the race for a port between the probe and redis-server's bind.
func (n *node) start() error {
	var err error
	count := 1
	if n.cluster {
		count = 2
	}
	for range portAttempts {
		ports, perr := freePorts(count)
		if perr != nil {
			return perr
		}
		n.mu.Lock()
		n.port = ports[0]
		if n.cluster {
			n.busPort = ports[1]
		}
		n.mu.Unlock()
		if err = n.launch(); !errors.Is(err, errAddrInUse) {
			return err
		}
	}
	return err
}

// launch starts redis-server on the node's current ports and waits until it
// answers.
func (n *node) launch() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	args := []string{
		"--port", strconv.Itoa(n.port), "--bind", "127.0.0.1",
		"--unixsocket", n.socket, "--unixsocketperm", "700",
		"--save", "", "--appendonly", "no", "--daemonize", "no",
		"--dir", n.dir,
	}
	if n.cluster {
		args = append(args, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-port", strconv.Itoa(n.busPort))
	}
	log, err := os.OpenFile(n.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("redistest: open log: %w", err)
	}
	defer log.Close() // the child holds its own descriptor
	st, err := log.Stat()
	if err != nil {
		return fmt.Errorf("redistest: stat log: %w", err)
	}
	n.logFrom = st.Size()
	args = append(args, n.args...)
	if n.sentinelConf != "" {
		args = append([]string{n.sentinelConf, "--sentinel"}, args...)
	}
	cmd := exec.Command("redis-server", args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = n.dir, log, log
	setParentDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: start redis-server: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	n.cmd, n.exited = cmd, exited

	if err := n.waitReady(exited); err != nil {
		n.killLocked()
		return err
	}
	return nil
}

// waitReady polls INFO over TCP until this node's own process answers, the
// process exits or startTimeout passes. Checking the pid matters: after a
// lost race for the port, another test binary's redis-server answers there.
// n.mu is held.
func (n *node) waitReady(exited <-chan struct{}) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(n.port))
	c := newAdminClient(addr)
	defer c.Close()
	wantPID := "process_id:" + strconv.Itoa(n.cmd.Process.Pid) + "\r\n"
	deadline := time.After(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		info, err := c.Info(ctx, "server").Result()
		cancel()
		if err == nil {
			if strings.Contains(info, wantPID) {
				return nil
			}
			err = errors.New("another redis-server answers on this port")
		}
		select {
		case <-exited:
			tail := n.logTail()
			if strings.Contains(tail, "Address already in use") {
				return fmt.Errorf("redistest: redis-server on %s: %w", addr, errAddrInUse)
			}
			return fmt.Errorf("redistest: redis-server on %s exited while starting; log %s ends:\n%s", addr, n.logPath(), tail)
		case <-deadline:
			return fmt.Errorf("redistest: redis-server on %s did not answer within %s (last error: %v); log %s ends:\n%s",
				addr, startTimeout, err, n.logPath(), n.logTail())
		case <-time.After(pollInterval):
		}
	}
}

// stop kills the process (as a crash would) and waits for it to be gone.
func (n *node) stop() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.killLocked()
}

func (n *node) killLocked() {
	if n.cmd == nil {
		return
	}
	_ = n.cmd.Process.Kill()
	<-n.exited
	n.cmd, n.exited = nil, nil
}

// restart kills the process if it runs and starts it again on the same ports.
func (n *node) restart() error {
	n.stop()
	return n.launch()
}

func (n *node) flushAll() error {
	c := newAdminClient(n.addr())
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.FlushAll(ctx).Err(); err != nil {
		return fmt.Errorf("redistest: flushall %s: %w", n.addr(), err)
	}
	return nil
}

// logTail returns the last lines the current process wrote to the log, for
// failure messages.
func (n *node) logTail() string {
	b, err := os.ReadFile(n.logPath())
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	b = b[min(n.logFrom, int64(len(b))):]
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

// newAdminClient is a one-connection client for the helper's own commands:
// no retries, so a poll loop sees each failure at once.
func newAdminClient(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr: addr, PoolSize: 1, MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second,
	})
}

// freePorts returns count distinct loopback TCP ports that were free a
// moment ago. All are held open together so they differ from each other;
// another process may still take one before redis-server binds it, which
// start handles by retrying.
func freePorts(count int) ([]int, error) {
	ports := make([]int, 0, count)
	for range count {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("redistest: find free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
