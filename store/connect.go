package store

import (
	"crypto/tls"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// EmbeddedURL is the Redis setting that selects the embedded store.
const EmbeddedURL = "embedded"

// NewClient makes a go-redis client from one setting:
//
//	redis://[user:pass@]host:port[/db]      one server
//	rediss://…                              the same over TLS
//	unix:///path/to/redis.sock[?db=N]       a local socket
//	host:port,host:port,…                   Redis Cluster (any of these may be redis://…)
//	redis-sentinel://[user:pass@]host:port,host:port/master-name[?db=N]   Sentinel
//
// Every form returns a redis.UniversalClient, so the store runs unchanged
// on each. It does not connect; see Open.
func NewClient(setting string) (redis.UniversalClient, error) {
	setting = strings.TrimSpace(setting)
	switch {
	case setting == "":
		return nil, fmt.Errorf("no Redis address given")
	case strings.HasPrefix(setting, "redis-sentinel://"):
		opts, err := parseSentinelURL(setting)
		if err != nil {
			return nil, err
		}
		return redis.NewFailoverClient(opts), nil
	case strings.Contains(setting, ","):
		opts, err := parseClusterAddrs(setting)
		if err != nil {
			return nil, err
		}
		return redis.NewClusterClient(opts), nil
	}
	if !strings.Contains(setting, "://") {
		setting = "redis://" + setting
	}
	opts, err := redis.ParseURL(setting)
	if err != nil {
		return nil, fmt.Errorf("not a Redis URL (want redis://host:port/db, rediss://…, unix:///path, host:port,host:port for Cluster, or redis-sentinel://host:port/master): %w", err)
	}
	return redis.NewClient(opts), nil
}

// parseClusterAddrs reads "host:port,host:port", each part optionally a
// redis:// or rediss:// URL carrying credentials.
func parseClusterAddrs(setting string) (*redis.ClusterOptions, error) {
	opts := &redis.ClusterOptions{}
	for _, part := range strings.Split(setting, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "://") {
			opts.Addrs = append(opts.Addrs, part)
			continue
		}
		o, err := redis.ParseURL(part)
		if err != nil {
			return nil, fmt.Errorf("cluster address %q: %w", part, err)
		}
		opts.Addrs = append(opts.Addrs, o.Addr)
		if o.Username != "" || o.Password != "" {
			opts.Username, opts.Password = o.Username, o.Password
		}
		if o.TLSConfig != nil {
			opts.TLSConfig = o.TLSConfig
		}
	}
	if len(opts.Addrs) < 2 {
		return nil, fmt.Errorf("a Cluster setting needs at least two host:port addresses, comma-separated")
	}
	return opts, nil
}

// parseSentinelURL reads redis-sentinel://[user:pass@]host:port,host:port/master[?db=N&tls=1].
func parseSentinelURL(setting string) (*redis.FailoverOptions, error) {
	u, err := url.Parse(setting)
	if err != nil {
		return nil, fmt.Errorf("not a Sentinel URL (want redis-sentinel://host:port,host:port/master-name): %w", err)
	}
	master := strings.Trim(u.Path, "/")
	if master == "" {
		return nil, fmt.Errorf("the Sentinel URL names no master (redis-sentinel://host:port/master-name)")
	}
	opts := &redis.FailoverOptions{MasterName: master}
	for _, addr := range strings.Split(u.Host, ",") {
		if addr = strings.TrimSpace(addr); addr != "" {
			if !strings.Contains(addr, ":") {
				addr += ":26379"
			}
			opts.SentinelAddrs = append(opts.SentinelAddrs, addr)
		}
	}
	if len(opts.SentinelAddrs) == 0 {
		return nil, fmt.Errorf("the Sentinel URL names no sentinel address")
	}
	if u.User != nil {
		opts.Username = u.User.Username()
		opts.Password, _ = u.User.Password()
	}
	q := u.Query()
	if db := q.Get("db"); db != "" {
		if opts.DB, err = strconv.Atoi(db); err != nil {
			return nil, fmt.Errorf("sentinel URL: db=%q is not a number", db)
		}
	}
	if q.Get("tls") == "1" || q.Get("tls") == "true" {
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return opts, nil
}

// redactURL hides a password in a Redis setting so it can be shown.
func redactURL(setting string) string {
	parts := strings.Split(setting, ",")
	for i, p := range parts {
		if u, err := url.Parse(strings.TrimSpace(p)); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
				parts[i] = u.String()
			}
		}
	}
	return strings.Join(parts, ",")
}
