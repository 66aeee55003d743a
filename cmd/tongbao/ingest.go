package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/schollz/progressbar/v3"

	"tongbao/content"
)

// progressThreshold is how many files make a folder "large" enough for a
// progress bar.
const progressThreshold = 20

func runIngest(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("ingest", "[--redis URL] FILE|DIR...", `
Parses bulletin files, drops exact and near duplicates of what is stored,
and saves the new ones (pushing them to subscribers when a dispatcher is
configured). Prints one line per file — the id and "new", "duplicate of
ID", or "error: reason" — and a summary. Exit status 1 when any file failed.`)
	common := addCommonFlags(fs)
	paths, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fmt.Fprintln(app.Stderr, "tongbao ingest: name at least one FILE or DIR (see --help)")
		return errUsage
	}
	cfg, err := app.config(common)
	if err != nil {
		return err
	}
	log := app.logger(slog.LevelWarn)
	st, err := app.openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	parser, err := app.parser(cfg)
	if err != nil {
		return err
	}
	// New bulletins are fanned out to their subscribers' queues here; the
	// senders of a running `tongbao serve` deliver them.
	links, err := app.links(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	disp := app.newDispatcher(cfg, st, nil, links, nil, "ingest", log)

	files, bad := expandPaths(paths)
	var bar *progressbar.ProgressBar
	out := app.Stdout
	if len(files) >= progressThreshold && isTerminal(app.Stderr) {
		bar = progressbar.NewOptions(len(files), progressbar.OptionSetWriter(app.Stderr),
			progressbar.OptionSetDescription("ingest"), progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	}
	var counts struct{ added, dup, failed int }
	for _, f := range files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line := ingestOne(ctx, parser, st, disp, f, bad, &counts)
		if bar != nil {
			bar.Clear()
		}
		fmt.Fprintln(out, line)
		if bar != nil {
			bar.Add(1)
		}
	}
	if bar != nil {
		bar.Finish()
	}
	fmt.Fprintf(out, "%d files: %d new, %d duplicate, %d failed\n", len(files), counts.added, counts.dup, counts.failed)
	if counts.failed > 0 {
		return errReported
	}
	return nil
}

// bulletinSaver is what ingest needs of the store.
type bulletinSaver interface {
	SaveBulletin(ctx context.Context, b *content.Bulletin) (content.SaveResult, error)
}

// publisher fans a new bulletin out (the dispatcher).
type publisher interface {
	Publish(ctx context.Context, b *content.Bulletin) (int, error)
}

// ingestOne parses, saves and publishes one file and returns its report
// line.
func ingestOne(ctx context.Context, parser *content.Parser, st bulletinSaver, pub publisher, f inputFile, bad map[string]error, counts *struct{ added, dup, failed int }) string {
	b, err := parseFile(parser, f, bad)
	if err != nil {
		counts.failed++
		return fmt.Sprintf("%s: error: %v", f.path, err)
	}
	res, err := st.SaveBulletin(ctx, b)
	if err != nil {
		counts.failed++
		return fmt.Sprintf("%s: %s error: %v", f.path, b.ID, err)
	}
	if !res.New {
		counts.dup++
		return fmt.Sprintf("%s: %s duplicate of %s", f.path, b.ID, res.DuplicateOf)
	}
	counts.added++
	n, err := pub.Publish(ctx, b)
	if err != nil {
		counts.failed++
		return fmt.Sprintf("%s: %s new, but not pushed: %v (tongbao serve resumes it)", f.path, b.ID, err)
	}
	push := ""
	if n > 0 {
		push = fmt.Sprintf(", pushed to %d", n)
	}
	return fmt.Sprintf("%s: %s new (%s, %s%s)", f.path, b.ID, b.Kind.Label(), b.Title, push)
}
