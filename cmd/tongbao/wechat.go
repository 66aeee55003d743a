package main

import (
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
	oa, err := wechat.NewOfficialAccount(cfg.WeChat.OAConfig, wechat.Deps{Handler: noConversation{}, Tokens: st, Dedupe: st, Logger: log})
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return cfg, oa, st, nil
}

// noConversation answers nothing: `tongbao wechat menu` only calls the API.
type noConversation struct{}

func (noConversation) Handle(context.Context, chat.Incoming) []chat.Reply { return nil }
