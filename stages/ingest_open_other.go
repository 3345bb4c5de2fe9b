//go:build !unix

package stages

import "os"

// openNoBlock opens a file for reading (the regular-file check before it refuses FIFOs).
func openNoBlock(path string) (*os.File, error) { return os.Open(path) }
