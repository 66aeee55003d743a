package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// RosterStore is what the conversation needs of the roster: binding
// accounts to people, bind requests, admins' units and receipts.
type RosterStore interface {
	BindCode(ctx context.Context, code, subscriber string, now time.Time) (*content.Member, error)
	Bind(ctx context.Context, memberID int64, subscriber string) (*content.Member, error)
	Unbind(ctx context.Context, subscriber string) (*content.Member, error)
	BoundMember(ctx context.Context, subscriber string) (*content.Member, error)
	FindMembers(ctx context.Context, name, unit string) ([]content.Member, error)
	Members(ctx context.Context, ids []int64) ([]content.Member, error)
	RequestBind(ctx context.Context, subscriber string, m content.Member, now time.Time) (content.BindRequest, error)
	BindRequests(ctx context.Context) ([]content.BindRequest, error)
	TakeBindRequest(ctx context.Context, id int64) (content.BindRequest, error)
	Scope(ctx context.Context, subscriber string) ([]string, error)
	RosterStatus(ctx context.Context, bulletinID string) ([]content.MemberStatus, error)
	LatestRosterBulletin(ctx context.Context) (string, error)
}

// RosterReminder reminds a roster bulletin's unread people within an
// admin's units, once each (the dispatcher's RosterReminder implements it).
type RosterReminder interface {
	RemindRoster(ctx context.Context, actor, bulletinID string, scope []string) ([]content.MemberStatus, error)
}

// Notifier sends a catalog message to one person who did not just write,
// once per name (the dispatcher's Notifier implements it).
type Notifier interface {
	Notify(ctx context.Context, subscriber, once string, n content.Notice) error
}

// rosterCommands are the words that start a roster command (after an
// optional "/"), longest first so 绑定申请 is not read as 绑定.
var rosterCommands = []struct{ word, cmd string }{
	{"绑定申请", "requests"}, {"我的绑定", "mine"}, {"谁没读", "unread"}, {"谁未读", "unread"}, {"未读名单", "unread"},
	{"解除绑定", "unbind"}, {"解绑", "unbind"}, {"绑定", "bind"}, {"批准", "approve"}, {"拒绝", "refuse"},
	{"requests", "requests"}, {"unread", "unread"}, {"unbind", "unbind"}, {"bind", "bind"}, {"approve", "approve"}, {"refuse", "refuse"},
}

// parseRosterCommand reads a roster command and its argument from a
// message, or returns "".
func parseRosterCommand(text string) (cmd, arg string) {
	s := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "/"))
	for _, c := range rosterCommands {
		rest, ok := cutPrefixFold(s, c.word)
		if !ok {
			continue
		}
		// An English word must end there ("binding" is not "bind").
		if r := []rune(rest); len(r) > 0 && c.word[0] < 0x80 && (unicode.IsLetter(r[0]) || unicode.IsDigit(r[0])) {
			continue
		}
		arg = strings.TrimSpace(strings.TrimLeft(rest, ":： "))
		if c.cmd == "approve" || c.cmd == "refuse" {
			// 批准 3; 批准了哪些文件 is a question.
			if _, err := strconv.Atoi(strings.TrimPrefix(arg, "#")); err != nil {
				return "", ""
			}
		}
		return c.cmd, arg
	}
	return "", ""
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// rosterCommand answers a roster command; ok is false for any other
// message (or when there is no roster).
func (b *Bot) rosterCommand(ctx context.Context, t *turn) (replies []chat.Reply, ok bool, err error) {
	if b.deps.Roster == nil || t.in.Button != "" {
		return nil, false, nil
	}
	cmd, arg := parseRosterCommand(t.in.Text)
	switch cmd {
	case "":
		return nil, false, nil
	case "bind":
		replies, err = b.bind(ctx, t, arg)
	case "unbind":
		replies, err = b.unbind(ctx, t)
	case "mine":
		replies, err = b.myBinding(ctx, t)
	default:
		admin, err := b.isAdmin(ctx, t.sub.ID)
		if err != nil {
			return nil, true, err
		}
		if !admin {
			return []chat.Reply{chat.Text(msg.Say(t.lang, "admin.only"))}, true, nil
		}
		switch cmd {
		case "requests":
			replies, err = b.bindRequests(ctx, t)
		case "approve", "refuse":
			replies, err = b.decideRequest(ctx, t, arg, cmd == "approve")
		case "unread":
			replies, err = b.whoUnread(ctx, t, arg)
		}
		return replies, true, err
	}
	return replies, true, err
}

