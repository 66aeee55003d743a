package wechat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
)

// cacheTimeout bounds the Redis calls of TokenCache's context-free methods.
const cacheTimeout = 2 * time.Second

// TokenCache is silenceper's cache.Cache (and cache.ContextCache) over a
// go-redis v9 client, so every replica shares one access token: the
// library's own Redis cache is built on go-redis v8. Values are stored as
// strings (access tokens are strings); Get returns a string, or nil when
// the key is missing or Redis fails.
type TokenCache struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ cache.ContextCache = (*TokenCache)(nil)

// NewTokenCache returns a cache whose keys start with prefix.
func NewTokenCache(rdb redis.UniversalClient, prefix string) *TokenCache {
	return &TokenCache{rdb: rdb, prefix: prefix}
}

// Get implements cache.Cache.
func (c *TokenCache) Get(key string) any {
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	return c.GetContext(ctx, key)
}

// Set implements cache.Cache.
func (c *TokenCache) Set(key string, val any, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	return c.SetContext(ctx, key, val, timeout)
}

// IsExist implements cache.Cache.
func (c *TokenCache) IsExist(key string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	return c.IsExistContext(ctx, key)
}

// Delete implements cache.Cache.
func (c *TokenCache) Delete(key string) error {
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	return c.DeleteContext(ctx, key)
}

// GetContext implements cache.ContextCache.
func (c *TokenCache) GetContext(ctx context.Context, key string) any {
	v, err := c.rdb.Get(ctx, c.prefix+key).Result()
	if err != nil {
		return nil
	}
	return v
}

// SetContext implements cache.ContextCache; a timeout of 0 keeps the value
// until deleted.
func (c *TokenCache) SetContext(ctx context.Context, key string, val any, timeout time.Duration) error {
	if timeout < 0 {
		return fmt.Errorf("wechat: token cache set %s: negative timeout %s", key, timeout)
	}
	if err := c.rdb.Set(ctx, c.prefix+key, fmt.Sprint(val), timeout).Err(); err != nil {
		return fmt.Errorf("wechat: token cache set %s: %w", key, err)
	}
	return nil
}

// IsExistContext implements cache.ContextCache.
func (c *TokenCache) IsExistContext(ctx context.Context, key string) bool {
	n, err := c.rdb.Exists(ctx, c.prefix+key).Result()
	return err == nil && n > 0
}

// DeleteContext implements cache.ContextCache.
func (c *TokenCache) DeleteContext(ctx context.Context, key string) error {
	if err := c.rdb.Del(ctx, c.prefix+key).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("wechat: token cache delete %s: %w", key, err)
	}
	return nil
}
