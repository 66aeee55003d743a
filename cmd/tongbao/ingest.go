package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"tongbao/bot/ingest"
	"tongbao/content"
	"tongbao/content/source"
)

// progressThreshold is how many files make a folder "large" enough for a
// progress bar.
const progressThreshold = 20

func runIngest(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("ingest", "[--redis URL] [--no-push] [--yes] [--topic T]… [--unit U]… [--platform P]… FILE|DIR|URL...", `
Parses bulletin files (text or HTML in UTF-8 or GBK, or Word .docx; an old
.doc is refused: save it as .docx) or fetches a page or feed URL, drops
exact and near duplicates of what is stored, saves the new ones, and queues
the recent ones for their subscribers (a running tongbao serve sends them). Bulletins
published before the push cut-off (delivery.push_within, default 72h) are
stored and searchable but not pushed; --no-push stores without pushing (an
archive import). Pushing more than 20 new bulletins at once asks first on a
terminal, and elsewhere needs --yes.

The new bulletins go to the subscribers whose subscriptions match them,
unless an audience is chosen: --topic sends to the followers of any of
the topics (and to those who take everything), --unit to every subscriber
in the units, both to the union; --platform (tg, wx, wecom) keeps only
subscribers on those platforms, of the chosen audience or of the
subscriptions. Each flag is repeatable or takes a comma-separated list.
The audience is stored with the bulletin: a fan-out resumed later keeps it.

Prints one line per file — the id and "new", "duplicate of ID", or
"error: reason" — then what was queued and a summary. Exit status 1 when any
file failed or a large push was refused.`)
	common := addCommonFlags(fs)
	noPush := fs.Bool("no-push", false, "store the bulletins without pushing any (an archive import)")
	yes := fs.Bool("yes", false, "push a large batch without asking")
	var topics, units, platforms audienceFlag
	fs.Var(&topics, "topic", "send to the followers of a topic, Chinese or English name (repeatable, or comma-separated)")
	fs.Var(&units, "unit", "send to every subscriber in a unit (repeatable, or comma-separated)")
	fs.Var(&platforms, "platform", "send only to subscribers on a platform: tg, wx, wecom (repeatable, or comma-separated)")
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
	aud, err := app.ingestAudience(cfg, topics, units, platforms)
	if err != nil {
		fmt.Fprintf(app.Stderr, "tongbao ingest: %v\n", err)
		return errUsage
	}
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
	run := &ingestRun{g: ingest.New(cfg.Delivery.Ingest, ingest.Deps{Parser: parser, Store: st, Publisher: disp, Logger: log}), parser: parser, noPush: *noPush, audience: aud}

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
	for _, f := range files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line := run.file(ctx, f, bad)
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
		fetcher := source.NewFetcher(source.FetcherConfig{}, source.FetcherDeps{})
		for _, u := range urls {
			inputs, err := source.FetchOne(ctx, fetcher, u)
			if err != nil {
				run.failed++
				fmt.Fprintf(out, "%s: error: %v\n", u, err)
			}
			for _, in := range inputs {
				fetched++
				fmt.Fprintln(out, run.input(ctx, in))
			}
		}
	}
	pushErr := run.pushDue(ctx, app, *yes)
	run.summary(app, len(files)+fetched)
	if pushErr != nil {
		return pushErr
	}
	if run.failed > 0 {
		return errReported
	}
	return nil
}

// ingestRun is one `tongbao ingest`: the report lines, the tallies, and
// the stored bulletins that are due to be pushed once the run is over.
type ingestRun struct {
	g                 *ingest.Pipeline
	parser            *content.Parser
	noPush            bool
	audience          content.Audience // chosen for every new bulletin (zero: none)
	added, dup, old   int
	failed, notPushed int
	due               []*content.Bulletin
}

// file reads one file and stores it; it returns the file's report line.
func (r *ingestRun) file(ctx context.Context, f inputFile, bad map[string]error) string {
	if err := bad[f.path]; err != nil {
		r.failed++
		return fmt.Sprintf("%s: error: %v", f.path, err)
	}
	in, err := readInput(f, r.parser.MaxInput())
	if err != nil {
		r.failed++
		return fmt.Sprintf("%s: error: %v", f.path, err)
	}
	return r.input(ctx, in)
}

