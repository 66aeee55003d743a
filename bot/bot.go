package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"tongbao/bot/cards"
	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/bot/readlink"
	"tongbao/content"
)

// Store is what the conversation needs of the store: every role below
// (one store value plays them all).
type Store interface {
	SubscriberStore
	SenderLimiter
	BulletinReader
	ReadStore
	SessionStore
	StatsStore
}

// SubscriberStore keeps the people who write and their settings and
// subscriptions.
type SubscriberStore interface {
	Touch(ctx context.Context, id, name, lang string, inbound bool) (*content.Subscriber, bool, error)
	SetLang(ctx context.Context, id, lang string) error
	SetStatus(ctx context.Context, id string, status content.Status) error
	SetUnit(ctx context.Context, id, unit string) error
	SetDelivery(ctx context.Context, id, mode, digestAt, quiet string) error
	Subscribe(ctx context.Context, id string, sub content.Subscription) (bool, error)
	Unsubscribe(ctx context.Context, id string, sub content.Subscription) (bool, error)
	IsAdmin(ctx context.Context, id string) (bool, error)
}

// SenderLimiter counts a sender's messages against a rate shared by every
// replica (the store's Allow).
type SenderLimiter interface {
	Allow(ctx context.Context, scope string, rate content.Rate, now time.Time) (wait time.Duration, first bool, err error)
}

// BulletinReader finds and reads the stored bulletins, and the words they
// give a meaning to.
type BulletinReader interface {
	LexiconSince(ctx context.Context, since int64) (map[string][]string, int64, error)
	Timeline(ctx context.Context, f content.Filter, offset, limit int) ([]*content.Bulletin, int64, error)
	Search(ctx context.Context, query string, offset, limit int) ([]content.SearchHit, int64, error)
	Bulletin(ctx context.Context, id string) (*content.Bulletin, error)
}

// ReadStore records who read what.
type ReadStore interface {
	MarkRead(ctx context.Context, bulletinID string, dense int64, via string, published, at time.Time) (bool, error)
	History(ctx context.Context, dense int64) ([]content.HistoryEntry, error)
}

// SessionStore keeps a person's conversation state between messages (the
// last list shown, a broadcast draft).
type SessionStore interface {
	SaveSession(ctx context.Context, subscriber, name string, v any, ttl time.Duration) error
	LoadSession(ctx context.Context, subscriber, name string, v any) error
	DeleteSession(ctx context.Context, subscriber, name string) error
}

// StatsStore counts what admins ask about.
type StatsStore interface {
	CountBulletins(ctx context.Context) (int64, map[content.Kind]int64, error)
	CountSubscribers(ctx context.Context) (*content.SubscriberCounts, error)
	Stats(ctx context.Context, bulletinID string) (*content.DeliveryStats, error)
	CountAudience(ctx context.Context, seg content.Segment, scope []string) (int64, error)
}

// Announcer sends an admin's announcement to a segment of subscribers and
// reports progress by editing the admin's preview message (the dispatcher
// implements it).
type Announcer interface {
	Announce(ctx context.Context, a chat.Announcement) (chat.Announced, error)
}

// Reminder sends one reminder to each subscriber who received a bulletin
// and has not read it (the dispatcher implements it).
type Reminder interface {
	Remind(ctx context.Context, actor, bulletinID string) (int, error)
}

// ConsoleLinker makes one-time sign-in links to the admin web console.
type ConsoleLinker interface {
	ConsoleLink(ctx context.Context, admin string) (string, error)
}

// Config is what an operator sets of the conversation.
type Config struct {
	// Admins are subscriber ids with the admin role besides those the
	// store knows (tg:123, wx:oAbC…).
	Admins []string `yaml:"admins"`
	// MessagesPerMinute is the most one person may send a minute before
	// getting one "too fast" reply, then silence (20 when 0).
	MessagesPerMinute int `yaml:"messages_per_minute"`
}

