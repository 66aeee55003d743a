package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"tongbao/content"
)

// inputFile is one file named on the command line or found in a folder.
type inputFile struct {
	path string
	size int64
}

// expandPaths lists the files the arguments name: files as given, folders
// walked for their regular, non-hidden files in name order. A path that
// cannot be read is returned in bad with the reason.
func expandPaths(args []string) (files []inputFile, bad map[string]error) {
	bad = map[string]error{}
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			bad[arg] = friendlyFSError(err)
			files = append(files, inputFile{path: arg})
			continue
		}
		if !info.IsDir() {
			files = append(files, inputFile{path: arg, size: info.Size()})
			continue
		}
		var found []inputFile
		walkErr := filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				bad[p] = friendlyFSError(err)
				found = append(found, inputFile{path: p})
				return nil
			}
			name := d.Name()
			if p != arg && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				info, err := d.Info()
				if err != nil {
					bad[p] = friendlyFSError(err)
				}
				size := int64(0)
				if info != nil {
					size = info.Size()
				}
				found = append(found, inputFile{path: p, size: size})
			}
			return nil
		})
		if walkErr != nil {
			bad[arg] = friendlyFSError(walkErr)
		}
		sort.Slice(found, func(i, j int) bool { return found[i].path < found[j].path })
		files = append(files, found...)
	}
	return files, bad
}

// readInput reads a file for the parser, refusing one over max bytes
// before reading it.
func readInput(f inputFile, max int) (content.Input, error) {
	if f.size > int64(max) {
		return content.Input{}, fmt.Errorf("%w: %s, the limit is %s", content.ErrTooLarge, humanBytes(f.size), humanBytes(int64(max)))
	}
	fh, err := os.Open(f.path)
	if err != nil {
		return content.Input{}, friendlyFSError(err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return content.Input{}, friendlyFSError(err)
	}
	data, err := io.ReadAll(io.LimitReader(fh, int64(max)+1))
	if err != nil {
		return content.Input{}, friendlyFSError(err)
	}
	if len(data) > max {
		return content.Input{}, fmt.Errorf("%w: more than %s", content.ErrTooLarge, humanBytes(int64(max)))
	}
	return content.Input{Data: data, Name: f.path, Fetched: info.ModTime()}, nil
}

// friendlyFSError drops the Go operation prefix from file errors: the
// caller names the file.
func friendlyFSError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// humanBytes renders a size for people: 50.0 MB.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
