package duck

import "testing"

func TestMemoryLimitOf(t *testing.T) {
	// 60% of 5 GiB = 3072 MiB; of 1000 MiB = 600 MiB; unknown memory leaves DuckDB's default.
	for in, want := range map[uint64]string{5 << 30: "3072MB", 1000 << 20: "600MB", 0: ""} {
		if got := memoryLimitOf(in); got != want {
			t.Errorf("memoryLimitOf(%d) = %q, want %q", in, got, want)
		}
	}
}
