package stages

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/outputs"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// Export writes each table of the month (outputs.All) into the run's staging folder
// (pipeline.Layout.StagedTableFile: OUT/_staging/<run id>/<table>/part-0.parquet) as zstd Parquet,
// one COPY per table, sorted by the table's key in row groups small enough to skip by partner, with the run's
// provenance in the footer; it records rows and bytes from COPY ... RETURN_STATS and verifies each
// written file against its declared schema.
type Export struct{}

// Name implements pipeline.Stage.
func (Export) Name() string { return "export" }

// Run implements pipeline.Stage.
func (Export) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	// Each query ends in ORDER BY, which COPY keeps whatever preserve_insertion_order says (an
	// ordered plan is written in order); the database's configuration is locked during a run.
	meta := footerMetadata(r)
	layout := pipeline.NewLayout(r.Config.Out)
	var total int64
	reasonCodes := make([]string, len(Reasons))
	reasonMessages := make([]string, len(Reasons))
	for i, x := range Reasons {
		reasonCodes[i], reasonMessages[i] = x.Code, x.Message
	}
	for _, t := range outputs.All() {
		fstart := time.Now()
		name := t.Name
		if t.PublishedWhen != "" {
			// A table published on a condition is written when the run built it.
			if n, err := r.DB.Count(ctx, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", name); err != nil {
				return fmt.Errorf("export %s: %w", name, err)
			} else if n == 0 {
				continue
			}
		}
		path := layout.StagedTableFile(r.ID, t.Name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		q := sqlfiles.Render("export", map[string]string{
			"query":          sqlfiles.Text("export_" + t.Name),
			"path":           sqlfiles.QuoteLiteral(path),
			"row_group_size": strconv.Itoa(t.RowGroupSize),
		})
		m := maps.Clone(meta)
		m[outputs.KeyTable] = t.Name
		// Every value is a bound parameter, also inside KV_METADATA; DuckDB 1.5 binds them there.
		// Each table's query takes the ones it references.
		params := duck.Params{
			"output_table":   m[outputs.KeyTable],
			"month_label":    m[outputs.KeySnapshotMonth],
			"as_of":          m[outputs.KeyAsOf],
			"run_id":         m[outputs.KeyRunID],
			"rubric_id":      m[outputs.KeyRubricID],
			"rubric_sha256":  m[outputs.KeyRubricSHA256],
			"schema_version": m[outputs.KeySchemaVersion],
			"code_version":   m[outputs.KeyCodeVersion],
			// The reason messages, as two lists that customer_eligibility's export maps codes through.
			"reason_codes":    reasonCodes,
			"reason_messages": reasonMessages,
		}
		out, err := copyStats(ctx, r, "export_"+t.Name, q, params)
		if err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		out.Name, out.Path = name, layout.RelTableFile(t.Name, r.Config.Month)
		// Read the written file's footer back with a second reader: rows, codec, columns and types,
		// footer metadata and row group order must be what was declared.
		if err := pipeline.VerifyParquet(path, pipeline.FileCheck{Table: t, Rows: out.Rows, Metadata: m}); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		r.Outputs = append(r.Outputs, out)
		total += out.Rows
		r.Log.Info("file written", zap.String("table", name), zap.Int64("rows", out.Rows), zap.Int64("bytes", out.Bytes),
			zap.Duration("duration", time.Since(fstart)))
	}
	logDone(r, "export", start, zap.Int64("rows", total))
	return nil
}

// footerMetadata is the key-value metadata every file of the run carries, but the table name.
func footerMetadata(r *pipeline.Run) map[string]string {
	return map[string]string{
		outputs.KeySnapshotMonth: r.Config.Month.String(),
		outputs.KeyAsOf:          r.Config.AsOf.Format("2006-01-02"),
		outputs.KeyRunID:         r.ID,
		outputs.KeyRubricID:      r.Rubric.ID,
		outputs.KeyRubricSHA256:  r.Rubric.Hash,
		outputs.KeySchemaVersion: strconv.Itoa(outputs.SchemaVersion),
		outputs.KeyCodeVersion:   pipeline.CodeVersion(),
	}
}

// copyStats runs a COPY ... RETURN_STATS statement and sums the rows and bytes it reports.
func copyStats(ctx context.Context, r *pipeline.Run, label, q string, params duck.Params) (pipeline.OutputFile, error) {
	var out pipeline.OutputFile
	rows, err := r.DB.Query(ctx, label, q, params)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return out, err
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
	return out, rows.Err()
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
