package dispatch

import (
	"context"
	"strings"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// NoticeStore is what notices need of the store.
type NoticeStore interface {
	Subscriber(ctx context.Context, id string) (*content.Subscriber, error)
	Enqueue(ctx context.Context, platform string, ds []content.Delivery) error
}

// Notifier sends a message of the catalog to one person who did not just
// write (an admin decided their bind request) through the delivery queues,
// like reminders: a running dispatcher sends it in their language, within
// the platform's limits and their quiet hours.
type Notifier struct {
	store NoticeStore
}

// NewNotifier returns a notifier that queues through st.
func NewNotifier(st NoticeStore) *Notifier { return &Notifier{store: st} }

// Notify queues notice n to subscriber. once names it: the send is claimed
// like a bulletin's, so a notice queued twice under the same name is sent
// once.
func (nt *Notifier) Notify(ctx context.Context, subscriber, once string, n content.Notice) error {
	sub, err := nt.store.Subscriber(ctx, subscriber)
	if err != nil {
		return err
	}
	platform, _, _ := strings.Cut(sub.ID, ":")
	return nt.store.Enqueue(ctx, platform, []content.Delivery{{
		BulletinID: "notice:" + once, Subscriber: sub.ID, Dense: sub.Dense, Purpose: content.PurposeNotice, Notice: &n,
	}})
}

// noticeReply renders a notice in the recipient's language; skip for a
// delivery without one.
func noticeReply(n *content.Notice, lang string) (chat.Reply, bool, error) {
	if n == nil {
		return chat.Reply{}, true, nil
	}
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		args[i] = a
	}
	return chat.Text(msg.Say(lang, n.Key, args...)), false, nil
}
