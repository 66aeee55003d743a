package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"tongbao/content"
)

// Defaults of PollerConfig.
const (
	// DefaultLeaseTTL is how long a replica holds a source's lease without
	// renewing it: the time another replica waits to take over from one
	// that died. A poll renews it every third of that.
	DefaultLeaseTTL = 2 * time.Minute
	// DefaultMaxBackoff caps the wait after repeated failures: a site that
	// was down for a morning is read again within the hour it comes back.
	DefaultMaxBackoff = time.Hour
)

// saveTimeout bounds saving a status after the poll's context ended.
const saveTimeout = 5 * time.Second

// ErrNotHolder is returned by Poll when another replica holds the source's
// lease.
var ErrNotHolder = errors.New("another replica holds this source's lease")

// Result is what the pipeline did with one input: stored as new, or a
// duplicate of a stored bulletin.
type Result = content.SaveResult

// IngestFunc hands one input to the pipeline (parse, dedupe, store,
// fan-out) and says what became of it. Errors from the parser (content's
// sentinels) mean the input is not a bulletin; any other error means the
// pipeline failed and the item is tried again at the next poll.
type IngestFunc func(ctx context.Context, in content.Input) (Result, error)

// PollerConfig is what an operator sets of a poller.
type PollerConfig struct {
	// Sources are the sources to poll (LoadConfig reads them).
	Sources []Config `yaml:"sources"`
	// Owner names this replica in leases and statuses; set by the
	// program. Required.
	Owner string `yaml:"-"`
	// LeaseTTL is how long a lease lasts unrenewed (DefaultLeaseTTL when 0).
	LeaseTTL time.Duration `yaml:"lease_ttl"`
	// MaxBackoff caps the wait after failures (DefaultMaxBackoff when 0;
	// never less than a source's interval).
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// Settle is how long a file must stay unchanged before a folder source
	// reads it (DefaultSettle when 0).
	Settle time.Duration `yaml:"settle"`
}

// Deps are a poller's collaborators.
type Deps struct {
	// Ingest receives every new item. Required.
	Ingest IngestFunc
	// Status remembers statuses and handed-over items. Required.
	Status StatusStore
	// Lease decides which replica polls a source. Required.
	Lease Leaser
	// Fetcher fetches feeds and pages; a Fetcher with the defaults when
	// nil.
	Fetcher *Fetcher
	// Logger receives poll failures and new items (slog.Default when nil).
	Logger *slog.Logger
}

// Poller polls sources and hands their new items to the pipeline. It is
// safe for concurrent use.
type Poller struct {
	cfg     PollerConfig
	deps    Deps
	fetch   *Fetcher
	log     *slog.Logger
	runners []*runner
	byName  map[string]*runner
}

// runner is one source and its schedule.
type runner struct {
	cfg  Config
	kind lister
	dir  *dirSource // for folder sources, to watch them

	// polling is held during a poll: Run and Poll (or two Polls) of one
	// replica share its lease, so they must take turns.
	polling sync.Mutex

	mu    sync.Mutex
	early time.Time     // a scan asked for before the schedule
	poke  chan struct{} // signals that early changed
}

// wakeAt asks for a poll at t (or earlier, if one is already asked for).
func (r *runner) wakeAt(t time.Time) {
	r.mu.Lock()
	if r.early.IsZero() || t.Before(r.early) {
		r.early = t
	}
	r.mu.Unlock()
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

// due is when r is polled next: at next, or earlier if asked.
func (r *runner) due(next time.Time) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.early.IsZero() && r.early.Before(next) {
		return r.early
	}
	return next
}

// takeEarly reports whether an early poll is due by now, and forgets it:
// a poll that starts now covers every change asked for until now.
func (r *runner) takeEarly(now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.early.IsZero() || r.early.After(now) {
		return false
	}
	r.early = time.Time{}
	return true
}

