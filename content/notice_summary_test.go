package content

import (
	"strings"
	"testing"
)

// TestNoticeSummaryPurpose: a notice's summary states what it asks (its
// purpose without the "现将有关事项通知如下" formula) and never the
// signature's issuer line alone.
func TestNoticeSummaryPurpose(t *testing.T) {
	text := "关于做好元旦期间森林防火工作的通知\n发布时间：2026-12-28\n\n各乡镇人民政府，县直有关单位：\n" +
		"元旦将至，野外用火增多，为了切实做好节日期间森林防火工作，经县政府同意，现将有关事项通知如下：\n" +
		"一、落实巡护责任。各乡镇要加密重点林区巡查频次。\n二、严管野外用火。节日期间严禁上坟烧纸等野外用火行为。\n" +
		"三、做好应急准备。扑火队伍要集中待命。\n桐川县森林防火指挥部\n2026年12月28日\n"
	b, err := NewParser(ParserConfig{}, ParserDeps{}).Parse(Input{Data: []byte(text), Name: "notice.txt"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"切实做好节日期间森林防火工作。", "主要内容：落实巡护责任；严管野外用火；做好应急准备。"} {
		if !strings.Contains(b.Summary, want) {
			t.Errorf("summary %q lacks %q", b.Summary, want)
		}
	}
	for _, not := range []string{"如下", "为了", "经县政府同意", "指挥部"} {
		if strings.Contains(b.Summary, not) {
			t.Errorf("summary %q holds %q", b.Summary, not)
		}
	}
	for in, want := range map[string]string{
		"为切实做好汛期安全防范工作，现将有关事项通知如下：": "切实做好汛期安全防范工作。",
		"春节临近，为做好节日保供工作，特作如下安排：":    "春节临近，做好节日保供工作。",
		"根据省厅部署，结合我县实际，提出如下意见：":     "",
		"各乡镇要加强巡查，确保不漏一处。":          "各乡镇要加强巡查，确保不漏一处。",
	} {
		if got := purpose(in); got != want {
			t.Errorf("purpose(%q) = %q, want %q", in, got, want)
		}
	}
}
