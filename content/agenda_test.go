package content

import (
	"slices"
	"strings"
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

// TestMeetingPhrasings: kinds of phrasing the parser reads, each in a
// report of its own wording.
func TestMeetingPhrasings(t *testing.T) {
	tests := []struct {
		name, text     string
		meeting, chair string
		summaryHas     []string
		summaryHasNot  []string
	}{
		{
			name:    "chaired and gave the closing speech",
			text:    "乡党委召开中心组学习会\n2026年3月9日\n\n3月8日，乡党委理论学习中心组召开集体学习会，乡党委书记郑平主持并作总结讲话。\n会议传达学习了县委全会精神，学习了《条例》原文。\n",
			meeting: "乡党委理论学习中心组集体学习会", chair: "郑平",
			summaryHas: []string{"县委全会精神、《条例》原文"},
		},
		{
			name:    "a bare meeting type takes its body's name",
			text:    "市政府召开专题会议研究停车难问题\n发布日期：2026-04-02\n\n4月1日，市政府召开专题会议，研究部署停车难治理工作。会议由副市长钱程主持。\n会议要求，各部门要加强协同。\n",
			meeting: "市政府专题会议", chair: "钱程",
		},
		{
			name:    "a heard 通报 is not called 汇报 twice",
			text:    "全县一季度经济运行分析会召开\n2026-04-12\n\n4月11日，全县一季度经济运行分析会召开，副县长吴峰主持会议。会议听取了县统计局关于一季度主要指标完成情况的通报。\n",
			meeting: "全县一季度经济运行分析会", chair: "吴峰",
			summaryHas: []string{"听取县统计局关于一季度主要指标完成情况汇报"}, summaryHasNot: []string{"通报汇报"},
		},
	}
	p := NewParser(ParserConfig{}, ParserDeps{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := p.Parse(Input{Data: []byte(tc.text), Name: "m.txt"})
			if err != nil {
				t.Fatal(err)
			}
			if b.Meeting == nil {
				t.Fatalf("no meeting read from %q", tc.text)
			}
			if b.Meeting.Name != tc.meeting || b.Meeting.Chair.Name != tc.chair {
				t.Errorf("meeting %q chaired by %q, want %q by %q", b.Meeting.Name, b.Meeting.Chair.Name, tc.meeting, tc.chair)
			}
			for _, s := range tc.summaryHas {
				if !strings.Contains(b.Summary, s) {
					t.Errorf("summary %q lacks %q", b.Summary, s)
				}
			}
			for _, s := range tc.summaryHasNot {
				if strings.Contains(b.Summary, s) {
					t.Errorf("summary %q holds %q", b.Summary, s)
				}
			}
		})
	}
}
