// Package bench holds what `refresh bench` measures besides a run: the bare scan of an input folder
// (the floor a full run is compared with) and the process's peak resident memory.
package bench

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/sql"
	"github.com/capscore/capscore/stages"
)

// BareScan reads every input column the metrics use, once, with one aggregate per table: the
// floor a full run is measured against. It returns the rows read. Table folders without data
// files are skipped.
func BareScan(ctx context.Context, db *duck.DB, input string) (int64, error) {
	var total int64
	for _, t := range stages.InputTables() {
		files, _, err := stages.ListDataFiles(filepath.Join(input, t.Name))
		if err != nil || len(files) == 0 {
			continue
		}
		var cols, counts []string
		for _, c := range t.Columns {
			cols = append(cols, sqlfiles.QuoteIdent(c))
			counts = append(counts, "count("+sqlfiles.QuoteIdent(c)+")")
		}
		var parts []string
		for _, f := range files {
			from := "read_parquet(" + duck.QuotePath(f) + ")"
			if !strings.HasSuffix(strings.ToLower(f), ".parquet") {
				from = "read_csv(" + duck.QuotePath(f) + ", header = true)"
			}
			parts = append(parts, "SELECT "+strings.Join(cols, ", ")+" FROM "+from)
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
