package embedded

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrLocked is returned by Start when another Server, in this or another
// process, holds the data folder.
var ErrLocked = errors.New("embedded: data folder in use")

// lockDir takes the exclusive lock on dir's LockFile and writes this
// process's id into it. The lock lasts until the returned file is closed
// (or the process dies); the file itself stays, since removing a lock file
// races with a process that has just opened it.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("embedded: open lock file: %w", err)
	}
	if err := tryLock(f); err != nil {
		holder := lockHolder(f)
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("%w: %s is held by %s; only one process can use an embedded store (share a real Redis with --redis redis://… instead)", ErrLocked, path, holder)
		}
		return nil, fmt.Errorf("embedded: lock %s: %w", path, err)
	}
	pid := strconv.Itoa(os.Getpid()) + "\n"
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, fmt.Errorf("embedded: write lock file: %w", err)
	}
	if _, err := f.WriteAt([]byte(pid), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("embedded: write lock file: %w", err)
	}
	return f, nil
}

// lockHolder describes the process whose id is in the lock file f.
func lockHolder(f *os.File) string {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 32))
	pid := strings.TrimSpace(string(b))
	switch {
	case err != nil || pid == "":
		return "another process"
	case pid == strconv.Itoa(os.Getpid()):
		return "this process (pid " + pid + "), through another Server"
	default:
		return "process " + pid
	}
}
