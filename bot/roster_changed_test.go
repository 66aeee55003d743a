package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"tongbao/bot/chat"
	"tongbao/content"
	"tongbao/store"
)

// racedRoster is the real roster store, except that every binding loses
// to others made at the same time, as Bind does when its retries run out
// while a crowd binds: it returns store.ErrRosterChanged and binds nothing.
type racedRoster struct{ RosterStore }

func (racedRoster) Bind(_ context.Context, _ int64, subscriber string) (*content.Member, error) {
	return nil, fmt.Errorf("store: bind %s: %w", subscriber, store.ErrRosterChanged)
}

// TestApproveWhenTheRosterChanged: 批准 that meets a roster changed
// meanwhile says so in the admin's language; nothing is bound, the
// requester is not told, and the request waits again.
func TestApproveWhenTheRosterChanged(t *testing.T) {
	b, st, _ := newRosterBot(t)
	b.deps.Roster = racedRoster{b.deps.Roster}
	ctx := context.Background()
	if err := st.EnsureQueue(ctx, "tg"); err != nil {
		t.Fatal(err)
	}
	if got := typeIn(b, chat.Telegram, "103", "绑定 王五 县委办/督查室"); !strings.Contains(got, "第 1 号") {
		t.Fatalf("request: %s", got)
	}
	if got := typeIn(b, chat.Telegram, "1", "批准 1"); !strings.Contains(got, "名册刚刚有变动，没有做任何更改") {
		t.Errorf("批准 1: %s", got)
	}
	if got := typeIn(b, chat.Telegram, "1", "/lang en"); got == "" {
		t.Fatal("no reply to /lang en")
	}
	if got := typeIn(b, chat.Telegram, "1", "approve 2"); !strings.Contains(got, "The roster has just changed; nothing was changed.") {
		t.Errorf("approve 2: %s", got)
	}
	reqs, err := st.BindRequests(ctx)
	if err != nil || len(reqs) != 1 || reqs[0].Subscriber != "tg:103" || reqs[0].ID != 3 {
		t.Errorf("the request does not wait again: %+v %v", reqs, err)
	}
	if _, err := st.BoundMember(ctx, "tg:103"); err == nil {
		t.Error("tg:103 was bound")
	}
	if qs, err := st.QueueStats(ctx, "tg"); err != nil || qs.Length != 0 {
		t.Errorf("the requester was told: %+v %v", qs, err)
	}
}
