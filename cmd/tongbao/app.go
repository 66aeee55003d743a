package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes scripts can trust.
const (
	exitOK      = 0 // everything worked
	exitFailure = 1 // the command ran, and something it was asked to do failed
	exitUsage   = 2 // the command line was wrong
)

// errUsage marks a command-line mistake; the command has already printed
// what was wrong.
var errUsage = errors.New("usage")

// App is the tongbao program: its streams, its environment and its
// commands. Tests run the same App the binary runs.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	commands map[string]command
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, app *App, args []string) error
}

// NewApp returns the program wired to the given streams and environment.
func NewApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *App {
	a := &App{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	a.commands = map[string]command{
		"parse":        {"parse bulletin files and print them (text or --json)", runParse},
		"ingest":       {"parse bulletin files and store the new ones", runIngest},
		"stats":        {"counts, or one bulletin's delivered / read / unread", runStats},
		"subscribers":  {"list or count subscribers", runSubscribers},
		"ask":          {"ask one question and print the answer", runAsk},
		"chat":         {"talk to Tongbao in the terminal", runChat},
		"serve":        {"run the service: HTTP, platform adapters, senders, scheduler", runServe},
		"demo":         {"run Tongbao locally: embedded store, samples, chat in this terminal", runDemo},
		"broadcast":    {"send an announcement to a segment of subscribers", runBroadcast},
		"remind":       {"remind the subscribers who have not read a bulletin", runRemind},
		"wechat":       {"WeChat Official Account tasks: menu, mass send", runWeChat},
		"sources":      {"list sources with their status; sources check NAME fetches one", runSources},
		"admins":       {"list admins, or grant and withdraw the role", runAdmins},
		"backup":       {"write a copy of everything in the store to a file", runBackup},
		"restore":      {"load a backup file into an empty store", runRestore},
		"roster":       {"the roster: import, export, forget, invite codes, WeCom sync, send", runRoster},
		"console-link": {"print a one-time sign-in link to the admin console", runConsoleLink},
		"check":        {"check the settings, Redis, the public URL, the platforms and the sources", runCheck},
		"healthcheck":  {"exit 0 when a running serve is ready (the container's HEALTHCHECK)", runHealthcheck},
	}
	return a
}

// Run executes one command line and returns the process exit code.
func (a *App) Run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return a.Run(ctx, []string{args[1], "--help"})
		}
		a.usage(a.Stdout)
		return exitOK
	}
	cmd, ok := a.commands[args[0]]
	if !ok {
		fmt.Fprintf(a.Stderr, "tongbao: unknown command %q\n\n", args[0])
		a.usage(a.Stderr)
		return exitUsage
	}
	err := cmd.run(ctx, a, args[1:])
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		return exitUsage
	case errors.Is(err, errReported):
		return exitFailure
	default:
		fmt.Fprintf(a.Stderr, "tongbao %s: %v\n", args[0], err)
		return exitFailure
	}
}

// errReported means the command failed and has already said why on stderr.
var errReported = errors.New("failed (reported above)")

func (a *App) usage(w io.Writer) {
	fmt.Fprintln(w, "tongbao — government bulletins to WeChat and Telegram subscribers")
	fmt.Fprintln(w, "\nUsage: tongbao COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(a.commands))
	for n := range a.commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, a.commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `tongbao COMMAND --help` for a command's flags.")
}

// newFlags returns a flag set for a command whose usage line is
// "tongbao NAME ARGS" followed by the description and the flags.
func (a *App) newFlags(name, args, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: tongbao %s %s\n\n%s\n", name, args, strings.TrimSpace(description))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// (`tongbao parse a.txt --json`), and returns the positional ones. --help
// prints usage on stdout and returns flag.ErrHelp; any other mistake
// returns errUsage.
func (a *App) parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	for _, arg := range args {
		if arg == "--" {
			break
		}
		if arg == "-h" || arg == "--help" || arg == "-help" {
			fs.SetOutput(a.Stdout)
			fs.Usage()
			return nil, flag.ErrHelp
		}
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
