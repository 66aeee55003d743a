package redistest

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestSentinel: a write through the sentinels survives the primary's death,
// and the new primary takes writes.
func TestSentinel(t *testing.T) {
	t.Parallel()
	s := StartSentinel(t)
	ctx := context.Background()
	var addrs []string
	for _, n := range s.sentinels {
		addrs = append(addrs, n.addr())
	}
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: SentinelMaster, SentinelAddrs: addrs})
	defer c.Close()
	if err := c.Set(ctx, "k", "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(ctx, 1, 0).Err(); err != nil {
		t.Fatal(err)
	}
	old := s.KillPrimary(t)
	s.WaitFailover(t, old)
	if got := s.Primary(t); got == old {
		t.Fatalf("primary still %s", got)
	}
	if v, err := c.Get(ctx, "k").Result(); err != nil || v != "before" {
		t.Fatalf("after failover GET = %q, %v", v, err)
	}
	if err := c.Set(ctx, "k", "after", 0).Err(); err != nil {
		t.Fatalf("write after failover: %v", err)
	}
}
