package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// MinRedisVersion is the oldest Redis the store runs on: the delivery
// queues reclaim a crashed worker's entries with XAUTOCLAIM (6.2).
const MinRedisVersion = "6.2"

// ServerInfo is what `tongbao check` reports of the Redis behind a store:
// its version and whether it keeps its data on disk. Of a Cluster it is the
// weakest primary: the lowest version, and persistence only when every
// primary has it.
type ServerInfo struct {
	// Version is redis_version, e.g. "7.0.15".
	Version string
	// RDB is true when snapshot save points are configured (CONFIG GET save).
	RDB bool
	// AOF is true when the append-only file is on.
	AOF bool
	// SaveUnknown is true when CONFIG GET is refused (managed services
	// rename or forbid it): RDB is then unknown, AOF is from INFO.
	SaveUnknown bool
}

// ServerInfo asks Redis (every primary of a Cluster) for its version and
// persistence settings. The embedded store has none to report: it journals
// every write itself, so callers ask Embedded first.
func (s *Store) ServerInfo(ctx context.Context) (ServerInfo, error) {
	if s.emb != nil {
		return ServerInfo{}, fmt.Errorf("store: the embedded store is not a Redis server")
	}
	cc, ok := s.rdb.(*redis.ClusterClient)
	if !ok {
		return nodeInfo(ctx, s.rdb)
	}
	var (
		mu    sync.Mutex
		all   ServerInfo
		first = true
	)
	err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		info, err := nodeInfo(ctx, c)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if first {
			all, first = info, false
			return nil
		}
		if VersionBefore(info.Version, all.Version) {
			all.Version = info.Version
		}
		all.RDB = all.RDB && info.RDB
		all.AOF = all.AOF && info.AOF
		all.SaveUnknown = all.SaveUnknown || info.SaveUnknown
		return nil
	})
	return all, err
}

// nodeInfo reads one server's version (INFO server), AOF (INFO
// persistence) and save points (CONFIG GET save).
func nodeInfo(ctx context.Context, c redis.Cmdable) (ServerInfo, error) {
	raw, err := c.Info(ctx, "server", "persistence").Result()
	if err != nil {
		return ServerInfo{}, fmt.Errorf("store: INFO: %w", err)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(raw, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			fields[k] = v
		}
	}
	info := ServerInfo{Version: fields["redis_version"], AOF: fields["aof_enabled"] == "1"}
	save, err := c.ConfigGet(ctx, "save").Result()
	if err != nil {
		info.SaveUnknown = true
		return info, nil
	}
	info.RDB = strings.TrimSpace(save["save"]) != ""
	return info, nil
}

// VersionBefore reports whether the dotted version a is older than b
// ("6.0.16" before "6.2"); missing parts count as 0.
func VersionBefore(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}
