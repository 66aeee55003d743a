package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"tongbao/configs"
	"tongbao/content"
)

func runParse(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("parse", "[--json] FILE|DIR...", `
Parses bulletin files (text or HTML in UTF-8 or GBK, or Word .docx) and
prints each as a card, or with --json as one JSON object per line. Folders
are read recursively. A file that cannot be parsed gets one line on stderr naming it
and the reason; the others are still printed. Exit status 1 when any failed.`)
	asJSON := fs.Bool("json", false, "print one JSON object per bulletin")
	limit := fs.Int("summary-limit", content.DefaultSummaryLimit, "longest summary, in characters")
	topicsFile := fs.String("topics", "", "topic list (default: the built-in configs/topics.yaml)")
	paths, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fmt.Fprintln(app.Stderr, "tongbao parse: name at least one FILE or DIR (see --help)")
		return errUsage
	}
	topics, err := loadTopics(*topicsFile)
	if err != nil {
		return err
	}
	parser := content.NewParser(content.ParserConfig{SummaryLimit: *limit}, content.ParserDeps{Topics: topics})
	failed := 0
	files, bad := expandPaths(paths)
	for _, f := range files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		b, err := parseFile(parser, f, bad)
		if err != nil {
			failed++
			fmt.Fprintf(app.Stderr, "tongbao parse: %s: %v\n", f.path, err)
			continue
		}
		if *asJSON {
			if err := json.NewEncoder(app.Stdout).Encode(b); err != nil {
				return err
			}
			continue
		}
		printCard(app.Stdout, b)
	}
	if failed > 0 {
		return errReported
	}
	return nil
}

// parseFile reads and parses one file.
func parseFile(parser *content.Parser, f inputFile, bad map[string]error) (*content.Bulletin, error) {
	if err := bad[f.path]; err != nil {
		return nil, err
	}
	in, err := readInput(f, parser.MaxInput())
	if err != nil {
		return nil, err
	}
	return parser.Parse(in)
}

// loadTopics reads a topic list, or the built-in one when path is "".
func loadTopics(path string) (*content.Topics, error) {
	data := configs.Topics
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("read topics: %w", err)
		}
	}
	return content.ParseTopics(data)
}

// printCard writes a bulletin as a person wants to read it in a terminal.
func printCard(w io.Writer, b *content.Bulletin) {
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "  %s  %s\n", label, value)
		}
	}
	fmt.Fprintf(w, "%s\n", b.Title)
	meta := []string{b.PublishedText("2006-01-02"), b.Kind.Label()}
	for _, s := range []string{b.Source, b.DocNumber} {
		if s != "" {
			meta = append(meta, s)
		}
	}
	fmt.Fprintf(w, "  %s\n", strings.Join(meta, " · "))
	if m := b.Meeting; m != nil {
		line("会议", strings.TrimSpace(m.Organ+" "+m.Name))
		if m.Chair.Name != "" {
			chair := m.Chair.Name
			if m.Chair.Title != "" {
				chair += "（" + m.Chair.Title + "）"
			}
			line("主持", chair)
		}
		line("时间", m.Held)
		var att []string
		for _, p := range m.Attendees {
			att = append(att, p.String())
		}
		line("出席", strings.Join(att, "、"))
		line("传达", strings.Join(m.Relayed, "；"))
		line("听取", strings.Join(m.Heard, "；"))
		line("研究", strings.Join(m.Studied, "；"))
		line("通过", strings.Join(m.Approved, ""))
	}
	line("摘要", b.Summary)
	if b.Meeting != nil && len(b.Meeting.Points) > 0 {
		fmt.Fprintln(w, "  要点")
		for i, p := range b.Meeting.Points {
			fmt.Fprintf(w, "    %d. %s\n", i+1, p)
		}
	}
	line("标签", strings.Join(b.Tags, " · "))
	line("编号", b.ID)
	fmt.Fprintln(w)
}
