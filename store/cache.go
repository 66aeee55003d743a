package store

import (
	"context"
	"sync"

	"tongbao/content"
)

// BulletinCache is the store with recently read bulletins kept in memory:
// a fan-out reads the same bulletin thousands of times and readers open it
// as often, and a stored bulletin never changes. Bulletin answers from
// memory when it can; every other method is the Store's. It is safe for
// concurrent use.
type BulletinCache struct {
	*Store
	mu    sync.Mutex
	size  int
	items map[string]*content.Bulletin
	order []string
}

// NewBulletinCache returns st with up to size bulletins kept in memory,
// dropping the oldest first.
func NewBulletinCache(st *Store, size int) *BulletinCache {
	return &BulletinCache{Store: st, size: size, items: map[string]*content.Bulletin{}}
}

// Bulletin returns the bulletin from memory or loads it from the store.
func (c *BulletinCache) Bulletin(ctx context.Context, id string) (*content.Bulletin, error) {
	c.mu.Lock()
	b, ok := c.items[id]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := c.Store.Bulletin(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[id]; !ok {
		c.items[id] = b
		c.order = append(c.order, id)
		if len(c.order) > c.size {
			delete(c.items, c.order[0])
			c.order = c.order[1:]
		}
	}
	return b, nil
}
