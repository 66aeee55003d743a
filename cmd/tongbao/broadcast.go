package main

import (
	"context"
	"fmt"
	"strings"

	"tongbao/bot/chat"
	"tongbao/content"
)

func runBroadcast(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("broadcast", "--text TEXT [--to all|platform:tg|topic:防汛|unit:…] [--urgent] [--yes]", `
Sends an announcement to every active subscriber in a segment through the
delivery queues (a running tongbao serve sends it). Shows the audience size
and asks for confirmation unless --yes. Recorded in the audit log. An admin
with a roster scope (tongbao roster scope ID UNIT…) sending --as themselves
reaches only the people of their units.`)
	common := addCommonFlags(fs)
	text := fs.String("text", "", "the announcement")
	to := fs.String("to", "all", "audience: all, platform:tg|wx|wecom, topic:NAME, unit:NAME, kind:meeting, or roster people: roster:unit=县委办,县财政局;post=主要负责人")
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
	scope, err := st.Scope(ctx, *actor)
	if err != nil {
		return err
	}
	n, err := st.CountAudience(ctx, seg, scope)
	if err != nil {
		fmt.Fprintf(app.Stderr, "tongbao broadcast: %v\n", err)
		return errUsage
	}
	note := ""
	if scope != nil {
		note = " within " + strings.Join(scope, ", ")
	}
	if *urgent {
		note += " (urgent: ignores quiet hours and digests)"
	}
	fmt.Fprintf(app.Stdout, "Announcement to %s: %s%s\n%s\n", seg, count(int(n), "active subscriber", "active subscribers"), note, *text)
	if ok, err := app.confirm("broadcast", *yes); !ok {
		return err
	}
	links, err := app.links(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	disp := app.newDispatcher(cfg, st, nil, links, nil, "broadcast", log)
	sent, err := disp.Announce(ctx, chat.Announcement{Actor: *actor, Text: *text, Segment: seg, Scope: scope, Urgent: *urgent})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s queued for %s (a running tongbao serve sends it)\n", sent.ID, count(int(sent.Recipients), "subscriber", "subscribers"))
	return nil
}

// resolveTopic turns an audience topic:NAME (Chinese or English) into the
// topic's own name, and refuses one that names no topic (it would reach
// nobody), listing the topics there are. A roster audience gets the
// configured platform order unless it names one (via=…).
func (a *App) resolveTopic(cfg *Config, seg content.Segment) (content.Segment, error) {
	if seg.IsRoster() {
		aud, err := content.ParseRosterAudience(seg)
		if err != nil {
			return seg, err
		}
		if len(aud.Via) == 0 {
			aud.Via = cfg.Roster.Platforms
		}
		return aud.Segment(), nil
	}
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
	return seg, fmt.Errorf("unknown topic %q (topics: %s)", name, strings.Join(topics.Names(), ", "))
}
