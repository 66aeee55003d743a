//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || illumos)

package embedded

import (
	"errors"
	"os"
)

// errWouldBlock reports that another open file holds the lock.
var errWouldBlock = errors.New("locked")

// tryLock fails: without flock(2) two processes could share a data folder.
func tryLock(*os.File) error {
	return errors.New("file locks are not supported on this system; use --redis")
}
