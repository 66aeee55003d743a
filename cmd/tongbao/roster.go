package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/bot/wechat"
	"tongbao/content"
	"tongbao/store"
)

// rosterUsage is the help of `tongbao roster`.
const rosterUsage = `Usage: tongbao roster TASK [flags]

The roster: the people bulletins are meant for, by unit (县委办, 县委办/督查室 …)
and post, and the WeChat, WeCom and Telegram accounts bound to them.

Tasks:
  import [--dry-run] FILE     bring the roster in line with a CSV or XLSX file
  export                      write the roster as CSV to stdout
  forget NAME [--unit U]      remove a person's data (counts stay)
  invite [--unit U] [--all]   print one-time binding codes (绑定 CODE in chat)
  sync wecom [--dry-run]      take departments and members from the WeCom directory
  send BULLETIN_ID --unit U … send a stored bulletin to units, posts or people
  scope ID [UNIT…]            show or set the units an admin administers

Run ` + "`tongbao roster TASK --help`" + ` for a task's flags.
`

func runRoster(ctx context.Context, app *App, args []string) error {
	tasks := map[string]func(context.Context, *App, []string) error{
		"import": runRosterImport, "export": runRosterExport, "forget": runRosterForget,
		"invite": runRosterInvite, "sync": runRosterSync, "send": runRosterSend, "scope": runRosterScope,
	}
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
		fmt.Fprint(app.Stdout, rosterUsage)
		return nil
	}
	if len(args) == 0 || tasks[args[0]] == nil {
		if len(args) > 0 {
			fmt.Fprintf(app.Stderr, "tongbao roster: unknown task %q\n\n", args[0])
		}
		fmt.Fprint(app.Stderr, rosterUsage)
		return errUsage
	}
	return tasks[args[0]](ctx, app, args[1:])
}

func runRosterImport(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("roster import", "[--dry-run] [--new-units] [--lang zh|en] FILE", `
Brings the roster in line with a CSV or XLSX file (the first sheet) whose
header names 姓名,单位,职务 and may add 手机,企业微信账号 (or name, unit, post,
phone, wecom_id). People are matched by unit and name, a move by WeCom
account or by name and phone (it keeps their accounts and history); people
the file no longer lists leave the roster (their names stay in old
receipts). Running the same file again changes nothing.

Every line is checked first: with any problem nothing is stored and each
problem is printed with its line number, in Chinese (--lang en: English).
Once the roster has units, a unit
it does not have is refused as a likely typo unless --new-units.
--dry-run prints what would change and stores nothing.`)
	common := addCommonFlags(fs)
	dry := fs.Bool("dry-run", false, "show what would change; store nothing")
	newUnits := fs.Bool("new-units", false, "accept units the roster does not have yet")
	lang := fs.String("lang", "zh", "say the file's problems in zh or en")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *lang != "zh" && *lang != "en" {
		fmt.Fprintln(app.Stderr, "tongbao roster import: --lang must be zh or en")
		return errUsage
	}
	if len(rest) != 1 {
		fmt.Fprintln(app.Stderr, "tongbao roster import: name one FILE (CSV or XLSX)")
		return errUsage
	}
	data, err := readLimited(rest[0], content.MaxRosterFile)
	if err != nil {
		return err
	}
	rows, err := content.ReadRoster(data)
	if err != nil {
		return app.rosterRefused(*lang, rest[0], err)
	}
	_, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	current, version, err := st.Roster(ctx)
	if err != nil {
		return err
	}
	ch := content.PlanRoster(current, rows, content.SourceImport)
	if len(current) > 0 && len(ch.NewUnits) > 0 && !*newUnits {
		return app.rosterRefused(*lang, rest[0], content.UnknownUnits(current, ch), "roster.newunits")
	}
	fmt.Fprintf(app.Stdout, "%s: %s; %d added, %d changed, %d removed\n", rest[0], count(len(rows), "person", "people"), len(ch.Added), len(ch.Changed), len(ch.Removed))
	for _, l := range ch.Lines() {
		fmt.Fprintln(app.Stdout, l)
	}
	if *dry {
		fmt.Fprintln(app.Stdout, "dry run: nothing stored")
		return nil
	}
	if err := st.ApplyRoster(ctx, ch, version); errors.Is(err, content.ErrRosterChanged) {
		fmt.Fprintf(app.Stderr, "%s: %s\n", rest[0], msg.Say(*lang, "roster.changedrun"))
		return errReported
	} else if err != nil {
		return err
	}
	return st.Audit(ctx, content.AuditEntry{Actor: "console:operator", Action: "roster_import", Detail: map[string]string{
		"file": rest[0], "added": fmt.Sprint(len(ch.Added)), "changed": fmt.Sprint(len(ch.Changed)), "removed": fmt.Sprint(len(ch.Removed)),
	}})
}