// New returns a poller of cfg.Sources (checked as LoadConfig checks them,
// except for the minimum interval).
func New(cfg PollerConfig, deps Deps) (*Poller, error) {
	switch {
	case deps.Ingest == nil:
		return nil, errors.New("source: Deps.Ingest is required")
	case deps.Status == nil || deps.Lease == nil:
		return nil, errors.New("source: Deps.Status and Deps.Lease are required")
	case cfg.Owner == "":
		return nil, errors.New("source: PollerConfig.Owner is required")
	}
	cfg.Sources = append([]Config(nil), cfg.Sources...)
	if err := validate(cfg.Sources, 0); err != nil {
		return nil, err
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.Settle <= 0 {
		cfg.Settle = DefaultSettle
	}
	p := &Poller{cfg: cfg, deps: deps, fetch: deps.Fetcher, log: deps.Logger, byName: map[string]*runner{}}
	if p.fetch == nil {
		p.fetch = NewFetcher(FetcherConfig{}, FetcherDeps{})
	}
	for _, c := range cfg.Sources {
		r := &runner{cfg: c, poke: make(chan struct{}, 1)}
		r.kind = newLister(c, p.fetch, cfg.Settle, r.wakeAt)
		r.dir, _ = r.kind.(*dirSource)
		p.runners = append(p.runners, r)
		p.byName[c.Name] = r
	}
	return p, nil
}

// Run polls every source on its schedule until ctx ends: each source when
// its status says it is due, folder sources also when their folder
// changes. Only the replica holding a source's lease polls it; the others
// follow its status. Run returns when ctx ends and every poll has stopped.
func (p *Poller) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, r := range p.runners {
		if r.dir != nil {
			wg.Go(func() { r.dir.watch(ctx, p.log) })
		}
		wg.Go(func() { p.loop(ctx, r) })
	}
	wg.Wait()
	return nil
}

// loop runs one source's schedule.
func (p *Poller) loop(ctx context.Context, r *runner) {
	// Sources start within a second of each other rather than all at once.
	next := time.Now().Add(jitter(min(r.cfg.Interval/10, time.Second)))
	if st, err := LoadStatus(ctx, p.deps.Status, r.cfg.Name); err == nil && st.NextPoll.After(next) {
		next = st.NextPoll
	}
	for {
		timer := time.NewTimer(time.Until(r.due(next)))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-r.poke:
			timer.Stop()
			continue
		case <-timer.C:
		}
		next = p.attempt(ctx, r, r.takeEarly(time.Now()))
	}
}

// attempt polls r if this replica holds its lease and it is due (or asked
// for early), and returns when to try next.
func (p *Poller) attempt(ctx context.Context, r *runner, force bool) time.Time {
	retry := time.Now().Add(p.cfg.LeaseTTL/4 + jitter(p.cfg.LeaseTTL/20))
	st, err := p.poll(ctx, r, force)
	switch {
	case err == nil:
		return st.NextPoll
	case ctx.Err() != nil:
		return time.Now()
	case errors.Is(err, ErrNotHolder):
		// The holder's status says when it polls next; if it dies, its
		// lease expires and a retry here takes over.
		if st, err := LoadStatus(ctx, p.deps.Status, r.cfg.Name); err == nil && st.NextPoll.After(retry) {
			return st.NextPoll.Add(jitter(time.Second))
		}
		return retry
	default:
		p.log.Warn("source: lease or status store failed", "source", r.cfg.Name, "err", err)
		return retry
	}
}

// Poll polls the named source now, if this replica holds (or takes) its
// lease; ErrNotHolder otherwise. The returned status tells how the poll
// went: a failing source is not an error here.
func (p *Poller) Poll(ctx context.Context, name string) (*Status, error) {
	r, ok := p.byName[name]
	if !ok {
		return nil, fmt.Errorf("source: no source named %q", name)
	}
	return p.poll(ctx, r, true)
}

// leaseName is the lease that guards a source.
func leaseName(source string) string { return "source:" + source }

// poll takes the lease and polls r while holding it; unless force, a
// source whose status says it is not yet due (another replica just polled
// it) is left alone. A poll whose lease another replica takes over is
// stopped.
func (p *Poller) poll(ctx context.Context, r *runner, force bool) (*Status, error) {
	r.polling.Lock()
	defer r.polling.Unlock()
	name := r.cfg.Name
	var st *Status
	var runErr error
	held, err := p.deps.Lease.Hold(ctx, leaseName(name), p.cfg.Owner, p.cfg.LeaseTTL, func(ctx context.Context) {
		st, runErr = p.pollHeld(ctx, r, force)
	})
	switch {
	case !held && err != nil:
		return nil, fmt.Errorf("source %s: %w", name, err)
	case !held:
		return nil, ErrNotHolder
	case err != nil:
		p.log.Warn("source: lease lost during a poll; stopped it", "source", name, "err", err)
	}
	return st, runErr
}

// pollHeld is poll while the lease is held: ctx ends if it is lost.
func (p *Poller) pollHeld(ctx context.Context, r *runner, force bool) (*Status, error) {
	st, err := LoadStatus(ctx, p.deps.Status, r.cfg.Name)
	if err != nil {
		return nil, err
	}
	if !force && time.Until(st.NextPoll) > time.Second {
		return st, nil
	}
	p.pollSource(ctx, r, st)
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer scancel()
	return st, saveStatus(sctx, p.deps.Status, st)
}

