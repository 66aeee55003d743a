package source

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestLoadExampleConfig(t *testing.T) {
	data, err := os.ReadFile("../../configs/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfgs, err := LoadConfig(data)
	if err != nil {
		t.Fatalf("configs/sources.yaml: %v", err)
	}
	want := map[string]Type{"qingxi-zwdt": TypeFeed, "lanxi-news": TypeSite, "inbox": TypeDir}
	if len(cfgs) != len(want) {
		t.Fatalf("got %d sources, want %d", len(cfgs), len(want))
	}
	for _, c := range cfgs {
		if want[c.Name] != c.Type {
			t.Errorf("source %q has type %q, want %q", c.Name, c.Type, want[c.Name])
		}
		if c.Interval <= 0 {
			t.Errorf("source %q: interval %s not filled in", c.Name, c.Interval)
		}
	}
	site := cfgs[1]
	if site.MaxPages != 2 || site.Selectors == nil || site.Selectors.Content != "#zoom" {
		t.Errorf("site settings not read: max_pages %d, selectors %+v", site.MaxPages, site.Selectors)
	}
	if cfgs[2].Interval != DefaultDirInterval || !cfgs[0].fetchPages() {
		t.Errorf("defaults: dir interval %s, feed fetch_pages %v", cfgs[2].Interval, cfgs[0].fetchPages())
	}
}

func TestLoadConfig(t *testing.T) {
	tests := map[string]struct {
		yaml string
		// wantErr are substrings the error must contain; none means valid.
		wantErr []string
		check   func(t *testing.T, c Config)
	}{
		"feed with defaults": {
			yaml: "sources:\n  - {name: f, type: feed, url: 'https://example.gov.cn/rss'}",
			check: func(t *testing.T, c Config) {
				if c.Interval != DefaultInterval || !c.fetchPages() {
					t.Errorf("interval %s fetch_pages %v", c.Interval, c.fetchPages())
				}
			},
		},
		"feed without pages": {
			yaml: "sources:\n  - {name: f, type: feed, url: 'http://x.cn/rss', interval: 1h, fetch_pages: false}",
			check: func(t *testing.T, c Config) {
				if c.Interval != time.Hour || c.fetchPages() {
					t.Errorf("interval %s fetch_pages %v", c.Interval, c.fetchPages())
				}
			},
		},
		"site paging defaults": {
			yaml: "sources:\n  - {name: 兰溪要闻, type: site, url: 'http://x.cn/', list_selector: 'ul a', next_selector: 'a.next'}",
			check: func(t *testing.T, c Config) {
				if c.MaxPages != DefaultMaxPages {
					t.Errorf("max_pages %d, want %d", c.MaxPages, DefaultMaxPages)
				}
			},
		},
		"site without next page": {
			yaml: "sources:\n  - {name: s, type: site, url: 'http://x.cn/', list_selector: 'ul a'}",
			check: func(t *testing.T, c Config) {
				if c.MaxPages != 1 {
					t.Errorf("max_pages %d, want 1", c.MaxPages)
				}
			},
		},
		"empty file":         {yaml: "", wantErr: []string{"no sources listed"}},
		"unknown key":        {yaml: "sources:\n  - {name: f, type: feed, url: 'http://x.cn/', intervall: 5m}", wantErr: []string{"intervall"}},
		"bad duration":       {yaml: "sources:\n  - {name: f, type: feed, url: 'http://x.cn/', interval: often}", wantErr: []string{"often"}},
		"unknown type":       {yaml: "sources:\n  - {name: f, type: rss, url: 'http://x.cn/'}", wantErr: []string{`source 1 ("f")`, `type "rss"`}},
		"missing url":        {yaml: "sources:\n  - {name: f, type: feed}", wantErr: []string{`source 1 ("f"): url is required`}},
		"ftp url":            {yaml: "sources:\n  - {name: f, type: feed, url: 'ftp://x.cn/rss'}", wantErr: []string{"http:// or https://"}},
		"relative url":       {yaml: "sources:\n  - {name: f, type: site, url: '/news', list_selector: a}", wantErr: []string{"absolute"}},
		"dir without path":   {yaml: "sources:\n  - {name: d, type: dir}", wantErr: []string{"path is required"}},
		"dir with url":       {yaml: "sources:\n  - {name: d, type: dir, path: /tmp, url: 'http://x.cn/'}", wantErr: []string{"url applies only to type feed or site"}},
		"feed polled often":  {yaml: "sources:\n  - {name: f, type: feed, url: 'http://x.cn/', interval: 10s}", wantErr: []string{"interval 10s is shorter than 1m0s"}},
		"negative interval":  {yaml: "sources:\n  - {name: d, type: dir, path: /tmp, interval: -1m}", wantErr: []string{"must be positive"}},
		"site without links": {yaml: "sources:\n  - {name: s, type: site, url: 'http://x.cn/'}", wantErr: []string{"list_selector is required"}},
		"bad selector":       {yaml: "sources:\n  - {name: s, type: site, url: 'http://x.cn/', list_selector: 'ul >> a', selectors: {content: '#'}}", wantErr: []string{`list_selector "ul >> a"`, `selectors.content "#"`}},
		"too many pages":     {yaml: "sources:\n  - {name: s, type: site, url: 'http://x.cn/', list_selector: a, max_pages: 500}", wantErr: []string{"max_pages 500 must be between 1 and 50"}},
		"site key on feed":   {yaml: "sources:\n  - {name: f, type: feed, url: 'http://x.cn/', list_selector: a, max_pages: 2}", wantErr: []string{"list_selector applies only to type site", "max_pages applies only"}},
		"feed key on site":   {yaml: "sources:\n  - {name: s, type: site, url: 'http://x.cn/', list_selector: a, fetch_pages: true}", wantErr: []string{"fetch_pages applies only to type feed"}},
		"name with colon":    {yaml: "sources:\n  - {name: 'a:b', type: dir, path: /tmp}", wantErr: []string{`name "a:b"`}},
		"missing name":       {yaml: "sources:\n  - {type: dir, path: /tmp}", wantErr: []string{`source 1: name ""`}},
		"duplicate names": {
			yaml:    "sources:\n  - {name: a, type: dir, path: /tmp}\n  - {name: a, type: dir, path: /srv}",
			wantErr: []string{`source 2 ("a"): name is used by an earlier source`},
		},
		"every problem named": {
			yaml:    "sources:\n  - {name: ok, type: dir, path: /tmp}\n  - {name: f, type: feed}\n  - {name: d, type: dir}",
			wantErr: []string{`source 2 ("f"): url`, `source 3 ("d"): path`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfgs, err := LoadConfig([]byte(tc.yaml))
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				tc.check(t, cfgs[0])
				return
			}
			if err == nil {
				t.Fatalf("no error, want one mentioning %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func FuzzLoadConfig(f *testing.F) {
	if data, err := os.ReadFile("../../configs/sources.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("sources:\n  - {name: s, type: site, url: 'http://x.cn/', list_selector: 'ul a'}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfgs, err := LoadConfig(data)
		if err != nil {
			return
		}
		for _, c := range cfgs {
			if c.Interval <= 0 || (c.Type == TypeSite && (c.MaxPages < 1 || c.MaxPages > MaxMaxPages)) {
				t.Fatalf("accepted config with interval %s, max_pages %d", c.Interval, c.MaxPages)
			}
		}
	})
}