// rosterRefused prints a refused file's problems on stderr in lang, each
// with its line number ("roster.csv: 第 3 行：…"), then the advice of the
// catalog keys given, and that nothing was imported.
func (a *App) rosterRefused(lang, file string, err error, advice ...string) error {
	var re *content.RosterError
	if !errors.As(err, &re) {
		return err
	}
	for _, l := range re.Lines {
		fmt.Fprintf(a.Stderr, "%s: %s\n", file, msg.RosterProblem(lang, l))
	}
	for _, key := range advice {
		fmt.Fprintf(a.Stderr, "%s: %s\n", file, msg.Say(lang, key))
	}
	fmt.Fprintf(a.Stderr, "%s: %s\n", file, msg.Say(lang, "roster.nothing"))
	return errReported
}

// readLimited reads a file ("-": standard input) up to one byte past
// limit: a longer file is cut there, for its reader to refuse as too
// large (content.ReadRoster does, with the limit in its words).
func readLimited(name string, limit int64) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, limit+1))
}

func runRosterExport(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("roster export", "", `
Writes the roster to stdout as the CSV that roster import reads (UTF-8 with
a BOM, so Excel shows the characters), sorted by unit and name.`)
	common := addCommonFlags(fs)
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	_, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	people, _, err := st.Roster(ctx)
	if err != nil {
		return err
	}
	return content.WriteRosterCSV(app.Stdout, people)
}

func runRosterForget(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("roster forget", "NAME [--unit UNIT]", `
Removes a person's data: their roster entry (name, post, phone, WeCom
account), the bindings of their accounts, and their name in the receipts
of bulletins already sent. Counts stay: those bulletins still count them,
unnamed, as intended, delivered and read. --unit tells two people of the
same name apart.`)
	common := addCommonFlags(fs)
	unit := fs.String("unit", "", "the person's unit (or one above it)")
	actor := fs.String("as", "console:operator", "who is asking (for the audit log)")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(app.Stderr, "tongbao roster forget: name one person (and --unit when the name is not unique)")
		return errUsage
	}
	_, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := findOne(ctx, st, rest[0], *unit)
	if err != nil {
		return err
	}
	if err := st.Forget(ctx, m); err != nil {
		return err
	}
	if err := st.Audit(ctx, content.AuditEntry{Actor: *actor, Action: "roster_forget", Detail: map[string]string{"member": fmt.Sprint(m.ID)}}); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "forgot %s: their data is removed, the counts they are part of stay\n", m.Label())
	return nil
}

// findOne finds the one roster member named name (in unit, or below it).
func findOne(ctx context.Context, st *store.Store, name, unit string) (content.Member, error) {
	ms, err := st.FindMembers(ctx, name, unit)
	if err != nil {
		return content.Member{}, err
	}
	switch len(ms) {
	case 0:
		if unit != "" {
			return content.Member{}, fmt.Errorf("nobody named %s in %s on the roster", name, unit)
		}
		return content.Member{}, fmt.Errorf("nobody named %s on the roster", name)
	case 1:
		return ms[0], nil
	}
	labels := make([]string, len(ms))
	for i, m := range ms {
		labels[i] = m.Label()
	}
	return content.Member{}, fmt.Errorf("%d people are named %s (%s): add --unit", len(ms), name, strings.Join(labels, ", "))
}

