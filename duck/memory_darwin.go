//go:build darwin

package duck

import "golang.org/x/sys/unix"

// DefaultMemoryLimit is 60% of the machine's RAM (sysctl hw.memsize); "" when it cannot be read.
func DefaultMemoryLimit() string {
	ram, err := unix.SysctlUint64("hw.memsize")
	if err != nil {
		return ""
	}
	return memoryLimitOf(ram)
}
