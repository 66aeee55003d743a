package source

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"tongbao/content"
)

// siteSource polls a government list page (栏目页): the links its
// list_selector matches are articles, its next_selector leads to older
// pages.
type siteSource struct {
	cfg   Config
	fetch *Fetcher
}

func (s *siteSource) list(ctx context.Context, prev map[string]Validators) (*listing, error) {
	// Pages this poll does not reach (behind an unchanged first page) keep
	// their validators.
	l := &listing{validators: maps.Clone(prev)}
	if l.validators == nil {
		l.validators = map[string]Validators{}
	}
	links := map[string]bool{}
	visited := map[string]bool{}
	page := s.cfg.URL
	for n := 1; n <= s.cfg.MaxPages && page != "" && !visited[page]; n++ {
		visited[page] = true
		resp, err := s.fetch.Fetch(ctx, page, prev[page])
		if err != nil {
			if n == 1 || ctx.Err() != nil {
				return nil, err
			}
			l.notes = append(l.notes, fmt.Sprintf("list page %d: %s", n, describe(err)))
			break
		}
		l.validators[page] = resp.Validators
		if resp.NotModified {
			// New articles appear on the first page first: when it is
			// unchanged, so is the rest.
			break
		}
		doc, err := listDocument(resp, s.cfg.Charset)
		if err != nil {
			return nil, err
		}
		found := 0
		doc.Find(s.cfg.ListSelector).Each(func(_ int, sel *goquery.Selection) {
			anchors := sel.Filter("a[href]")
			if anchors.Length() == 0 {
				anchors = sel.Find("a[href]")
			}
			anchors.Each(func(_ int, a *goquery.Selection) {
				link := resolve(resp.URL, a.AttrOr("href", ""))
				if link == "" || links[link] {
					return
				}
				links[link] = true
				found++
				l.items = append(l.items, s.article(link, collapse(a.AttrOr("title", a.Text()))))
			})
		})
		if found == 0 && n == 1 {
			return nil, &FetchError{URL: resp.URL, Reason: ErrNoLinks, Detail: fmt.Sprintf("%q", s.cfg.ListSelector)}
		}
		page = ""
		if s.cfg.NextSelector != "" {
			next := doc.Find(s.cfg.NextSelector).First()
			if !next.Is("a[href]") {
				next = next.Find("a[href]").First()
			}
			page = resolve(resp.URL, next.AttrOr("href", ""))
		}
	}
	reverse(l.items)
	return l, nil
}

// article makes one linked article an item: known by its URL alone, since
// a list page says nothing else about it.
func (s *siteSource) article(link, title string) item {
	return item{key: link, title: title, link: link, load: func(ctx context.Context) ([]content.Input, error) {
		resp, err := s.fetch.Fetch(ctx, link, Validators{})
		if err != nil {
			return nil, err
		}
		return []content.Input{pageInput(resp, s.cfg.Charset, s.cfg.Selectors, time.Time{})}, nil
	}}
}

// listDocument decodes a list page (GBK or UTF-8, by header, meta or
// sniffing) and parses its HTML.
func listDocument(resp *Response, charset string) (*goquery.Document, error) {
	if charset == "" {
		charset = resp.Charset
	}
	text, err := content.Decode(resp.Body, charset)
	if err != nil {
		return nil, fmt.Errorf("list page %s: %w", resp.URL, err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("list page %s: not HTML: %w", resp.URL, err)
	}
	return doc, nil
}

// resolve makes href absolute against base; "" for links that lead
// nowhere fetchable (javascript:, mailto:, fragments of the same page).
func resolve(base, href string) string {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return ""
	}
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	u, err := b.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	u.Fragment = ""
	return u.String()
}

// collapse trims a link text and folds its runs of white space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
