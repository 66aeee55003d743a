package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"path"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/console"
	"tongbao/bot/ingest"
	"tongbao/configs"
	"tongbao/content"
)

func runDemo(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("demo", "[--data DIR] [--listen ADDR] [--as ID]", `
Runs Tongbao on this machine with nothing installed: the embedded store
(in --data), the sample bulletins, the web reader on --listen, whatever
platform adapters are configured (TONGBAO_TELEGRAM_TOKEN, TONGBAO_WECHAT_*),
and a chat in this terminal as a local subscriber who receives the pushes.
Type 帮助 for what to ask, Ctrl-D to leave.`)
	common := addCommonFlags(fs)
	common.addListen(fs, "HTTP address of the web reader (default :8080)")
	as := fs.String("as", "console:me", "chat as this subscriber")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := app.config(common)
	if err != nil {
		return err
	}
	// The web reader listens before anything is built, so the links in
	// pushes name the port it really has.
	ln, webNote := app.demoListener(cfg)
	// The local user runs this demo: they are its admin (/stats,
	// /broadcast, /remind).
	platform, user := consoleUser(*as)
	local := chat.SubscriberID(platform, user)
	cfg.Admins = append(cfg.Admins, local)
	log := app.logger(slog.LevelWarn)
	color := isTerminal(app.Stdout)
	svc, err := app.buildService(ctx, cfg, log, console.NewSender(app.Stdout, color))
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return err
	}
	defer svc.close()

	// The local subscriber exists before the samples arrive, so their
	// pushes reach this terminal.
	if _, _, err := svc.st.Touch(ctx, local, "", "", true); err != nil {
		return err
	}
	added, err := app.ingestSamples(ctx, svc, cfg, log)
	if err != nil {
		return err
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- svc.serveOn(runCtx, ln) }()

	total, _, _ := svc.st.CountBulletins(ctx)
	fmt.Fprintf(app.Stdout, "通报 Tongbao 演示：共 %d 条通报（本次新增 %d 条），数据保存在 %s。\n%s", total, added, cfg.Redis.DataDir, webNote)
	fmt.Fprintln(app.Stdout, "您是本演示的管理员，可以使用 /stats、/broadcast、/remind。")
	if ln != nil {
		link, err := consoleLink(ctx, cfg, svc.st, local)
		if err != nil {
			return err
		}
		fmt.Fprintf(app.Stdout, "管理后台（一次性链接，10 分钟内有效；之后发送「后台」获取新链接）：%s\n", link)
	}
	fmt.Fprintln(app.Stdout, "试试：最新会议 · 最近的常委会 · 搜索 防汛 · 5月27日的会议 · 订阅 防汛")
	fmt.Fprintln(app.Stdout, "In English: latest meeting · search flood · help")
	fmt.Fprintln(app.Stdout)
	err = app.chatLoop(ctx, svc.bot, *as)
	svc.drain(ctx, string(platform), 5*time.Second)
	stop()
	if serveErr := <-done; err == nil {
		err = serveErr
	}
	return err
}

// demoListener opens the web reader's port: the configured one, else
// (taken) any free port on the same host, and points the read links at
// the port it got. It returns nil when no port can be had, and the line
// that tells the user where the reader is.
func (a *App) demoListener(cfg *Config) (net.Listener, string) {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		host, _, splitErr := net.SplitHostPort(cfg.Listen)
		if splitErr != nil {
			host = ""
		}
		var anyErr error
		if ln, anyErr = net.Listen("tcp", net.JoinHostPort(host, "0")); anyErr != nil {
			fmt.Fprintf(a.Stderr, "tongbao demo: the web reader is off: %v\n", err)
			return nil, ""
		}
		fmt.Fprintf(a.Stderr, "tongbao demo: %s is taken (%v); the web reader uses %s instead\n", cfg.Listen, err, ln.Addr())
	}
	cfg.Listen = ln.Addr().String()
	return ln, fmt.Sprintf("网页阅读：%s（推送里的链接在这里打开）\n", cfg.publicURL())
}

// ingestSamples stores the built-in sample bulletins (the ones already
// stored are duplicates and change nothing) and pushes the new ones, and
// those an earlier demo stored without finishing their fan-out, however
// old they are.
func (a *App) ingestSamples(ctx context.Context, svc *service, cfg *Config, log *slog.Logger) (int, error) {
	parser, err := a.parser(cfg)
	if err != nil {
		return 0, err
	}
	names, err := fs.Glob(configs.Samples, "samples/*")
	if err != nil {
		return 0, err
	}
	pipeline := ingest.New(ingest.Config{}, ingest.Deps{Parser: parser, Store: svc.st, Publisher: svc.disp, Logger: log})
	added := 0
	for _, name := range names {
		data, err := configs.Samples.ReadFile(name)
		if err != nil {
			return added, err
		}
		s, _, err := pipeline.Ingest(ctx, content.Input{Data: data, Name: path.Base(name), URL: "sample:" + path.Base(name)})
		if s.Result.New {
			added++
		}
		if err != nil {
			return added, fmt.Errorf("sample %s: %w", name, err)
		}
	}
	return added, nil
}

// drain waits (up to max) for a platform's queue to empty, so pushes of a
// short scripted demo are shown before it exits.
func (s *service) drain(ctx context.Context, platform string, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		q, err := s.st.QueueStats(ctx, platform)
		if err != nil || q.Pending+q.Lag == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
