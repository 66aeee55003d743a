//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || illumos

package embedded

import (
	"errors"
	"os"
	"syscall"
)

// errWouldBlock reports that another open file holds the lock.
var errWouldBlock = syscall.EWOULDBLOCK

// tryLock takes an exclusive flock(2) on f without waiting. flock locks
// belong to the open file, so a second Start in the same process is refused
// as well.
func tryLock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