func runRosterInvite(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("roster invite", "[--unit UNIT] [--all] [--ttl 168h]", `
Gives each person without a bound account (--all: everyone) a new one-time
code and prints them as CSV (单位,姓名,邀请码,有效至) to hand out. A person
binds their WeChat or Telegram account by sending 绑定 CODE to the bot; a
code works once, until it expires, and a new invite replaces the person's
earlier code. Only codes are printed: no QR sheet.`)
	common := addCommonFlags(fs)
	unit := fs.String("unit", "", "only this unit and its sub-units")
	all := fs.Bool("all", false, "also people who have a bound account")
	ttl := fs.Duration("ttl", 7*24*time.Hour, "how long the codes work")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	if *ttl <= 0 {
		fmt.Fprintln(app.Stderr, "tongbao roster invite: --ttl must be positive")
		return errUsage
	}
	_, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	people, _, err := st.Roster(ctx)
	if err != nil {
		return err
	}
	var chosen []content.Member
	var ids []int64
	for _, m := range people {
		if (*unit == "" || m.InUnit(*unit)) && (*all || len(m.Accounts) == 0) {
			chosen = append(chosen, m)
			ids = append(ids, m.ID)
		}
	}
	now := time.Now()
	codes, err := st.Invite(ctx, ids, *ttl, now)
	if err != nil {
		return err
	}
	w := csv.NewWriter(app.Stdout)
	_ = w.Write([]string{"单位", "姓名", "邀请码", "有效至"})
	until := now.Add(*ttl).In(content.Shanghai).Format("2006-01-02 15:04")
	for _, m := range chosen {
		_ = w.Write([]string{m.Unit, m.Name, codes[m.ID], until})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	fmt.Fprintf(app.Stderr, "%d codes, valid until %s\n", len(chosen), until)
	return nil
}

func runRosterSync(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("roster sync", "wecom [--dry-run]", `
Takes the departments and members of the WeCom directory (department/list
and user/list, as far as the app can see) into the roster: each member's
unit is the path of their main department, their post their position.
Members are bound to their entries through their WeCom accounts, with no
action of theirs; members who left WeCom leave the roster (their names stay
in old receipts). People the import brought are updated, never removed.
Needs TONGBAO_WECOM_CORPID, TONGBAO_WECOM_SECRET and the app's settings.`)
	common := addCommonFlags(fs)
	dry := fs.Bool("dry-run", false, "show what would change; store nothing")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] != "wecom" {
		fmt.Fprintln(app.Stderr, "tongbao roster sync: the one source is wecom: `tongbao roster sync wecom`")
		return errUsage
	}
	cfg, log, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.WeCom.CorpID == "" {
		return fmt.Errorf("no WeCom app configured (TONGBAO_WECOM_CORPID, TONGBAO_WECOM_SECRET, TONGBAO_WECOM_AGENTID …)")
	}
	wc, err := wechat.NewWeCom(cfg.WeCom, wechat.Deps{Handler: noConversation{}, Tokens: st, Limits: st, Dedupe: st, Logger: log})
	if err != nil {
		return err
	}
	n, res, err := syncWeCom(ctx, wc, st, *dry)
	if errors.Is(err, content.ErrRosterChanged) {
		fmt.Fprintf(app.Stderr, "wecom: %s\n", msg.Say("zh", "roster.changedsync"))
		return errReported
	}
	if err != nil {
		return err
	}
	ch := res.Change
	fmt.Fprintf(app.Stdout, "WeCom directory: %d members; %d added, %d changed, %d removed; %d accounts bound, %d unbound\n",
		n, len(ch.Added), len(ch.Changed), len(ch.Removed), res.Bound, res.Unbound)
	for _, l := range ch.Lines() {
		fmt.Fprintln(app.Stdout, l)
	}
	for _, c := range res.Conflicts {
		fmt.Fprintf(app.Stdout, "! %s is bound to another person: left as it is\n", c)
	}
	if *dry {
		fmt.Fprintln(app.Stdout, "dry run: nothing stored")
	}
	return nil
}

