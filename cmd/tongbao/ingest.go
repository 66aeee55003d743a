package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"tongbao/content"
	"tongbao/content/source"
)

// progressThreshold is how many files make a folder "large" enough for a
// progress bar.
const progressThreshold = 20

func runIngest(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("ingest", "[--redis URL] FILE|DIR|URL...", `
Parses bulletin files (or fetches a page or feed URL), drops exact and near
duplicates of what is stored,
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
	cfg, log, st, err := app.openCommand(ctx, common)
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

	var urls, local []string
	for _, p := range paths {
		if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
			urls = append(urls, p)
		} else {
			local = append(local, p)
		}
	}
	files, bad := expandPaths(local)
	var bar *progressbar.ProgressBar
	out := app.Stdout
	if len(files) >= progressThreshold && isTerminal(app.Stderr) {
		bar = progressbar.NewOptions(len(files), progressbar.OptionSetWriter(app.Stderr),
			progressbar.OptionSetDescription("ingest"), progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	}
	var counts ingestCounts
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
	fetched := 0
	if len(urls) > 0 {
		fetcher := source.NewFetcher(source.FetcherOptions{})
		for _, u := range urls {
			inputs, err := source.FetchOne(ctx, fetcher, u)
			if err != nil {
				counts.failed++
				fmt.Fprintf(out, "%s: error: %v\n", u, err)
			}
			for _, in := range inputs {
				fetched++
				fmt.Fprintln(out, ingestInput(ctx, parser, st, disp, in, &counts))
			}
		}
	}
	fmt.Fprintf(out, "%d files: %d new, %d duplicate, %d failed\n", len(files)+fetched, counts.added, counts.dup, counts.failed)
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

// ingestCounts tallies an ingest run.
type ingestCounts struct{ added, dup, failed int }

// ingestOne reads one file and ingests it.
func ingestOne(ctx context.Context, parser *content.Parser, st bulletinSaver, pub publisher, f inputFile, bad map[string]error, counts *ingestCounts) string {
	if err := bad[f.path]; err != nil {
		counts.failed++
		return fmt.Sprintf("%s: error: %v", f.path, err)
	}
	in, err := readInput(f, parser.MaxInput())
	if err != nil {
		counts.failed++
		return fmt.Sprintf("%s: error: %v", f.path, err)
	}
	return ingestInput(ctx, parser, st, pub, in, counts)
}

// errNotPushed marks a bulletin that was stored but whose fan-out failed;
// the scheduler of `tongbao serve` resumes it.
var errNotPushed = errors.New("stored, but not pushed yet")

// ingest parses, saves and publishes one input: the pipeline every way in
// (files, URLs, sources) shares. pushed is how many deliveries were queued.
func ingest(ctx context.Context, parser *content.Parser, st bulletinSaver, pub publisher, in content.Input) (b *content.Bulletin, res content.SaveResult, pushed int, err error) {
	if b, err = parser.Parse(in); err != nil {
		return nil, res, 0, err
	}
	if res, err = st.SaveBulletin(ctx, b); err != nil {
		return b, res, 0, err
	}
	// A copy of itself may be one whose fan-out an earlier run did not
	// finish: Publish does nothing for a bulletin already fanned out.
	if pub == nil || (!res.New && res.DuplicateOf != b.ID) {
		return b, res, 0, nil
	}
	if pushed, err = pub.Publish(ctx, b); err != nil {
		return b, res, 0, fmt.Errorf("%w: %v", errNotPushed, err)
	}
	return b, res, pushed, nil
}

// ingestInput ingests one input and returns its report line (named by the
// input's file or address).
func ingestInput(ctx context.Context, parser *content.Parser, st bulletinSaver, pub publisher, in content.Input, counts *ingestCounts) string {
	name := in.Name
	if in.URL != "" {
		name = in.URL
	}
	b, res, pushed, err := ingest(ctx, parser, st, pub, in)
	switch {
	case b == nil:
		counts.failed++
		return fmt.Sprintf("%s: error: %v", name, err)
	case errors.Is(err, errNotPushed):
		counts.added++
		counts.failed++
		return fmt.Sprintf("%s: %s new, %v (tongbao serve resumes it)", name, b.ID, err)
	case err != nil:
		counts.failed++
		return fmt.Sprintf("%s: %s error: %v", name, b.ID, err)
	case !res.New:
		counts.dup++
		return fmt.Sprintf("%s: %s duplicate of %s", name, b.ID, res.DuplicateOf)
	}
	counts.added++
	push := ""
	if pushed > 0 {
		push = fmt.Sprintf(", pushed to %d", pushed)
	}
	return fmt.Sprintf("%s: %s new (%s, %s%s)", name, b.ID, b.Kind.Label(), b.Title, push)
}
