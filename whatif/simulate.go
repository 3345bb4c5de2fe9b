package whatif

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// WriteOverlay writes the rows of t into the new folder dst (its parent must exist), as FileName in
// one sub-folder per table that receives rows, with the table's header: the overlay a what-if run
// of one partner (refresh simulate) reads besides the input, instead of a copy of the input. It
// fails on a table it has no header for, a row of the wrong length and an existing dst.
func WriteOverlay(dst string, t Tables) error {
	for table, rows := range t {
		h := header[table]
		if h == nil {
			return fmt.Errorf("whatif: no input table %q", table)
		}
		for i, r := range rows {
			if len(r) != len(h) {
				return fmt.Errorf("whatif: %s row %d has %d values, want %d", table, i+1, len(r), len(h))
			}
		}
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("whatif: overlay %s exists already", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("whatif: overlay %s: %w", dst, err)
	}
	if err := os.Mkdir(dst, 0o755); err != nil {
		return fmt.Errorf("whatif: overlay: %w", err)
	}
	if err := writeTables(dst, t); err != nil {
		return fmt.Errorf("whatif: overlay: %w", err)
	}
	return nil
}

// Count is how many rows t holds per table, for messages.
func (t Tables) Count() map[string]int {
	out := map[string]int{}
	for table, rows := range t {
		if len(rows) > 0 {
			out[table] = len(rows)
		}
	}
	return out
}
