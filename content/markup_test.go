package content

import (
	"errors"
	"testing"
)

func TestMarkupDocumentRefused(t *testing.T) {
	readme := "# Relay (中继)\n\nA small service that relays 通知 to subscribers.\n\n## Build\n\n```sh\ngo build ./...\n```\n\n| command | what |\n|---|---|\n| relay serve | runs it |\n"
	_, err := newTestParser().Parse(Input{Data: []byte(readme), Name: "README.md"})
	if !errors.Is(err, ErrNotBulletin) {
		t.Fatalf("README: err = %v, want ErrNotBulletin", err)
	}
	// A bulletin kept as Markdown still has Chinese running text: accepted.
	bulletin := "# 县政府召开第9次常务会议\n\n发布时间：2024-05-07 10:00\n\n5月6日上午，县长丁伟主持召开县政府第9次常务会议，研究近期重点工作。\n\n会议强调，要抓好安全生产。\n"
	b, err := newTestParser().Parse(Input{Data: []byte(bulletin), Name: "meeting.md"})
	if err != nil {
		t.Fatalf("Markdown bulletin: %v", err)
	}
	if b.Title != "县政府召开第9次常务会议" {
		t.Errorf("Markdown bulletin: title = %q, want the heading without its marks", b.Title)
	}
	if b.Kind != KindMeeting {
		t.Errorf("Markdown bulletin: kind = %s, want meeting", b.Kind)
	}
}
