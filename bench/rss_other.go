//go:build !linux && !darwin

package bench

// PeakRSS is not read on this system: the benchmark prints the peak resident memory as unknown.
func PeakRSS() (int64, bool) { return 0, false }
