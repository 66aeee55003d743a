package dispatch_test

import (
	"context"
	"strings"
	"testing"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/content"
)

// TestNoticeSentOnce: a notice reaches its one person in their language,
// and a notice queued twice under one name is sent once.
func TestNoticeSentOnce(t *testing.T) {
	st := openStore(t)
	fake, tg := newTelegram(t, st)
	ctx := context.Background()
	for id, lang := range map[string]string{"tg:1001": "zh", "tg:1002": "en"} {
		if _, _, err := st.Touch(ctx, id, "", lang, true); err != nil {
			t.Fatal(err)
		}
	}
	d := newDispatcher(st, []chat.Sender{tg}, dispatch.Config{Workers: 2})
	n := dispatch.NewNotifier(st)
	approved := content.Notice{Key: "bind.approved", Args: []string{"7", "县委办 张三"}}
	for _, to := range []string{"tg:1001", "tg:1001", "tg:1002"} {
		if err := n.Notify(ctx, to, "bind-7", approved); err != nil {
			t.Fatal(err)
		}
	}
	run(t, d)
	waitFor(t, fake, "2 notices", func() bool { return len(fake.Sent()) >= 2 })
	waitDrained(t, st, "tg")
	if got := perChat(fake); got[1001] != 1 || got[1002] != 1 || len(fake.Sent()) != 2 {
		t.Fatalf("notices sent: %v", got)
	}
	if zh := fake.SentTo(1001)[0].Text; !strings.Contains(zh, "您的绑定申请（第 7 号：县委办 张三）已获批准") {
		t.Errorf("notice in Chinese: %s", zh)
	}
	if en := fake.SentTo(1002)[0].Text; !strings.Contains(en, "Your bind request no. 7 (县委办 张三) was approved") {
		t.Errorf("notice in English: %s", en)
	}
}