// pollSource reads r, hands its unseen items over and records the outcome
// in st.
func (p *Poller) pollSource(ctx context.Context, r *runner, st *Status) {
	name := r.cfg.Name
	st.Type, st.Owner, st.LastPoll = r.cfg.Type, p.cfg.Owner, time.Now()
	l, err := r.kind.list(ctx, st.Validators)
	if err != nil {
		p.failed(ctx, r, st, describe(err))
		return
	}
	st.Listed = len(l.items)
	ids := make([]string, len(l.items))
	for i, it := range l.items {
		ids[i] = seenID(it.key, it.hash)
	}
	seen := make([]bool, len(ids))
	if len(ids) > 0 {
		if seen, err = p.deps.Status.SourceItemsSeen(ctx, name, ids); err != nil {
			p.failed(ctx, r, st, "cannot read which items were handed over: "+describe(err))
			return
		}
	}
	var retry, skipped []string
	added := 0
	for i, it := range l.items {
		if seen[i] {
			continue
		}
		if ctx.Err() != nil {
			retry = append(retry, describe(ctx.Err()))
			break
		}
		res, err := p.handOver(ctx, it)
		if err != nil && !permanent(err) {
			retry = append(retry, itemProblem(it, err))
			continue
		}
		// An item handed over is remembered even when the poll is being
		// stopped (the replica shuts down, the lease moves): else the next
		// holder hands it over again.
		mctx, mcancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
		merr := p.deps.Status.MarkSourceItems(mctx, name, ids[i:i+1])
		mcancel()
		if merr != nil {
			retry = append(retry, "cannot remember an item: "+describe(merr))
			break
		}
		if err != nil {
			skipped = append(skipped, itemProblem(it, err))
			continue
		}
		st.Seen++
		if res.New {
			st.New++
			added++
		}
	}
	notes := append(l.notes, skipped...)
	if len(retry) > 0 {
		p.failed(ctx, r, st, summarize(append(retry, notes...)))
		return
	}
	now := time.Now()
	st.Failures, st.LastSuccess = 0, now
	st.Validators = l.validators
	st.NextPoll = now.Add(r.cfg.Interval + jitter(r.cfg.Interval/10))
	if len(notes) > 0 {
		st.LastError, st.LastErrorAt = summarize(notes), now
		p.log.Warn("source: items refused", "source", name, "reason", st.LastError)
	}
	if added > 0 {
		p.log.Info("source: new bulletins", "source", name, "new", added)
	}
}

// handOver loads an item and gives its inputs, best first, to the
// pipeline until one is taken.
func (p *Poller) handOver(ctx context.Context, it item) (Result, error) {
	inputs, err := it.load(ctx)
	if err != nil {
		return Result{}, err
	}
	for _, in := range inputs {
		res, ierr := p.deps.Ingest(ctx, in)
		switch {
		case ierr == nil:
			return res, nil
		case !content.Refused(ierr):
			return res, &plainError{"could not store it: " + cause(ierr), ierr}
		}
		err = ierr
	}
	return Result{}, err
}

// failed records a failed poll and backs off: the interval doubles with
// each failure in a row, up to MaxBackoff. A poll stopped by ctx (shutdown,
// a lost lease) is not the source's failure: it is due again at once.
func (p *Poller) failed(ctx context.Context, r *runner, st *Status, reason string) {
	now := time.Now()
	if ctx.Err() != nil {
		st.NextPoll = now
		return
	}
	st.Failures++
	st.LastError, st.LastErrorAt = reason, now
	wait := backoff(r.cfg.Interval, max(p.cfg.MaxBackoff, r.cfg.Interval), st.Failures)
	st.NextPoll = now.Add(wait)
	p.log.Warn("source: poll failed", "source", r.cfg.Name, "failures", st.Failures, "retry_in", wait.Round(time.Second), "reason", reason)
}

// backoff is the wait after n failures in a row: interval·2^(n-1), at most
// limit, give or take a tenth so failing sources do not retry in step.
func backoff(interval, limit time.Duration, n int) time.Duration {
	wait := interval
	for i := 1; i < n && wait < limit; i++ {
		wait *= 2
	}
	wait = min(wait, limit)
	return wait - wait/10 + jitter(wait/5)
}

// jitter is a random duration in [0, d).
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

// itemProblem names the item a problem is about, unless the problem
// already does (a fetch error names its URL).
func itemProblem(it item, err error) string {
	msg := describe(err)
	if strings.Contains(msg, it.key) {
		return msg
	}
	return it.key + ": " + msg
}

// maxProblems is how many problems a status names before "and N more".
const maxProblems = 3

// summarize joins a poll's problems into one status line.
func summarize(problems []string) string {
	if len(problems) <= maxProblems {
		return strings.Join(problems, "; ")
	}
	return fmt.Sprintf("%s; and %d more", strings.Join(problems[:maxProblems], "; "), len(problems)-maxProblems)
}
