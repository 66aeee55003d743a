package web_test

import (
	"context"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tongbao/bot/msg"
	"tongbao/bot/web"
	"tongbao/content"
)

var countedField = regexp.MustCompile(`name="counted" value="([^"]*)"`)

// TestConsolePublishAudience: the preview counts who the audience chosen
// reaches; a send for an audience other than the one counted shows the
// new count and sends nothing; the send then reaches only the chosen
// people.
func TestConsolePublishAudience(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	// Everyone takes everything (tg:42, tg:1, tg:2, wx:oNotAdmin) but tg:5,
	// who follows 人才; tg:3 and wx:o4 are in 县委办.
	for _, id := range []string{"tg:3", "wx:o4", "tg:5"} {
		if _, _, err := f.st.Touch(ctx, id, "", "zh", true); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"tg:3", "wx:o4"} {
		if err := f.st.SetUnit(ctx, id, "县委办"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.st.Subscribe(ctx, "tg:5", content.Subscription{Kind: content.SubTopic, Value: "人才"}); err != nil {
		t.Fatal(err)
	}
	b := f.admin(t, consoleAdmin)
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "samples", "qingxi-2022-06-01-flood-notice.txt"))
	if err != nil {
		t.Fatal(err)
	}
	csrf := b.csrf()
	page := func(what string, code int, body string, count int, counted string) {
		t.Helper()
		if code != http.StatusOK || !strings.Contains(body, msg.Say("zh", "console.pub.count", count)) {
			t.Fatalf("%s: %d, want the count %d:\n%s", what, code, count, body)
		}
		m := countedField.FindStringSubmatch(body)
		if m == nil || html.UnescapeString(m[1]) != counted {
			t.Fatalf("%s: counted field %q, want %q", what, m, counted)
		}
	}
	code, body, _ := b.do("POST", "/admin/publish/preview", map[string][]string{"csrf": {csrf}, "text": {string(data)}})
	page("preview", code, body, 6, "")
	for _, want := range []string{`value="县委办"`, `value="人才"`, `value="wx"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the preview does not offer %s", want)
		}
	}
	send := func(counted string, aud map[string][]string) (int, string) {
		form := map[string][]string{"csrf": {csrf}, "title": {"防汛通知"}, "kind": {"notice"}, "summary": {""}, "at": {""}, "counted": {counted}}
		for k, v := range aud {
			form[k] = v
		}
		code, body, _ := b.do("POST", "/admin/publish/send", form)
		return code, body
	}
	// A platform there is not is refused.
	if code, _ := send("platform=fax", map[string][]string{"platform": {"fax"}}); code != http.StatusBadRequest {
		t.Errorf("an unknown platform: %d", code)
	}
	// A topic, on Telegram: who takes everything there, and tg:5.
	code, body = send("", map[string][]string{"topic": {"人才"}, "platform": {"tg"}})
	page("a topic on Telegram", code, body, 5, "topic=人才;platform=tg")
	// Changed to a unit on WeChat before sending: counted again.
	code, body = send("topic=人才;platform=tg", map[string][]string{"unit": {"县委办"}, "platform": {"wx"}})
	page("a unit on WeChat", code, body, 1, "unit=县委办;platform=wx")
	if !regexp.MustCompile(`name="unit" value="县委办" checked`).MatchString(body) {
		t.Error("the unit chosen is not checked on the recount")
	}
	if n, _, _ := f.st.CountBulletins(ctx); n != 1 {
		t.Fatalf("%d bulletins stored before the audience was confirmed", n)
	}
	// Sent as counted: to wx:o4 alone.
	if send("unit=县委办;platform=wx", map[string][]string{"unit": {"县委办"}, "platform": {"wx"}}); !strings.Contains(b.lastTo, "done=published") {
		t.Fatalf("send: to %q", b.lastTo)
	}
	id := strings.TrimPrefix(b.lastTo[:strings.Index(b.lastTo, "?")], "/admin/bulletins/")
	stored, err := f.st.Bulletin(ctx, id)
	if err != nil || stored.Audience.String() != "unit=县委办;platform=wx" {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	var got []string
	for _, p := range []string{"tg", "wx"} {
		if err := f.st.EnsureQueue(ctx, p); err != nil {
			t.Fatal(err)
		}
		ds, err := f.st.Receive(ctx, p, "checker", 100, -1)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.BulletinID == id {
				got = append(got, d.Subscriber)
			}
		}
	}
	if strings.Join(got, ",") != "wx:o4" {
		t.Errorf("queued for %v, want wx:o4 alone", got)
	}
	if log, _ := f.st.AuditLog(ctx, 1); log[0].Action != "console.publish" || log[0].Detail["audience"] != "unit=县委办;platform=wx" {
		t.Errorf("publish audited as %+v", log[0])
	}
}