// syncWeCom takes the WeCom directory into the roster (dry: plans only)
// and returns how many members it lists and what changed.
func syncWeCom(ctx context.Context, wc *wechat.WeCom, st *store.Store, dry bool) (int, store.DirectoryResult, error) {
	members, err := wc.Directory(ctx)
	if err != nil {
		return 0, store.DirectoryResult{}, err
	}
	res, err := st.SyncDirectory(ctx, members, dry)
	return len(members), res, err
}

// syncWeComEvery runs the WeCom directory sync now and then every interval
// until ctx ends, logging what changed; a failed sync is logged and tried
// again at the next interval.
func syncWeComEvery(ctx context.Context, wc *wechat.WeCom, st *store.Store, every time.Duration, log *slog.Logger) error {
	for {
		n, res, err := syncWeCom(ctx, wc, st, false)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			log.Error("roster: WeCom directory sync failed", "err", err)
		default:
			ch := res.Change
			log.Info("roster: WeCom directory synced", "members", n, "added", len(ch.Added), "changed", len(ch.Changed),
				"removed", len(ch.Removed), "bound", res.Bound, "unbound", res.Unbound, "conflicts", len(res.Conflicts))
		}
		if chat.Wait(ctx, every) != nil {
			return nil
		}
	}
}

// listFlag collects a repeated or comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Set adds the comma-separated values of one use of the flag.
func (l *listFlag) Set(s string) error {
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

func runRosterSend(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("roster send", "BULLETIN_ID [--unit U]… [--post P]… [--person NAME|UNIT/NAME]… [--via wecom,wx,tg] [--yes]", `
Sends a stored bulletin to roster people: everyone in the units (with their
sub-units) holding one of the posts (any post without --post; every unit
with only --post), plus the people named. Each person gets it once, on the
first platform of --via they have; people with no account are counted as
未绑定 in the receipts (tongbao stats ID --by unit). A running tongbao serve
sends the queued deliveries.`)
	common := addCommonFlags(fs)
	var units, posts, persons, via listFlag
	fs.Var(&units, "unit", "a unit, with its sub-units (repeatable, or comma-separated)")
	fs.Var(&posts, "post", "a post such as 主要负责人 (repeatable)")
	fs.Var(&persons, "person", "a person: NAME, or UNIT/NAME when the name is not unique (repeatable)")
	fs.Var(&via, "via", "platform order (default roster.platforms: wecom,wx,tg)")
	yes := fs.Bool("yes", false, "send without asking")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || len(units)+len(posts)+len(persons) == 0 {
		fmt.Fprintln(app.Stderr, "tongbao roster send: name one BULLETIN_ID and at least one --unit, --post or --person")
		return errUsage
	}
	cfg, log, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := st.Bulletin(ctx, rest[0])
	if err != nil {
		return fmt.Errorf("no bulletin %s: %w", rest[0], err)
	}
	if len(via) == 0 {
		via = cfg.Roster.Platforms
	}
	aud := content.RosterAudience{Units: units, Posts: posts, Via: via}
	for _, p := range persons {
		unit, name := "", p
		if i := strings.LastIndex(p, "/"); i >= 0 {
			unit, name = p[:i], p[i+1:]
		}
		m, err := findOne(ctx, st, name, unit)
		if err != nil {
			return err
		}
		aud.IDs = append(aud.IDs, m.ID)
	}
	seg := aud.Segment()
	if _, err := content.ParseRosterAudience(seg); err != nil {
		fmt.Fprintf(app.Stderr, "tongbao roster send: %v\n", err)
		return errUsage
	}
	targets, err := st.ResolveRoster(ctx, aud)
	if err != nil {
		return err
	}
	bound := 0
	for _, t := range targets {
		if t.Bound {
			bound++
		}
	}
	fmt.Fprintf(app.Stdout, "%s\nto %d people: %d reachable, %d 未绑定\n", b.Title, len(targets), bound, len(targets)-bound)
	if ok, err := app.confirm("roster send", *yes); !ok {
		return err
	}
	links, err := app.links(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	n, err := app.newDispatcher(cfg, st, nil, links, nil, "roster-send", log).PublishTo(ctx, b, seg)
	if err != nil {
		return err
	}
	if err := st.Audit(ctx, content.AuditEntry{Actor: "console:operator", Action: "roster_send", Detail: map[string]string{
		"id": b.ID, "audience": string(seg), "intended": fmt.Sprint(len(targets)), "enqueued": fmt.Sprint(n),
	}}); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "queued %s (a running tongbao serve sends them)\n", count(n, "delivery", "deliveries"))
	return nil
}

func runRosterScope(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("roster scope", "ID [UNIT…] [--clear]", `
Shows or sets the units an admin administers: in chat they see the
receipts, unread names and bind requests of those units and the units
below them, and 催读 reminds only their people. An admin with no scope
sees every unit. ID is a subscriber id (tg:123456789, wx:oAbC…).`)
	common := addCommonFlags(fs)
	clearIt := fs.Bool("clear", false, "remove the admin's scope (every unit)")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		fmt.Fprintln(app.Stderr, "tongbao roster scope: name the admin's subscriber id")
		return errUsage
	}
	_, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	id, units := rest[0], rest[1:]
	if *clearIt || len(units) > 0 {
		known, err := st.RosterUnits(ctx)
		if err != nil {
			return err
		}
		for i, u := range units {
			cu, ok := content.CleanUnit(u)
			if !ok || !unitKnown(cu, known) {
				return fmt.Errorf("no unit %s on the roster", u)
			}
			units[i] = cu
		}
		if err := st.SetScope(ctx, id, units); err != nil {
			return err
		}
	}
	scope, err := st.Scope(ctx, id)
	if err != nil {
		return err
	}
	if scope == nil {
		fmt.Fprintf(app.Stdout, "%s: every unit\n", id)
		return nil
	}
	fmt.Fprintf(app.Stdout, "%s: %s\n", id, strings.Join(scope, ", "))
	return nil
}