// Deps are the conversation's collaborators.
type Deps struct {
	// Store keeps bulletins, subscribers and sessions. Required.
	Store Store
	// Topics is the topic list people subscribe to.
	Topics *content.Topics
	// Links makes personal read links; nil leaves links out.
	Links *readlink.Links
	// Now returns the current time (time.Now when nil).
	Now func() time.Time
	// Logger receives errors (slog.Default when nil).
	Logger *slog.Logger
	// Roster binds accounts to roster people and answers receipts by unit
	// (绑定, 谁没读, /stats by unit); nil: no roster commands.
	Roster RosterStore
	// RosterReminder sends 催读 for bulletins sent by roster; nil: 催读
	// reminds subscribers as for any bulletin.
	RosterReminder RosterReminder
	// Notifier tells people what became of their bind requests; nil: they
	// are not told.
	Notifier Notifier
}

// Bot is the platform-neutral conversation: it turns what people send
// into replies. It is safe for concurrent use.
type Bot struct {
	store     Store
	cfg       Config
	deps      Deps
	admins    map[string]bool
	announcer Announcer
	reminder  Reminder
	console   ConsoleLinker
	log       *slog.Logger
	lex       *lexicon
}

// New returns the conversation core.
func New(cfg Config, deps Deps) *Bot {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if cfg.MessagesPerMinute <= 0 {
		cfg.MessagesPerMinute = 20
	}
	b := &Bot{store: deps.Store, cfg: cfg, deps: deps, admins: map[string]bool{}, log: deps.Logger, lex: newLexicon()}
	for _, a := range cfg.Admins {
		b.admins[a] = true
	}
	return b
}

// SetAnnouncer and SetReminder plug in the dispatcher's admin actions.
func (b *Bot) SetAnnouncer(a Announcer) { b.announcer = a }

// SetReminder plugs in the dispatcher's reminders.
func (b *Bot) SetReminder(r Reminder) { b.reminder = r }

// SetConsoleLinker plugs in the admin console's sign-in links (后台).
func (b *Bot) SetConsoleLinker(c ConsoleLinker) { b.console = c }

// Topics is the topic list the bot offers.
func (b *Bot) Topics() *content.Topics { return b.deps.Topics }

// Links is the read-link maker, or nil.
func (b *Bot) Links() *readlink.Links { return b.deps.Links }

// Session lifetimes.
const (
	listTTL      = 24 * time.Hour
	broadcastTTL = 30 * time.Minute
	pageSize     = 5
)

// turn is one message being answered: who sent it, in what language.
type turn struct {
	in   chat.Incoming
	sub  *content.Subscriber
	lang string
	new  bool
}

// Handle answers one incoming message or button press. It never returns
// an error: failures become a polite reply, and a panic is recovered into
// one. It returns nil when the bot should stay silent (a rate-limited
// sender after the first warning).
func (b *Bot) Handle(ctx context.Context, in chat.Incoming) (replies []chat.Reply) {
	t := &turn{in: in, lang: in.Lang}
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("bot: panic answering a message", "platform", in.Platform, "subscriber", in.Subscriber(), "panic", p, "stack", string(debug.Stack()))
			replies = []chat.Reply{chat.Text(msg.Say(t.lang, "error"))}
		}
	}()
	sub, created, err := b.store.Touch(ctx, in.Subscriber(), in.Name, in.Lang, true)
	if err != nil {
		return b.fail(in, t.lang, err)
	}
	t.sub, t.lang, t.new = sub, sub.Lang, created
	limited, replies, err := b.rateLimit(ctx, t)
	if err != nil {
		return b.fail(in, t.lang, err)
	}
	if limited {
		return replies
	}
	if in.Button != "" {
		replies, err = b.button(ctx, t, in.Button)
	} else {
		intent := Understand(capRunes(in.Text, maxMessageRunes))
		if intent.Lang != "" && intent.Action != ActLang && intent.Lang != t.lang {
			chosen, err := b.chosenLang(ctx, t)
			if err != nil {
				return b.fail(in, t.lang, err)
			}
			if !chosen {
				t.lang = intent.Lang
			}
		}
		if in.ForceLang != "" {
			t.lang = in.ForceLang
		}
		replies, err = b.answer(ctx, t, intent)
	}
	if err != nil {
		return b.fail(in, t.lang, err)
	}
	return replies
}

func (b *Bot) fail(in chat.Incoming, lang string, err error) []chat.Reply {
	b.log.Error("bot: cannot answer", "platform", in.Platform, "subscriber", in.Subscriber(), "err", err)
	return []chat.Reply{chat.Text(msg.Say(lang, "error"))}
}

