package bot

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"tongbao/bot/cards"
	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// allWords ask for every bulletin: 订阅 全部.
var allWords = map[string]bool{"全部": true, "所有": true, "全部通报": true, "all": true, "everything": true, "所有通报": true}

// target turns what a person wants to (un)subscribe to into a
// subscription: a topic (Chinese or English name), a kind, everything, or
// else a keyword.
func (b *Bot) target(word string) content.Subscription {
	word = strings.TrimSpace(strings.Trim(word, "「」\"'“”《》"))
	switch {
	case allWords[strings.ToLower(word)]:
		return content.Subscription{Kind: content.SubAll}
	}
	if tp, ok := b.topicOf(word); ok {
		return content.Subscription{Kind: content.SubTopic, Value: tp}
	}
	if k, ok := content.ParseKind(word); ok {
		return content.Subscription{Kind: content.SubKind, Value: string(k)}
	}
	return content.Subscription{Kind: content.SubKeyword, Value: word}
}

// describe names a subscription for a reply.
func (b *Bot) describe(sub content.Subscription, lang string) string {
	switch sub.Kind {
	case content.SubAll:
		return msg.Say(lang, "kind.any")
	case content.SubKind:
		return kindName(content.Kind(sub.Value), lang)
	case content.SubTopic:
		if msg.English(lang) {
			if tp, ok := b.deps.Topics.Find(sub.Value); ok && tp.English != "" {
				return tp.English
			}
		}
	}
	return sub.Value
}

func (b *Bot) topicNames(lang string) string {
	var names []string
	if b.deps.Topics != nil {
		for _, tp := range b.deps.Topics.List {
			name := tp.Name
			if msg.English(lang) && tp.English != "" {
				name = tp.English
			}
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return msg.Say(lang, "topic.none")
	}
	return strings.Join(names, msg.Say(lang, "list.sep"))
}

func (b *Bot) subscribe(ctx context.Context, t *turn, word string) ([]chat.Reply, error) {
	if strings.TrimSpace(word) == "" {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "sub.which", b.topicNames(t.lang)))}, nil
	}
	sub := b.target(word)
	if t.sub.WantsAll() && sub.Kind != content.SubAll {
		// Subscribing to a part would silently narrow everything to it.
		name := b.describe(sub, t.lang)
		r := chat.Text(msg.Say(t.lang, "sub.included", name, name, name))
		if len(btnOnly+sub.Value) <= 64 {
			r.Buttons = [][]chat.Button{{{Text: msg.Say(t.lang, "btn.only", name), Data: btnOnly + sub.Value}}}
		}
		return []chat.Reply{r}, nil
	}
	changed, err := b.store.Subscribe(ctx, t.sub.ID, sub)
	if err != nil {
		return nil, err
	}
	name := b.describe(sub, t.lang)
	if !changed {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "sub.already", name))}, nil
	}
	switch sub.Kind {
	case content.SubAll:
		return []chat.Reply{chat.Text(msg.Say(t.lang, "sub.all"))}, nil
	case content.SubKind:
		return []chat.Reply{chat.Text(msg.Say(t.lang, "sub.kind", name))}, nil
	case content.SubTopic:
		return []chat.Reply{chat.Text(msg.Say(t.lang, "sub.topic", name, name))}, nil
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "sub.keyword", name, b.topicNames(t.lang)))}, nil
}

// only narrows what a person receives to one subscription (只看 防汛).
func (b *Bot) only(ctx context.Context, t *turn, word string) ([]chat.Reply, error) {
	if strings.TrimSpace(word) == "" {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "sub.which", b.topicNames(t.lang)))}, nil
	}
	sub := b.target(word)
	if sub.Kind == content.SubAll {
		return b.subscribe(ctx, t, word)
	}
	if _, err := b.store.Unsubscribe(ctx, t.sub.ID, content.Subscription{Kind: content.SubAll}); err != nil {
		return nil, err
	}
	if _, err := b.store.Subscribe(ctx, t.sub.ID, sub); err != nil {
		return nil, err
	}
	name := b.describe(sub, t.lang)
	return []chat.Reply{chat.Text(msg.Say(t.lang, "only.set", name))}, nil
}

func (b *Bot) unsubscribe(ctx context.Context, t *turn, word string) ([]chat.Reply, error) {
	sub := content.Subscription{Kind: content.SubAll}
	if strings.TrimSpace(word) != "" {
		sub = b.target(word)
	}
	changed, err := b.store.Unsubscribe(ctx, t.sub.ID, sub)
	if err != nil {
		return nil, err
	}
	if sub.Kind == content.SubAll {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "unsub.all"))}, nil
	}
	name := b.describe(sub, t.lang)
	if !changed {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "unsub.missing", name))}, nil
	}
	r := chat.Text(msg.Say(t.lang, "unsub.done", name))
	if len(t.sub.Subs) <= 1 {
		r = r.Add(chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, "unsub.empty")})
	}
	return []chat.Reply{r}, nil
}

