package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mmcdole/gofeed"

	"tongbao/content"
)

// newLister makes the reader of a source of cfg's type; wakeAt receives a
// folder source's requests for a scan.
func newLister(cfg Config, f *Fetcher, settle time.Duration, wakeAt func(time.Time)) lister {
	switch cfg.Type {
	case TypeDir:
		return newDirSource(cfg, settle, wakeAt)
	case TypeSite:
		return &siteSource{cfg: cfg, fetch: f}
	default:
		return &feedSource{cfg: cfg, fetch: f}
	}
}

// Item is one item of a source as Preview read it.
type Item struct {
	// Key names the item at its source: a GUID, a link, a file name.
	Key string
	// Title is the item's title as the source's listing gives it.
	Title string
	Link  string
	// Seen is true when the source already handed this item over; its
	// page is then not fetched again and Inputs is empty.
	Seen bool
	// Inputs are what a poll would give the pipeline, best first (a feed
	// item's page, then its own content).
	Inputs []content.Input
	// Err says why the item could not be read.
	Err error
}

// Preview reads a source once, unconditionally, and returns its items
// oldest first: what a poll would hand over. It changes nothing. With st,
// items the source already handed over are marked Seen and not fetched;
// st may be nil.
func Preview(ctx context.Context, cfg Config, f *Fetcher, st StatusStore) ([]Item, error) {
	cfgs := []Config{cfg}
	if err := validate(cfgs, 0); err != nil {
		return nil, err
	}
	l, err := newLister(cfgs[0], f, DefaultSettle, func(time.Time) {}).list(ctx, nil)
	if err != nil {
		return nil, err
	}
	seen := make([]bool, len(l.items))
	if st != nil && len(l.items) > 0 {
		ids := make([]string, len(l.items))
		for i, it := range l.items {
			ids[i] = seenID(it.key, it.hash)
		}
		if seen, err = st.SourceItemsSeen(ctx, cfg.Name, ids); err != nil {
			return nil, fmt.Errorf("source %s: %w", cfg.Name, err)
		}
	}
	out := make([]Item, len(l.items))
	for i, it := range l.items {
		out[i] = Item{Key: it.key, Title: it.title, Link: it.link, Seen: seen[i]}
		if !seen[i] {
			out[i].Inputs, out[i].Err = it.load(ctx)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return out, nil
}

// feedSniffLen is how much of a body FetchOne inspects to tell a feed from
// a page.
const feedSniffLen = 4096

// FetchOne fetches one URL by hand: a page gives one input, a feed one
// input per item (its page, or its own content when the page cannot be
// fetched), oldest first. Items that cannot be read are named in the error
// while the others are returned.
func FetchOne(ctx context.Context, f *Fetcher, rawURL string) ([]content.Input, error) {
	resp, err := f.Fetch(ctx, rawURL, Validators{})
	if err != nil {
		return nil, err
	}
	head := resp.Body[:min(len(resp.Body), feedSniffLen)]
	if gofeed.DetectFeedType(bytes.NewReader(head)) == gofeed.FeedTypeUnknown {
		return []content.Input{pageInput(resp, "", nil, time.Time{})}, nil
	}
	items, err := feedItems(resp, f, "", true)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: the feed lists no items", resp.URL)
	}
	var inputs []content.Input
	var errs []error
	for _, it := range items {
		ins, err := it.load(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		inputs = append(inputs, ins[0])
	}
	return inputs, errors.Join(errs...)
}
