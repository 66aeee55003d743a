package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"tongbao/bot/ingest"
	"tongbao/content"
	"tongbao/content/source"
	"tongbao/store"
)

func runSources(ctx context.Context, app *App, args []string) error {
	if len(args) > 0 && args[0] == "check" {
		return runSourcesCheck(ctx, app, args[1:])
	}
	fs := app.newFlags("sources", "[--sources FILE] [--json]   |   tongbao sources check NAME", `
Lists the configured sources (folders, feeds, list pages) with their
status: last success, next poll, items seen and new, and the last error.
`+"`tongbao sources check NAME`"+` fetches one source once and prints what it
would ingest, changing nothing.`)
	common := addCommonFlags(fs)
	common.addSources(fs, "sources file (default: $TONGBAO_SOURCES, else sources in tongbao.yaml)")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(app.Stderr, "tongbao sources: unexpected argument %q (to fetch one source: tongbao sources check NAME)\n", rest[0])
		return errUsage
	}
	cfg, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	srcs, err := app.sourceConfigs(cfg)
	if err != nil {
		return err
	}
	statuses := make([]*source.Status, len(srcs))
	for i, c := range srcs {
		if statuses[i], err = source.LoadStatus(ctx, st, c.Name); err != nil {
			return err
		}
	}
	if *asJSON {
		type entry struct {
			Name     string         `json:"name"`
			Type     source.Type    `json:"type"`
			Where    string         `json:"where"`
			Interval string         `json:"interval"`
			Status   *source.Status `json:"status"`
		}
		out := make([]entry, len(srcs))
		for i, c := range srcs {
			statuses[i].Validators = nil
			out[i] = entry{c.Name, c.Type, c.Where(), c.Interval.String(), statuses[i]}
		}
		return json.NewEncoder(app.Stdout).Encode(out)
	}
	for i, c := range srcs {
		printSourceStatus(app.Stdout, c, statuses[i], time.Now())
	}
	return nil
}

// printSourceStatus prints one source and its status in three lines.
func printSourceStatus(w io.Writer, c source.Config, s *source.Status, now time.Time) {
	fmt.Fprintf(w, "%s  %s  %s  every %s\n", c.Name, c.Type, c.Where(), c.Interval)
	if s.LastPoll.IsZero() {
		fmt.Fprintln(w, "  never polled")
		return
	}
	success := "never"
	if !s.LastSuccess.IsZero() {
		success = clock(s.LastSuccess)
	}
	next := clock(s.NextPoll)
	if d := s.NextPoll.Sub(now); d > 0 {
		next += " (in " + d.Round(time.Second).String() + ")"
	} else {
		next += " (due)"
	}
	fmt.Fprintf(w, "  last success %s · next poll %s · items seen %d, new %d · by %s\n", success, next, s.Seen, s.New, s.Owner)
	if s.LastError != "" {
		state := "resolved"
		if s.Failures > 0 {
			state = fmt.Sprintf("failing, %d in a row", s.Failures)
		}
		fmt.Fprintf(w, "  last error %s (%s): %s\n", clock(s.LastErrorAt), state, s.LastError)
	}
}

// clock renders a time as Chinese readers expect it, in Beijing time.
func clock(t time.Time) string { return t.In(content.Shanghai).Format("2006-01-02 15:04:05") }

