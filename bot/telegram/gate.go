package telegram

import (
	"context"
	"sync"
)

// gate lets one sender at a time ask for a send slot, replies before
// pushes and each kind in the order they came, so that in one process only
// the head of the line asks the shared counters, and a reply never waits
// behind pushes that came first.
type gate struct {
	mu      sync.Mutex
	held    bool
	waiting [2][]chan struct{} // by priority: 0 first
}

// enter waits for the gate; the caller then calls leave.
func (g *gate) enter(ctx context.Context, prio int) error {
	g.mu.Lock()
	if !g.held {
		g.held = true
		g.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	g.waiting[prio] = append(g.waiting[prio], turn)
	g.mu.Unlock()
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		for i, c := range g.waiting[prio] {
			if c == turn {
				g.waiting[prio] = append(g.waiting[prio][:i], g.waiting[prio][i+1:]...)
				return ctx.Err()
			}
		}
		// The turn came as ctx ended: pass it on.
		g.passLocked()
		return ctx.Err()
	}
}

// leave hands the gate to the next waiter.
func (g *gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.passLocked()
}

func (g *gate) passLocked() {
	for p := range g.waiting {
		if len(g.waiting[p]) > 0 {
			next := g.waiting[p][0]
			g.waiting[p] = g.waiting[p][1:]
			close(next)
			return
		}
	}
	g.held = false
}
