package content

import (
	"testing"
	"time"
)

func TestReadsOverTime(t *testing.T) {
	published := time.Date(2022, 6, 8, 9, 30, 0, 0, Shanghai)
	// Two years later, three reads on 2024-06-08 and one on 2024-06-09.
	later := int(time.Date(2024, 6, 8, 10, 0, 0, 0, Shanghai).Sub(published) / time.Hour)
	tests := map[string]struct {
		byHour map[int]int64
		byDay  bool
		want   []ReadBucket
	}{
		"none":        {nil, false, nil},
		"fresh":       {map[int]int64{0: 2, 3: 1, 48: 1}, false, []ReadBucket{{Hour: 0, Reads: 2}, {Hour: 3, Reads: 1}, {Hour: 48, Reads: 1}}},
		"years later": {map[int]int64{later: 2, later + 5: 1, later + 16: 1}, true, []ReadBucket{{Day: time.Date(2024, 6, 8, 0, 0, 0, 0, Shanghai), Reads: 3}, {Day: time.Date(2024, 6, 9, 0, 0, 0, 0, Shanghai), Reads: 1}}},
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