func (b *Bot) isAdmin(ctx context.Context, id string) (bool, error) {
	if b.admins[id] {
		return true, nil
	}
	return b.store.IsAdmin(ctx, id)
}

// answer dispatches an understood message.
func (b *Bot) answer(ctx context.Context, t *turn, in Intent) ([]chat.Reply, error) {
	// An admin composing a broadcast: the next message is its text.
	pending, err := b.pendingBroadcast(ctx, t, in)
	if err != nil {
		return nil, err
	}
	if pending {
		return b.broadcastText(ctx, t, in)
	}
	if replies, ok, err := b.rosterCommand(ctx, t); ok {
		return replies, err
	}
	switch in.Action {
	case ActStart:
		return b.start(t), nil
	case ActHelp:
		return b.help(ctx, t)
	case ActAsk:
		return b.ask(ctx, t, in.Query)
	case ActSearch:
		if strings.TrimSpace(in.Query) == "" {
			return []chat.Reply{chat.Text(msg.Say(t.lang, "search.empty"))}, nil
		}
		return b.search(ctx, t, in.Query, 0, false)
	case ActDetail:
		return b.detail(ctx, t, in)
	case ActRecent:
		return b.recent(ctx, t, content.Filter{Kind: in.Kind}, in.N, 0)
	case ActMore:
		return b.more(ctx, t)
	case ActSubscribe:
		return b.subscribe(ctx, t, in.Query)
	case ActOnly:
		return b.only(ctx, t, in.Query)
	case ActUnsubscribe:
		return b.unsubscribe(ctx, t, in.Query)
	case ActMySubs:
		return b.mySubs(t), nil
	case ActTopics:
		return b.topics(t), nil
	case ActDigest, ActInstant, ActQuiet:
		return b.deliveryMode(ctx, t, in)
	case ActLang:
		return b.setLang(ctx, t, in.Query)
	case ActUnit:
		return b.setUnit(ctx, t, in.Query)
	case ActHistory:
		return b.history(ctx, t)
	case ActStats, ActBroadcast, ActRemind, ActChannel, ActConsole:
		return b.admin(ctx, t, in)
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "unknown", quote(in.Query)))}, nil
}

func (b *Bot) start(t *turn) []chat.Reply {
	key := "welcome.back"
	if t.new {
		key = "welcome.new"
	}
	r := chat.Text(msg.Say(t.lang, key))
	r = r.Add(chat.Block{Kind: chat.BlockTitle, Text: msg.Say(t.lang, "help.title")}, chat.Block{Kind: chat.BlockText, Text: msg.Say(t.lang, "help.items")})
	return []chat.Reply{r}
}

func (b *Bot) help(ctx context.Context, t *turn) ([]chat.Reply, error) {
	r := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: msg.Say(t.lang, "help.title")}, {Kind: chat.BlockText, Text: msg.Say(t.lang, "help.items")}}}
	admin, err := b.isAdmin(ctx, t.sub.ID)
	if err != nil {
		return nil, err
	}
	if admin {
		r = r.Add(chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, "help.admin")})
	}
	return []chat.Reply{r}, nil
}

// card renders a bulletin for this subscriber with their personal link and
// an offer to follow its first topic they do not follow yet.
func (b *Bot) card(t *turn, bl *content.Bulletin) chat.Reply {
	follow := ""
	if !t.sub.WantsAll() {
		for _, tag := range bl.Tags {
			if !hasSub(t.sub, content.SubTopic, tag) {
				follow = tag
				break
			}
		}
	}
	return cards.Bulletin(bl, t.lang, b.link(t, bl.ID), follow)
}

func (b *Bot) link(t *turn, bulletinID string) string {
	if b.deps.Links == nil {
		return ""
	}
	return b.deps.Links.URL(bulletinID, t.sub.Dense)
}

func hasSub(s *content.Subscriber, kind, value string) bool {
	for _, sub := range s.Subs {
		if sub.Kind == kind && sub.Value == value {
			return true
		}
	}
	return false
}

// topicOf maps a user's word (Chinese or English) to a topic name.
func (b *Bot) topicOf(word string) (string, bool) {
	if tp, ok := b.deps.Topics.Find(word); ok {
		return tp.Name, true
	}
	return "", false
}

