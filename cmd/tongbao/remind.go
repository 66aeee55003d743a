package main

import (
	"context"
	"fmt"
)

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
