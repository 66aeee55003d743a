package web

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestPageCacheIsBounded(t *testing.T) {
	c := newPageCache(8)
	renders := 0
	for i := 0; i < 100; i++ {
		c.get(fmt.Sprint(i), 0, func() ([]byte, error) { renders++; return []byte("p"), nil })
	}
	if len(c.pages) != 8 || renders != 100 {
		t.Errorf("%d pages kept, %d renders", len(c.pages), renders)
	}
	c.get("99", 0, func() ([]byte, error) { renders++; return []byte("p"), nil })
	if renders != 100 {
		t.Error("the last page kept was rendered again")
	}
}

func TestPageCacheTTLAndErrors(t *testing.T) {
	c := newPageCache(8)
	n := 0
	render := func() ([]byte, error) { n++; return []byte(fmt.Sprint(n)), nil }
	if p, _ := c.get("index 1", time.Hour, render); string(p) != "1" {
		t.Fatalf("first render: %s", p)
	}
	if p, _ := c.get("index 1", time.Hour, render); string(p) != "1" || n != 1 {
		t.Errorf("a fresh page was rendered again: %s", p)
	}
	// A page past its ttl is rendered again (poll: the clock must move on).
	deadline := time.Now().Add(10 * time.Second)
	for p, _ := c.get("index 2", time.Nanosecond, render); string(p) == "2"; p, _ = c.get("index 2", time.Nanosecond, render) {
		if time.Now().After(deadline) {
			t.Fatal("an expired page was never rendered again")
		}
	}
	boom := errors.New("store down")
	if _, err := c.get("index 3", time.Hour, func() ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("render error: %v", err)
	}
	if _, ok := c.pages["index 3"]; ok {
		t.Error("a failed render was kept")
	}
}
