//go:build linux

package bench

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestPeakRSSInBytes: Linux reports the peak in KiB; PeakRSS gives bytes, the kernel's VmHWM (kB)
// read just before and just after, times 1024.
func TestPeakRSSInBytes(t *testing.T) {
	before := vmHWM(t)
	got, ok := PeakRSS()
	after := vmHWM(t)
	if !ok {
		t.Fatal("PeakRSS not read")
	}
	if got < before*1024 || got > after*1024 {
		t.Errorf("PeakRSS = %d bytes, want between %d and %d (VmHWM %d..%d kB x 1024)", got, before*1024, after*1024, before, after)
	}
}

// vmHWM is the process's peak resident set size from /proc/self/status, in kB.
func vmHWM(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
