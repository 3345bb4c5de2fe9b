// Package bench holds what `refresh bench` measures besides a run: the bare scan of an input folder
// (the floor a full run is compared with) and the process's peak resident memory.
package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/sql"
	"github.com/capscore/capscore/stages"
)

// BareScan reads every input column the metrics use, once, with one aggregate per table: the
// floor a full run is measured against. Each file is read exactly as ingest reads it (its header
// learned the same way, the same reader options: CSV as text, Parquet by position; see
// stages.ReadSelect), without ingest's checks, hashing and value parsing. It returns the rows read.
// Table folders without data files are skipped.
func BareScan(ctx context.Context, db *duck.DB, input string) (int64, error) {
	var total int64
	for _, t := range stages.InputTables() {
		files, _, err := stages.ListDataFiles(filepath.Join(input, t.Name))
		if err != nil || len(files) == 0 {
			continue
		}
		var counts []string
		for _, c := range t.Columns {
			counts = append(counts, "count("+sqlfiles.QuoteIdent(c)+")")
		}
		var parts []string
		for _, f := range files {
			part, err := stages.ReadSelect(ctx, db, t.Name, f)
			if err != nil {
				return 0, fmt.Errorf("bare scan %s: %w", t.Name, err)
			}
			parts = append(parts, part)
		}
		q := sqlfiles.Render("bench_bare_scan", map[string]string{
			"files":  strings.Join(parts, " UNION ALL BY NAME "),
			"filled": strings.Join(counts, " + "),
		})
		var n, filled int64
		if err := db.QueryRow(ctx, "bare scan "+t.Name, q).Scan(&n, &filled); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
