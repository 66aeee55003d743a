package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/chzyer/readline"

	"tongbao/bot"
	"tongbao/bot/chat"
	"tongbao/bot/console"
	"tongbao/bot/dispatch"
	"tongbao/bot/readlink"
	"tongbao/content"
	"tongbao/store"
)

// newBot builds the conversation core over a store.
func (a *App) newBot(ctx context.Context, cfg *Config, st *store.Store, log *slog.Logger) (*bot.Bot, error) {
	topics, err := loadTopics(cfg.Topics)
	if err != nil {
		return nil, err
	}
	links, err := a.links(ctx, cfg, st, log)
	if err != nil {
		return nil, err
	}
	return bot.New(cfg.Config, bot.Deps{Store: st, Topics: topics, Links: links, Logger: log,
		Roster: st, RosterReminder: dispatch.NewRosterReminder(st, cfg.Roster.Platforms), Notifier: dispatch.NewNotifier(st)}), nil
}

// openBot gives a command the store and the conversation over it; the
// caller closes the store.
func (a *App) openBot(ctx context.Context, common *commonFlags) (*store.Store, *bot.Bot, error) {
	cfg, log, st, err := a.openCommand(ctx, common)
	if err != nil {
		return nil, nil, err
	}
	b, err := a.newBot(ctx, cfg, st, log)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, b, nil
}

// links makes the read-link signer from TONGBAO_SECRET, or from a secret
// generated once and kept in the store (shared by every replica) when it is
// not set.
func (a *App) links(ctx context.Context, cfg *Config, st *store.Store, log *slog.Logger) (*readlink.Links, error) {
	secret := cfg.Secret
	if secret == "" {
		var err error
		if secret, err = st.Secret(ctx); err != nil {
			return nil, err
		}
		log.Debug("TONGBAO_SECRET is not set; read links use a secret generated in the store")
	}
	return readlink.New(cfg.publicURL(), secret), nil
}

// consoleUser reads --as: "console:me", "tg:123", or a bare name.
func consoleUser(as string) (chat.Platform, string) {
	if p, native, ok := chat.SplitSubscriberID(as); ok {
		return p, native
	}
	return chat.Console, as
}

func runAsk(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("ask", "[--redis URL] [--as ID] [--lang zh|en] TEXT...", `
Asks Tongbao one question and prints the answer as the console shows it:
  tongbao ask 最新会议
  tongbao ask 最近的常委会
  tongbao ask 搜索 防汛
  tongbao ask "latest meeting" --lang en`)
	common := addCommonFlags(fs)
	as := fs.String("as", "console:operator", "ask as this subscriber (platform:id)")
	lang := fs.String("lang", "", "answer in zh or en (default: the question's language)")
	words, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		fmt.Fprintln(app.Stderr, "tongbao ask: what is the question? (see --help)")
		return errUsage
	}
	if *lang != "" && *lang != "zh" && *lang != "en" {
		fmt.Fprintln(app.Stderr, "tongbao ask: --lang must be zh or en")
		return errUsage
	}
	st, b, err := app.openBot(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	platform, user := consoleUser(*as)
	in := chat.Incoming{Platform: platform, UserID: user, ChatID: user, Text: strings.Join(words, " "), Lang: *lang, ForceLang: *lang, Time: time.Now()}
	replies, err := askWithoutSubscribing(ctx, st, b, in)
	if err != nil {
		return err
	}
	color := isTerminal(app.Stdout)
	for i, r := range replies {
		if i > 0 {
			fmt.Fprintln(app.Stdout)
		}
		fmt.Fprintln(app.Stdout, console.Render(r, color))
	}
	return nil
}

// askWithoutSubscribing answers one question without changing who gets
// pushes: the conversation records the asker as a subscriber (it keeps
// their last list for 全文 2), so one that did not exist before — the
// operator's console:operator — is marked left afterwards, and an existing
// one gets back the status it had.
func askWithoutSubscribing(ctx context.Context, st *store.Store, b *bot.Bot, in chat.Incoming) ([]chat.Reply, error) {
	status := content.StatusLeft
	before, err := st.Subscriber(ctx, in.Subscriber())
	switch {
	case err == nil:
		status = before.Status
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	replies := b.Handle(ctx, in)
	after, err := st.Subscriber(ctx, in.Subscriber())
	if errors.Is(err, store.ErrNotFound) {
		return replies, nil
	}
	if err != nil {
		return nil, err
	}
	if after.Status != status {
		if err := st.SetStatus(ctx, in.Subscriber(), status); err != nil {
			return nil, err
		}
	}
	return replies, nil
}

func runChat(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("chat", "[--redis URL] [--as ID]", `
Talks to Tongbao in the terminal as a local subscriber, with line editing
and history. Type 帮助 (or help) for what to ask; Ctrl-D or 退出 to leave.`)
	common := addCommonFlags(fs)
	as := fs.String("as", "console:me", "chat as this subscriber (platform:id)")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	st, b, err := app.openBot(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	return app.chatLoop(ctx, b, *as)
}

// chatLoop reads lines and prints answers until EOF, 退出 or cancel. On a
// terminal it uses a real line editor; otherwise it reads plain lines (so
// scripts and tests can pipe a conversation through).
func (a *App) chatLoop(ctx context.Context, b *bot.Bot, as string) error {
	platform, user := consoleUser(as)
	color := isTerminal(a.Stdout)
	read, closeFn, err := a.lineReader()
	if err != nil {
		return err
	}
	defer closeFn()
	fmt.Fprintln(a.Stdout, "通报助手：输入「帮助」查看用法，输入「退出」或按 Ctrl-D 离开。")
	fmt.Fprintln(a.Stdout, "Type help for English.")
	for {
		if ctx.Err() != nil {
			return nil
		}
		line, err := read()
		if errors.Is(err, io.EOF) || errors.Is(err, readline.ErrInterrupt) {
			return nil
		}
		if err != nil {
			return err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if line == "退出" || line == "exit" || line == "quit" {
			return nil
		}
		in := chat.Incoming{Platform: platform, UserID: user, ChatID: user, Text: line, Time: time.Now()}
		for _, r := range b.Handle(ctx, in) {
			fmt.Fprintln(a.Stdout, console.Render(r, color))
			fmt.Fprintln(a.Stdout)
		}
	}
}

// lineReader returns a function reading one line: a readline editor on a
// terminal, a plain scanner otherwise.
func (a *App) lineReader() (func() (string, error), func(), error) {
	in, inFile := a.Stdin.(*os.File)
	out, outFile := a.Stdout.(*os.File)
	if inFile && outFile && isTerminal(in) && isTerminal(out) {
		ed, err := newLineEditor(in, out, a.Stderr)
		if err != nil {
			return nil, nil, err
		}
		return ed.readLine, ed.close, nil
	}
	sc := bufio.NewScanner(a.Stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	return func() (string, error) {
		fmt.Fprint(a.Stdout, "› ")
		if !sc.Scan() {
			if sc.Err() != nil {
				return "", sc.Err()
			}
			return "", io.EOF
		}
		return sc.Text(), nil
	}, func() {}, nil
}
