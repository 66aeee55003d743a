package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestHold: one owner at a time runs; a lost lease cancels the run.
func TestHold(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		const ttl = 300 * time.Millisecond
		started, release := make(chan struct{}), make(chan struct{})
		result := make(chan error, 1)
		go func() {
			held, err := s.Hold(ctx, "job", "a", ttl, func(context.Context) {
				close(started)
				<-release
			})
			if !held {
				err = errors.New("a did not hold the free lease")
			}
			result <- err
		}()
		<-started
		held, err := s.Hold(ctx, "job", "b", ttl, func(context.Context) { t.Error("b ran while a held the lease") })
		if held || err != nil {
			t.Errorf("b: held %v, %v; want not held", held, err)
		}
		close(release)
		if err := <-result; err != nil {
			t.Errorf("a: %v", err)
		}

		// Another owner takes the lease over: the next renewal cancels the run.
		held, err = s.Hold(ctx, "job2", "a", ttl, func(rctx context.Context) {
			if err := s.rdb.Set(ctx, s.k.lease("job2"), "b", time.Minute).Err(); err != nil {
				t.Error(err)
			}
			select {
			case <-rctx.Done():
			case <-time.After(time.Minute):
				t.Error("the run went on after the lease was lost")
			}
		})
		if !held || !errors.Is(err, ErrLeaseLost) {
			t.Errorf("lost lease: held %v, %v; want ErrLeaseLost", held, err)
		}

		// Cancelling ctx ends the run without an error.
		cctx, cancel := context.WithCancel(ctx)
		held, err = s.Hold(cctx, "job3", "a", ttl, func(rctx context.Context) {
			cancel()
			<-rctx.Done()
		})
		if !held || err != nil {
			t.Errorf("cancelled: held %v, %v", held, err)
		}
	})
}
