package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"tongbao/content"
)

// TestStatsOfAnOldBulletin: the chat's /stats shows the reads of a
// bulletin published years ago by date, not by thousands of hours.
func TestStatsOfAnOldBulletin(t *testing.T) {
	st := newTestStore(t)
	b := newTestBot(t, st, 100)
	ctx := context.Background()
	sub, _, err := st.Touch(ctx, "tg:5", "", "zh", true)
	if err != nil {
		t.Fatal(err)
	}
	bl, err := st.Bulletin(ctx, "20220608-0ce36211")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := st.MarkRead(ctx, bl.ID, sub.Dense, content.ViaLink, bl.PublishedAt, now); err != nil {
		t.Fatal(err)
	}
	got := ask(t, b, "1", "/stats "+bl.ID)
	if !strings.Contains(got, "每天的阅读：") || !strings.Contains(got, now.In(content.Shanghai).Format("2006-01-02")+"：1 人") || strings.Contains(got, "小时") {
		t.Errorf("/stats of an old bulletin:\n%s", got)
	}
}
