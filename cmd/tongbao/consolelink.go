package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/bot/ingest"
	"tongbao/bot/web"
	"tongbao/content"
	"tongbao/content/source"
	"tongbao/store"
)

func runConsoleLink(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("console-link", "--as ID", `
Prints a one-time sign-in link to the admin console (/admin/) for an admin:
valid for 10 minutes, it opens one session. This is how the first admin
signs in; after that admins send 后台 (or /console) to the bot for a link.
ID is a subscriber id with the admin role (tg:123456789, wx:oAbC…), from
the configuration (admins:, TONGBAO_ADMINS) or the store (tongbao admins add).`)
	common := addCommonFlags(fs)
	as := fs.String("as", "", "the admin's subscriber id (required)")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	if _, _, ok := chat.SplitSubscriberID(*as); !ok {
		fmt.Fprintln(app.Stderr, "tongbao console-link: --as needs the admin's subscriber id, like tg:123456789 or wx:oAbC…")
		return errUsage
	}
	cfg, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	link, err := consoleLink(ctx, cfg, st, *as)
	if err != nil {
		return err
	}
	fmt.Fprintln(app.Stdout, link)
	fmt.Fprintln(app.Stderr, "valid for 10 minutes, once")
	return nil
}

// consoleLink makes a one-time sign-in link for an admin; an id without
// the admin role gets none.
func consoleLink(ctx context.Context, cfg *Config, st *store.Store, id string) (string, error) {
	ok := slices.Contains(cfg.Admins, id)
	if !ok {
		var err error
		if ok, err = st.IsAdmin(ctx, id); err != nil {
			return "", err
		}
	}
	if !ok {
		return "", fmt.Errorf("%s is not an admin: grant the role with `tongbao admins add %s` (or list it in admins: / TONGBAO_ADMINS)", id, id)
	}
	token, err := st.NewConsoleLink(ctx, id, web.LinkTTL)
	if err != nil {
		return "", err
	}
	return cfg.publicURL() + "/admin/signin/" + token, nil
}

// consoleLinker gives the chat's 后台 command its links.
type consoleLinker struct {
	cfg *Config
	st  *store.Store
}

// ConsoleLink returns a one-time sign-in link for an admin.
func (l consoleLinker) ConsoleLink(ctx context.Context, id string) (string, error) {
	return consoleLink(ctx, l.cfg, l.st, id)
}

// mountConsole adds the admin console to the service's HTTP server: it
// acts through the service's store, dispatcher and ingest pipeline.
func (s *service) mountConsole(parser *content.Parser, p *ingest.Pipeline, srcs []source.Config, poller *source.Poller, platforms []string) {
	deps := web.ConsoleDeps{
		Store: s.st, Announcer: s.disp, Reminder: s.disp, Notifier: dispatch.NewNotifier(s.st), Parse: parser.Parse,
		Ingest: func(ctx context.Context, in content.Input, edit func(*content.Bulletin), at time.Time) (web.IngestResult, error) {
			st, err := p.StoreEdited(ctx, in, edit)
			queued := 0
			switch {
			case err != nil || !st.Due:
			case at.IsZero():
				queued, err = p.Push(ctx, st.Bulletin)
			default:
				// Stored now, pushed by the scheduler at the time chosen.
				err = s.disp.PublishAt(ctx, st.Bulletin.ID, at)
			}
			if err != nil && !errors.Is(err, ingest.ErrNotPushed) {
				return web.IngestResult{}, err
			}
			return web.IngestResult{ID: st.Bulletin.ID, Title: st.Bulletin.Title, New: st.Result.New, DuplicateOf: st.Result.DuplicateOf, Pushed: queued}, nil
		},
		Admins: s.cfg.Admins, Platforms: platforms, Topics: topicNames(s.cfg, s.log), Secure: strings.HasPrefix(s.cfg.publicURL(), "https://"), Logger: s.log,
	}
	deps.Preview = func(ann chat.Announcement, lang string) []chat.Preview {
		r := s.disp.AnnouncementReply(ann, lang)
		out := make([]chat.Preview, len(s.previews))
		for i, preview := range s.previews {
			out[i] = preview(r)
		}
		return out
	}
	if poller != nil {
		deps.Sources = func(ctx context.Context) ([]web.SourceRow, error) {
			rows := make([]web.SourceRow, len(srcs))
			for i, c := range srcs {
				st, err := source.LoadStatus(ctx, s.st, c.Name)
				if err != nil {
					return nil, err
				}
				rows[i] = web.SourceRow{Name: c.Name, Type: string(c.Type), Where: c.Where(), LastSuccess: st.LastSuccess, LastError: st.LastError,
					NextPoll: st.NextPoll, Failures: st.Failures, Seen: st.Seen, New: st.New}
			}
			return rows, nil
		}
		deps.Poll = func(ctx context.Context, name string) error {
			if !slices.ContainsFunc(srcs, func(c source.Config) bool { return c.Name == name }) {
				return content.ErrNotFound
			}
			st, err := poller.Poll(ctx, name)
			if err == nil && st.LastError != "" {
				err = errors.New(st.LastError)
			}
			return err
		}
	}
	s.web.MountConsole(web.NewConsole(s.cfg.Console, deps))
	s.bot.SetConsoleLinker(consoleLinker{s.cfg, s.st})
}

// topicNames are the names of the configured topic list (none, with a
// warning, when it cannot be read: the parser read it at start).
func topicNames(cfg *Config, log *slog.Logger) []string {
	topics, err := loadTopics(cfg.Topics)
	if err != nil {
		log.Warn("console: topic list", "err", err)
		return nil
	}
	return topics.Names()
}
