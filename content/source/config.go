package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"gopkg.in/yaml.v3"

	"tongbao/content"
)

// Type is the kind of a source.
type Type string

// The kinds of source.
const (
	TypeDir  Type = "dir"  // a watched folder of .txt/.html/.htm/.docx files
	TypeFeed Type = "feed" // an RSS 2.0, Atom or JSON feed
	TypeSite Type = "site" // a list page of article links
)

// Defaults and bounds of a source's settings.
const (
	// DefaultInterval is how often a feed or site is polled: government
	// sites publish a few items a day.
	DefaultInterval = 10 * time.Minute
	// DefaultDirInterval is how often a folder is rescanned in case a
	// file-system event was missed.
	DefaultDirInterval = time.Minute
	// MinInterval is the shortest interval LoadConfig accepts for a feed or
	// site: polling a government server more often is not polite.
	MinInterval = time.Minute
	// DefaultMaxPages is how many list pages a site source follows when it
	// has a next_selector and no max_pages.
	DefaultMaxPages = 3
	// MaxMaxPages bounds max_pages.
	MaxMaxPages = 50
)

// Config is one entry of the sources file.
type Config struct {
	// Name identifies the source in status, logs and Redis keys.
	Name string `yaml:"name"`
	// Type is dir, feed or site.
	Type Type `yaml:"type"`
	// URL is the feed or list page (feed, site).
	URL string `yaml:"url"`
	// Path is the watched folder (dir).
	Path string `yaml:"path"`
	// Interval is the time between polls (a rescan for dir).
	Interval time.Duration `yaml:"interval"`
	// Charset overrides the charset the server declares (or, for dir, the
	// sniffed one) when a site is known to lie.
	Charset string `yaml:"charset"`
	// FetchPages says whether a feed item's link is fetched and parsed as
	// the bulletin (true when unset) or the item's own content is used.
	FetchPages *bool `yaml:"fetch_pages"`
	// ListSelector matches the article links of a site's list page (the
	// links themselves or elements containing them).
	ListSelector string `yaml:"list_selector"`
	// NextSelector matches the list page's link to its next page.
	NextSelector string `yaml:"next_selector"`
	// MaxPages bounds how many list pages one poll reads.
	MaxPages int `yaml:"max_pages"`
	// Selectors tell the HTML reader where this site keeps the title, date
	// and article text.
	Selectors *content.Selectors `yaml:"selectors"`
}

// fetchPages reports whether a feed's item links are fetched.
func (c Config) fetchPages() bool { return c.FetchPages == nil || *c.FetchPages }

// Where returns the source's URL or folder.
func (c Config) Where() string {
	if c.Type == TypeDir {
		return c.Path
	}
	return c.URL
}

// sourceName is what a source name may contain: it becomes part of Redis
// keys, so no ':' or '{}' (hash tags) and no spaces.
var sourceName = regexp.MustCompile(`^[\p{L}\p{N}_.\-]{1,64}$`)

// LoadConfig reads a sources file: a top-level "sources:" list (see
// configs/sources.yaml). Every entry is checked and defaults are filled in;
// the error names each wrong entry and key and says how to fix it.
func LoadConfig(data []byte) ([]Config, error) {
	var file struct {
		Sources []Config `yaml:"sources"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("sources: %w", err)
	}
	if len(file.Sources) == 0 {
		return nil, errors.New(`sources: no sources listed (a top-level "sources:" list is expected)`)
	}
	if err := validate(file.Sources, MinInterval); err != nil {
		return nil, err
	}
	return file.Sources, nil
}

// validate checks configs and fills in their defaults; feeds and sites
// polled more often than minInterval are refused. The error lists every
// problem, naming the entry and the key.
func validate(cfgs []Config, minInterval time.Duration) error {
	var problems []string
	names := map[string]bool{}
	for i := range cfgs {
		c := &cfgs[i]
		where := fmt.Sprintf("source %d", i+1)
		if c.Name != "" {
			where = fmt.Sprintf("source %d (%q)", i+1, c.Name)
		}
		for _, p := range c.check(minInterval) {
			problems = append(problems, where+": "+p)
		}
		if names[c.Name] {
			problems = append(problems, where+": name is used by an earlier source; names must be unique")
		}
		names[c.Name] = true
	}
	if len(problems) > 0 {
		return fmt.Errorf("sources: %s", strings.Join(problems, "; "))
	}
	return nil
}

// check fills in c's defaults and returns what is wrong with it.
func (c *Config) check(minInterval time.Duration) []string {
	var p []string
	if !sourceName.MatchString(c.Name) {
		p = append(p, fmt.Sprintf("name %q must be 1–64 letters, digits, '.', '_' or '-'", c.Name))
	}
	notFor := func(key string, set bool, types string) {
		if set {
			p = append(p, fmt.Sprintf("%s applies only to type %s", key, types))
		}
	}
	switch c.Type {
	case TypeDir:
		if c.Path == "" {
			p = append(p, "path is required for type dir (the folder to watch)")
		}
		notFor("url", c.URL != "", "feed or site (use path for a folder)")
		if c.Interval == 0 {
			c.Interval = DefaultDirInterval
		}
	case TypeFeed, TypeSite:
		if msg := checkURL(c.URL); msg != "" {
			p = append(p, msg)
		}
		notFor("path", c.Path != "", "dir")
		if c.Interval == 0 {
			c.Interval = DefaultInterval
		}
		if c.Interval < minInterval {
			p = append(p, fmt.Sprintf("interval %s is shorter than %s; poll a government server less often", c.Interval, minInterval))
		}
	default:
		p = append(p, fmt.Sprintf("type %q is not one of dir, feed, site", c.Type))
	}
	if c.Interval < 0 {
		p = append(p, fmt.Sprintf("interval %s must be positive (a duration like 10m)", c.Interval))
	}
	notFor("fetch_pages", c.Type != TypeFeed && c.FetchPages != nil, "feed")
	notFor("list_selector", c.Type != TypeSite && c.ListSelector != "", "site")
	notFor("next_selector", c.Type != TypeSite && c.NextSelector != "", "site")
	notFor("max_pages", c.Type != TypeSite && c.MaxPages != 0, "site")
	if c.Type == TypeSite {
		if c.ListSelector == "" {
			p = append(p, "list_selector is required for type site (CSS for the article links, e.g. \"ul.list a\")")
		}
		switch {
		case c.MaxPages < 0 || c.MaxPages > MaxMaxPages:
			p = append(p, fmt.Sprintf("max_pages %d must be between 1 and %d", c.MaxPages, MaxMaxPages))
		case c.MaxPages == 0 && c.NextSelector != "":
			c.MaxPages = DefaultMaxPages
		case c.MaxPages == 0:
			c.MaxPages = 1
		}
	}
	sels := map[string]string{"list_selector": c.ListSelector, "next_selector": c.NextSelector}
	if c.Selectors != nil {
		sels["selectors.title"], sels["selectors.date"], sels["selectors.content"] = c.Selectors.Title, c.Selectors.Date, c.Selectors.Content
	}
	for _, key := range []string{"list_selector", "next_selector", "selectors.title", "selectors.date", "selectors.content"} {
		if s := sels[key]; s != "" {
			if _, err := cascadia.Compile(s); err != nil {
				p = append(p, fmt.Sprintf("%s %q is not a valid CSS selector", key, s))
			}
		}
	}
	return p
}

// checkURL returns what is wrong with a feed or site URL, or "".
func checkURL(raw string) string {
	if raw == "" {
		return "url is required for types feed and site"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("url %q must be an absolute http:// or https:// address", raw)
	}
	return ""
}
