package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// admin answers the admin-only commands.
func (b *Bot) admin(ctx context.Context, t *turn, in Intent) ([]chat.Reply, error) {
	ok, err := b.isAdmin(ctx, t.sub.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "admin.only"))}, nil
	}
	switch in.Action {
	case ActStats:
		return b.stats(ctx, t, strings.TrimSpace(in.Query))
	case ActRemind:
		return b.remind(ctx, t, strings.TrimSpace(in.Query))
	case ActChannel:
		return b.channel(ctx, t, strings.Fields(in.Query))
	case ActConsole:
		return b.consoleLink(ctx, t)
	}
	if strings.TrimSpace(in.Query) == "" {
		if err := b.store.SaveSession(ctx, t.sub.ID, "broadcast", broadcastDraft{Awaiting: true}, broadcastTTL); err != nil {
			return nil, err
		}
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.ask"))}, nil
	}
	return b.preview(ctx, t, typedBroadcast(t.in.Text, in.Query))
}

func (b *Bot) stats(ctx context.Context, t *turn, id string) ([]chat.Reply, error) {
	if id == "" {
		total, byKind, err := b.store.CountBulletins(ctx)
		if err != nil {
			return nil, err
		}
		subs, err := b.store.CountSubscribers(ctx)
		if err != nil {
			return nil, err
		}
		text := msg.Say(t.lang, "stats.overall", total, byKind[content.KindMeeting], byKind[content.KindNotice], byKind[content.KindNews],
			subs.Total, subs.ByStatus[content.StatusActive], subs.ByStatus[content.StatusBlocked], subs.ByStatus[content.StatusLeft])
		return []chat.Reply{{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: msg.Say(t.lang, "stats.title")}, {Kind: chat.BlockText, Text: text}}}}, nil
	}
	bl, err := b.store.Bulletin(ctx, id)
	if errors.Is(err, content.ErrNotFound) {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "stats.none", id))}, nil
	}
	if err != nil {
		return nil, err
	}
	s, err := b.store.Stats(ctx, id)
	if err != nil {
		return nil, err
	}
	r := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: bl.Title}, {Kind: chat.BlockText, Text: msg.Say(t.lang, "stats.one", s.Delivered, s.Read, s.Delivered-s.Read, 100*s.ReadRate)}}}
	var lines []string
	for _, p := range slices.Sorted(maps.Keys(s.ByPlatform)) {
		lines = append(lines, fmt.Sprintf("%s %d/%d", p, s.ByPlatform[p].Read, s.ByPlatform[p].Delivered))
	}
	for _, u := range slices.Sorted(maps.Keys(s.ByUnit)) {
		if r := s.ByUnit[u]; r.Delivered > 0 {
			lines = append(lines, fmt.Sprintf("%s %d/%d", u, r.Read, r.Delivered))
		}
	}
	if len(lines) > 0 {
		r = r.Add(chat.Block{Kind: chat.BlockList, Items: lines})
	}
	byUnit, err := b.rosterStats(ctx, t, id)
	if err != nil {
		return nil, err
	}
	r = r.Add(byUnit...)
	if buckets, byDay := content.ReadsOverTime(bl.PublishedAt, s.ByHour); len(buckets) > 0 {
		key, items := "stats.by_hour", make([]string, len(buckets))
		for i, bk := range buckets {
			if byDay {
				key = "stats.by_day"
				items[i] = msg.Say(t.lang, "stats.day", bk.Day.In(content.Shanghai).Format("2006-01-02"), bk.Reads)
			} else {
				items[i] = msg.Say(t.lang, "stats.hour", bk.Hour, bk.Hour+1, bk.Reads)
			}
		}
		r = r.Add(chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, key)}, chat.Block{Kind: chat.BlockList, Items: items})
	}
	return []chat.Reply{r}, nil
}

func (b *Bot) remind(ctx context.Context, t *turn, id string) ([]chat.Reply, error) {
	if replies, ok, err := b.rosterRemind(ctx, t, id); ok {
		return replies, err
	}
	if id == "" {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "remind.which"))}, nil
	}
	if _, err := b.store.Bulletin(ctx, id); errors.Is(err, content.ErrNotFound) {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "stats.none", id))}, nil
	} else if err != nil {
		return nil, err
	}
	if b.reminder == nil {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.disabled"))}, nil
	}
	n, err := b.reminder.Remind(ctx, t.sub.ID, id)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "remind.nobody"))}, nil
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "remind.done", n))}, nil
}

// channel adds (or removes) a push target on the admin's platform: a
// Telegram channel or group the bot may post in ("@name" or "-100…"). It
// becomes a subscriber that receives every bulletin.
func (b *Bot) channel(ctx context.Context, t *turn, args []string) ([]chat.Reply, error) {
	if t.in.Platform != chat.Telegram {
		// Only Telegram has channels and groups a bot can post in.
		return []chat.Reply{chat.Text(msg.Say(t.lang, "channel.telegram"))}, nil
	}
	remove := len(args) == 2 && oneOf(args[0], "remove", "del", "删除", "移除")
	if remove {
		args = args[1:]
	}
	if len(args) != 1 || !channelRef.MatchString(args[0]) {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "channel.which"))}, nil
	}
	id := chat.SubscriberID(t.in.Platform, args[0])
	if remove {
		if err := b.store.SetStatus(ctx, id, content.StatusLeft); err != nil {
			return nil, err
		}
		return []chat.Reply{chat.Text(msg.Say(t.lang, "channel.removed", args[0]))}, nil
	}
	if _, _, err := b.store.Touch(ctx, id, args[0], t.lang, false); err != nil {
		return nil, err
	}
	if err := b.store.SetStatus(ctx, id, content.StatusActive); err != nil {
		return nil, err
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "channel.added", args[0]))}, nil
}

// channelRef is a chat a bot can post to: @username or a numeric id.
var channelRef = regexp.MustCompile(`^(@[A-Za-z][A-Za-z0-9_]{3,}|-?\d{5,})$`)

// consoleLink answers 后台 with a one-time sign-in link to the web console,
// in a private chat only: in a group anyone could use it first.
func (b *Bot) consoleLink(ctx context.Context, t *turn) ([]chat.Reply, error) {
	if b.console == nil {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "console.chat.off"))}, nil
	}
	if t.in.Group {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "console.chat.group"))}, nil
	}
	link, err := b.console.ConsoleLink(ctx, t.sub.ID)
	if err != nil {
		return nil, err
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "console.chat.link", link))}, nil
}
