package duck

import "fmt"

// defaultMemoryShare is the part of the available memory DuckDB gets by default. DuckDB's own
// default of 80% leaves too little for the Go process, DuckDB's allocations outside its buffer
// pool and the page cache on a small machine or container.
const defaultMemoryShare = 0.6

// memoryLimitOf is DuckDB's default memory_limit for available bytes of memory, in whole MB; "" when
// the available memory is unknown (0), so DuckDB applies its own default.
func memoryLimitOf(available uint64) string {
	if available == 0 {
		return ""
	}
	return fmt.Sprintf("%dMB", uint64(float64(available)*defaultMemoryShare)/(1<<20))
}
