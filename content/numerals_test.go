package content

import "testing"

func TestHanNumber(t *testing.T) {
	for in, want := range map[string]int{"十二": 12, "十": 10, "二十": 20, "二十五": 25, "一百零五": 105, "两": 2, "三百": 300, "12": 12, "第": 0, "": 0, "1二": 0} {
		if got := HanNumber(in); got != want {
			t.Errorf("HanNumber(%q) = %d, want %d", in, got, want)
		}
	}
}
