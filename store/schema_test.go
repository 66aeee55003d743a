package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"tongbao/content"
)

// syncLog collects a logger's lines, safe for concurrent use.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
	// seen is signalled (without blocking) after every write.
	seen chan struct{}
}

func newSyncLog() *syncLog { return &syncLog{seen: make(chan struct{}, 1)} }

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case l.seen <- struct{}{}:
	default:
	}
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *syncLog) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// waitFor waits until the log holds text.
func (l *syncLog) waitFor(t *testing.T, text string) {
	t.Helper()
	for !strings.Contains(l.String(), text) {
		<-l.seen
	}
}

func openPrefix(t *testing.T, url, prefix string, log *slog.Logger) (*Store, error) {
	t.Helper()
	s, err := Open(context.Background(), Config{URL: url, Prefix: prefix}, Deps{Logger: log})
	if err == nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

func TestMigrationsLeadToCurrentSchema(t *testing.T) {
	if last := migrations[len(migrations)-1].to; last != CurrentSchema {
		t.Fatalf("the last migration leads to version %d, CurrentSchema is %d", last, CurrentSchema)
	}
	for i, m := range migrations {
		if m.to != i+1 || m.what == "" || m.run == nil {
			t.Errorf("migration %d = {to: %d, what: %q}: want to %d, a description and a func", i, m.to, m.what, i+1)
		}
	}
}

// TestUpgradeFromPreviousLayout opens a store written before the schema
// version was recorded with two processes at once: one migrates, the other
// waits, the data is kept.
func TestUpgradeFromPreviousLayout(t *testing.T) {
	ctx := context.Background()
	for name, url := range map[string]string{"single": single.URL(), "cluster": cluster.URL()} {
		t.Run(name, func(t *testing.T) {
			prefix := fmt.Sprintf("t%d:", prefixSeq.Add(1))
			old, err := openPrefix(t, url, prefix, quietLogger())
			if err != nil {
				t.Fatal(err)
			}
			saveSamples(t, old)
			// The previous layout is this one without the version, with the
			// meetings hash version 1 drops.
			if err := old.rdb.Del(ctx, (keys{p: prefix}).schema()).Err(); err != nil {
				t.Fatal(err)
			}
			meetings := (keys{p: prefix}).cat("meetings")
			if err := old.rdb.HSet(ctx, meetings, "20220608-1", "县政府常务会议").Err(); err != nil {
				t.Fatal(err)
			}
			if v, err := old.schemaVersion(ctx); err != nil || v != 0 {
				t.Fatalf("SchemaVersion of the previous layout = %d, %v", v, err)
			}
			logs := []*syncLog{newSyncLog(), newSyncLog()}
			stores := make([]*Store, 2)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range stores {
				wg.Go(func() { stores[i], errs[i] = openPrefix(t, url, prefix, logs[i].logger()) })
			}
			wg.Wait()
			migrated := 0
			for i := range stores {
				if errs[i] != nil {
					t.Fatalf("opener %d: %v", i, errs[i])
				}
				if strings.Contains(logs[i].String(), "migrated the stored data") {
					migrated++
				}
			}
			if migrated != 1 {
				t.Errorf("the migration ran in %d processes, want one; logs:\n%s\n%s", migrated, logs[0], logs[1])
			}
			if v, err := stores[1].schemaVersion(ctx); err != nil || v != CurrentSchema {
				t.Errorf("SchemaVersion after the upgrade = %d, %v", v, err)
			}
			if n, err := stores[1].rdb.Exists(ctx, meetings).Result(); err != nil || n != 0 {
				t.Errorf("the meetings hash is still there after the upgrade (%d, %v)", n, err)
			}
			if tl, total, err := stores[1].Timeline(ctx, content.Filter{}, 0, 10); err != nil || total != 3 || len(tl) != 3 {
				t.Errorf("timeline after the upgrade: %d of %d, %v", len(tl), total, err)
			}
		})
	}
}

// TestUpgradeRunsOnceWhileOthersWait runs a migration that blocks until
// released: a second process waits for it instead of migrating too, and
// both see the new version.
func TestUpgradeRunsOnceWhileOthersWait(t *testing.T) {
	ctx := context.Background()
	prefix := fmt.Sprintf("t%d:", prefixSeq.Add(1))
	logA, logB := newSyncLog(), newSyncLog()
	a, err := openPrefix(t, single.URL(), prefix, logA.logger())
	if err != nil {
		t.Fatal(err)
	}
	b, err := openPrefix(t, single.URL(), prefix, logB.logger())
	if err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	next := append(migrations[:len(migrations):len(migrations)], migration{
		to: CurrentSchema + 1, what: "a test step",
		run: func(ctx context.Context, s *Store) error {
			if runs.Add(1) == 1 {
				close(started)
			}
			<-release
			return s.rdb.Set(ctx, s.k.p+"moved", "yes", 0).Err()
		},
	})
	errA := make(chan error, 1)
	go func() { errA <- a.upgrade(ctx, next) }()
	<-started
	errB := make(chan error, 1)
	go func() { errB <- b.upgrade(ctx, next) }()
	logB.waitFor(t, "another process is upgrading the stored data")
	close(release)
	if err := <-errA; err != nil {
		t.Fatal(err)
	}
	if err := <-errB; err != nil {
		t.Fatal(err)
	}
	if n := runs.Load(); n != 1 {
		t.Errorf("the migration ran %d times", n)
	}
	if v, _ := b.schemaVersion(ctx); v != CurrentSchema+1 {
		t.Errorf("version after the upgrade = %d", v)
	}
	if ok, err := b.lease(ctx, schemaLease, "someone", migrateLease); err != nil || !ok {
		t.Errorf("the schema lease was not dropped after the migration: %v, %v", ok, err)
	}
}

// TestNewerSchemaRefused: data written by a newer release is not opened.
func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, single.URL())
	if err := s.rdb.Set(ctx, s.k.schema(), CurrentSchema+1, 0).Err(); err != nil {
		t.Fatal(err)
	}
	_, err := openPrefix(t, single.URL(), s.k.p, quietLogger())
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open of newer data = %v, want ErrNewerSchema", err)
	}
	for _, want := range []string{fmt.Sprintf("schema version %d", CurrentSchema+1), fmt.Sprintf("versions up to %d", CurrentSchema), "restore a backup"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not say %q", err, want)
		}
	}
	if v, _ := s.schemaVersion(ctx); v != CurrentSchema+1 {
		t.Errorf("the refusing open changed the version to %d", v)
	}
}

