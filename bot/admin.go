package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"tongbao/content"
)

// broadcastDraft is an admin's announcement between /broadcast and 确认.
type broadcastDraft struct {
	Awaiting bool            `json:"awaiting,omitempty"` // waiting for the text
	Text     string          `json:"text,omitempty"`
	Segment  content.Segment `json:"segment,omitempty"`
	Urgent   bool            `json:"urgent,omitempty"`
}

// admin answers the admin-only commands.
func (b *Bot) admin(ctx context.Context, t *turn, in Intent) ([]Reply, error) {
	ok, err := b.isAdmin(ctx, t.sub.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []Reply{Text(say(t.lang, "admin.only"))}, nil
	}
	switch in.Action {
	case ActStats:
		return b.stats(ctx, t, strings.TrimSpace(in.Query))
	case ActRemind:
		return b.remind(ctx, t, strings.TrimSpace(in.Query))
	case ActChannel:
		return b.channel(ctx, t, strings.Fields(in.Query))
	}
	if strings.TrimSpace(in.Query) == "" {
		if err := b.store.SaveSession(ctx, t.sub.ID, "broadcast", broadcastDraft{Awaiting: true}, broadcastTTL); err != nil {
			return nil, err
		}
		return []Reply{Text(say(t.lang, "bc.ask"))}, nil
	}
	return b.preview(ctx, t, typedBroadcast(t.in.Text, in.Query))
}

// broadcastCommand is what starts a typed broadcast: /broadcast (or any
// slash command) or a broadcast word with what precedes it (请广播).
var broadcastCommand = regexp.MustCompile(`^\s*(?:/\S+|\S*?(?:广播|群发|发布公告|(?i:broadcast)))[\s:：]*`)

// typedBroadcast is the broadcast text exactly as the admin typed it (the
// understood query has its widths folded: "：" would become ":"); query
// when the command cannot be found in the text.
func typedBroadcast(text, query string) string {
	loc := broadcastCommand.FindStringIndex(text)
	if loc == nil {
		return query
	}
	return strings.TrimSpace(text[loc[1]:])
}

func (b *Bot) stats(ctx context.Context, t *turn, id string) ([]Reply, error) {
	if id == "" {
		total, byKind, err := b.store.CountBulletins(ctx)
		if err != nil {
			return nil, err
		}
		subs, err := b.store.CountSubscribers(ctx)
		if err != nil {
			return nil, err
		}
		text := say(t.lang, "stats.overall", total, byKind[content.KindMeeting], byKind[content.KindNotice], byKind[content.KindNews],
			subs.Total, subs.ByStatus[content.StatusActive], subs.ByStatus[content.StatusBlocked], subs.ByStatus[content.StatusLeft])
		return []Reply{{Blocks: []Block{{Kind: BlockTitle, Text: say(t.lang, "stats.title")}, {Kind: BlockText, Text: text}}}}, nil
	}
	bl, err := b.store.Bulletin(ctx, id)
	if errors.Is(err, content.ErrNotFound) {
		return []Reply{Text(say(t.lang, "stats.none", id))}, nil
	}
	if err != nil {
		return nil, err
	}
	s, err := b.store.Stats(ctx, id)
	if err != nil {
		return nil, err
	}
	r := Reply{Blocks: []Block{{Kind: BlockTitle, Text: bl.Title}, {Kind: BlockText, Text: say(t.lang, "stats.one", s.Delivered, s.Read, s.Delivered-s.Read, 100*s.ReadRate)}}}
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
		r = r.Add(Block{Kind: BlockList, Items: lines})
	}
	byUnit, err := b.rosterStats(ctx, t, id)
	if err != nil {
		return nil, err
	}
	r = r.Add(byUnit...)
	if buckets, byDay := ReadsOverTime(bl.PublishedAt, s.ByHour); len(buckets) > 0 {
		key, items := "stats.by_hour", make([]string, len(buckets))
		for i, bk := range buckets {
			if byDay {
				key = "stats.by_day"
				items[i] = say(t.lang, "stats.day", bk.Day.In(content.Shanghai).Format("2006-01-02"), bk.Reads)
			} else {
				items[i] = say(t.lang, "stats.hour", bk.Hour, bk.Hour+1, bk.Reads)
			}
		}
		r = r.Add(Block{Kind: BlockNote, Text: say(t.lang, key)}, Block{Kind: BlockList, Items: items})
	}
	return []Reply{r}, nil
}

func (b *Bot) remind(ctx context.Context, t *turn, id string) ([]Reply, error) {
	if replies, ok, err := b.rosterRemind(ctx, t, id); ok {
		return replies, err
	}
	if id == "" {
		return []Reply{Text(say(t.lang, "remind.which"))}, nil
	}
	if _, err := b.store.Bulletin(ctx, id); errors.Is(err, content.ErrNotFound) {
		return []Reply{Text(say(t.lang, "stats.none", id))}, nil
	} else if err != nil {
		return nil, err
	}
	if b.reminder == nil {
		return []Reply{Text(say(t.lang, "bc.disabled"))}, nil
	}
	n, err := b.reminder.Remind(ctx, t.sub.ID, id)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return []Reply{Text(say(t.lang, "remind.nobody"))}, nil
	}
	return []Reply{Text(say(t.lang, "remind.done", n))}, nil
}

