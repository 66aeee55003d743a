//go:build !linux

package redistest

import "os/exec"

// setParentDeathSignal does nothing where the kernel cannot tie a child's
// life to its parent; cleanups still stop the servers.
func setParentDeathSignal(*exec.Cmd) {}
