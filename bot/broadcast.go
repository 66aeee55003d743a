package bot

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// broadcastDraft is an admin's announcement between /broadcast and 确认.
type broadcastDraft struct {
	Awaiting bool            `json:"awaiting,omitempty"` // waiting for the text
	Text     string          `json:"text,omitempty"`
	Segment  content.Segment `json:"segment,omitempty"`
	Urgent   bool            `json:"urgent,omitempty"`
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
func (b *Bot) broadcastText(ctx context.Context, t *turn, _ Intent) ([]chat.Reply, error) {
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
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.cancelled"))}, nil
	}
	return b.preview(ctx, t, text)
}

// preview shows the announcement, its audience and 确认 / 取消 buttons. The
// text may start with 紧急 (urgent) and @segment (@all, @tg, @wx, @wecom,
// @topic:防汛, @unit:县应急管理局, @kind:meeting).
func (b *Bot) preview(ctx context.Context, t *turn, text string) ([]chat.Reply, error) {
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
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.ask"))}, nil
	}
	kind, value, _ := strings.Cut(string(d.Segment), ":")
	if _, known := b.deps.Topics.Find(value); kind == content.SubTopic && !known {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.segment", d.Segment))}, nil
	}
	scope, err := b.adminScope(ctx, t)
	if err != nil {
		return nil, err
	}
	n, err := b.store.CountAudience(ctx, d.Segment, scope)
	if err != nil {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.segment", d.Segment))}, nil
	}
	if err := b.store.SaveSession(ctx, t.sub.ID, "broadcast", d, broadcastTTL); err != nil {
		return nil, err
	}
	urgent := ""
	if d.Urgent {
		urgent = msg.Say(t.lang, "bc.urgent")
	}
	r := chat.Reply{Blocks: []chat.Block{
		{Kind: chat.BlockTitle, Text: msg.Say(t.lang, "bc.preview")},
		{Kind: chat.BlockText, Text: d.Text},
		{Kind: chat.BlockField, Label: msg.Say(t.lang, "bc.to"), Text: b.audienceName(d.Segment, t.lang)},
		{Kind: chat.BlockNote, Text: msg.Say(t.lang, "bc.audience", n, urgent)},
	}}
	if scope != nil {
		r = r.Add(chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, "bc.scope", strings.Join(scope, msg.Say(t.lang, "list.sep")))})
	}
	r = r.Add(chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, "bc.hint")})
	r.Buttons = [][]chat.Button{{{Text: msg.Say(t.lang, "bc.confirm"), Data: btnBroadcast + "ok"}, {Text: msg.Say(t.lang, "bc.cancel"), Data: btnBroadcast + "no"}}}
	return []chat.Reply{r}, nil
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
	if aud, err := content.ParseRosterAudience(seg); err == nil {
		parts := slices.Concat(aud.Units, aud.Posts)
		if len(aud.IDs) > 0 {
			parts = append(parts, msg.Say(lang, "bc.to.roster_people", len(aud.IDs)))
		}
		return msg.Say(lang, "bc.to.roster", strings.Join(parts, msg.Say(lang, "list.sep")))
	}
	kind, value, _ := strings.Cut(string(seg), ":")
	switch kind {
	case "all":
		return msg.Say(lang, "bc.to.all")
	case "platform":
		return msg.Say(lang, "bc.to.platform", msg.Say(lang, "platform."+value))
	case content.SubTopic:
		if tp, ok := b.deps.Topics.Find(value); ok && msg.English(lang) && tp.English != "" {
			value = tp.English
		}
		return msg.Say(lang, "bc.to.topic", value)
	case "unit":
		return msg.Say(lang, "bc.to.unit", value)
	case content.SubKind:
		return msg.Say(lang, "bc.to.kind", kindName(content.Kind(value), lang))
	}
	return string(seg)
}

// segmentOf reads a broadcast audience: tg → platform:tg, 防汛 → topic:防汛.
func segmentOf(s string) content.Segment {
	platforms := map[string]chat.Platform{"tg": chat.Telegram, "telegram": chat.Telegram, "wx": chat.WeChat, "wechat": chat.WeChat, "微信": chat.WeChat, "wecom": chat.WeCom, "企业微信": chat.WeCom, "console": chat.Console}
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
func (b *Bot) broadcastButton(ctx context.Context, t *turn, choice string) ([]chat.Reply, error) {
	ok, err := b.isAdmin(ctx, t.sub.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "admin.only"))}, nil
	}
	var d broadcastDraft
	err = b.store.LoadSession(ctx, t.sub.ID, "broadcast", &d)
	if errors.Is(err, content.ErrNotFound) || (err == nil && d.Text == "") {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.expired"))}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := b.store.DeleteSession(ctx, t.sub.ID, "broadcast"); err != nil {
		return nil, err
	}
	if choice != "ok" {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.cancelled"))}, nil
	}
	if b.announcer == nil {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.disabled"))}, nil
	}
	// The scope as it is now, not as it was at the preview: one narrowed
	// meanwhile is not widened again.
	scope, err := b.adminScope(ctx, t)
	if err != nil {
		return nil, err
	}
	sent, err := b.announcer.Announce(ctx, chat.Announcement{
		Actor: t.sub.ID, Text: d.Text, Segment: d.Segment, Scope: scope, Urgent: d.Urgent, Lang: t.lang,
		ReplyTo: chat.Origin{Platform: t.in.Platform, ChatID: t.in.ChatID, MessageID: t.in.MessageID},
	})
	if err != nil {
		return nil, err
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "bc.started", sent.Recipients))}, nil
}
