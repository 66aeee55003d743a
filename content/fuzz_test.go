package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addSeeds adds every sample with the given ending as a seed.
func addSeeds(f *testing.F, pattern string) {
	files, _ := filepath.Glob(inputPath(pattern))
	extra, _ := filepath.Glob(filepath.Join("testdata", "extra", pattern))
	for _, p := range append(files, extra...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// fuzzParse checks what must hold for any input: no panic, and either an
// error or a bulletin whose text is valid UTF-8 with a bounded summary.
func fuzzParse(t *testing.T, p *Parser, in Input) {
	b, err := p.Parse(in)
	if err != nil {
		return
	}
	if b.Title == "" || b.ID == "" {
		t.Fatalf("bulletin without title or id: %+v", b)
	}
	if utf8.RuneCountInString(b.Summary) > DefaultSummaryLimit {
		t.Fatalf("summary over the limit: %q", b.Summary)
	}
	for _, s := range append([]string{b.Title, b.Summary}, b.Paragraphs...) {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in output: %q", s)
		}
	}
}

func FuzzParseText(f *testing.F) {
	addSeeds(f, "*.txt")
	f.Add([]byte("标题\n发布时间：2022-13-45 99:99\n会议由主持。要"))
	p := newTestParser()
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, p, Input{Data: data, Name: "fuzz.txt"})
	})
}

func FuzzParseHTML(f *testing.F) {
	addSeeds(f, "*.html")
	f.Add([]byte(`<html><meta charset="gbk"><h1>标题</h1><div id="zoom"><p>会议强调，要`))
	p := newTestParser()
	f.Fuzz(func(t *testing.T, data []byte) {
		if !strings.Contains(string(data), "<") {
			return
		}
		fuzzParse(t, p, Input{Data: data, Name: "fuzz.html"})
	})
}
