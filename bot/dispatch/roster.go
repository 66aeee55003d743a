package dispatch

import (
	"context"
	"fmt"
	"strings"

	"tongbao/content"
)

// PublishTo fans a stored bulletin out to roster people (seg is a
// content.RosterAudience segment): one delivery per person reached, on the
// platform the audience's order picks for them; the store records who was
// meant, reached or not, for the receipts. Sending it again adds only
// people not yet enqueued (a resumed run, or people bound since).
func (d *Dispatcher) PublishTo(ctx context.Context, b *content.Bulletin, seg content.Segment) (int, error) {
	if !seg.IsRoster() {
		return 0, fmt.Errorf("dispatch: %q is not a roster audience", seg)
	}
	return d.fanout(ctx, b.ID, content.PurposeBulletin, false, func(fn func([]content.Recipient) error) error {
		return d.store.AudienceOf(ctx, b.ID, seg, nil, fn)
	})
}

// RosterStore is what roster reminders need of the store.
type RosterStore interface {
	RosterReminders(ctx context.Context, bulletinID string, scope, order []string) ([]content.Recipient, []content.MemberStatus, error)
	Enqueue(ctx context.Context, platform string, ds []content.Delivery) error
	Audit(ctx context.Context, e content.AuditEntry) error
}

// RosterReminder reminds the roster people who have not read a bulletin
// (催读), once each, on the platform they use.
type RosterReminder struct {
	store RosterStore
	order []string
}

// NewRosterReminder returns a reminder that reaches people on the first
// platform of order they have (content.DefaultPlatformOrder when empty).
func NewRosterReminder(st RosterStore, order []string) *RosterReminder {
	if len(order) == 0 {
		order = content.DefaultPlatformOrder
	}
	return &RosterReminder{store: st, order: order}
}

// RemindRoster queues one reminder for each bound, unread person of the
// bulletin's audience within scope (nil: everyone) who was not reminded of
// it before, and returns who they are. actor is recorded in the audit log.
func (r *RosterReminder) RemindRoster(ctx context.Context, actor, bulletinID string, scope []string) ([]content.MemberStatus, error) {
	recips, who, err := r.store.RosterReminders(ctx, bulletinID, scope, r.order)
	if err != nil {
		return nil, err
	}
	byPlatform := map[string][]content.Delivery{}
	for _, rc := range recips {
		p, _, _ := strings.Cut(rc.ID, ":")
		byPlatform[p] = append(byPlatform[p], content.Delivery{BulletinID: bulletinID, Subscriber: rc.ID, Dense: rc.Dense, Purpose: content.PurposeReminder})
	}
	for p, ds := range byPlatform {
		if err := r.store.Enqueue(ctx, p, ds); err != nil {
			return nil, err
		}
	}
	if err := r.store.Audit(ctx, content.AuditEntry{Actor: actor, Action: "remind_roster", Detail: map[string]string{
		"id": bulletinID, "scope": strings.Join(scope, ","), "recipients": fmt.Sprint(len(recips)),
	}}); err != nil {
		return who, err
	}
	return who, nil
}
