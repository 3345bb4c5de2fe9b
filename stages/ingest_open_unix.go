//go:build unix

package stages

import (
	"os"
	"syscall"
)

// openNoBlock opens a file for reading without blocking: a FIFO put in place of a checked file
// opens at once (and is then refused) instead of waiting for a writer.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
