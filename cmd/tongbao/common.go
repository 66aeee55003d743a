package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"tongbao/content"
	"tongbao/store"
)

// commonFlags are the settings most commands share.
type commonFlags struct {
	config  *string
	redis   *string
	data    *string
	listen  *string // nil for commands that serve no HTTP
	sources *string // nil for commands that read no sources
}

func addCommonFlags(fs *flag.FlagSet) *commonFlags {
	return &commonFlags{
		config: fs.String("config", "", "configuration file (default: $TONGBAO_CONFIG, else built-in defaults)"),
		redis:  fs.String("redis", "", `Redis URL, or "embedded" (default: $TONGBAO_REDIS_URL, redis.url, else embedded)`),
		data:   fs.String("data", "", "data folder of the embedded store (default ./data)"),
	}
}

// addListen adds --listen, the HTTP address, for the commands that serve
// (serve, demo).
func (f *commonFlags) addListen(fs *flag.FlagSet, usage string) {
	f.listen = fs.String("listen", "", usage)
}

// addSources adds --sources, the sources file, for the commands that
// read it (serve, sources).
func (f *commonFlags) addSources(fs *flag.FlagSet, usage string) {
	f.sources = fs.String("sources", "", usage)
}

// config loads and validates the configuration with the flags applied.
func (a *App) config(f *commonFlags) (*Config, error) {
	cfg, err := loadConfig(*f.config, a.Getenv)
	if err != nil {
		return nil, err
	}
	if *f.redis != "" {
		cfg.Redis.URL = *f.redis
		cfg.source["redis.url"] = "--redis"
	}
	if *f.data != "" {
		cfg.Redis.DataDir = *f.data
	}
	if f.listen != nil && *f.listen != "" {
		cfg.Listen = *f.listen
	}
	if f.sources != nil && *f.sources != "" {
		cfg.Sources = *f.sources
	}
	return cfg, cfg.Validate()
}

// openStore connects to the configured Redis or starts the embedded store.
func (a *App) openStore(ctx context.Context, cfg *Config, log *slog.Logger) (*store.Store, error) {
	seg, err := content.DefaultSegmenter()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, cfg.storeConfig(), store.Deps{Segmenter: seg, Logger: log})
}

// storeConfig is the store's configuration with where its URL came from.
func (c *Config) storeConfig() store.Config {
	sc := c.Redis
	sc.Setting = c.redisSetting()
	return sc
}

// openCommand gives a one-shot command its settings, a quiet logger
// (warnings and errors only) and the store; the caller closes the store.
func (a *App) openCommand(ctx context.Context, common *commonFlags) (*Config, *slog.Logger, *store.Store, error) {
	cfg, err := a.config(common)
	if err != nil {
		return nil, nil, nil, err
	}
	log := a.logger(slog.LevelWarn)
	st, err := a.openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	return cfg, log, st, nil
}

// logger is the operator log: text on stderr, warnings and errors only for
// one-shot commands so their output stays clean.
func (a *App) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(a.Stderr, &slog.HandlerOptions{Level: level}))
}

// isTerminal reports whether a stream is an interactive terminal (for
// progress bars, colors, prompts and the line editor).
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// parser builds the content pipeline from the configuration.
func (a *App) parser(cfg *Config) (*content.Parser, error) {
	topics, err := loadTopics(cfg.Topics)
	if err != nil {
		return nil, err
	}
	seg, err := content.DefaultSegmenter()
	if err != nil {
		return nil, err
	}
	return content.NewParser(cfg.ParserConfig, content.ParserDeps{Topics: topics, Segmenter: seg}), nil
}

// confirm asks "Send it? [y/N]" on a terminal, unless yes. Without a
// terminal and without yes it says to add --yes and returns errUsage; ok
// is false when the operator said no (after saying "Cancelled.").
func (a *App) confirm(command string, yes bool) (ok bool, err error) {
	if yes {
		return true, nil
	}
	if !isTerminal(a.Stdin) {
		fmt.Fprintf(a.Stderr, "tongbao %s: not a terminal; add --yes to send\n", command)
		return false, errUsage
	}
	fmt.Fprint(a.Stdout, "Send it? [y/N] ")
	answer, _ := bufio.NewReader(a.Stdin).ReadString('\n')
	if ans := strings.ToLower(strings.TrimSpace(answer)); ans != "y" && ans != "yes" {
		fmt.Fprintln(a.Stdout, "Cancelled.")
		return false, nil
	}
	return true, nil
}
