package content

import "testing"

func TestMeetingTypeAndOrdinal(t *testing.T) {
	tests := []struct {
		name, typ string
		ordinal   int
	}{
		{"市委常委会(扩大)会议", "常委会会议", 0},
		{"区政府第5次常务会", "常务会议", 5},
		{"镇党委会", "党委会议", 0},
		{"党组会", "党组会议", 0},
		{"十三届县委第32次常委会会议", "常委会会议", 32},
		{"县委常委会第32次会议", "常委会会议", 32},
		{"县政府第十二次常务会议", "常务会议", 12},
		{"十三届全国人大常委会第一百二十六次委员长会议", "委员长会议", 126},
		{"省政协第十二届委员会第九次主席会议", "主席会议", 9},
		{"市人大常委会第二十三次主任会议", "主任会议", 23},
		{"国务院第八次全体会议", "全体会议", 8},
		{"中共中央政治局常务委员会会议", "常委会会议", 0},
		{"稳经济大盘四季度工作推进会议", "推进会", 0},
		{"全县重点项目建设推进会", "推进会", 0},
		{"东城街道党工委2024年第5次会议", "党工委会议", 5},
		{"县委理论学习中心组第9次集体学习", "中心组集体学习", 9},
		{"縣委第32次常委會會議", "常委会会议", 32},
		{"第两百零五次会议", "会议", 205},
	}
	for _, tt := range tests {
		if got := meetingType(tt.name); got != tt.typ {
			t.Errorf("meetingType(%q) = %q, want %q", tt.name, got, tt.typ)
		}
		if got := ordinalOf(tt.name); got != tt.ordinal {
			t.Errorf("ordinalOf(%q) = %d, want %d", tt.name, got, tt.ordinal)
		}
	}
}
