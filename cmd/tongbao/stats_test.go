package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tongbao/content"
)

// TestStatsOfAnOldBulletin: `tongbao stats ID` shows the reads of a
// bulletin published years ago by date, not by thousands of hours.
func TestStatsOfAnOldBulletin(t *testing.T) {
	e := newEnv()
	if code, out := e.run(t, "ingest", samples+"qingxi-2022-06-08-county-executive.txt"); code != 0 {
		t.Fatal(out)
	}
	st := e.store(t)
	ctx := context.Background()
	sub, _, err := st.Touch(ctx, "tg:31", "", "zh", true)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Bulletin(ctx, qingxiID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := st.MarkRead(ctx, b.ID, sub.Dense, content.ViaLink, b.PublishedAt, now); err != nil {
		t.Fatal(err)
	}
	code, out := e.run(t, "stats", qingxiID)
	want := "reads by day (Beijing time):\n  " + now.In(content.Shanghai).Format("2006-01-02") + " █ 1\n"
	if code != 0 || !strings.Contains(out, want) || strings.Contains(out, "h █") {
		t.Errorf("stats: %d\n%s", code, out)
	}
}

// TestStatsJSON checks one JSON style: snake_case keys all through, and an
// empty unread list as [] rather than null.
func TestStatsJSON(t *testing.T) {
	e := newEnv()
	if code, out := e.run(t, "ingest", samples+"qingxi-2022-06-08-county-executive.txt"); code != 0 {
		t.Fatal(out)
	}
	code, out := e.run(t, "stats", "--json", qingxiID)
	if code != 0 || !strings.Contains(out, `"unread":[]`) || strings.Contains(out, `null`) {
		t.Errorf("stats --json: %d\n%s", code, out)
	}
}

// TestStatsSentTotal: after `tongbao serve` sends a bulletin to three
// Telegram subscribers, `tongbao stats` shows the Telegram queue's sent
// total, in text and in JSON.
func TestStatsSentTotal(t *testing.T) {
	e := newEnv()
	tg := telegramEnv(t, e)
	st := e.store(t)
	addSubscribers(t, st, "tg", "", 700, 3)
	e.serve(t)
	if code, out := e.run(t, "ingest", samples+"qingxi-2022-06-08-county-executive.txt"); code != 0 || !strings.Contains(out, "queued 3 deliveries") {
		t.Fatalf("ingest: %d %s", code, out)
	}
	awaitTG(t, tg, "3 Telegram messages", func() bool { return len(tg.Sent()) >= 3 })
	waitDrained(t, st, "tg")
	if code, out := e.run(t, "stats"); code != 0 || !strings.Contains(out, "queue tg      pending 0, waiting 0, retrying 0, dead 0, sent 3\n") {
		t.Errorf("stats: %d\n%s", code, out)
	}
	code, out := e.run(t, "stats", "--json")
	var got struct {
		Queues map[string]content.QueueStats `json:"queues"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || got.Queues["tg"].Sent != 3 || got.Queues["wx"].Sent != 0 {
		t.Errorf("stats --json: %d, %v\n%s", code, err, out)
	}
}
