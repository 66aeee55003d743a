package content

import "testing"

// TestTitlesOpeningWithBookTitle: a title may open with a programme's or a
// document's name in 《…》, carry a date in digits, or end with 。 after it.
func TestTitlesOpeningWithBookTitle(t *testing.T) {
	body := "\n\n发布时间：2024-05-06 10:00\n\n今天的节目关注长江流域的生态保护工作，记者走访了沿江多个县市。\n"
	for _, title := range []string{
		"《焦点访谈》：守护好一江碧水",
		"《新闻联播》 20240506",
		"《中华人民共和国乡村振兴促进法》",
		"《求是》杂志发表重要文章《坚定不移推进乡村全面振兴 加快建设农业强国》。",
	} {
		b, err := newTestParser().Parse(Input{Data: []byte(title + body), Name: "t.txt"})
		if err != nil {
			t.Errorf("%q refused: %v", title, err)
			continue
		}
		if b.Title != title {
			t.Errorf("title = %q, want %q", b.Title, title)
		}
	}
	// A line of digits, or a body sentence, is still no title.
	for _, line := range []string{"2024-05-06 10:00", "县委召开常委会会议，研究近期工作。"} {
		if plausibleTitle(line) {
			t.Errorf("plausibleTitle(%q) = true, want false", line)
		}
	}
}
