package main

import (
	"strings"
	"testing"
)

// A bulletin published on a day without a time shows the day alone; one
// with a time shows it.
func TestParseShowsADayWithoutMidnight(t *testing.T) {
	e := newEnv()
	code, out := e.run(t, "parse", samples+"qingxi-2022-06-08-county-executive.txt", samples+"qingxi-2022-06-01-flood-notice.txt")
	if code != 0 {
		t.Fatalf("parse: %d\n%s", code, out)
	}
	if strings.Contains(out, "00:00") || !strings.Contains(out, "  2022-06-08 · 会议") {
		t.Errorf("the day-only bulletin:\n%s", out)
	}
	if !strings.Contains(out, "  2022-06-01 16:20 · 通知公告") {
		t.Errorf("the bulletin with a time:\n%s", out)
	}
	if code, out = e.run(t, "parse", "--json", samples+"qingxi-2022-06-08-county-executive.txt"); code != 0 || !strings.Contains(out, `"date_only":true`) {
		t.Errorf("parse --json: %d\n%s", code, out)
	}
}