// bind answers 绑定 CODE (a one-time code) and 绑定 姓名 单位 (a request an
// admin approves).
func (b *Bot) bind(ctx context.Context, t *turn, arg string) ([]chat.Reply, error) {
	fields := strings.Fields(arg)
	switch {
	case len(fields) == 0:
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.how"))}, nil
	case len(fields) == 1 || (len(fields) == 2 && len(fields[0])+len(fields[1]) == 8 && isASCII(arg)):
		return b.bindCode(ctx, t, strings.Join(fields, ""))
	}
	return b.requestBind(ctx, t, fields)
}

func isASCII(s string) bool {
	for _, r := range s {
		if r >= 0x80 {
			return false
		}
	}
	return true
}

func (b *Bot) bindCode(ctx context.Context, t *turn, code string) ([]chat.Reply, error) {
	m, err := b.deps.Roster.BindCode(ctx, code, t.sub.ID, b.deps.Now())
	switch {
	case errors.Is(err, content.ErrCodeUnknown):
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.unknown", quote(code)))}, nil
	case errors.Is(err, content.ErrCodeUsed):
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.used"))}, nil
	case errors.Is(err, content.ErrCodeExpired):
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.expired"))}, nil
	case errors.Is(err, content.ErrBoundElsewhere):
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.elsewhere"))}, nil
	case err != nil:
		return nil, err
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.done", m.Label()))}, nil
}

// requestBind answers 绑定 姓名 单位 (either order): a request for an admin
// of the person's unit to approve.
func (b *Bot) requestBind(ctx context.Context, t *turn, fields []string) ([]chat.Reply, error) {
	if len(fields) != 2 {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.how"))}, nil
	}
	var found []content.Member
	for _, try := range [][2]string{{fields[0], fields[1]}, {fields[1], fields[0]}} {
		unit, ok := content.CleanUnit(try[1])
		if !ok {
			continue
		}
		ms, err := b.deps.Roster.FindMembers(ctx, try[0], unit)
		if err != nil {
			return nil, err
		}
		if len(ms) > 0 {
			found = ms
			break
		}
	}
	switch len(found) {
	case 0:
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.nobody", quote(strings.Join(fields, " "))))}, nil
	case 1:
	default:
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.several", len(found)))}, nil
	}
	m := found[0]
	if mine, err := b.deps.Roster.BoundMember(ctx, t.sub.ID); err == nil {
		if mine.ID == m.ID {
			return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.already", m.Label()))}, nil
		}
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.elsewhere"))}, nil
	} else if !errors.Is(err, content.ErrNotFound) {
		return nil, err
	}
	req, err := b.deps.Roster.RequestBind(ctx, t.sub.ID, m, b.deps.Now())
	if err != nil {
		return nil, err
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.requested", req.ID, m.Label()))}, nil
}

func (b *Bot) unbind(ctx context.Context, t *turn) ([]chat.Reply, error) {
	m, err := b.deps.Roster.Unbind(ctx, t.sub.ID)
	if errors.Is(err, content.ErrNotFound) {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.none"))}, nil
	}
	if err != nil {
		return nil, err
	}
	label := ""
	if m != nil {
		label = m.Label()
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "unbind.done", label))}, nil
}

func (b *Bot) myBinding(ctx context.Context, t *turn) ([]chat.Reply, error) {
	m, err := b.deps.Roster.BoundMember(ctx, t.sub.ID)
	if errors.Is(err, content.ErrNotFound) {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.none"))}, nil
	}
	if err != nil {
		return nil, err
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "bind.mine", m.Label(), len(m.Accounts)))}, nil
}

// adminScope is the units an admin sees and broadcasts to: their scope,
// or every unit (nil) when none was set or there is no roster.
func (b *Bot) adminScope(ctx context.Context, t *turn) ([]string, error) {
	if b.deps.Roster == nil {
		return nil, nil
	}
	return b.deps.Roster.Scope(ctx, t.sub.ID)
}

// bindRequests lists the pending requests for people in the admin's units.
func (b *Bot) bindRequests(ctx context.Context, t *turn) ([]chat.Reply, error) {
	scope, err := b.adminScope(ctx, t)
	if err != nil {
		return nil, err
	}
	reqs, err := b.deps.Roster.BindRequests(ctx)
	if err != nil {
		return nil, err
	}
	var items []string
	for _, r := range reqs {
		if content.WithinAny(r.Unit, scope) {
			items = append(items, msg.Say(t.lang, "requests.item", r.ID, r.Unit, r.Name, r.Subscriber))
		}
	}
	if len(items) == 0 {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "requests.none"))}, nil
	}
	return []chat.Reply{{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: msg.Say(t.lang, "requests.title")}, {Kind: chat.BlockText, Text: strings.Join(items, "\n")}, {Kind: chat.BlockNote, Text: msg.Say(t.lang, "requests.how")}}}}, nil
}

