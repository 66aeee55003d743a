package store

import (
	"context"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"tongbao/store/redistest"
)

func TestServerInfo(t *testing.T) {
	ctx := context.Background()
	t.Run("no persistence", func(t *testing.T) {
		// redistest starts servers with save "" and appendonly no.
		info, err := openTest(t, single.URL()).ServerInfo(ctx)
		if err != nil || info.Version == "" || info.RDB || info.AOF || info.SaveUnknown {
			t.Errorf("ServerInfo = %+v, %v; want a version and no persistence", info, err)
		}
	})
	t.Run("AOF and RDB", func(t *testing.T) {
		srv := redistest.Start(t, redistest.WithArgs("--appendonly", "yes", "--save", "60 1"))
		info, err := openTest(t, srv.URL()).ServerInfo(ctx)
		if err != nil || !info.RDB || !info.AOF {
			t.Errorf("ServerInfo = %+v, %v; want RDB and AOF", info, err)
		}
	})
	t.Run("cluster with one primary persisting", func(t *testing.T) {
		st := openTest(t, cluster.URL())
		cc := cluster.Client(t)
		var (
			mu  sync.Mutex // ForEachMaster calls concurrently
			one *redis.Client
		)
		if err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			if one == nil {
				one = c
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := one.ConfigSet(ctx, "appendonly", "yes").Err(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { one.ConfigSet(ctx, "appendonly", "no") })
		info, err := st.ServerInfo(ctx)
		if err != nil || info.Version == "" || info.AOF || info.RDB {
			t.Errorf("ServerInfo = %+v, %v; want a version and no AOF (only one primary has it)", info, err)
		}
	})
	t.Run("embedded", func(t *testing.T) {
		if _, err := openEmbedded(t, t.TempDir()).ServerInfo(ctx); err == nil {
			t.Error("ServerInfo of the embedded store: no error")
		}
	})
}

func TestVersionBefore(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"6.0.16", "6.2", true},
		{"6.2", "6.2", false},
		{"6.2.0", "6.2", false},
		{"7.0.15", "6.2", false},
		{"10.0", "6.2", false},
		{"5", "6.2", true},
	} {
		if got := VersionBefore(tc.a, tc.b); got != tc.want {
			t.Errorf("VersionBefore(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
