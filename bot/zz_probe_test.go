package bot

import (
	"os"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	qs := os.Getenv("PROBE")
	if qs == "" {
		t.Skip()
	}
	b := newDemoBot(t, newDemoStore(t))
	for i, q := range strings.Split(qs, "|") {
		u := "p" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		got := ask(t, b, u, q)
		if len(got) > 400 {
			got = got[:400]
		}
		t.Logf("\n### %s\nIDS %v\n%s", q, lastList(t, b, u), got)
	}
}
