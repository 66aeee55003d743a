package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
	"tongbao/store/embedded"
)

// Defaults for Config.
const (
	DefaultPrefix         = "tb:"
	DefaultDataDir        = "./data"
	DefaultQueueRetention = 7 * 24 * time.Hour
	DefaultSnapshotEvery  = time.Minute
	DefaultFsyncEvery     = embedded.DefaultFsyncEvery
	connectTimeout        = 5 * time.Second
)

// ErrNotFound is returned when a bulletin, subscriber or record does not
// exist (the same value as content.ErrNotFound, so callers that only know
// the domain package can test for it).
var ErrNotFound = content.ErrNotFound

// Config is what an operator sets of a Store (the redis section of
// configs/tongbao.yaml). The keys tagged "-" are set by the program.
type Config struct {
	// URL is the Redis setting (see NewClient), or "embedded".
	URL string `yaml:"url"`
	// Setting names where URL came from ("--redis", "TONGBAO_REDIS_URL",
	// "redis.url in tongbao.yaml"), for the error when it is wrong.
	Setting string `yaml:"-"`
	// Prefix starts every key (DefaultPrefix when empty).
	Prefix string `yaml:"prefix"`
	// DataDir is the embedded store's folder (DefaultDataDir when empty).
	DataDir string `yaml:"data_dir"`
	// SnapshotEvery is how often the embedded store snapshots
	// (DefaultSnapshotEvery when 0).
	SnapshotEvery time.Duration `yaml:"-"`
	// FsyncEvery is how often the embedded store fsyncs its journal: a
	// crash loses at most this much of the latest writes
	// (DefaultFsyncEvery when 0).
	FsyncEvery time.Duration `yaml:"embedded_fsync"`
	// DeliveryRetention expires a bulletin's delivery and read records
	// this long after its fan-out; 0 keeps them.
	DeliveryRetention time.Duration `yaml:"delivery_retention"`
	// QueueRetention trims queue entries older than this, handled or not
	// (DefaultQueueRetention when 0); acknowledged ones go at the next
	// enqueue.
	QueueRetention time.Duration `yaml:"queue_retention"`
}

// Deps are a Store's collaborators.
type Deps struct {
	// Segmenter cuts words for the search index (content.DefaultSegmenter
	// when nil).
	Segmenter *content.Segmenter
	// Logger receives the store's few messages (slog.Default when nil).
	Logger *slog.Logger
}

// Store keeps everything Tongbao remembers in Redis: bulletins and their
// search index, subscribers and subscriptions, deliveries and reads, and
// the delivery queues. It is safe for concurrent use.
type Store struct {
	rdb redis.UniversalClient
	k   keys
	cfg Config
	seg *content.Segmenter
	emb *embedded.Server
	log *slog.Logger

	segOnce sync.Once
	segErr  error

	// members remembers roster records already decoded (see Roster).
	members memberMemo
}

// Open connects to Redis (or starts the embedded store) and checks the
// connection. A wrong or unreachable setting fails with one line naming the
// setting and what was tried.
func Open(ctx context.Context, cfg Config, deps Deps) (*Store, error) {
	cfg, deps = cfg.withDefaults(), deps.withDefaults()
	setting := cfg.Setting
	redisLogOnce.Do(func() { redis.SetLogger(redisLogger{deps.Logger}) })
	s := &Store{k: keys{p: cfg.Prefix}, cfg: cfg, log: deps.Logger, seg: deps.Segmenter}
	url := strings.TrimSpace(cfg.URL)
	if url == EmbeddedURL {
		emb, err := embedded.Start(embedded.Options{Dir: cfg.DataDir, SnapshotEvery: cfg.SnapshotEvery, FsyncEvery: cfg.FsyncEvery, Logger: deps.Logger})
		if err != nil {
			return nil, fmt.Errorf("%s=embedded: %w", setting, err)
		}
		s.emb = emb
		url = "redis://" + emb.Addr()
	}
	rdb, err := NewClient(url)
	if err != nil {
		s.closeEmbedded()
		return nil, fmt.Errorf("%s=%q: %w", setting, redactURL(cfg.URL), err)
	}
	s.rdb = rdb
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		s.closeEmbedded()
		return nil, fmt.Errorf("%s=%q: cannot reach Redis: %w", setting, redactURL(cfg.URL), err)
	}
	// Scripts used inside pipelines are loaded up front (on every node of
	// a cluster) so the pipelines can call them by hash.
	for _, sc := range []*redis.Script{markReadScript, historyScript, claimScript, completeScript, leaseTokenScript} {
		if err := sc.Load(pctx, rdb).Err(); err != nil {
			rdb.Close()
			s.closeEmbedded()
			return nil, fmt.Errorf("%s=%q: load scripts: %w", setting, redactURL(cfg.URL), err)
		}
	}
	if err := s.upgrade(ctx, migrations); err != nil {
		rdb.Close()
		s.closeEmbedded()
		return nil, err
	}
	return s, nil
}

// withDefaults fills the Config's empty fields.
func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.SnapshotEvery <= 0 {
		c.SnapshotEvery = DefaultSnapshotEvery
	}
	if c.QueueRetention <= 0 {
		c.QueueRetention = DefaultQueueRetention
	}
	if c.Setting == "" {
		c.Setting = "the Redis setting"
	}
	return c
}

// withDefaults fills the Deps' empty fields.
func (d Deps) withDefaults() Deps {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return d
}

var redisLogOnce sync.Once

// redisLogger sends go-redis's own messages (reconnect attempts) to slog
// at debug level: the store reports failures through its errors.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// Close releases the connection and, for the embedded store, takes a last
// snapshot and releases its lock.
func (s *Store) Close() error {
	err := s.rdb.Close()
	if e := s.closeEmbedded(); e != nil {
		err = e
	}
	return err
}

func (s *Store) closeEmbedded() error {
	if s.emb == nil {
		return nil
	}
	return s.emb.Close()
}

// Embedded reports whether the store runs in-process.
func (s *Store) Embedded() bool { return s.emb != nil }

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

// segmenter returns the word cutter for the search index, loading the
// shared one on first use when none was given.
func (s *Store) segmenter() (*content.Segmenter, error) {
	s.segOnce.Do(func() {
		if s.seg == nil {
			s.seg, s.segErr = content.DefaultSegmenter()
		}
	})
	return s.seg, s.segErr
}
