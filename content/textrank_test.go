package content

import (
	"fmt"
	"strings"
	"testing"
)

// TestTextRankWeighsTheOpening: a document longer than rankedSentences is
// summarized from its opening sentences alone, as if it ended there; its
// later part, however central (here a block of near-identical sentences
// that would link to one another), adds nothing.
func TestTextRankWeighsTheOpening(t *testing.T) {
	seg, err := DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	// The opening: sentences that share a word or two with some others.
	what := []string{"农村公路", "老旧小区", "安全生产", "政务服务", "生态环境", "乡村振兴", "教育医疗"}
	how := []string{"建设", "改造", "排查", "改革", "治理", "提升", "保障", "督查", "考核", "宣传", "培训"}
	state := []string{"成效明显", "稳步推进", "全面完成", "持续深化", "扎实开展", "不断加强", "有序实施", "取得突破", "逐步完善", "显著提升", "按期交付", "群众满意", "初见成效"}
	var paras []string
	for i := 0; i < rankedSentences; i++ {
		paras = append(paras, what[i%len(what)]+how[i%len(how)]+state[i%len(state)]+"。")
	}
	opening := len(paras)
	for i := 0; i < 100; i++ {
		paras = append(paras, fmt.Sprintf("防汛抗旱应急值守人员%d名全天在岗待命，确保汛期防汛抗旱应急值守不断档。", i+1))
	}
	got := textRankSummary(seg, paras, DefaultSummaryLimit)
	if got == "" || strings.Contains(got, "防汛") {
		t.Errorf("summary of %d sentences = %q, want it from the first %d", len(paras), got, opening)
	}
	if want := textRankSummary(seg, paras[:opening], DefaultSummaryLimit); got != want {
		t.Errorf("summary = %q, want the opening's own summary %q", got, want)
	}
	// Within the window the same block is weighed, and it wins.
	mixed := append(append([]string{}, paras[:50]...), paras[opening:opening+50]...)
	if got := textRankSummary(seg, mixed, DefaultSummaryLimit); !strings.Contains(got, "防汛") {
		t.Errorf("summary of a short document = %q, want the central block in it", got)
	}
}
