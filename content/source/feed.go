package source

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"tongbao/content"
)

// feedSource polls an RSS, Atom or JSON feed.
type feedSource struct {
	cfg   Config
	fetch *Fetcher
}

func (s *feedSource) list(ctx context.Context, prev map[string]Validators) (*listing, error) {
	resp, err := s.fetch.Fetch(ctx, s.cfg.URL, prev[s.cfg.URL])
	if err != nil {
		return nil, err
	}
	l := &listing{validators: map[string]Validators{s.cfg.URL: resp.Validators}}
	if resp.NotModified {
		return l, nil
	}
	l.items, err = feedItems(resp, s.fetch, s.cfg.Charset, s.cfg.fetchPages())
	return l, err
}

// pageStart recognizes a web page served where a feed was expected.
var pageStart = regexp.MustCompile(`(?i)^\s*(?:<!doctype\s+html|<html)`)

// feedItems parses a fetched feed into items, oldest first. Each item
// loads its link's page (when fetchPages) and its own content as a
// fallback.
func feedItems(resp *Response, f *Fetcher, charset string, fetchPages bool) ([]item, error) {
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.Body))
	if err != nil {
		detail := ""
		switch {
		case pageStart.Match(resp.Body):
			detail = "the address serves a web page"
		case !errors.Is(err, gofeed.ErrFeedTypeNotDetected):
			detail = err.Error()
		}
		return nil, &FetchError{URL: resp.URL, Reason: ErrNotFeed, Detail: detail, Err: err}
	}
	items := make([]item, 0, len(feed.Items))
	dated := true
	for _, fi := range feed.Items {
		it := feedItem(fi, resp.URL, f, charset, fetchPages)
		items = append(items, it)
		dated = dated && !it.when.IsZero()
	}
	if dated {
		sort.SliceStable(items, func(i, j int) bool { return items[i].when.Before(items[j].when) })
	} else {
		reverse(items)
	}
	return items, nil
}

// published is when a feed item was published (or else updated).
func published(fi *gofeed.Item) *time.Time {
	if fi.PublishedParsed != nil {
		return fi.PublishedParsed
	}
	return fi.UpdatedParsed
}

// feedItem makes one feed entry an item.
func feedItem(fi *gofeed.Item, feedURL string, f *Fetcher, charset string, fetchPages bool) item {
	key := fi.GUID
	if key == "" {
		key = fi.Link
	}
	if key == "" {
		key = fi.Title
	}
	var when time.Time
	if t := published(fi); t != nil {
		when = *t
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{fi.Title, fi.Link, fi.Description, fi.Content, fi.Published, fi.Updated}, "\x00")))
	link := resolve(feedURL, fi.Link) // "" for links that lead nowhere fetchable
	it := item{key: key, hash: hex.EncodeToString(sum[:8]), title: strings.TrimSpace(fi.Title), link: link, when: when}
	it.load = func(ctx context.Context) ([]content.Input, error) {
		var inputs []content.Input
		var pageErr error
		if fetchPages && link != "" {
			resp, err := f.Fetch(ctx, link, Validators{})
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if err == nil {
				inputs = append(inputs, pageInput(resp, charset, nil, when))
			}
			pageErr = err
		}
		if in, ok := itemInput(fi, link, feedURL, when); ok {
			inputs = append(inputs, in)
		}
		if len(inputs) == 0 {
			if pageErr != nil {
				return nil, pageErr
			}
			return nil, fmt.Errorf("feed item %s: %w (no link to fetch and no content)", key, content.ErrNoArticle)
		}
		return inputs, nil
	}
	return it
}

// itemInput makes a feed item's own content (or description) a small HTML
// page with its title, for when its link cannot be fetched or parsed.
func itemInput(fi *gofeed.Item, link, feedURL string, when time.Time) (content.Input, bool) {
	body := fi.Content
	if len(fi.Description) > len(body) {
		body = fi.Description
	}
	if strings.TrimSpace(body) == "" || strings.TrimSpace(fi.Title) == "" {
		return content.Input{}, false
	}
	if !strings.Contains(body, "<") {
		var paras strings.Builder
		for _, line := range strings.Split(body, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				paras.WriteString("<p>" + html.EscapeString(line) + "</p>\n")
			}
		}
		body = paras.String()
	}
	title := html.EscapeString(strings.TrimSpace(fi.Title))
	page := "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body><h1>" + title +
		"</h1>\n<div class=\"content\">\n" + body + "</div></body></html>\n"
	if link == "" {
		link = feedURL
	}
	if when.IsZero() {
		when = time.Now()
	}
	return content.Input{Data: []byte(page), Name: "item.html", URL: link, Fetched: when}, true
}
