package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"tongbao/content"
)

func TestReadsOverTime(t *testing.T) {
	published := time.Date(2022, 6, 8, 9, 30, 0, 0, content.Shanghai)
	// Two years later, three reads on 2024-06-08 and one on 2024-06-09.
	later := int(time.Date(2024, 6, 8, 10, 0, 0, 0, content.Shanghai).Sub(published) / time.Hour)
	tests := map[string]struct {
		byHour map[int]int64
		byDay  bool
		want   []ReadBucket
	}{
		"none":        {nil, false, nil},
		"fresh":       {map[int]int64{0: 2, 3: 1, 48: 1}, false, []ReadBucket{{Hour: 0, Reads: 2}, {Hour: 3, Reads: 1}, {Hour: 48, Reads: 1}}},
		"years later": {map[int]int64{later: 2, later + 5: 1, later + 16: 1}, true, []ReadBucket{{Day: time.Date(2024, 6, 8, 0, 0, 0, 0, content.Shanghai), Reads: 3}, {Day: time.Date(2024, 6, 9, 0, 0, 0, 0, content.Shanghai), Reads: 1}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, byDay := ReadsOverTime(published, tc.byHour)
			if byDay != tc.byDay || len(got) != len(tc.want) {
				t.Fatalf("got %+v (by day %v), want %+v", got, byDay, tc.want)
			}
			for i := range got {
				if got[i].Hour != tc.want[i].Hour || !got[i].Day.Equal(tc.want[i].Day) || got[i].Reads != tc.want[i].Reads {
					t.Errorf("bucket %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

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
