//go:build !linux

package duck

// DefaultMemoryLimit is "" outside Linux: there is no portable way to read the memory available to
// the process, so DuckDB applies its own default (80% of RAM). Set memory_limit explicitly there.
func DefaultMemoryLimit() string { return "" }