// channel adds (or removes) a push target on the admin's platform: a
// Telegram channel or group the bot may post in ("@name" or "-100…"). It
// becomes a subscriber that receives every bulletin.
func (b *Bot) channel(ctx context.Context, t *turn, args []string) ([]Reply, error) {
	if t.in.Platform != Telegram {
		// Only Telegram has channels and groups a bot can post in.
		return []Reply{Text(say(t.lang, "channel.telegram"))}, nil
	}
	remove := len(args) == 2 && oneOf(args[0], "remove", "del", "删除", "移除")
	if remove {
		args = args[1:]
	}
	if len(args) != 1 || !channelRef.MatchString(args[0]) {
		return []Reply{Text(say(t.lang, "channel.which"))}, nil
	}
	id := SubscriberID(t.in.Platform, args[0])
	if remove {
		if err := b.store.SetStatus(ctx, id, content.StatusLeft); err != nil {
			return nil, err
		}
		return []Reply{Text(say(t.lang, "channel.removed", args[0]))}, nil
	}
	if _, _, err := b.store.Touch(ctx, id, args[0], t.lang, false); err != nil {
		return nil, err
	}
	if err := b.store.SetStatus(ctx, id, content.StatusActive); err != nil {
		return nil, err
	}
	return []Reply{Text(say(t.lang, "channel.added", args[0]))}, nil
}

// channelRef is a chat a bot can post to: @username or a numeric id.
var channelRef = regexp.MustCompile(`^(@[A-Za-z][A-Za-z0-9_]{3,}|-?\d{5,})$`)

// pendingBroadcast reports whether this message belongs to a broadcast
// the admin has under way: the text after a bare /broadcast, or a typed
// 确认 / 取消 (confirm / cancel) under a preview — what the buttons do,
// for the console and wherever buttons are not shown.
func (b *Bot) pendingBroadcast(ctx context.Context, t *turn, _ Intent) (bool, error) {
	if strings.HasPrefix(strings.TrimSpace(t.in.Text), "/") {
		return false, nil
	}
	d, err := b.broadcastDraft(ctx, t)
	if err != nil || d == nil {
		return false, err
	}
	return d.Awaiting || (d.Text != "" && typedChoice(t.in.Text) != ""), nil
}