// unitKnown reports whether u is a unit of the roster or one above them.
func unitKnown(u string, units []string) bool {
	for _, k := range units {
		if content.UnitWithin(k, u) {
			return true
		}
	}
	return false
}

// rosterReceipts prints a roster bulletin's receipt by unit: intended,
// delivered, read, and the names of the unread and the unbound.
func rosterReceipts(ctx context.Context, w io.Writer, st *store.Store, id string, asJSON bool) error {
	statuses, err := st.RosterStatus(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("bulletin %s was not sent to roster people (tongbao roster send): no receipts by unit", id)
	}
	if err != nil {
		return err
	}
	rc := content.Receipts(id, statuses, nil)
	if asJSON {
		return json.NewEncoder(w).Encode(rc)
	}
	fmt.Fprintf(w, "%-24s %8s %9s %6s\n", "unit", "intended", "delivered", "read")
	for _, u := range append(rc.Units, rc.Total) {
		name := u.Unit
		if name == "" {
			name = "total"
		}
		fmt.Fprintf(w, "%-24s %8d %9d %6d\n", name, u.Intended, u.Delivered, u.Read)
	}
	for _, u := range rc.Units {
		if len(u.Unread) > 0 {
			fmt.Fprintf(w, "%s 未读: %s\n", u.Unit, strings.Join(u.Unread, "、"))
		}
		if len(u.Unbound) > 0 {
			fmt.Fprintf(w, "%s 未绑定: %s\n", u.Unit, strings.Join(u.Unbound, "、"))
		}
	}
	return nil
}
