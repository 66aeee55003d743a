package bot

import (
	"context"
	"sync"

	"tongbao/content"
)

// BulletinLoader loads a bulletin by id (the store).
type BulletinLoader interface {
	Bulletin(ctx context.Context, id string) (*content.Bulletin, error)
}

// BulletinCache keeps recently used bulletins in memory: a fan-out sends
// the same one thousands of times and readers open it as often, and a
// stored bulletin never changes. It is safe for concurrent use.
type BulletinCache struct {
	mu    sync.Mutex
	size  int
	items map[string]*content.Bulletin
	order []string
}

// NewBulletinCache keeps up to size bulletins, dropping the oldest first.
func NewBulletinCache(size int) *BulletinCache {
	return &BulletinCache{size: size, items: map[string]*content.Bulletin{}}
}

// Get returns the bulletin from memory or loads it.
func (c *BulletinCache) Get(ctx context.Context, l BulletinLoader, id string) (*content.Bulletin, error) {
	c.mu.Lock()
	b, ok := c.items[id]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := l.Bulletin(ctx, id)
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