// search answers a search. Words that find nothing as written are read
// as a question (搜一下人才 is the topic 人才, 查 青政办明电12号 a document);
// guess is set when the question was plain words, tried as a search.
func (b *Bot) search(ctx context.Context, t *turn, query string, offset int, guess bool) ([]chat.Reply, error) {
	query = capRunes(query, maxSearchRunes)
	q := b.expandQuery(query)
	hits, total, err := b.store.Search(ctx, q, offset, pageSize)
	if err != nil {
		return nil, err
	}
	if len(hits) == 0 {
		switch {
		case offset > 0:
			return []chat.Reply{chat.Text(msg.Say(t.lang, "more.none"))}, nil
		case guess:
			return []chat.Reply{chat.Text(msg.Say(t.lang, "search.none", quote(query)))}, nil
		}
		return b.ask(ctx, t, query)
	}
	items := make([]listItem, len(hits))
	ids := make([]string, len(hits))
	for i, h := range hits {
		items[i] = listItem{b: h.Bulletin, snippet: h.Snippet}
		ids[i] = h.Bulletin.ID
	}
	key := "search.found"
	if guess {
		key = "search.guess"
	}
	count := fmt.Sprint(total)
	if total >= content.SearchCountCap {
		count += "+"
	}
	more := int64(offset+len(hits)) < total
	r, shown := fitList(t.in.Platform.MessageFits, true, msg.Say(t.lang, key, quote(query), count), items, offset+1, t.lang, more)
	if err := b.remember(ctx, t, listSession{What: "search", Query: query, Offset: offset, IDs: ids[:shown]}); err != nil {
		return nil, err
	}
	return []chat.Reply{r}, nil
}

// expandQuery turns an English topic name ("talent") into the topic's
// Chinese name, so English speakers can search Chinese bulletins.
func (b *Bot) expandQuery(q string) string {
	if tp, ok := b.deps.Topics.Find(q); ok {
		return tp.Name
	}
	return q
}

// listSession remembers the last list shown to a person, for "全文 2" and
// "下一页".
type listSession struct {
	What   string         `json:"what,omitempty"` // "search", "recent"
	Query  string         `json:"query,omitempty"`
	Filter content.Filter `json:"filter"`
	Offset int            `json:"offset"`
	IDs    []string       `json:"ids"`
}

func (b *Bot) remember(ctx context.Context, t *turn, s listSession) error {
	return b.store.SaveSession(ctx, t.sub.ID, "list", s, listTTL)
}

// recent lists the newest bulletins a filter selects, n a page.
func (b *Bot) recent(ctx context.Context, t *turn, f content.Filter, n, offset int) ([]chat.Reply, error) {
	if n <= 0 || n > 20 {
		n = pageSize
	}
	bs, total, err := b.store.Timeline(ctx, f, offset, n)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		if offset > 0 {
			return []chat.Reply{chat.Text(msg.Say(t.lang, "more.none"))}, nil
		}
		return []chat.Reply{chat.Text(msg.Say(t.lang, "no.bulletins"))}, nil
	}
	items := make([]listItem, len(bs))
	ids := make([]string, len(bs))
	for i, bl := range bs {
		items[i] = listItem{b: bl}
		ids[i] = bl.ID
	}
	more := int64(offset+len(bs)) < total
	r, shown := fitList(t.in.Platform.MessageFits, true, msg.Say(t.lang, "recent.title", offset/n+1), items, offset+1, t.lang, more)
	if err := b.remember(ctx, t, listSession{What: "recent", Filter: f, Offset: offset, IDs: ids[:shown]}); err != nil {
		return nil, err
	}
	return []chat.Reply{r}, nil
}

func (b *Bot) more(ctx context.Context, t *turn) ([]chat.Reply, error) {
	var s listSession
	err := b.store.LoadSession(ctx, t.sub.ID, "list", &s)
	if errors.Is(err, content.ErrNotFound) || (err == nil && s.What == "") {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "more.nothing"))}, nil
	}
	if err != nil {
		return nil, err
	}
	next := s.Offset + len(s.IDs)
	if s.What == "search" {
		return b.search(ctx, t, s.Query, next, false)
	}
	return b.recent(ctx, t, s.Filter, len(s.IDs), next)
}

