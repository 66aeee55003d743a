package redistest

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel kill redis-server when the test binary
// dies without running its cleanups (a -timeout panic, a kill), so no server
// outlives its tests.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