// decideRequest answers 批准 N / 拒绝 N from an admin of the person's unit.
func (b *Bot) decideRequest(ctx context.Context, t *turn, arg string, approve bool) ([]chat.Reply, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(arg), "#"), 10, 64)
	if err != nil || id <= 0 {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "requests.how"))}, nil
	}
	scope, err := b.adminScope(ctx, t)
	if err != nil {
		return nil, err
	}
	reqs, err := b.deps.Roster.BindRequests(ctx)
	if err != nil {
		return nil, err
	}
	var pending *content.BindRequest
	for i := range reqs {
		if reqs[i].ID == id && content.WithinAny(reqs[i].Unit, scope) {
			pending = &reqs[i]
		}
	}
	if pending == nil {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "requests.missing", id))}, nil
	}
	r, err := b.deps.Roster.TakeBindRequest(ctx, id)
	if errors.Is(err, content.ErrNotFound) {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "requests.missing", id))}, nil
	}
	if err != nil {
		return nil, err
	}
	// The request is taken: whatever happens now, its requester is told.
	refused := content.Notice{Key: "bind.refused", Args: []string{strconv.FormatInt(r.ID, 10), r.Unit + " " + r.Name}}
	if !approve {
		b.tellRequester(ctx, r, refused)
		return []chat.Reply{chat.Text(msg.Say(t.lang, "requests.refused", r.ID, r.Unit+" "+r.Name))}, nil
	}
	m, err := b.deps.Roster.Bind(ctx, r.MemberID, r.Subscriber)
	switch {
	case errors.Is(err, content.ErrBoundElsewhere):
		b.tellRequester(ctx, r, refused)
		return []chat.Reply{chat.Text(msg.Say(t.lang, "requests.elsewhere", r.Subscriber))}, nil
	case errors.Is(err, content.ErrCodeUsed), errors.Is(err, content.ErrNotFound):
		b.tellRequester(ctx, r, refused)
		return []chat.Reply{chat.Text(msg.Say(t.lang, "requests.gone", r.Unit+" "+r.Name))}, nil
	case errors.Is(err, content.ErrRosterChanged):
		// Nothing was bound: the request waits again (under a new number).
		if _, err := b.deps.Roster.RequestBind(ctx, r.Subscriber, content.Member{ID: r.MemberID, Name: r.Name, Unit: r.Unit}, r.At); err != nil {
			return nil, err
		}
		return []chat.Reply{chat.Text(msg.Say(t.lang, "requests.changed"))}, nil
	case err != nil:
		return nil, err
	}
	b.tellRequester(ctx, r, content.Notice{Key: "bind.approved", Args: []string{strconv.FormatInt(r.ID, 10), m.Label()}})
	return []chat.Reply{chat.Text(msg.Say(t.lang, "requests.approved", r.ID, m.Label()))}, nil
}

// tellRequester tells the person who asked to be bound that an admin
// decided their request, once, on the account they asked from. The
// decision stands when the notice cannot be queued; that is logged.
func (b *Bot) tellRequester(ctx context.Context, r content.BindRequest, n content.Notice) {
	if b.deps.Notifier == nil {
		return
	}
	if err := b.deps.Notifier.Notify(ctx, r.Subscriber, "bind-"+strconv.FormatInt(r.ID, 10), n); err != nil {
		b.log.Warn("bot: could not tell the requester about their bind request", "request", r.ID, "subscriber", r.Subscriber, "err", err)
	}
}

// rosterBulletin is the bulletin an admin's 谁没读 / 催读 is about: the one
// named, or the last sent to roster people, with its people's statuses
// (nil when it was not sent by roster). With no id and no roster bulletin
// it returns the reply to give instead.
func (b *Bot) rosterBulletin(ctx context.Context, t *turn, id string) (string, []content.MemberStatus, []chat.Reply, error) {
	if id == "" {
		latest, err := b.deps.Roster.LatestRosterBulletin(ctx)
		if errors.Is(err, content.ErrNotFound) {
			return "", nil, []chat.Reply{chat.Text(msg.Say(t.lang, "unread.nothing"))}, nil
		}
		if err != nil {
			return "", nil, nil, err
		}
		id = latest
	}
	st, err := b.deps.Roster.RosterStatus(ctx, id)
	if errors.Is(err, content.ErrNotFound) {
		return id, nil, nil, nil
	}
	return id, st, nil, err
}

