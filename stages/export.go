package stages

import (
	"context"
	dsql "database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// outputs are the published tables and the statements that select them.
var outputs = []struct{ table, query string }{
	{pipeline.TableAreaScores, "export_area_scores"},
	{pipeline.TableMetricScores, "export_metric_scores"},
	{pipeline.TableRecommendations, "export_recommendations"},
	{pipeline.TableRejects, "export_rejects"},
}

// Export writes each table of the month into the run's staging folder
// (pipeline.Layout.StagedTableFile: OUT/_staging/<run id>/<table>/part-0.parquet) as zstd Parquet,
// sorted by partner, one COPY per table, and records rows and bytes from COPY ... RETURN_STATS.
type Export struct{}

// Name implements pipeline.Stage.
func (Export) Name() string { return "export" }

// Run implements pipeline.Stage.
func (Export) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	// Each query ends in ORDER BY, which COPY keeps whatever preserve_insertion_order says (an
	// ordered plan is written in order); the database's configuration is locked during a run.
	layout := pipeline.NewLayout(r.Config.Out)
	var total int64
	for _, o := range outputs {
		path := layout.StagedTableFile(r.ID, o.table)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("export %s: %w", o.table, err)
		}
		q := sql.Render("export", map[string]string{"query": sql.Text(o.query), "path": sql.QuoteLiteral(path)})
		var args []any
		if o.query != "export_area_scores" {
			args = []any{dsql.Named("month_label", r.Config.Month.String())}
		}
		rows, err := r.DB.SQL().QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("export %s: %w", o.table, err)
		}
		cols, _ := rows.Columns()
		out := pipeline.OutputFile{Name: o.table, Path: layout.RelTableFile(o.table, r.Config.Month)}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return fmt.Errorf("export %s: %w", o.table, err)
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
			return fmt.Errorf("export %s: %w", o.table, err)
		}
		// Read the written file's footer back: the rows and codec must be what COPY reported.
		if err := pipeline.VerifyParquet(path, out.Rows); err != nil {
			return fmt.Errorf("export %s: %w", o.table, err)
		}
		r.Outputs = append(r.Outputs, out)
		total += out.Rows
		r.Log.Info("file written", zap.String("table", o.table), zap.Int64("rows", out.Rows), zap.Int64("bytes", out.Bytes))
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
