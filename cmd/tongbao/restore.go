package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"tongbao/store"
)

func runRestore(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("restore", "[--redis URL] [--data DIR] [--force] FILE", `
Loads a backup written by tongbao backup into the store — embedded, a
Redis server or a Redis Cluster, whatever kind of store the backup was
taken from. Stop tongbao serve first (the embedded store's folder is held
by it; a Redis store would change under it). The store must be empty;
--force deletes everything it holds under the key prefix first.

The whole file is read and checked before anything is written: a damaged,
cut-short or unknown file, or one holding data of a newer schema version
than this tongbao knows, is refused and the store is left as it was. Keys
whose time to live ran out since the backup (leases, sessions) are not
restored. Data of an older schema version is upgraded by the next start.`)
	common := addCommonFlags(fs)
	force := fs.Bool("force", false, "delete what the store holds first, then load the backup")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(app.Stderr, "tongbao restore: name the backup FILE to load (see --help)")
		return errUsage
	}
	path := rest[0]
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// Check the file before the store is opened: a bad file changes nothing.
	if _, err := store.CheckBackup(f); err != nil {
		return fmt.Errorf("%s: %w; nothing was restored", path, err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	_, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	progress, done := app.progress("restore")
	info, err := st.Restore(ctx, f, *force, progress)
	done()
	switch {
	case errors.Is(err, store.ErrNotEmpty):
		return fmt.Errorf("the store already holds data, and restore loads into an empty store; add --force to delete what it holds under its key prefix and load %s instead", path)
	case errors.Is(err, store.ErrBadBackup):
		return fmt.Errorf("%s: %w; nothing was restored", path, err)
	case err != nil:
		return err
	}
	fmt.Fprintf(app.Stdout, "restored %d keys from %s (the %s store as of %s, schema version %d)\n",
		info.Keys, path, info.Source, info.Taken.Local().Format(time.DateTime), info.Schema)
	if info.Schema < store.CurrentSchema {
		fmt.Fprintf(app.Stdout, "the next start upgrades the data to schema version %d\n", store.CurrentSchema)
	}
	return nil
}