func runSourcesCheck(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("sources check", "[--sources FILE] NAME", `
Fetches the source NAME once and prints each item it lists: its id and
title, and whether it is new, already stored, handed over before (not
fetched again), or refused and why. New or stored is judged by the parsed
bulletin's id; the near-duplicate check of a real ingest may still find a
"new" item to be a copy. Nothing is stored or remembered.`)
	common := addCommonFlags(fs)
	common.addSources(fs, "sources file (default: $TONGBAO_SOURCES, else sources in tongbao.yaml)")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(app.Stderr, "tongbao sources check: name exactly one source (see tongbao sources)")
		return errUsage
	}
	cfg, err := app.config(common)
	if err != nil {
		return err
	}
	srcs, err := app.sourceConfigs(cfg)
	if err != nil {
		return err
	}
	var src *source.Config
	var names []string
	for i, c := range srcs {
		names = append(names, c.Name)
		if c.Name == rest[0] {
			src = &srcs[i]
		}
	}
	if src == nil {
		return fmt.Errorf("no source named %q (sources: %s)", rest[0], strings.Join(names, ", "))
	}
	parser, err := app.parser(cfg)
	if err != nil {
		return err
	}
	st, err := app.openStore(ctx, cfg, app.logger(slog.LevelWarn))
	if err != nil {
		return err
	}
	defer st.Close()
	items, err := source.Preview(ctx, *src, source.NewFetcher(source.FetcherConfig{}, source.FetcherDeps{}), st)
	if err != nil {
		return fmt.Errorf("%s: %w", src.Name, err)
	}
	var counts struct{ added, stored, seen, refused int }
	ids := map[string]bool{}
	for _, it := range items {
		line, kind, err := checkItem(ctx, parser, st, it, ids)
		if err != nil {
			return err
		}
		switch kind {
		case "new":
			counts.added++
		case "stored":
			counts.stored++
		case "seen":
			counts.seen++
		default:
			counts.refused++
		}
		fmt.Fprintln(app.Stdout, line)
	}
	fmt.Fprintf(app.Stdout, "%d items: %d new, %d already stored, %d handed over before, %d refused\n",
		len(items), counts.added, counts.stored, counts.seen, counts.refused)
	return nil
}

// checkItem judges one previewed item and returns its report line and
// its kind: new, stored, seen or refused. ids are the new bulletins found
// so far in this check.
func checkItem(ctx context.Context, parser *content.Parser, st *store.Store, it source.Item, ids map[string]bool) (line, kind string, err error) {
	label := it.Title
	if label == "" {
		label = it.Key
	}
	switch {
	case it.Seen:
		return fmt.Sprintf("seen     %s (handed over before; not fetched)", label), "seen", nil
	case it.Err != nil:
		return fmt.Sprintf("refused  %s: %v", label, it.Err), "refused", nil
	}
	var reason error
	for _, in := range it.Inputs {
		b, perr := parser.Parse(in)
		if perr != nil {
			reason = perr
			continue
		}
		if ids[b.ID] {
			return fmt.Sprintf("stored   %s %s (the same bulletin as an item above)", b.ID, b.Title), "stored", nil
		}
		_, err := st.Bulletin(ctx, b.ID)
		switch {
		case err == nil:
			return fmt.Sprintf("stored   %s %s (already stored)", b.ID, b.Title), "stored", nil
		case !errors.Is(err, store.ErrNotFound):
			return "", "", err
		}
		ids[b.ID] = true
		return fmt.Sprintf("new      %s %s (%s, %s)", b.ID, b.Title, b.Kind.Label(), b.PublishedAt.Format("2006-01-02")), "new", nil
	}
	return fmt.Sprintf("refused  %s: %v", label, reason), "refused", nil
}

// sourceConfigs reads the sources file the configuration names (--sources,
// TONGBAO_SOURCES, sources: in tongbao.yaml).
func (a *App) sourceConfigs(cfg *Config) ([]source.Config, error) {
	path := cfg.Sources
	if path == "" {
		return nil, errors.New("no sources file: pass --sources FILE, set TONGBAO_SOURCES, or set sources: in tongbao.yaml (configs/sources.yaml is an example)")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sources file: %w", err)
	}
	srcs, err := source.LoadConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return srcs, nil
}

// newSourcePoller builds the poller of `tongbao serve`: replica owner polls
// the sources whose leases it holds in st, handing their items to the
// ingest pipeline.
func newSourcePoller(srcs []source.Config, pipeline *ingest.Pipeline, st *store.Store, owner string, log *slog.Logger) (*source.Poller, error) {
	return source.New(source.PollerConfig{Sources: srcs, Owner: owner}, source.Deps{Ingest: pipeline.Source, Status: st, Lease: st, Logger: log})
}
