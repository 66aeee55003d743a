package web

import (
	"sync"
	"time"
)

// pageCache keeps rendered pages in memory, at most size of them; when
// full it drops one at random. A bulletin's page never changes (a stored
// bulletin does not) and is kept until dropped; an index page is kept for
// a few seconds. It is safe for concurrent use.
type pageCache struct {
	mu    sync.Mutex
	size  int
	pages map[string]cachedPage
}

type cachedPage struct {
	body  []byte
	until time.Time // zero: no expiry
}

func newPageCache(size int) *pageCache {
	return &pageCache{size: size, pages: make(map[string]cachedPage, size)}
}

// get returns the page kept under key, rendering and keeping it first if
// it is missing or older than ttl (0: it never grows old). A render error
// is returned and nothing is kept.
func (c *pageCache) get(key string, ttl time.Duration, render func() ([]byte, error)) ([]byte, error) {
	now := time.Now()
	c.mu.Lock()
	p, ok := c.pages[key]
	c.mu.Unlock()
	if ok && (p.until.IsZero() || now.Before(p.until)) {
		return p.body, nil
	}
	body, err := render()
	if err != nil {
		return nil, err
	}
	p = cachedPage{body: body}
	if ttl > 0 {
		p.until = now.Add(ttl)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pages[key]; !ok && len(c.pages) >= c.size {
		for k := range c.pages {
			delete(c.pages, k)
			break
		}
	}
	c.pages[key] = p
	return body, nil
}
