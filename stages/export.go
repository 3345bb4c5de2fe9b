package stages

import (
	"context"
	dsql "database/sql"
	"fmt"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// outputs are the snapshot's Parquet files and the statements that select them.
var outputs = []struct{ file, query string }{
	{"area_scores.parquet", "export_area_scores"},
	{"metric_scores.parquet", "export_metric_scores"},
	{"recommendations.parquet", "export_recommendations"},
	{"rejects.parquet", "export_rejects"},
}

// Export writes the snapshot's files into the run's staging folder as zstd Parquet, sorted by
// partner, and records rows and bytes from COPY ... RETURN_STATS.
type Export struct{}

// Name implements pipeline.Stage.
func (Export) Name() string { return "export" }

// Run implements pipeline.Stage.
func (Export) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	// COPY keeps ORDER BY only while insertion order is preserved.
	if err := r.DB.Exec(ctx, "export settings", "SET preserve_insertion_order = true"); err != nil {
		return err
	}
	var total int64
	for _, o := range outputs {
		path := filepath.Join(r.Staging, o.file)
		q := sql.Render("export", map[string]string{"query": sql.Text(o.query), "path": sql.QuoteLiteral(path)})
		var args []any
		if o.query != "export_area_scores" {
			args = []any{dsql.Named("month_label", r.Config.Month.String())}
		}
		rows, err := r.DB.SQL().QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("export %s: %w", o.file, err)
		}
		cols, _ := rows.Columns()
		out := pipeline.OutputFile{Name: o.file}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return fmt.Errorf("export %s: %w", o.file, err)
			}
			for i, c := range cols {
				switch c {
				case "count":
					out.Rows += toInt(vals[i])
				case "file_size_bytes":
					out.Bytes += toInt(vals[i])
				}
			}
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("export %s: %w", o.file, err)
		}
		// Read the written file's footer back: the rows and codec must be what COPY reported.
		if err := pipeline.VerifyParquet(path, out.Rows); err != nil {
			return fmt.Errorf("export %s: %w", o.file, err)
		}
		r.Outputs = append(r.Outputs, out)
		total += out.Rows
		r.Log.Info("file written", zap.String("file", o.file), zap.Int64("rows", out.Rows), zap.Int64("bytes", out.Bytes))
	}
	logDone(r, "export", start, zap.Int64("rows", total))
	return nil
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case uint64:
		return int64(x)
	case int:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}
