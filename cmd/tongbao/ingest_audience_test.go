package main

import (
	"context"
	"strings"
	"testing"

	"tongbao/content"
)

// TestIngestAudience: --unit, --topic (by its English name) and
// --platform choose who a new bulletin is queued for; an unknown platform
// or an empty value is refused before anything is stored.
func TestIngestAudience(t *testing.T) {
	e := newEnv()
	st := e.store(t)
	ctx := context.Background()
	addSubscribers(t, st, "tg", "", 9300, 3)
	addSubscribers(t, st, "wx", "o", 1, 2)
	for _, id := range []string{"tg:9300", "wx:o1"} {
		if err := st.SetUnit(ctx, id, "县委办"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Subscribe(ctx, "wx:o2", content.Subscription{Kind: content.SubTopic, Value: "人才"}); err != nil {
		t.Fatal(err)
	}
	recent := writeRecentBulletins(t, t.TempDir(), 0, 2)

	for _, bad := range [][]string{{"--platform", "fax"}, {"--unit", "县委办,"}, {"--topic", "火星探测"}} {
		code, out := e.run(t, append(append([]string{"ingest"}, bad...), recent[0])...)
		if code != exitUsage || strings.Contains(out, "new") {
			t.Errorf("ingest %v: %d\n%s", bad, code, out)
		}
	}
	if n, _, err := st.CountBulletins(ctx); err != nil || n != 0 {
		t.Fatalf("a refused audience stored %d bulletins (%v)", n, err)
	}

	code, out := e.run(t, "ingest", "--unit", "县委办", "--platform", "tg", recent[0])
	if code != 0 || !strings.Contains(out, "queued 1 delivery of 1 bulletin to unit=县委办;platform=tg") {
		t.Fatalf("ingest to a unit on Telegram: %d\n%s", code, out)
	}
	if tg, wx := queued(t, e, "tg"), queued(t, e, "wx"); tg != 1 || wx != 0 {
		t.Errorf("queued tg %d, wx %d; want the unit's Telegram subscriber alone", tg, wx)
	}
	// Everyone on WeChat takes everything but wx:o2, who follows 人才.
	code, out = e.run(t, "ingest", "--topic", "flood control", "--platform=wx", recent[1])
	if code != 0 || !strings.Contains(out, "queued 1 delivery of 1 bulletin to topic=防汛;platform=wx") {
		t.Fatalf("ingest to a topic on WeChat: %d\n%s", code, out)
	}
	if tg, wx := queued(t, e, "tg"), queued(t, e, "wx"); tg != 1 || wx != 1 {
		t.Errorf("queued tg %d, wx %d; want one more on WeChat", tg, wx)
	}
}
