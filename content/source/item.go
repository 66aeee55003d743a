package source

import (
	"context"
	"net/url"
	"path"
	"time"

	"tongbao/content"
)

// item is one thing a source lists: a feed entry, an article link, a file.
type item struct {
	// key names the item at its source: a GUID, a link, a file name.
	key string
	// hash sums what the listing says about the item, so a changed entry
	// is new again; "" when the listing gives nothing but the key.
	hash  string
	title string
	link  string
	// when is the item's publication (feed) or modification (file) time,
	// zero when unknown.
	when time.Time
	// load fetches or reads the item and returns its inputs, best first
	// (a feed item's page, then its own content).
	load func(ctx context.Context) ([]content.Input, error)
}

// listing is what one poll of a source found.
type listing struct {
	// items are oldest first, so bulletins reach subscribers in the order
	// they were published.
	items []item
	// validators are to be remembered for the source's list URLs once
	// every item is handed over.
	validators map[string]Validators
	// notes are problems that did not stop the poll (a later list page
	// that failed), in plain words.
	notes []string
}

// lister is a kind of source.
type lister interface {
	// list reads the source; prev are the validators remembered from the
	// last successful poll.
	list(ctx context.Context, prev map[string]Validators) (*listing, error)
}

// pageInput makes a fetched page a parser input. charset overrides the
// server's; fetched stands in for a publication date the page lacks.
func pageInput(resp *Response, charset string, sel *content.Selectors, fetched time.Time) content.Input {
	name := resp.URL
	if u, err := url.Parse(resp.URL); err == nil {
		name = path.Base(u.Path)
	}
	if charset == "" {
		charset = resp.Charset
	}
	if fetched.IsZero() {
		fetched = time.Now()
	}
	return content.Input{Data: resp.Body, Name: name, URL: resp.URL, Charset: charset, Fetched: fetched, Selectors: sel}
}

// reverse puts a newest-first list oldest first.
func reverse(items []item) {
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
}
