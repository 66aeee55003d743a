package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"tongbao/content"
)

// Store is what the pipeline needs of the store.
type Store interface {
	SaveBulletin(ctx context.Context, b *content.Bulletin) (content.SaveResult, error)
	FannedOut(ctx context.Context, bulletinID string) (bool, error)
}

// Publisher fans a new bulletin out to its subscribers' queues (the
// dispatcher) and returns how many deliveries it queued.
type Publisher interface {
	Publish(ctx context.Context, b *content.Bulletin) (int, error)
}

// ErrNotPushed marks a bulletin that was stored but whose fan-out failed;
// the scheduler of `tongbao serve` resumes it, and the next ingest of the
// same input pushes it again.
var ErrNotPushed = errors.New("stored, but not pushed yet")

// Config is what an operator sets.
type Config struct {
	// PushWithin is how recent a bulletin must be to be pushed: one
	// published longer ago is stored and searchable but not pushed. 0
	// pushes every new bulletin.
	PushWithin time.Duration `yaml:"push_within"`
}

// Deps are the pipeline's collaborators.
type Deps struct {
	// Parser reads inputs into bulletins. Required.
	Parser *content.Parser
	// Store saves bulletins and remembers finished fan-outs. Required.
	Store Store
	// Publisher queues the deliveries; nil stores without pushing.
	Publisher Publisher
	// Logger receives the fan-outs Source leaves to the scheduler
	// (slog.Default when nil).
	Logger *slog.Logger
}

// Pipeline parses, deduplicates, stores and pushes bulletins. It is safe
// for concurrent use.
type Pipeline struct {
	cfg  Config
	deps Deps
	log  *slog.Logger
}

// New returns the pipeline.
func New(cfg Config, deps Deps) *Pipeline {
	log := deps.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Pipeline{cfg: cfg, deps: deps, log: log}
}

// Stored is what storing one input did.
type Stored struct {
	// Bulletin is the parsed bulletin (nil when the input did not parse).
	Bulletin *content.Bulletin
	// Result says whether it was new or a duplicate of which bulletin.
	Result content.SaveResult
	// Due is true when the bulletin is to go to its subscribers: it is
	// new (or a copy of itself whose fan-out never finished) and recent.
	Due bool
	// Old is true when it would be due but was published before the
	// cut-off: it stays stored, unpushed.
	Old bool
}

// Cutoff is the earliest publication time that is still pushed (zero when
// every bulletin is).
func (p *Pipeline) Cutoff() time.Time {
	if p.cfg.PushWithin <= 0 {
		return time.Time{}
	}
	return time.Now().Add(-p.cfg.PushWithin)
}

// Store parses and saves one input and says whether it is due to be
// pushed; it pushes nothing. A parse failure returns a zero Stored and
// content's sentinel error.
func (p *Pipeline) Store(ctx context.Context, in content.Input) (Stored, error) {
	return p.StoreEdited(ctx, in, nil)
}

// StoreEdited is Store with edit, when not nil, applied to the parsed
// bulletin before it is saved: the console's corrected title, kind and
// summary.
func (p *Pipeline) StoreEdited(ctx context.Context, in content.Input, edit func(*content.Bulletin)) (Stored, error) {
	var s Stored
	var err error
	if s.Bulletin, err = p.deps.Parser.Parse(in); err != nil {
		return s, err
	}
	if edit != nil {
		edit(s.Bulletin)
	}
	if s.Result, err = p.deps.Store.SaveBulletin(ctx, s.Bulletin); err != nil {
		return s, err
	}
	switch {
	case s.Result.New:
	case s.Result.DuplicateOf == s.Bulletin.ID:
		// A copy of itself: an earlier run may have stored it without
		// finishing (or starting) its fan-out.
		done, err := p.deps.Store.FannedOut(ctx, s.Bulletin.ID)
		if err != nil || done {
			return s, err
		}
	default:
		return s, nil
	}
	if cut := p.Cutoff(); !cut.IsZero() && s.Bulletin.PublishedAt.Before(cut) {
		s.Old = true
		return s, nil
	}
	s.Due = true
	return s, nil
}

// Push fans one stored bulletin out and returns the deliveries queued. A
// failure wraps ErrNotPushed: the bulletin stays stored.
func (p *Pipeline) Push(ctx context.Context, b *content.Bulletin) (int, error) {
	if p.deps.Publisher == nil {
		return 0, nil
	}
	n, err := p.deps.Publisher.Publish(ctx, b)
	if err != nil {
		return n, fmt.Errorf("%w: %v", ErrNotPushed, err)
	}
	return n, nil
}

// Ingest stores one input and pushes it when it is due; queued is how many
// deliveries were queued.
func (p *Pipeline) Ingest(ctx context.Context, in content.Input) (s Stored, queued int, err error) {
	if s, err = p.Store(ctx, in); err != nil || !s.Due {
		return s, 0, err
	}
	queued, err = p.Push(ctx, s.Bulletin)
	return s, queued, err
}

// Source is Ingest for the source poller (a source.IngestFunc): a bulletin
// stored but not pushed is not the item's failure — the scheduler resumes
// its fan-out — so it is only logged.
func (p *Pipeline) Source(ctx context.Context, in content.Input) (content.SaveResult, error) {
	s, _, err := p.Ingest(ctx, in)
	if errors.Is(err, ErrNotPushed) {
		p.log.Warn("source: bulletin stored but not pushed yet", "bulletin_id", s.Bulletin.ID, "err", err)
		return s.Result, nil
	}
	return s.Result, err
}