// whoUnread answers 谁没读 [ID]: the unread and unbound people of the
// admin's units, by unit.
func (b *Bot) whoUnread(ctx context.Context, t *turn, arg string) ([]chat.Reply, error) {
	id, statuses, replies, err := b.rosterBulletin(ctx, t, strings.TrimSpace(arg))
	if err != nil || replies != nil {
		return replies, err
	}
	if statuses == nil {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "unread.not_roster", id))}, nil
	}
	scope, err := b.adminScope(ctx, t)
	if err != nil {
		return nil, err
	}
	rc := content.Receipts(id, statuses, scope)
	title := id
	if bl, err := b.store.Bulletin(ctx, id); err == nil {
		title = bl.Title
	}
	r := chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockTitle, Text: title}}}
	return []chat.Reply{r.Add(b.receiptBlocks(t, rc)...)}, nil
}

// receiptBlocks shows a receipt by unit: each unit's read / intended, with
// the unread names and the 未绑定.
func (b *Bot) receiptBlocks(t *turn, rc *content.RosterReceipts) []chat.Block {
	if len(rc.Units) == 0 {
		return []chat.Block{{Kind: chat.BlockText, Text: msg.Say(t.lang, "unread.none_in_scope")}}
	}
	var lines []string
	for _, u := range rc.Units {
		line := msg.Say(t.lang, "unread.unit", u.Unit, u.Read, u.Intended, u.Delivered)
		if len(u.Unread) > 0 {
			line += "\n  " + msg.Say(t.lang, "unread.names", strings.Join(u.Unread, "、"))
		}
		if len(u.Unbound) > 0 {
			line += "\n  " + msg.Say(t.lang, "unread.unbound", strings.Join(u.Unbound, "、"))
		}
		lines = append(lines, line)
	}
	blocks := []chat.Block{{Kind: chat.BlockText, Text: strings.Join(lines, "\n")}}
	if rc.Total.Read == rc.Total.Intended {
		blocks = append(blocks, chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, "unread.all_read")})
	}
	return blocks
}

// rosterRemind answers 催读 [ID] for a bulletin sent to roster people: a
// reminder to each unread person of the admin's units, once. ok is false
// for a bulletin sent by subscription (the ordinary reminder answers).
func (b *Bot) rosterRemind(ctx context.Context, t *turn, id string) (replies []chat.Reply, ok bool, err error) {
	if b.deps.Roster == nil || b.deps.RosterReminder == nil {
		return nil, false, nil
	}
	id, statuses, replies, err := b.rosterBulletin(ctx, t, id)
	if err != nil {
		return nil, true, err
	}
	if replies != nil || statuses == nil {
		return nil, false, nil // no roster bulletin: the ordinary reminder answers
	}
	scope, err := b.adminScope(ctx, t)
	if err != nil {
		return nil, true, err
	}
	who, err := b.deps.RosterReminder.RemindRoster(ctx, t.sub.ID, id, scope)
	if err != nil {
		return nil, true, err
	}
	var unbound []string
	for _, u := range content.Receipts(id, statuses, scope).Units {
		unbound = append(unbound, u.Unbound...)
	}
	var r chat.Reply
	if len(who) == 0 {
		r = chat.Text(msg.Say(t.lang, "remind.roster_nobody"))
	} else {
		names := make([]string, len(who))
		for i, w := range who {
			names[i] = w.Unit + " " + w.Name
		}
		r = chat.Text(msg.Say(t.lang, "remind.roster_done", len(who), strings.Join(names, "、")))
	}
	if len(unbound) > 0 {
		r = r.Add(chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, "unread.unbound", strings.Join(unbound, "、"))})
	}
	return []chat.Reply{r}, true, nil
}

// rosterStats is the by-unit part of /stats ID for a bulletin sent to
// roster people (nothing for others): read / intended by unit within the
// admin's units, with the 未绑定.
func (b *Bot) rosterStats(ctx context.Context, t *turn, id string) ([]chat.Block, error) {
	if b.deps.Roster == nil {
		return nil, nil
	}
	statuses, err := b.deps.Roster.RosterStatus(ctx, id)
	if errors.Is(err, content.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	scope, err := b.adminScope(ctx, t)
	if err != nil {
		return nil, err
	}
	rc := content.Receipts(id, statuses, scope)
	head := chat.Block{Kind: chat.BlockNote, Text: msg.Say(t.lang, "stats.by_unit", rc.Total.Read, rc.Total.Intended, rc.Total.Delivered)}
	return append([]chat.Block{head}, b.receiptBlocks(t, rc)...), nil
}