func (b *Bot) mySubs(t *turn) []chat.Reply {
	var r chat.Reply
	switch {
	case t.sub.WantsAll():
		r = chat.Text(msg.Say(t.lang, "mysubs.all"))
	case len(t.sub.Subs) == 0:
		r = chat.Text(msg.Say(t.lang, "mysubs.none"))
	default:
		var names []string
		for _, s := range t.sub.Subs {
			names = append(names, b.describe(s, t.lang))
		}
		r = chat.Text(msg.Say(t.lang, "mysubs.list", strings.Join(names, msg.Say(t.lang, "list.sep"))))
	}
	mode := msg.Say(t.lang, "mode.instant")
	if t.sub.Mode == content.ModeDigest {
		mode = msg.Say(t.lang, "mode.digest", t.sub.DigestAt)
	}
	if t.sub.Quiet != "" {
		mode += "，" + msg.Say(t.lang, "mode.quiet", t.sub.Quiet)
	}
	return []chat.Reply{r.Add(chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, "mysubs.mode", mode)})}
}

func (b *Bot) topics(t *turn) []chat.Reply {
	r := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: msg.Say(t.lang, "topics.title")}}}
	var items []string
	var row []chat.Button
	if b.deps.Topics != nil {
		for _, tp := range b.deps.Topics.List {
			name := tp.Name
			if msg.English(t.lang) && tp.English != "" {
				name = tp.English + "（" + tp.Name + "）"
			}
			mark := ""
			if hasSub(t.sub, content.SubTopic, tp.Name) {
				mark = " ✓"
			}
			items = append(items, name+mark)
			if len(row) < 4 && mark == "" {
				row = append(row, chat.Button{Text: msg.Say(t.lang, "btn.sub", tp.Name), Data: cards.DataSub + tp.Name})
			}
		}
	}
	r = r.Add(chat.Block{Kind: chat.BlockList, Items: items}, chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, "topics.hint")})
	if len(row) > 0 {
		r.Buttons = [][]chat.Button{row[:min(2, len(row))]}
		if len(row) > 2 {
			r.Buttons = append(r.Buttons, row[2:])
		}
	}
	return []chat.Reply{r}
}

// quietExpr is a quiet-hours range: 22:00-07:00.
var quietExpr = regexp.MustCompile(`^(\d{1,2})[:：](\d{2})\s*[-~～至到]\s*(\d{1,2})[:：](\d{2})$`)

func (b *Bot) deliveryMode(ctx context.Context, t *turn, in Intent) ([]chat.Reply, error) {
	mode, at, quiet := t.sub.Mode, t.sub.DigestAt, t.sub.Quiet
	var reply string
	switch in.Action {
	case ActDigest:
		if in.Query == "" || in.Query == "?" {
			return []chat.Reply{chat.Text(msg.Say(t.lang, "digest.which"))}, nil
		}
		mode, at = content.ModeDigest, in.Query
		reply = msg.Say(t.lang, "digest.set", at)
	case ActInstant:
		mode = content.ModeInstant
		reply = msg.Say(t.lang, "instant.set")
	case ActQuiet:
		q := strings.TrimSpace(in.Query)
		switch {
		case oneOf(strings.ToLower(q), "off", "关闭", "取消", "none", "无"):
			quiet = ""
			reply = msg.Say(t.lang, "quiet.off")
		case quietExpr.MatchString(q):
			m := quietExpr.FindStringSubmatch(q)
			from, to := clockOf(m[1]+":"+m[2]), clockOf(m[3]+":"+m[4])
			if from == "" || to == "" || from == to {
				return []chat.Reply{chat.Text(msg.Say(t.lang, "quiet.which"))}, nil
			}
			quiet = from + "-" + to
			reply = msg.Say(t.lang, "quiet.set", quiet)
		default:
			return []chat.Reply{chat.Text(msg.Say(t.lang, "quiet.which"))}, nil
		}
	}
	if mode == "" {
		mode = content.ModeInstant
	}
	if err := b.store.SetDelivery(ctx, t.sub.ID, mode, at, quiet); err != nil {
		return nil, err
	}
	return []chat.Reply{chat.Text(reply)}, nil
}

func (b *Bot) setLang(ctx context.Context, t *turn, lang string) ([]chat.Reply, error) {
	if lang != "zh" && lang != "en" {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "lang.which"))}, nil
	}
	if err := b.store.SetLang(ctx, t.sub.ID, lang); err != nil {
		return nil, err
	}
	if err := b.store.SaveSession(ctx, t.sub.ID, "lang", lang, langChoiceTTL); err != nil {
		return nil, err
	}
	return []chat.Reply{chat.Text(msg.Say(lang, "lang.set"))}, nil
}

// langChoiceTTL is how long a language chosen with /lang wins over the
// language a message is written in.
const langChoiceTTL = 10 * 365 * 24 * time.Hour

// chosenLang reports whether the person chose their language with /lang:
// then it wins over the language of each message.
func (b *Bot) chosenLang(ctx context.Context, t *turn) (bool, error) {
	var lang string
	err := b.store.LoadSession(ctx, t.sub.ID, "lang", &lang)
	if errors.Is(err, content.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return lang == t.sub.Lang, nil
}

func (b *Bot) setUnit(ctx context.Context, t *turn, unit string) ([]chat.Reply, error) {
	unit = strings.TrimSpace(unit)
	if unit == "" || len([]rune(unit)) > 40 {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "unit.which"))}, nil
	}
	if err := b.store.SetUnit(ctx, t.sub.ID, unit); err != nil {
		return nil, err
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "unit.set", unit))}, nil
}
