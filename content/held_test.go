package content

import (
	"testing"
	"time"
)

func TestHeldOf(t *testing.T) {
	published := time.Date(2024, 4, 2, 19, 0, 0, 0, Shanghai)
	tests := []struct {
		lead, date string
		vague      bool
	}{
		{"县委书记张明1日主持召开县委常委会会议。", "2024-04-01", false},
		{"县委书记张明30日主持召开县委常委会会议。", "2024-03-30", false}, // later than the 2nd: March
		{"县长李红昨天下午主持召开专题会议。", "2024-04-01", false},
		{"县长李红昨日主持召开专题会议。", "2024-04-01", false},
		{"县长李红今天上午主持召开专题会议。", "2024-04-02", false},
		{"县长李红前天主持召开专题会议。", "2024-03-31", false},
		{"近日，县长李红主持召开专题会议。", "", true},
		// days of the week against Tuesday 2 April
		{"上周五，县长李红主持召开专题会议。", "2024-03-29", false},
		{"本周一下午，县长李红主持召开专题会议。", "2024-04-01", false},
		{"县长李红周日主持召开专题会议。", "2024-03-31", false},
		{"星期二上午，县委常委会召开会议。", "2024-04-02", false},
		{"本周五，县长李红主持召开专题会议。", "", true}, // after publication: no day
		{"镇里每周一召开例会。", "", false},       // a routine
		{"上周，县长李红主持召开专题会议。", "", true},
		{"3月31日上午9点，全县春耕生产推进会召开。", "2024-03-31", false},
		{"为贯彻3月5日全省会议精神，县委3月28日召开常委会会议。", "2024-03-28", false},
		{"全县干部大会3月31日至4月1日在县会堂召开。", "2024-03-31", false},
		{"政协第九届县委员会第十次主席会议本月1日在县政协召开。", "2024-04-01", false},
		{"国务院新闻办公室今天（4月2日）上午举行新闻发布会。", "2024-04-02", false},
		{"记者从县委办获悉，县委常委会召开会议。", "", false},
		{"县长李红在5日前完成的项目现场主持召开调度会。", "", false}, // 5日前 is a deadline, not a day
		{"县委办要求各单位3月30日之前报送材料，县长李红主持召开调度会。", "", false},
		{"在4月1日全民健身日到来之际，县长李红主持召开专题会议。", "", false},
		{"记者1日从县委办获悉，县委常委会召开会议。", "", false},
		{"3月28日县委常委会召开会议。", "2024-03-28", false},
		{"会议于3月28日在县委第一会议室召开。", "2024-03-28", false},
		{"3月31日至4月1日，全县干部大会在县会堂召开。", "2024-03-31", false},
		// the day of an earlier sentence is not the day of the meeting
		{"3月29日，省里部署了春耕工作。县长李红主持召开专题会议。", "", false},
	}
	for _, tt := range tests {
		h := heldOf(tt.lead, published)
		if h.date != tt.date || h.vague != tt.vague {
			t.Errorf("heldOf(%q) = %q vague %v, want %q vague %v", tt.lead, h.date, h.vague, tt.date, tt.vague)
		}
	}
	// Without a publication day, only a date the text writes in full resolves.
	if h := heldOf("县长李红昨天主持召开专题会议。", time.Time{}); h.date != "" {
		t.Errorf("昨天 without a publication day = %q, want none", h.date)
	}
}
