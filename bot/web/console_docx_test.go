package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tongbao/bot/msg"
	"tongbao/bot/web"
)

// TestConsolePublishesAWordFile uploads a .docx on the publish page: the
// preview shows the bulletin read from it, and sending stores and pushes
// it. Word files that cannot be read are refused with their reason, and
// nothing is stored or queued.
func TestConsolePublishesAWordFile(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	b := f.admin(t, consoleAdmin)
	csrf := b.csrf()
	fixtures := filepath.Join("..", "..", "content", "testdata", "docx")

	_, page := b.get("/admin/publish")
	if !strings.Contains(page, `accept=".txt,.html,.htm,.docx,`) {
		t.Errorf("the file input does not offer .docx:\n%s", page)
	}

	before, _, err := f.st.CountBulletins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name string
		data []byte
		key  string
	}{
		{"旧通知.doc", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), []byte("W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")...), "console.publish.bad.olddoc"},
		{"加密.docx", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")...), "console.publish.bad.encrypted"},
		{"损坏.docx", []byte("PK\x03\x04 这不是完整的压缩包"), "console.publish.bad.docx"},
	}
	for _, r := range refused {
		code, body := b.upload("/admin/publish/preview", r.name, r.data, url.Values{"csrf": {csrf}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, msg.Say("zh", r.key)) {
			t.Errorf("%s: %d, want 422 saying %q", r.name, code, msg.Say("zh", r.key))
		}
	}
	after, _, err := f.st.CountBulletins(ctx)
	if err != nil || after != before {
		t.Fatalf("refused uploads stored bulletins: %d before, %d after (%v)", before, after, err)
	}
	if qs, _ := f.st.QueueStats(ctx, "tg"); qs.Length != 0 {
		t.Fatal("a refused upload queued deliveries")
	}

	data, err := os.ReadFile(filepath.Join(fixtures, "meeting.docx"))
	if err != nil {
		t.Fatal(err)
	}
	code, body := b.upload("/admin/publish/preview", "常务会议.docx", data, url.Values{"csrf": {csrf}})
	if code != http.StatusOK || !strings.Contains(body, "青石县政府召开第十二次常务会议") || !strings.Contains(body, "林志远") {
		t.Fatalf("preview of the .docx: %d\n%s", code, body)
	}
	if qs, _ := f.st.QueueStats(ctx, "tg"); qs.Length != 0 {
		t.Fatal("the preview queued deliveries")
	}
	send := map[string][]string{"csrf": {csrf}, "title": {"青石县政府召开第十二次常务会议"}, "kind": {"meeting"}, "summary": {""}}
	if b.do("POST", "/admin/publish/send", send); !strings.Contains(b.lastTo, "done=published") {
		t.Fatalf("send: %s", b.lastTo)
	}
	id := strings.TrimPrefix(b.lastTo[:strings.Index(b.lastTo, "?")], "/admin/bulletins/")
	stored, err := f.st.Bulletin(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Kind != "meeting" || stored.Meeting == nil || stored.Meeting.Chair.Name != "林志远" || stored.PublishedAt.Format("2006-01-02 15:04") != "2026-03-18 10:30" {
		t.Errorf("stored %+v", stored)
	}
	if qs, _ := f.st.QueueStats(ctx, "tg"); qs.Length == 0 {
		t.Error("the published .docx was not pushed")
	}
}