// broadcastDraft loads the admin's draft, or nil when there is none.
func (b *Bot) broadcastDraft(ctx context.Context, t *turn) (*broadcastDraft, error) {
	var d broadcastDraft
	err := b.store.LoadSession(ctx, t.sub.ID, "broadcast", &d)
	if errors.Is(err, content.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Typed answers to a broadcast preview.
var (
	confirmWords = []string{"确认", "确认发送", "确定", "发送", "confirm", "send", "yes", "y", "ok"}
	cancelWords  = []string{"取消", "取消发送", "算了", "不发了", "cancel", "no", "n"}
)

// typedChoice reads a typed answer to a preview: "ok", "no", or "".
func typedChoice(text string) string {
	s := strings.ToLower(strings.Trim(norm.NFKC.String(text), " \t\r\n。.!！"))
	switch {
	case oneOf(s, confirmWords...):
		return "ok"
	case oneOf(s, cancelWords...):
		return "no"
	}
	return ""
}

// broadcastText continues a broadcast under way: it takes the text after a
// bare /broadcast, or a typed 确认 / 取消 under a preview.
func (b *Bot) broadcastText(ctx context.Context, t *turn, _ Intent) ([]Reply, error) {
	d, err := b.broadcastDraft(ctx, t)
	if err != nil {
		return nil, err
	}
	if d != nil && !d.Awaiting {
		return b.broadcastButton(ctx, t, typedChoice(t.in.Text))
	}
	text := strings.TrimSpace(t.in.Text)
	if typedChoice(text) == "no" {
		if err := b.store.DeleteSession(ctx, t.sub.ID, "broadcast"); err != nil {
			return nil, err
		}
		return []Reply{Text(say(t.lang, "bc.cancelled"))}, nil
	}
	return b.preview(ctx, t, text)
}

// preview shows the announcement, its audience and 确认 / 取消 buttons. The
// text may start with 紧急 (urgent) and @segment (@all, @tg, @wx, @wecom,
// @topic:防汛, @unit:县应急管理局, @kind:meeting).
func (b *Bot) preview(ctx context.Context, t *turn, text string) ([]Reply, error) {
	d := broadcastDraft{Segment: "all"}
	for {
		word, rest := cutWord(text)
		folded := strings.ToLower(norm.NFKC.String(word))
		switch {
		case oneOf(folded, "紧急", "urgent", "【紧急】"):
			d.Urgent = true
		case strings.HasPrefix(folded, "@") && len(folded) > 1:
			d.Segment = segmentOf(strings.TrimPrefix(folded, "@"))
		default:
			d.Text = strings.TrimSpace(text)
			goto done
		}
		text = rest
	}
done:
	if d.Text == "" {
		return []Reply{Text(say(t.lang, "bc.ask"))}, nil
	}
	kind, value, _ := strings.Cut(string(d.Segment), ":")
	if _, known := b.cfg.Topics.Find(value); kind == content.SubTopic && !known {
		return []Reply{Text(say(t.lang, "bc.segment", d.Segment))}, nil
	}
	n, err := b.store.CountAudience(ctx, d.Segment)
	if err != nil {
		return []Reply{Text(say(t.lang, "bc.segment", d.Segment))}, nil
	}
	if err := b.store.SaveSession(ctx, t.sub.ID, "broadcast", d, broadcastTTL); err != nil {
		return nil, err
	}
	urgent := ""
	if d.Urgent {
		urgent = say(t.lang, "bc.urgent")
	}
	r := Reply{Blocks: []Block{
		{Kind: BlockTitle, Text: say(t.lang, "bc.preview")},
		{Kind: BlockText, Text: d.Text},
		{Kind: BlockField, Label: say(t.lang, "bc.to"), Text: b.audienceName(d.Segment, t.lang)},
		{Kind: BlockNote, Text: say(t.lang, "bc.audience", n, urgent)},
		{Kind: BlockNote, Text: say(t.lang, "bc.hint")},
	}}
	r.Buttons = [][]Button{{{Text: say(t.lang, "bc.confirm"), Data: btnBroadcast + "ok"}, {Text: say(t.lang, "bc.cancel"), Data: btnBroadcast + "no"}}}
	return []Reply{r}, nil
}

// cutWord splits off the first word (spaces of any width separate words).
func cutWord(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// audienceName says who a broadcast goes to, in the reader's language.
func (b *Bot) audienceName(seg content.Segment, lang string) string {
	kind, value, _ := strings.Cut(string(seg), ":")
	switch kind {
	case "all":
		return say(lang, "bc.to.all")
	case "platform":
		return say(lang, "bc.to.platform", say(lang, "platform."+value))
	case content.SubTopic:
		if tp, ok := b.cfg.Topics.Find(value); ok && lang == "en" && tp.English != "" {
			value = tp.English
		}
		return say(lang, "bc.to.topic", value)
	case "unit":
		return say(lang, "bc.to.unit", value)
	case content.SubKind:
		return say(lang, "bc.to.kind", kindName(content.Kind(value), lang))
	}
	return string(seg)
}

// segmentOf reads a broadcast audience: tg → platform:tg, 防汛 → topic:防汛.
func segmentOf(s string) content.Segment {
	platforms := map[string]Platform{"tg": Telegram, "telegram": Telegram, "wx": WeChat, "wechat": WeChat, "微信": WeChat, "wecom": WeCom, "企业微信": WeCom, "console": Console}
	switch {
	case s == "all" || s == "全部":
		return "all"
	case platforms[s] != "":
		return content.Segment("platform:" + string(platforms[s]))
	}
	if strings.Contains(s, ":") {
		return content.Segment(s)
	}
	return content.Segment("topic:" + s)
}

// broadcastButton handles 确认 / 取消 under a preview.
func (b *Bot) broadcastButton(ctx context.Context, t *turn, choice string) ([]Reply, error) {
	ok, err := b.isAdmin(ctx, t.sub.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []Reply{Text(say(t.lang, "admin.only"))}, nil
	}
	var d broadcastDraft
	err = b.store.LoadSession(ctx, t.sub.ID, "broadcast", &d)
	if errors.Is(err, content.ErrNotFound) || (err == nil && d.Text == "") {
		return []Reply{Text(say(t.lang, "bc.expired"))}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := b.store.DeleteSession(ctx, t.sub.ID, "broadcast"); err != nil {
		return nil, err
	}
	if choice != "ok" {
		return []Reply{Text(say(t.lang, "bc.cancelled"))}, nil
	}
	if b.announcer == nil {
		return []Reply{Text(say(t.lang, "bc.disabled"))}, nil
	}
	n, err := b.announcer.Announce(ctx, Announcement{
		Actor: t.sub.ID, Text: d.Text, Segment: d.Segment, Urgent: d.Urgent,
		ReplyTo: Origin{Platform: t.in.Platform, ChatID: t.in.ChatID, MessageID: t.in.MessageID},
	})
	if err != nil {
		return nil, err
	}
	return []Reply{Text(say(t.lang, "bc.started", n))}, nil
}