// detail answers 全文 N / 全文 <id> / 全文 (the last card shown).
func (b *Bot) detail(ctx context.Context, t *turn, in Intent) ([]chat.Reply, error) {
	ref := strings.TrimSpace(in.Query)
	var id string
	if ref != "" && in.N == 0 {
		id = ref
	} else {
		var s listSession
		err := b.store.LoadSession(ctx, t.sub.ID, "list", &s)
		if err != nil && !errors.Is(err, content.ErrNotFound) {
			return nil, err
		}
		n := in.N
		switch {
		case len(s.IDs) == 0:
			return []chat.Reply{chat.Text(msg.Say(t.lang, "detail.which"))}, nil
		case n == 0 && len(s.IDs) == 1:
			id = s.IDs[0]
		case n == 0:
			return []chat.Reply{chat.Text(msg.Say(t.lang, "detail.which"))}, nil
		default:
			// List numbers continue across pages: item n is IDs[n-1-offset].
			i := n - 1 - s.Offset
			if i < 0 || i >= len(s.IDs) {
				if n-1 < len(s.IDs) {
					i = n - 1
				} else {
					return []chat.Reply{chat.Text(msg.Say(t.lang, "detail.none", ref))}, nil
				}
			}
			id = s.IDs[i]
		}
	}
	return b.fullText(ctx, t, id)
}

// fullText sends a bulletin's text and counts it as read.
func (b *Bot) fullText(ctx context.Context, t *turn, id string) ([]chat.Reply, error) {
	bl, err := b.store.Bulletin(ctx, id)
	if errors.Is(err, content.ErrNotFound) {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "detail.none", id))}, nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := b.store.MarkRead(ctx, bl.ID, t.sub.Dense, content.ViaText, bl.PublishedAt, b.deps.Now()); err != nil {
		return nil, err
	}
	return []chat.Reply{cards.FullText(bl, t.lang, b.link(t, bl.ID))}, nil
}

// button handles an inline button press.
func (b *Bot) button(ctx context.Context, t *turn, data string) ([]chat.Reply, error) {
	switch {
	case strings.HasPrefix(data, cards.DataFull):
		return b.fullText(ctx, t, strings.TrimPrefix(data, cards.DataFull))
	case strings.HasPrefix(data, cards.DataRead):
		bl, err := b.store.Bulletin(ctx, strings.TrimPrefix(data, cards.DataRead))
		if errors.Is(err, content.ErrNotFound) {
			return []chat.Reply{chat.Text(msg.Say(t.lang, "detail.none", strings.TrimPrefix(data, cards.DataRead)))}, nil
		}
		if err != nil {
			return nil, err
		}
		first, err := b.store.MarkRead(ctx, bl.ID, t.sub.Dense, content.ViaButton, bl.PublishedAt, b.deps.Now())
		if err != nil {
			return nil, err
		}
		// A lone note: Telegram shows it as the button's toast.
		key := "read.marked"
		if !first {
			key = "read.already"
		}
		return []chat.Reply{{Blocks: []chat.Block{{Kind: chat.BlockNote, Text: msg.Say(t.lang, key)}}}}, nil
	case strings.HasPrefix(data, btnOnly):
		return b.only(ctx, t, strings.TrimPrefix(data, btnOnly))
	case strings.HasPrefix(data, cards.DataSub):
		return b.subscribe(ctx, t, strings.TrimPrefix(data, cards.DataSub))
	case data == btnMore:
		return b.more(ctx, t)
	case strings.HasPrefix(data, btnBroadcast):
		return b.broadcastButton(ctx, t, strings.TrimPrefix(data, btnBroadcast))
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "unknown", quote(data)))}, nil
}

func (b *Bot) history(ctx context.Context, t *turn) ([]chat.Reply, error) {
	hist, err := b.store.History(ctx, t.sub.Dense)
	if err != nil {
		return nil, err
	}
	if len(hist) == 0 {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "history.none"))}, nil
	}
	r := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: msg.Say(t.lang, "history.title")}}}
	var items []string
	for i, h := range hist {
		if i == 10 {
			break
		}
		title := h.BulletinID
		if bl, err := b.store.Bulletin(ctx, h.BulletinID); err == nil {
			title = bl.Title
		}
		items = append(items, fmt.Sprintf("%s（%s）", title, h.ReadAt.In(content.Shanghai).Format("01-02 15:04")))
	}
	return []chat.Reply{r.Add(chat.Block{Kind: chat.BlockList, Items: items})}, nil
}
