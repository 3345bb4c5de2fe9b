package bench

import (
	"runtime"
	"testing"
	"time"
)

// TestGoMemoryPeakSeesAllocation: a 256 MiB slice held across samples raises the peak by at least
// that much above what the runtime held before.
func TestGoMemoryPeakSeesAllocation(t *testing.T) {
	before := goMemoryNow()
	g := SampleGoMemory(5 * time.Millisecond)
	b := make([]byte, 256<<20)
	for i := range b {
		b[i] = 1 // touch every page
	}
	time.Sleep(50 * time.Millisecond)
	runtime.KeepAlive(b)
	peak := g.Stop()
	if peak < int64(before)+256<<20 {
		t.Errorf("peak %d bytes, want at least %d + 256 MiB", peak, before)
	}
}
