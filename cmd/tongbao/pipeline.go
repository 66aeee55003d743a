package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tongbao/content"
)

// bulletinStore is what the ingest pipeline needs of the store.
type bulletinStore interface {
	SaveBulletin(ctx context.Context, b *content.Bulletin) (content.SaveResult, error)
	FannedOut(ctx context.Context, bulletinID string) (bool, error)
}

// publisher fans a new bulletin out to its subscribers' queues (the
// dispatcher) and returns how many deliveries it queued.
type publisher interface {
	Publish(ctx context.Context, b *content.Bulletin) (int, error)
}

// errNotPushed marks a bulletin that was stored but whose fan-out failed;
// the scheduler of `tongbao serve` resumes it.
var errNotPushed = errors.New("stored, but not pushed yet")

// ingester is the pipeline every way in shares — `tongbao ingest`, the
// admin upload, the source poller: parse, drop duplicates, store, and push
// what is recent. A bulletin published before the cut-off (an archive
// being imported) is stored and searchable but not pushed.
type ingester struct {
	parser *content.Parser
	st     bulletinStore
	pub    publisher // nil stores without pushing
	// pushWithin is how recent a bulletin must be to be pushed; 0 pushes
	// every new bulletin.
	pushWithin time.Duration
	now        func() time.Time
}

// newIngester builds the pipeline with the configured push cut-off.
func newIngester(cfg *Config, parser *content.Parser, st bulletinStore, pub publisher) *ingester {
	return &ingester{parser: parser, st: st, pub: pub, pushWithin: cfg.Delivery.PushWithin, now: time.Now}
}

// stored is what storing one input did.
type stored struct {
	b   *content.Bulletin
	res content.SaveResult
	// push is true when the bulletin is due to go to its subscribers: it is
	// new (or a copy of itself whose fan-out never finished) and recent.
	push bool
	// old is true when it would be due but was published before the
	// cut-off: it stays stored, unpushed.
	old bool
}

// cutoff is the earliest publication time that is still pushed (zero when
// every bulletin is).
func (g *ingester) cutoff() time.Time {
	if g.pushWithin <= 0 {
		return time.Time{}
	}
	return g.now().Add(-g.pushWithin)
}

// store parses and saves one input and says whether it is due to be pushed.
// edit, when not nil, corrects the parsed bulletin before it is saved (the
// console's title, kind and summary).
func (g *ingester) store(ctx context.Context, in content.Input, edit func(*content.Bulletin)) (stored, error) {
	var s stored
	var err error
	if s.b, err = g.parser.Parse(in); err != nil {
		return s, err
	}
	if edit != nil {
		edit(s.b)
	}
	if s.res, err = g.st.SaveBulletin(ctx, s.b); err != nil {
		return s, err
	}
	switch {
	case s.res.New:
	case s.res.DuplicateOf == s.b.ID:
		// A copy of itself: an earlier run may have stored it without
		// finishing (or starting) its fan-out.
		done, err := g.st.FannedOut(ctx, s.b.ID)
		if err != nil || done {
			return s, err
		}
	default:
		return s, nil
	}
	if cut := g.cutoff(); !cut.IsZero() && s.b.PublishedAt.Before(cut) {
		s.old = true
		return s, nil
	}
	s.push = true
	return s, nil
}

// push fans one stored bulletin out; it returns the deliveries queued.
func (g *ingester) push(ctx context.Context, b *content.Bulletin) (int, error) {
	if g.pub == nil {
		return 0, nil
	}
	n, err := g.pub.Publish(ctx, b)
	if err != nil {
		return n, fmt.Errorf("%w: %v", errNotPushed, err)
	}
	return n, nil
}

// ingest stores one input and pushes it when it is due: the admin upload
// and the source poller use it. queued is how many deliveries were queued.
func (g *ingester) ingest(ctx context.Context, in content.Input, edit func(*content.Bulletin)) (s stored, queued int, err error) {
	if s, err = g.store(ctx, in, edit); err != nil || !s.push {
		return s, 0, err
	}
	queued, err = g.push(ctx, s.b)
	return s, queued, err
}
