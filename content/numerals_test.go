package content

import "testing"

func TestHanNumber(t *testing.T) {
	for in, want := range map[string]int{"十二": 12, "十": 10, "二十": 20, "二十五": 25, "一百零五": 105, "两": 2, "三百": 300, "12": 12, "第": 0, "": 0, "1二": 0} {
		if got := HanNumber(in); got != want {
			t.Errorf("HanNumber(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestMeetingFullName(t *testing.T) {
	for _, tc := range []struct{ organ, name, want string }{
		{"兰溪市委", "市委常委会(扩大)会议", "兰溪市委常委会(扩大)会议"},
		{"青溪县政府", "县政府第十二次常务会议", "青溪县政府第十二次常务会议"},
		{"桃源镇党委", "镇党委会议", "桃源镇党委会议"},
		{"", "县委常委会会议", "县委常委会会议"},
		{"北湖区政府", "常务会议", "北湖区政府常务会议"},
	} {
		if got := (&Meeting{Organ: tc.organ, Name: tc.name}).FullName(); got != tc.want {
			t.Errorf("FullName(%s, %s) = %s, want %s", tc.organ, tc.name, got, tc.want)
		}
	}
}
