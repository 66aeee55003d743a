package content

import (
	"slices"
	"testing"
)

// TestAgendaAdverbs: an adverb between 会议 and the verb (认真, 专题,
// 第一时间, 随后 …) does not hide the agenda item.
func TestAgendaAdverbs(t *testing.T) {
	tests := []struct {
		lead    string
		relayed []string
		heard   []string
	}{
		{"会议认真传达学习了全省河湖长制工作会议精神。", []string{"全省河湖长制工作会议精神"}, nil},
		{"会议第一时间专题学习了省委全会精神，随后听取了县水利局关于水库除险加固工作的汇报。", []string{"省委全会精神"}, []string{"县水利局关于水库除险加固工作"}},
		{"会议还深入学习贯彻了全市项目建设推进会精神。", []string{"全市项目建设推进会精神"}, nil},
		{"会议同时听取了县审计局的工作汇报。", nil, []string{"县审计局"}},
	}
	for _, tc := range tests {
		var m Meeting
		readAgenda(tc.lead, &m, true)
		if !slices.Equal(m.Relayed, tc.relayed) || !slices.Equal(m.Heard, tc.heard) {
			t.Errorf("%s\nrelayed %q, heard %q; want %q, %q", tc.lead, m.Relayed, m.Heard, tc.relayed, tc.heard)
		}
	}
}
