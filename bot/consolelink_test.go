package bot

import (
	"context"
	"strings"
	"testing"

	"tongbao/bot/chat"
)

// linkMaker hands out numbered links and records who asked.
type linkMaker struct{ asked []string }

func (l *linkMaker) ConsoleLink(_ context.Context, admin string) (string, error) {
	l.asked = append(l.asked, admin)
	return "https://tb.example.gov.cn/admin/signin/t" + string(rune('0'+len(l.asked))), nil
}

// TestConsoleLinkOnlyForAdminsInPrivate: 后台 (or /console) gives an admin
// a sign-in link in a private chat; a non-admin, or anyone in a group,
// gets none.
func TestConsoleLinkOnlyForAdminsInPrivate(t *testing.T) {
	b, _ := newAdminBot(t)
	links := &linkMaker{}
	b.SetConsoleLinker(links)
	for _, text := range []string{"后台", "/console", "管理后台"} {
		got := typeIn(b, chat.Telegram, "1", text)
		if !strings.Contains(got, "/admin/signin/t") || !strings.Contains(got, "10 分钟") {
			t.Errorf("%s from an admin: %s", text, got)
		}
	}
	if got := typeIn(b, chat.Telegram, "77", "后台"); !strings.Contains(got, "只对管理员开放") {
		t.Errorf("后台 from a non-admin: %s", got)
	}
	group := b.Handle(context.Background(), chat.Incoming{Platform: chat.Telegram, UserID: "1", ChatID: "-100", Group: true, Text: "/console"})
	if got := render(group); strings.Contains(got, "/admin/signin/") || !strings.Contains(got, "私聊") {
		t.Errorf("/console in a group: %s", got)
	}
	if len(links.asked) != 3 {
		t.Errorf("links made for %v, want 3 for tg:1", links.asked)
	}
	en := b.Handle(context.Background(), chat.Incoming{Platform: chat.Telegram, UserID: "1", ChatID: "1", Lang: "en", ForceLang: "en", Text: "/console"})
	if got := render(en); !strings.Contains(got, "sign-in link") {
		t.Errorf("/console in English: %s", got)
	}
}
