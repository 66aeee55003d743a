package wechat

import (
	"context"
	"fmt"
	"time"

	"github.com/silenceper/wechat/v2/cache"
)

// cacheTimeout bounds the store calls of TokenCache's context-free methods.
const cacheTimeout = 2 * time.Second

// TokenStore keeps access tokens where every replica finds them (the
// store's SaveToken and Token): Token fails when there is none.
type TokenStore interface {
	Token(ctx context.Context, name string) (string, error)
	SaveToken(ctx context.Context, name, value string, ttl time.Duration) error
	DeleteToken(ctx context.Context, name string) error
}

// TokenCache is silenceper's cache.Cache (and cache.ContextCache) over a
// TokenStore, so every replica shares one access token. Values are stored
// as strings (access tokens are strings); Get returns a string, or nil
// when the key is missing or the store fails.
type TokenCache struct {
	tokens TokenStore
}

var _ cache.ContextCache = (*TokenCache)(nil)

// NewTokenCache returns a cache kept in tokens.
func NewTokenCache(tokens TokenStore) *TokenCache {
	return &TokenCache{tokens: tokens}
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
	v, err := c.tokens.Token(ctx, key)
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
	if err := c.tokens.SaveToken(ctx, key, fmt.Sprint(val), timeout); err != nil {
		return fmt.Errorf("wechat: token cache set %s: %w", key, err)
	}
	return nil
}

// IsExistContext implements cache.ContextCache.
func (c *TokenCache) IsExistContext(ctx context.Context, key string) bool {
	_, err := c.tokens.Token(ctx, key)
	return err == nil
}

// DeleteContext implements cache.ContextCache.
func (c *TokenCache) DeleteContext(ctx context.Context, key string) error {
	if err := c.tokens.DeleteToken(ctx, key); err != nil {
		return fmt.Errorf("wechat: token cache delete %s: %w", key, err)
	}
	return nil
}
