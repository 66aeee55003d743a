package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"tongbao/bot/chat"
	"tongbao/bot/wechat"
	"tongbao/content"
	"tongbao/store"
)

func runBroadcast(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("broadcast", "--text TEXT [--to all|platform:tg|topic:防汛|unit:…] [--urgent] [--yes]", `
Sends an announcement to every active subscriber in a segment through the
delivery queues (a running tongbao serve sends it). Shows the audience size
and asks for confirmation unless --yes. Recorded in the audit log.`)
	common := addCommonFlags(fs)
	text := fs.String("text", "", "the announcement")
	to := fs.String("to", "all", "audience: all, platform:tg|wx|wecom, topic:NAME, unit:NAME, kind:meeting")
	urgent := fs.Bool("urgent", false, "ignore quiet hours and daily digests")
	yes := fs.Bool("yes", false, "send without asking")
	actor := fs.String("as", "console:operator", "who is sending (for the audit log)")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*text) == "" {
		fmt.Fprintln(app.Stderr, "tongbao broadcast: --text is required")
		return errUsage
	}
	cfg, log, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	seg, err := app.resolveTopic(cfg, content.Segment(*to))
	if err != nil {
		fmt.Fprintf(app.Stderr, "tongbao broadcast: %v\n", err)
		return errReported
	}
	n, err := st.CountAudience(ctx, seg)
	if err != nil {
		fmt.Fprintf(app.Stderr, "tongbao broadcast: %v\n", err)
		return errUsage
	}
	urgentNote := ""
	if *urgent {
		urgentNote = " (urgent: ignores quiet hours and digests)"
	}
	fmt.Fprintf(app.Stdout, "Announcement to %s: %s%s\n%s\n", seg, count(int(n), "active subscriber", "active subscribers"), urgentNote, *text)
	if !*yes {
		if !isTerminal(app.Stdin) {
			fmt.Fprintln(app.Stderr, "tongbao broadcast: not a terminal; add --yes to send")
			return errUsage
		}
		fmt.Fprint(app.Stdout, "Send it? [y/N] ")
		answer, _ := bufio.NewReader(app.Stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(app.Stdout, "Cancelled.")
			return nil
		}
	}
	links, err := app.links(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	disp := app.newDispatcher(cfg, st, nil, links, nil, "broadcast", log)
	sent, err := disp.Announce(ctx, chat.Announcement{Actor: *actor, Text: *text, Segment: seg, Urgent: *urgent})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "queued for %s (a running tongbao serve sends it)\n", count(int(sent), "subscriber", "subscribers"))
	return nil
}

// resolveTopic turns an audience topic:NAME (Chinese or English) into the
// topic's own name, and refuses one that names no topic (it would reach
// nobody), listing the topics there are.
func (a *App) resolveTopic(cfg *Config, seg content.Segment) (content.Segment, error) {
	kind, name, _ := strings.Cut(string(seg), ":")
	if kind != content.SubTopic {
		return seg, nil
	}
	topics, err := loadTopics(cfg.Topics)
	if err != nil {
		return seg, err
	}
	if tp, ok := topics.Find(name); ok {
		return content.Segment(content.SubTopic + ":" + tp.Name), nil
	}
	names := make([]string, len(topics.List))
	for i, tp := range topics.List {
		names[i] = tp.Name
	}
	return seg, fmt.Errorf("unknown topic %q (topics: %s)", name, strings.Join(names, ", "))
}

