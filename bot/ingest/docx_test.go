package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"tongbao/bot/ingest"
	"tongbao/content"
)

// TestIngestWordFile: a .docx is stored and pushed like text, and a second
// copy is a duplicate; an old .doc or a damaged .docx is refused with its
// reason, and nothing is stored or queued.
func TestIngestWordFile(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 2)
	p := e.pipeline(ingest.Config{}, e.disp)
	for _, bad := range []struct {
		in   content.Input
		want error
	}{
		{content.Input{Data: append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), []byte("W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")...), Name: "通知.doc"}, content.ErrOldWord},
		{content.Input{Data: []byte("PK\x03\x04[Content_Types].xml, cut short"), Name: "通知.docx"}, content.ErrDocx},
	} {
		s, queued, err := p.Ingest(ctx, bad.in)
		if !errors.Is(err, bad.want) || s.Bulletin != nil || queued != 0 {
			t.Errorf("%s: %+v queued %d, %v; want %v", bad.in.Name, s, queued, err, bad.want)
		}
	}
	if n, _, err := e.st.CountBulletins(ctx); err != nil || n != 0 {
		t.Fatalf("%d bulletins stored (%v) for refused files, want none", n, err)
	}

	data, err := os.ReadFile(filepath.Join("..", "..", "content", "testdata", "docx", "meeting.docx"))
	if err != nil {
		t.Fatal(err)
	}
	in := content.Input{Data: data, Name: "常务会议.docx"}
	s, queued, err := p.Ingest(ctx, in)
	if err != nil || !s.Result.New || queued != 2 || s.Bulletin.Kind != content.KindMeeting {
		t.Fatalf("the .docx: %+v queued %d, %v; want a new meeting pushed to 2", s, queued, err)
	}
	in.Name = "常务会议（副本）.docx"
	if again, queued, err := p.Ingest(ctx, in); err != nil || again.Result.DuplicateOf != s.Bulletin.ID || queued != 0 {
		t.Errorf("a copy of the .docx: %+v queued %d, %v; want a duplicate, not pushed", again, queued, err)
	}
}
