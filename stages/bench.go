package stages

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/sql"
)

// BareScan reads every input column the metrics use, once, with one aggregate per table: the
// floor a full run is measured against. It returns the rows read.
func BareScan(ctx context.Context, db *duck.DB, input string) (int64, error) {
	var total int64
	for _, t := range Tables {
		files, _, err := listFiles(filepath.Join(input, t.name))
		if err != nil || len(files) == 0 {
			continue
		}
		var parts []string
		for _, f := range files {
			var cols []string
			for _, c := range t.columns {
				cols = append(cols, sqlfiles.QuoteIdent(c.name))
			}
			from := "read_parquet(" + duck.QuotePath(f) + ")"
			if !strings.HasSuffix(strings.ToLower(f), ".parquet") {
				from = "read_csv(" + duck.QuotePath(f) + ", header = true)"
			}
			parts = append(parts, "SELECT "+strings.Join(cols, ", ")+" FROM "+from)
		}
		var aggs []string
		for _, c := range t.columns {
			aggs = append(aggs, "count("+sqlfiles.QuoteIdent(c.name)+")")
		}
		q := "SELECT count(*), " + strings.Join(aggs, " + ") + " FROM (" + strings.Join(parts, " UNION ALL BY NAME ") + ")"
		var n, filled int64
		if err := db.SQL().QueryRowContext(ctx, q).Scan(&n, &filled); err != nil {
			return 0, fmt.Errorf("bare scan %s: %w", t.name, err)
		}
		total += n
	}
	return total, nil
}
