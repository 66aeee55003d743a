package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"tongbao/store"
)

// progressKeys is how many keys make a backup or restore long enough for a
// progress bar.
const progressKeys = 2000

func runBackup(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("backup", "[--redis URL] [--data DIR] FILE", `
Writes a copy of everything the store holds — bulletins and their search
index, subscribers and subscriptions, deliveries and reads, the queues, the
audit log, schedules — to FILE (gzip-compressed, with a header giving the
file format and the data's schema version). tongbao restore loads it.

It can run while tongbao serve keeps running. The embedded store is read
from its data folder without being opened, as of its last journal write
(at most redis.embedded_fsync old): an exact copy of one moment. Redis and
Redis Cluster (every master) are read key by key, each key exactly; the
delivery queues are copied before the delivered records, so no delivery is
lost in the copy, and one in flight may be sent again after a restore. A
bulletin being stored while the copy runs may be caught part-way: for an
exact copy of a Redis store, back it up while serve is stopped.

FILE is written beside itself and renamed when complete, so an existing
FILE is only replaced by a whole backup. It is readable by its owner only:
it holds the read-link secret and the platforms' access tokens when they
are kept in the store.`)
	common := addCommonFlags(fs)
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(app.Stderr, "tongbao backup: name the FILE to write (see --help)")
		return errUsage
	}
	path := rest[0]
	cfg, err := app.config(common)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write the backup beside %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename this removes nothing
	defer tmp.Close()
	progress, done := app.progress("backup")
	info, err := store.Backup(ctx, cfg.storeConfig(), store.Deps{Logger: app.logger(slog.LevelWarn)}, tmp, progress)
	done()
	if err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	st, err := tmp.Stat()
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(app.Stdout, "backed up %d keys of the %s store (schema version %d, as of %s) to %s (%s)\n",
		info.Keys, info.Source, info.Schema, info.Taken.Local().Format(time.DateTime), path, humanBytes(st.Size()))
	return nil
}

// progress returns a store.Progress that draws a bar on a terminal once a
// job is long (progressKeys), and the func that clears it when done.
func (a *App) progress(what string) (store.Progress, func()) {
	if !isTerminal(a.Stderr) {
		return nil, func() {}
	}
	var bar *progressbar.ProgressBar
	report := func(done, total int) {
		if bar == nil && total >= progressKeys {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(a.Stderr),
				progressbar.OptionSetDescription(what), progressbar.OptionShowCount(),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		}
		if bar != nil {
			bar.ChangeMax(total)
			bar.Set(done)
		}
	}
	return report, func() {
		if bar != nil {
			bar.Finish()
		}
	}
}