func runRemind(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("remind", "BULLETIN_ID", `
Sends one reminder to each subscriber who received the bulletin and has not
read it. Nobody is reminded twice of the same bulletin.`)
	common := addCommonFlags(fs)
	actor := fs.String("as", "console:operator", "who is reminding (for the audit log)")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(app.Stderr, "tongbao remind: name one BULLETIN_ID")
		return errUsage
	}
	cfg, log, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Bulletin(ctx, rest[0]); err != nil {
		return fmt.Errorf("no bulletin %s: %w", rest[0], err)
	}
	links, err := app.links(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	n, err := app.newDispatcher(cfg, st, nil, links, nil, "remind", log).Remind(ctx, *actor, rest[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "reminded %d subscribers\n", n)
	return nil
}

// wechatUsage is the help of `tongbao wechat`.
const wechatUsage = `Usage: tongbao wechat TASK [flags]

Official Account tasks. They need the account's settings:
TONGBAO_WECHAT_APPID, TONGBAO_WECHAT_SECRET and TONGBAO_WECHAT_TOKEN.

Tasks:
  menu   create the account's custom menu from wechat.menu in the configuration
  mass   mass-send a text to followers: first --preview OPENID, then --yes

Run ` + "`tongbao wechat TASK --help`" + ` for a task's flags.
`

func runWeChat(ctx context.Context, app *App, args []string) error {
	if len(args) == 0 || (args[0] != "menu" && args[0] != "mass") {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			fmt.Fprint(app.Stdout, wechatUsage)
			return nil
		}
		if len(args) > 0 {
			fmt.Fprintf(app.Stderr, "tongbao wechat: unknown task %q\n\n", args[0])
		}
		fmt.Fprint(app.Stderr, wechatUsage)
		return errUsage
	}
	if args[0] == "mass" {
		return runWeChatMass(ctx, app, args[1:])
	}
	fs := app.newFlags("wechat menu", "[--config FILE]", `
Creates the Official Account's custom menu from wechat.menu in the
configuration (the default menu — 最新会议, 最新通报, 我的订阅, 帮助 — when empty).`)
	common := addCommonFlags(fs)
	if _, err := app.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, oa, st, err := app.officialAccount(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	menu := cfg.WeChat.Menu
	if len(menu) == 0 {
		menu = wechat.DefaultMenu()
	}
	if err := oa.CreateMenu(ctx, menu); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "menu created (%d buttons)\n", len(menu))
	return nil
}

// runWeChatMass is the Official Account's mass send (群发): a preview to an
// admin first, then the send to a tag (or every follower) once confirmed.
func runWeChatMass(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("wechat mass", "--text TEXT [--tag ID] (--preview OPENID | --yes)", `
Mass-sends (群发) a text to every follower with a tag (0: all followers).
Mass sends are scarce (4 per follower a month on a service account): first
send a --preview to an admin's openid, then send with --yes. The send is
idempotent (clientmsgid from the text and tag) and audited.`)
	common := addCommonFlags(fs)
	text := fs.String("text", "", "what to send")
	tag := fs.Int64("tag", 0, "follower tag id (0: all followers)")
	preview := fs.String("preview", "", "send a preview to this openid instead")
	yes := fs.Bool("yes", false, "send to the tag")
	actor := fs.String("as", "console:operator", "who is sending (for the audit log)")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*text) == "" || (*preview == "") == !*yes {
		fmt.Fprintln(app.Stderr, "tongbao wechat mass: give --text and either --preview OPENID or --yes")
		return errUsage
	}
	_, oa, st, err := app.officialAccount(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	if *preview != "" {
		if err := oa.Preview(ctx, *preview, *text); err != nil {
			return err
		}
		fmt.Fprintf(app.Stdout, "preview sent to %s; send with --yes\n", *preview)
		return nil
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s", *tag, *text)))
	clientMsgID := "tb-" + hex.EncodeToString(sum[:12])
	msgID, err := oa.MassSendText(ctx, *tag, *text, clientMsgID)
	if err != nil {
		return err
	}
	if err := st.Audit(ctx, content.AuditEntry{Actor: *actor, Action: "wechat_mass", Detail: map[string]string{
		"tag": fmt.Sprint(*tag), "text": *text, "msg_id": fmt.Sprint(msgID), "clientmsgid": clientMsgID}}); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "mass send accepted (msg_id %d)\n", msgID)
	return nil
}

// officialAccount opens the store and the configured Official Account for
// an operator command; the caller closes the store.
func (a *App) officialAccount(ctx context.Context, common *commonFlags) (*Config, *wechat.OfficialAccount, *store.Store, error) {
	cfg, log, st, err := a.openCommand(ctx, common)
	if err != nil {
		return nil, nil, nil, err
	}
	if cfg.WeChat.AppID == "" {
		st.Close()
		return nil, nil, nil, fmt.Errorf("no Official Account configured (TONGBAO_WECHAT_APPID, TONGBAO_WECHAT_SECRET, TONGBAO_WECHAT_TOKEN)")
	}
	oa, err := wechat.NewOfficialAccount(cfg.WeChat.OAConfig, noConversation{}, wechat.Deps{Tokens: st, Dedupe: st, Log: log})
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return cfg, oa, st, nil
}

// noConversation answers nothing: `tongbao wechat menu` only calls the API.
type noConversation struct{}

func (noConversation) Handle(context.Context, chat.Incoming) []chat.Reply { return nil }
