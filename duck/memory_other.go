//go:build !linux && !darwin

package duck

// DefaultMemoryLimit is "" on systems where the memory available to the process is not read, so
// DuckDB applies its own default (80% of RAM). Set memory_limit explicitly there.
func DefaultMemoryLimit() string { return "" }
