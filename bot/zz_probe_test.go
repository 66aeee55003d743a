package bot

import (
	"os"
	"strings"
	"testing"
	"tongbao/content"
)

func TestProbe(t *testing.T) {
	qs := os.Getenv("PROBE")
	if qs == "" {
		t.Skip()
	}
	st := newDemoStore(t)
	p := content.NewParser(content.Options{Topics: demoTopics})
	for _, f := range []string{"taoyuan", "dongcheng", "beiqu"} {
		data, _ := os.ReadFile("/tmp/local/" + f + ".txt")
		parseAndSave(t, st, p, f+".txt", data)
	}
	b := newDemoBot(t, st)
	for i, q := range strings.Split(qs, "|") {
		u := "p" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		got := ask(t, b, u, q)
		if len(got) > 400 {
			got = got[:400]
		}
		t.Logf("\n### %s\nIDS %v\n%s", q, lastList(t, b, u), got)
	}
}
