package store

import (
	"context"
)

// AddJob records unfinished work (a fan-out) so another run resumes it
// after a crash; RemoveJob marks it done; Jobs lists what is open.
func (s *Store) AddJob(ctx context.Context, kind, id string) error {
	return s.rdb.SAdd(ctx, s.k.jobs(kind), id).Err()
}

// RemoveJob marks a job done.
func (s *Store) RemoveJob(ctx context.Context, kind, id string) error {
	return s.rdb.SRem(ctx, s.k.jobs(kind), id).Err()
}

// Jobs lists the open jobs of a kind.
func (s *Store) Jobs(ctx context.Context, kind string) ([]string, error) {
	return s.rdb.SMembers(ctx, s.k.jobs(kind)).Result()
}
