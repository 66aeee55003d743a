package web

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tongbao/bot/chat"
)

// TestConsoleViewsAreGenerated: the committed console_*_templ.go are what
// `go generate ./bot/web` (go tool templ generate) makes of the .templ
// sources today.
func TestConsoleViewsAreGenerated(t *testing.T) {
	sources, err := filepath.Glob("*.templ")
	if err != nil || len(sources) == 0 {
		t.Fatal("no .templ sources", err)
	}
	dir := t.TempDir()
	for _, src := range sources {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, src), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command("go", "tool", "templ", "generate", "-path", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("templ generate: %v\n%s", err, out)
	}
	for _, src := range sources {
		gen := strings.TrimSuffix(src, ".templ") + "_templ.go"
		want, err := os.ReadFile(filepath.Join(dir, gen))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(gen); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not what %s generates: run go generate ./bot/web", gen, src)
		}
	}
}

// TestConsoleCardNeutralisesScriptURLs: a card's link to a javascript:
// address from a bulletin leads nowhere; an https one is kept, escaped.
func TestConsoleCardNeutralisesScriptURLs(t *testing.T) {
	var b strings.Builder
	card := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockLink, Text: "a", URL: "javascript:alert(1)"}, {Kind: chat.BlockLink, Text: "b", URL: " JavaScript:alert(1)"},
		{Kind: chat.BlockLink, Text: "c", URL: `https://example.org/n?a=1&b="2"`}}}
	if err := cardView(card).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(strings.ToLower(page), "javascript:") {
		t.Errorf("a javascript: link is live:\n%s", page)
	}
	if !strings.Contains(page, `href="https://example.org/n?a=1&amp;b=&#34;2&#34;"`) {
		t.Errorf("the https link is not kept, escaped:\n%s", page)
	}
}