// TestRestoredOlderDataIsUpgraded: a backup of the previous layout
// restores as it was and is upgraded by the next open.
func TestRestoredOlderDataIsUpgraded(t *testing.T) {
	ctx := context.Background()
	src := openTest(t, single.URL())
	saveSamples(t, src)
	if err := src.rdb.Del(ctx, src.k.schema()).Err(); err != nil {
		t.Fatal(err)
	}
	path, info := backupFile(t, Config{URL: single.URL(), Prefix: src.k.p})
	if info.Schema != 0 {
		t.Errorf("backup of the previous layout has schema %d", info.Schema)
	}
	dst := openTest(t, single.URL())
	if _, err := restoreFile(t, dst, path, false); err != nil {
		t.Fatal(err)
	}
	if v, err := dst.schemaVersion(ctx); err != nil || v != 0 {
		t.Errorf("restored data has schema version %d, %v; want the backup's 0", v, err)
	}
	again, err := openPrefix(t, single.URL(), dst.k.p, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	if v, err := again.schemaVersion(ctx); err != nil || v != CurrentSchema {
		t.Errorf("after the next open the schema version is %d, %v", v, err)
	}
}

// TestUpgradeBuildsSubscriberIndex opens data of schema version 2, whose
// subscribers have no search index: the upgrade to 3 builds it, and
// searches find what they should.
func TestUpgradeBuildsSubscriberIndex(t *testing.T) {
	ctx := context.Background()
	for name, url := range map[string]string{"single": single.URL(), "cluster": cluster.URL()} {
		t.Run(name, func(t *testing.T) {
			prefix := fmt.Sprintf("t%d:", prefixSeq.Add(1))
			old, err := openPrefix(t, url, prefix, quietLogger())
			if err != nil {
				t.Fatal(err)
			}
			seedSearch(t, old, 120)
			// Version 2 is this layout without the index.
			if n, err := old.rdb.HLen(ctx, old.k.subs("sx")).Result(); err != nil || n != 120 {
				t.Fatalf("search keys before: %d, %v", n, err)
			}
			dropSearchIndex(t, old)
			if err := old.rdb.Set(ctx, old.k.schema(), 2, 0).Err(); err != nil {
				t.Fatal(err)
			}
			log := newSyncLog()
			s, err := openPrefix(t, url, prefix, log.logger())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(log.String(), "build the subscriber search index") {
				t.Errorf("the upgrade did not say it built the index:\n%s", log)
			}
			if v, err := s.schemaVersion(ctx); err != nil || v != CurrentSchema {
				t.Errorf("SchemaVersion after the upgrade = %d, %v", v, err)
			}
			if n, err := s.rdb.ZCard(ctx, s.k.subs("sord")).Result(); err != nil || n != 120 {
				t.Errorf("the ordered search keys after the upgrade: %d, %v", n, err)
			}
			all, err := s.ListSubscribers(ctx, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range searchQueries {
				got, err := s.FindSubscribers(ctx, q, "", "", 1000)
				if want := bruteFind(all, q, "", "", 1000); err != nil || !slices.Equal(subIDs(got), want) {
					t.Errorf("FindSubscribers(%q) after the upgrade = %v, %v; want %v", q, subIDs(got), err, want)
				}
			}
		})
	}
}
