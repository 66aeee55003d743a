package telegram

import (
	"context"
	"sync"
)

// lanes runs jobs one at a time per chat, in the order they came, and
// different chats concurrently, so one slow chat holds up only itself. At
// most cap(slots) jobs are admitted at once, which bounds memory and
// goroutines; a caller waits in admit for room.
type lanes struct {
	slots chan struct{}
	mu    sync.Mutex
	queue map[int64][]func() // a key is present while its chat's goroutine runs
	wg    sync.WaitGroup
}

func newLanes(capacity int) *lanes {
	return &lanes{slots: make(chan struct{}, capacity), queue: map[int64][]func(){}}
}

// admit reserves room for one job; the caller then calls run or release.
func (l *lanes) admit(ctx context.Context) error {
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release gives back a reservation that will not run.
func (l *lanes) release() { <-l.slots }

// run queues an admitted job behind the chat's earlier ones.
func (l *lanes) run(chatID int64, job func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if q, busy := l.queue[chatID]; busy {
		l.queue[chatID] = append(q, job)
		return
	}
	l.queue[chatID] = nil
	l.wg.Add(1)
	go l.drain(chatID, job)
}

// drain runs a chat's jobs until its queue is empty.
func (l *lanes) drain(chatID int64, job func()) {
	defer l.wg.Done()
	for {
		job()
		l.release()
		l.mu.Lock()
		q := l.queue[chatID]
		if len(q) == 0 {
			delete(l.queue, chatID)
			l.mu.Unlock()
			return
		}
		job, l.queue[chatID] = q[0], q[1:]
		l.mu.Unlock()
	}
}

// wait blocks until every job run so far has finished.
func (l *lanes) wait() { l.wg.Wait() }
