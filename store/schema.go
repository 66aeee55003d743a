package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// CurrentSchema is the version of the stored data's layout this build
// reads and writes. The data carries its version under the key
// PREFIX+"schema"; Open migrates older data to it and refuses newer data.
const CurrentSchema = 3

// ErrNewerSchema is returned by Open when the stored data was written by a
// newer Tongbao than this one, which would misread it.
var ErrNewerSchema = errors.New("the stored data is newer than this Tongbao")

const (
	// schemaLease is the lease one process holds while it migrates.
	schemaLease = "schema"
	// migrateLease is how long the lease lasts unless renewed; the holder
	// renews it (Hold) while it migrates, so a crashed migrator's lease
	// lapses within a minute and a waiting process takes over.
	migrateLease = time.Minute
	// migrateWait is how often a waiting process looks whether the
	// migration is done or its lease gone.
	migrateWait = 250 * time.Millisecond
)

// A migration brings the data from version to-1 to version to. It must be
// safe to run again after a crash part-way (the version is recorded only
// when it has finished).
type migration struct {
	to   int
	what string
	run  func(ctx context.Context, s *Store) error
}

// migrations lead from a store without a version (0: what Tongbao wrote
// before versions were recorded) to CurrentSchema.
var migrations = []migration{
	// Version 0 also kept a hash of every meeting's name ({cat}:meetings)
	// for a "latest meeting" lookup that questions now answer from the
	// timeline; nothing reads or updates it any more.
	{to: 1, what: "drop the unused meetings hash", run: func(ctx context.Context, s *Store) error {
		return s.rdb.Del(ctx, s.k.cat("meetings")).Err()
	}},
	// Version 2 counts a roster bulletin's reads per person, for whoever
	// the reading account was bound to then ({b:ID}:rread); version 1
	// credited every person an account had ever been bound to.
	{to: 2, what: "count the roster reads so far per person", run: func(ctx context.Context, s *Store) error {
		return s.attributeRosterReads(ctx)
	}},
	// Version 3 searches subscribers by part of a name, id or unit through
	// an index (subsearch.go) that every write keeps; data written before
	// gets it built here.
	{to: 3, what: "build the subscriber search index", run: func(ctx context.Context, s *Store) error {
		return s.indexAllSubscribers(ctx)
	}},
}

// schemaVersion returns the stored data's schema version (0 when none is
// recorded).
func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	v, err := s.rdb.Get(ctx, s.k.schema()).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return parseSchema(v), nil
}

// parseSchema reads a stored schema version; a missing one is 0.
func parseSchema(v string) int {
	n, _ := strconv.Atoi(v)
	return n
}

// upgrade brings the stored data to the last of ms's versions: one process
// at a time, under a lease, runs the migrations it lacks; the others wait
// until it has finished (or its lease ran out, and then one of them takes
// over). Newer data than ms lead to is refused with ErrNewerSchema.
func (s *Store) upgrade(ctx context.Context, ms []migration) error {
	target := ms[len(ms)-1].to
	owner := migrationOwner()
	waiting := false
	for {
		v, err := s.schemaVersion(ctx)
		if err != nil {
			return err
		}
		if v > target {
			return fmt.Errorf("%w: the data under %q has schema version %d and this build knows versions up to %d; run the Tongbao release that wrote it (or a newer one), or restore a backup made by this release",
				ErrNewerSchema, s.k.p, v, target)
		}
		if v == target {
			return nil
		}
		var merr error
		held, err := s.Hold(ctx, schemaLease, owner, migrateLease, func(ctx context.Context) { merr = s.migrate(ctx, ms) })
		if err != nil {
			return fmt.Errorf("store: migrate the stored data: %w", err)
		}
		if held {
			// Others wait for the version, not the lease: it can go now.
			if err := leaseTokenScript.Run(ctx, s.rdb, []string{s.k.lease(schemaLease)}, owner, 0).Err(); err != nil && merr == nil {
				merr = fmt.Errorf("store: drop the schema lease: %w", err)
			}
			return merr
		}
		if !waiting {
			s.log.Info("store: another process is upgrading the stored data; waiting for it", "schema", v, "target", target)
			waiting = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(migrateWait):
		}
	}
}

// migrate runs the migrations past the stored version, recording the
// version after each; the caller holds the schema lease.
func (s *Store) migrate(ctx context.Context, ms []migration) error {
	// Another process may have finished between our look and the lease.
	v, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.to <= v {
			continue
		}
		start := time.Now()
		if err := m.run(ctx, s); err != nil {
			return fmt.Errorf("store: migrate the data to schema version %d (%s): %w", m.to, m.what, err)
		}
		if err := s.rdb.Set(ctx, s.k.schema(), m.to, 0).Err(); err != nil {
			return fmt.Errorf("store: record schema version %d: %w", m.to, err)
		}
		s.log.Info("store: migrated the stored data", "schema", m.to, "what", m.what, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// migrationOwner names this process in the schema lease.
func migrationOwner() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
