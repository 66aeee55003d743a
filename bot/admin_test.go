package bot

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"tongbao/bot/chat"
)

// newAdminBot is a conversation whose admins are a console user and a
// Telegram user, with announcements recorded.
func newAdminBot(t *testing.T) (*Bot, *fakeAnnouncer) {
	t.Helper()
	b := New(Config{Admins: []string{"console:op", "tg:1"}, MessagesPerMinute: 100},
		Deps{Store: newTestStore(t), Topics: testTopics, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ann := &fakeAnnouncer{}
	b.SetAnnouncer(ann)
	return b, ann
}

// typeIn sends a text as a user of a platform and returns the replies as text.
func typeIn(b *Bot, platform chat.Platform, user, text string) string {
	return render(b.Handle(context.Background(), chat.Incoming{Platform: platform, UserID: user, ChatID: user, Text: text}))
}

// TestBroadcastTypedInTheConsole: where there are no buttons the preview
// says what to type, 确认 / 取消 (confirm / cancel) typed do what the
// buttons do, the text is kept as typed and the audience is named in the
// reader's language.
func TestBroadcastTypedInTheConsole(t *testing.T) {
	b, ann := newAdminBot(t)
	got := typeIn(b, chat.Console, "op", "/broadcast 明天上午：全县停电检修（8:00－12:00）")
	for _, w := range []string{"明天上午：全县停电检修（8:00－12:00）", "发送对象：全部订阅者", "回复「确认」发送，回复「取消」放弃。"} {
		if !strings.Contains(got, w) {
			t.Errorf("preview lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, " all") || strings.Contains(got, "上午:") {
		t.Errorf("preview has a raw segment or a folded colon:\n%s", got)
	}
	if got := typeIn(b, chat.Console, "op", "确认"); !strings.Contains(got, "已开始发送，共 7 位") {
		t.Fatalf("typed 确认: %s", got)
	}
	if len(ann.got) != 1 || ann.got[0].Text != "明天上午：全县停电检修（8:00－12:00）" || ann.got[0].Segment != "all" {
		t.Fatalf("announcements = %+v", ann.got)
	}

	got = typeIn(b, chat.Console, "op", "广播 @防汛 汛期值班：请各单位报送名单")
	if !strings.Contains(got, "汛期值班：请各单位报送名单") || !strings.Contains(got, "发送对象：订阅「防汛」的人") {
		t.Errorf("topic preview:\n%s", got)
	}
	if got := typeIn(b, chat.Console, "op", "取消"); !strings.Contains(got, "已取消广播") {
		t.Errorf("typed 取消: %s", got)
	}
	if len(ann.got) != 1 {
		t.Errorf("a cancelled broadcast was sent: %+v", ann.got)
	}
	// With nothing pending, 确认 is not a broadcast.
	if got := typeIn(b, chat.Console, "op", "确认"); strings.Contains(got, "已开始发送") {
		t.Errorf("确认 without a preview sent something: %s", got)
	}
}

// TestBroadcastTypedElsewhere: on a platform with buttons typed answers
// work too, in English, and the audience is said in English.
func TestBroadcastTypedElsewhere(t *testing.T) {
	b, ann := newAdminBot(t)
	got := typeIn(b, chat.Telegram, "1", "/broadcast @tg The office is closed on Monday.")
	for _, w := range []string{"To: subscribers on Telegram", `Reply "confirm" to send it`, "[Send|bc:ok]"} {
		if !strings.Contains(got, w) {
			t.Errorf("English preview lacks %q:\n%s", w, got)
		}
	}
	if got := typeIn(b, chat.Telegram, "1", "Confirm."); !strings.Contains(got, "Sending to 7 subscribers") {
		t.Errorf("typed confirm: %s", got)
	}
	if len(ann.got) != 1 || ann.got[0].Segment != "platform:tg" || ann.got[0].Text != "The office is closed on Monday." {
		t.Errorf("announcements = %+v", ann.got)
	}
	// A non-admin typing 确认 confirms nothing.
	typeIn(b, chat.Telegram, "1", "/broadcast 周一例会改到周二")
	if got := typeIn(b, chat.Telegram, "9", "确认"); strings.Contains(got, "已开始发送") {
		t.Errorf("a non-admin confirmed: %s", got)
	}
	if len(ann.got) != 1 {
		t.Errorf("announcements = %+v", ann.got)
	}
}

// TestChannelOnlyOnTelegram: /channel outside Telegram is refused
// politely and adds nothing; on Telegram it adds the channel.
func TestChannelOnlyOnTelegram(t *testing.T) {
	st := newTestStore(t)
	b := New(Config{Admins: []string{"console:op", "wx:oAdmin", "tg:1"}, MessagesPerMinute: 100},
		Deps{Store: st, Topics: testTopics, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx := context.Background()
	for _, p := range []chat.Platform{chat.Console, chat.WeChat} {
		user := map[chat.Platform]string{chat.Console: "op", chat.WeChat: "oAdmin"}[p]
		got := typeIn(b, p, user, "/channel @qingxi_notices")
		if !strings.Contains(got, "只能在 Telegram 里添加") || strings.Contains(got, "已添加") {
			t.Errorf("%s: /channel: %s", p, got)
		}
		if _, err := st.Subscriber(ctx, chat.SubscriberID(p, "@qingxi_notices")); err == nil {
			t.Errorf("%s: /channel created a subscriber", p)
		}
	}
	if got := typeIn(b, chat.Telegram, "1", "/channel @qingxi_notices"); !strings.Contains(got, "已添加推送目标 @qingxi_notices") {
		t.Errorf("telegram: /channel: %s", got)
	}
}
