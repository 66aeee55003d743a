package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"tongbao/bot/chat"
	"tongbao/store"
)

func runAdmins(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("admins", "[add ID | remove ID]", `
Lists the admins — who may use /stats, /broadcast, /remind and /channel in
chat — or grants and withdraws the role in the store. An admin is named by
subscriber id, platform:id (tg:123456789, wx:oAbC…, wecom:zhangsan); they
must have written to the bot once. Admins can also be listed in the
configuration (admins: in tongbao.yaml, or TONGBAO_ADMINS=tg:1,wx:oAbC),
which this command shows but does not change.`)
	common := addCommonFlags(fs)
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 0 && (len(rest) != 2 || (rest[0] != "add" && rest[0] != "remove")) {
		fmt.Fprintln(app.Stderr, "tongbao admins: use `tongbao admins`, `tongbao admins add ID` or `tongbao admins remove ID` (see --help)")
		return errUsage
	}
	if len(rest) == 2 {
		if _, _, ok := chat.SplitSubscriberID(rest[1]); !ok {
			fmt.Fprintf(app.Stderr, "tongbao admins: %q is not a subscriber id like tg:123456789 or wx:oAbC…\n", rest[1])
			return errUsage
		}
	}
	cfg, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(rest) == 0 {
		return listAdmins(ctx, app, cfg, st)
	}
	id := rest[1]
	if rest[0] == "remove" {
		if err := st.SetAdmin(ctx, id, false); err != nil {
			return err
		}
		fmt.Fprintf(app.Stdout, "%s is no longer an admin in the store\n", id)
		if slices.Contains(cfg.Admins, id) {
			fmt.Fprintf(app.Stdout, "%s is still an admin through the configuration (admins: or TONGBAO_ADMINS)\n", id)
		}
		return nil
	}
	if _, err := st.Subscriber(ctx, id); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s has never written to the bot: ask them to send /start first (or list them in admins: / TONGBAO_ADMINS)", id)
	} else if err != nil {
		return err
	}
	if err := st.SetAdmin(ctx, id, true); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s is now an admin\n", id)
	return nil
}

// listAdmins prints every admin and where the role comes from.
func listAdmins(ctx context.Context, app *App, cfg *Config, st *store.Store) error {
	stored, err := st.Admins(ctx)
	if err != nil {
		return err
	}
	for _, id := range cfg.Admins {
		fmt.Fprintf(app.Stdout, "%s (configuration)\n", id)
	}
	for _, id := range stored {
		if !slices.Contains(cfg.Admins, id) {
			fmt.Fprintf(app.Stdout, "%s (store)\n", id)
		}
	}
	if len(cfg.Admins)+len(stored) == 0 {
		fmt.Fprintln(app.Stdout, "no admins yet: add one with `tongbao admins add tg:123456789`, admins: in tongbao.yaml, or TONGBAO_ADMINS")
	}
	return nil
}
