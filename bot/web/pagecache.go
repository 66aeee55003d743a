package web

import "sync"

// pageCache keeps rendered pages in memory, at most size of them (a stored
// bulletin never changes, so neither does its page); when full it drops
// one at random. It is safe for concurrent use.
type pageCache struct {
	mu    sync.Mutex
	size  int
	pages map[string][]byte
}

func newPageCache(size int) *pageCache {
	return &pageCache{size: size, pages: make(map[string][]byte, size)}
}

// get returns the page kept under key, rendering and keeping it first if
// needed.
func (c *pageCache) get(key string, render func() []byte) []byte {
	c.mu.Lock()
	p, ok := c.pages[key]
	c.mu.Unlock()
	if ok {
		return p
	}
	p = render()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pages) >= c.size {
		for k := range c.pages {
			delete(c.pages, k)
			break
		}
	}
	c.pages[key] = p
	return p
}
