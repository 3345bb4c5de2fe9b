//go:build darwin

package bench

import "syscall"

// PeakRSS is the process's peak resident set size so far, in bytes; false when it cannot be read.
func PeakRSS() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Maxrss, true // macOS reports bytes
}
