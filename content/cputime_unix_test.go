//go:build unix

package content

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the process has used so far;
// a benchmark divides it by its iterations to give a cost per bulletin that
// other processes on a shared machine do not change.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
