package redistest

import (
	"fmt"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Option changes how redis-server is started.
type Option func(*config)

type config struct {
	args []string
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithArgs appends redis-server command-line arguments, for example
// WithArgs("--notify-keyspace-events", "Ex") or WithArgs("--maxmemory", "1mb").
func WithArgs(args ...string) Option {
	return func(c *config) { c.args = append(c.args, args...) }
}

// Server is one private redis-server listening on a loopback TCP port and a
// unix socket, with persistence off.
type Server struct {
	n *node
}

// Start starts a redis-server in tb.TempDir(), waits until it answers and
// kills it when the test ends. It fails the test, with the server's log
// tail, if redis-server is missing or does not start.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := newConfig(opts)
	return inTestDir(tb, func(dir string) (*Server, error) { return startServer(dir, cfg) })
}

// StartMain starts a redis-server for a whole test binary, from TestMain
// where no testing.TB exists. Call stop after m.Run: it kills the server
// and removes its directory.
func StartMain(opts ...Option) (srv *Server, stop func(), err error) {
	cfg := newConfig(opts)
	return inTempDir(func(dir string) (*Server, error) { return startServer(dir, cfg) })
}

func startServer(dir string, cfg config) (*Server, error) {
	if err := lookPath("redis-server"); err != nil {
		return nil, err
	}
	n, err := newNode(dir, false, cfg.args)
	if err != nil {
		return nil, err
	}
	if err := n.start(); err != nil {
		return nil, err
	}
	return &Server{n: n}, nil
}

// Addr is the server's TCP address, "127.0.0.1:PORT".
func (s *Server) Addr() string { return s.n.addr() }

// Socket is the path of the server's unix socket.
func (s *Server) Socket() string { return s.n.socket }

// URL is the server's address as a redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr() }

// Client returns a go-redis client of the server over TCP, closed when the
// test ends.
func (s *Server) Client(tb testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Stop kills the server as a crash would, for tests of Redis going away.
// Clients then fail until Restart. Stopping a stopped server does nothing.
func (s *Server) Stop() { s.n.stop() }

// Restart kills the server if it runs and starts it again on the same port
// and socket, empty. It fails the test if the server does not come back.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if err := s.n.restart(); err != nil {
		tb.Fatal(err)
	}
}

// FlushAll deletes every key in every database of the server.
func (s *Server) FlushAll(tb testing.TB) {
	tb.Helper()
	if err := s.n.flushAll(); err != nil {
		tb.Fatal(err)
	}
}

func (s *Server) stop() { s.n.stop() }

// stopper is what the start wrappers need of a Server or Cluster.
type stopper interface{ stop() }

// inTestDir runs start in a fresh tb.TempDir and stops the result when the
// test ends.
func inTestDir[T stopper](tb testing.TB, start func(dir string) (T, error)) T {
	tb.Helper()
	v, err := start(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(v.stop)
	return v
}

// inTempDir runs start in a fresh temporary directory and returns a func
// that stops the result and removes the directory.
func inTempDir[T stopper](start func(dir string) (T, error)) (T, func(), error) {
	var zero T
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return zero, nil, fmt.Errorf("redistest: temp dir: %w", err)
	}
	v, err := start(dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return zero, nil, err
	}
	return v, func() { v.stop(); _ = os.RemoveAll(dir) }, nil
}

// Main is a whole TestMain for a package whose tests share one
// redis-server: it starts the server, stores it in *srv, runs the tests,
// stops the server and exits with the tests' status.
//
//	var redisServer *redistest.Server
//	func TestMain(m *testing.M) { redistest.Main(m, &redisServer) }
func Main(m *testing.M, srv **Server, opts ...Option) {
	s, stop, err := StartMain(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*srv = s
	code := m.Run()
	stop()
	os.Exit(code)
}