// input stores one input and returns its report line (named by the
// input's file or address).
func (r *ingestRun) input(ctx context.Context, in content.Input) string {
	name := in.Name
	if in.URL != "" {
		name = in.URL
	}
	var edit func(*content.Bulletin)
	if !r.audience.IsZero() {
		edit = func(b *content.Bulletin) { b.Audience = r.audience }
	}
	s, err := r.g.StoreEdited(ctx, in, edit)
	switch {
	case s.Bulletin == nil:
		r.failed++
		return fmt.Sprintf("%s: error: %v", name, err)
	case err != nil:
		r.failed++
		return fmt.Sprintf("%s: %s error: %v", name, s.Bulletin.ID, err)
	case s.Due && !r.noPush:
		r.due = append(r.due, s.Bulletin)
	case s.Old && s.Result.New:
		r.old++
	case s.Due && s.Result.New:
		r.notPushed++
	}
	if !s.Result.New {
		r.dup++
		return fmt.Sprintf("%s: %s duplicate of %s", name, s.Bulletin.ID, s.Result.DuplicateOf)
	}
	r.added++
	note := ""
	switch {
	case s.Old:
		note = ", not pushed: published before the push cut-off"
	case s.Due && r.noPush:
		note = ", not pushed (--no-push)"
	}
	return fmt.Sprintf("%s: %s new (%s, %s%s)", name, s.Bulletin.ID, s.Bulletin.Kind, s.Bulletin.Title, note)
}

// confirmPushOver is the largest batch `tongbao ingest` pushes without
// asking: more new bulletins at once is usually an import by mistake.
const confirmPushOver = 20

// pushDue asks before a large push (unless yes), then fans the due
// bulletins out and reports what was queued.
func (r *ingestRun) pushDue(ctx context.Context, app *App, yes bool) error {
	n := len(r.due)
	if n == 0 {
		return nil
	}
	if n > confirmPushOver && !yes {
		if !isTerminal(app.Stdin) {
			fmt.Fprintf(app.Stderr, "tongbao ingest: %d new bulletins are stored but not pushed: pushing more than %d at once needs --yes (or --no-push to store only)\n", n, confirmPushOver)
			return errReported
		}
		fmt.Fprintf(app.Stdout, "Push %d new bulletins to their subscribers? [y/N] ", n)
		answer, _ := bufio.NewReader(app.Stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintf(app.Stdout, "Not pushed: the %d bulletins stay stored; run the same ingest with --yes to push them.\n", n)
			return nil
		}
	}
	queued, pushed := 0, 0
	for _, b := range r.due {
		q, err := r.g.Push(ctx, b)
		queued += q
		if err != nil {
			r.failed++
			fmt.Fprintf(app.Stdout, "%s: %v (tongbao serve resumes it)\n", b.ID, err)
			continue
		}
		pushed++
	}
	to := ""
	if !r.audience.IsZero() {
		to = " to " + r.audience.String()
	}
	fmt.Fprintf(app.Stdout, "queued %s of %s%s (a running tongbao serve sends them)\n",
		count(queued, "delivery", "deliveries"), count(pushed, "bulletin", "bulletins"), to)
	return nil
}

// summary prints the last lines of a run.
func (r *ingestRun) summary(app *App, inputs int) {
	if r.old > 0 {
		fmt.Fprintf(app.Stdout, "%s published before %s (Beijing time) stored but not pushed (delivery.push_within)\n",
			count(r.old, "new bulletin", "new bulletins"), r.g.Cutoff().In(content.Shanghai).Format("2006-01-02 15:04"))
	}
	if r.notPushed > 0 {
		fmt.Fprintf(app.Stdout, "%s stored without pushing (--no-push)\n", count(r.notPushed, "new bulletin", "new bulletins"))
	}
	fmt.Fprintf(app.Stdout, "%d files: %d new, %d duplicate, %d failed\n", inputs, r.added, r.dup, r.failed)
}

// count says how many of something: "1 delivery", "3 deliveries".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// audienceFlag collects a repeated or comma-separated audience flag. Unlike
// listFlag it keeps empty values, for content.NewAudience to refuse: a
// mistyped --unit "" must not widen the audience to everyone.
type audienceFlag []string

func (l *audienceFlag) String() string { return strings.Join(*l, ",") }

// Set adds the comma-separated values of one use of the flag.
func (l *audienceFlag) Set(s string) error {
	*l = append(*l, strings.Split(s, ",")...)
	return nil
}

// ingestAudience is the audience chosen with --topic, --unit and
// --platform: topics by their name or English name in the topic list.
func (a *App) ingestAudience(cfg *Config, topics, units, platforms []string) (content.Audience, error) {
	names := make([]string, len(topics))
	for i, t := range topics {
		seg, err := a.resolveTopic(cfg, content.Segment(content.SubTopic+":"+t))
		if err != nil {
			return content.Audience{}, err
		}
		_, names[i], _ = strings.Cut(string(seg), ":")
	}
	return content.NewAudience(names, units, platforms)
}
