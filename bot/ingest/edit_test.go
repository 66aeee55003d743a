package ingest_test

import (
	"context"
	"testing"

	"tongbao/bot/ingest"
	"tongbao/content"
)

// TestStoreEdited: the console's corrections are what is stored, and the
// bulletin is due but not pushed until the caller pushes it.
func TestStoreEdited(t *testing.T) {
	e := newEnv(t, 2)
	ctx := context.Background()
	p := e.pipeline(ingest.Config{}, e.disp)
	s, err := p.StoreEdited(ctx, recent(), func(b *content.Bulletin) { b.Title, b.Kind = "更正后的标题", content.KindNotice })
	if err != nil || !s.Due || !s.Result.New {
		t.Fatalf("stored %+v %v", s, err)
	}
	b, err := e.st.Bulletin(ctx, s.Bulletin.ID)
	if err != nil || b.Title != "更正后的标题" || b.Kind != content.KindNotice {
		t.Fatalf("stored bulletin %+v %v", b, err)
	}
	if done, _ := e.st.FannedOut(ctx, b.ID); done {
		t.Error("StoreEdited pushed")
	}
	if n, err := p.Push(ctx, b); err != nil || n != 2 {
		t.Errorf("push: %d %v", n, err)
	}
}
