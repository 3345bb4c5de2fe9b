package stages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	dsql "database/sql"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// column is one contract column of an input table.
type column struct {
	name     string
	required bool
}

// tableSpec is one input table of the data contract.
type tableSpec struct {
	name    string
	columns []column
	// optional tables may be absent (an empty table and a warning).
	optional bool
	// keyValues lists the value columns of a keyed usage table; its duplicate-key check is the
	// shared statement ingest_keyed_usage.
	keyValues string
}

// Tables lists the contract's input tables in ingest order (references point backwards).
var Tables = []tableSpec{
	{name: "partners", columns: []column{{"partner_id", true}, {"partner_name", false}, {"country", false}}},
	{name: "tenants", columns: []column{{"tenant_id", true}, {"segment", true}, {"cloud", false}}},
	{name: "associations", columns: []column{{"partner_id", true}, {"tenant_id", true}, {"association_type", true},
		{"workload", false}, {"start_date", true}, {"end_date", false}}},
	{name: "azure_consumption", columns: []column{{"tenant_id", true}, {"month", true}, {"service", true}, {"offer", true}, {"acr_usd", true}}},
	{name: "m365_usage", columns: []column{{"tenant_id", true}, {"month", true}, {"workload", true}, {"paid_licenses", true}, {"active_users", true}}, keyValues: "paid_licenses, active_users"},
	{name: "bizapps_usage", columns: []column{{"tenant_id", true}, {"month", true}, {"workload", true}, {"revenue_usd", true}, {"active_users", true}}, keyValues: "revenue_usd, active_users"},
	{name: "certifications", columns: []column{{"partner_id", true}, {"person_id", true}, {"certification", true},
		{"earned_on", true}, {"expires_on", false}}},
	{name: "enrollments", columns: []column{{"partner_id", true}, {"solution_area", true}, {"enrolled_on", true}, {"ended_on", false}}, optional: true},
}

// Ingest reads every input table with DuckDB's own readers, validates each row per the contract
// (accepted, rejected with a reason, or out of window), keeps the rejects, and fails the run on a
// missing required column, an unreadable file, or a reject rate over the limit.
type Ingest struct{}

// Name implements pipeline.Stage.
func (Ingest) Name() string { return "ingest" }

// SharedAcrossMonths implements pipeline.SharedStage: a backfill ingests once for its range.
func (Ingest) SharedAcrossMonths() bool { return true }

// Ready checks, per month, that the usage data for S and S-12 has landed and records which months
// of the window have rows (the manifest's history).
type Ready struct{}

// Name implements pipeline.Stage.
func (Ready) Name() string { return "ready" }

// Run implements pipeline.Stage.
func (Ready) Run(ctx context.Context, r *pipeline.Run) error { return history(ctx, r) }

// Run implements pipeline.Stage.
func (Ingest) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	if err := r.DB.ExecFile(ctx, "ingest_macros"); err != nil {
		return err
	}
	window := []any{dsql.Named("wfrom", r.Window.From.First()), dsql.Named("wto", r.Window.To.First())}
	if err := r.DB.ExecFile(ctx, "ingest_init", window...); err != nil {
		return err
	}
	var total int64
	for _, t := range Tables {
		tstart := time.Now()
		files, err := listFiles(filepath.Join(r.Config.Input, t.name))
		if err != nil {
			if t.optional && errors.Is(err, os.ErrNotExist) {
				r.Warnings = append(r.Warnings, fmt.Sprintf("input table %s is absent; treated as empty", t.name))
			} else {
				return fmt.Errorf("ingest %s: %w: %v (each table needs a folder %s/<table>/ with CSV or Parquet files)",
					t.name, pipeline.ErrBadInput, err, r.Config.Input)
			}
		}
		stats := pipeline.TableStats{Table: t.name}
		source, err := buildSource(ctx, r, t, files, &stats)
		if err != nil {
			return err
		}
		text := sql.Render("ingest_"+t.name, map[string]string{"source": source})
		if err := r.DB.Exec(ctx, "ingest_"+t.name, text); err != nil {
			return fmt.Errorf("ingest %s: %w", t.name, readError(err))
		}
		if t.keyValues != "" {
			// Table and column names come from the fixed table list above.
			keyed := sql.Render("ingest_keyed_usage", map[string]string{"table": t.name, "values": t.keyValues, "name": sql.QuoteLiteral(t.name)})
			if err := r.DB.Exec(ctx, "ingest_keyed_usage", keyed); err != nil {
				return fmt.Errorf("ingest %s: %w", t.name, readError(err))
			}
		}
		chk := "chk_" + t.name
		if err := account(ctx, r, t.name, &stats); err != nil {
			return fmt.Errorf("ingest %s: count rows: %w", t.name, err)
		}
		// The rejects are read in a second pass, only when the accounting found some.
		if stats.Rejected > 0 {
			if err := r.DB.Exec(ctx, "ingest_rejects", sql.Render("ingest_rejects",
				map[string]string{"table": chk, "name": sql.QuoteLiteral(t.name)})); err != nil {
				return fmt.Errorf("ingest %s: %w", t.name, err)
			}
		}
		if err := dropChecked(ctx, r, chk); err != nil {
			return fmt.Errorf("ingest %s: %w", t.name, err)
		}
		r.Tables = append(r.Tables, stats)
		total += stats.Read
		r.Log.Info("table ingested", zap.String("table", t.name), zap.Int("files", len(stats.Files)),
			zap.Int64("rows_read", stats.Read), zap.Int64("accepted", stats.Accepted), zap.Int64("rejected", stats.Rejected),
			zap.Int64("out_of_window", stats.OutOfWindow), zap.Duration("duration", time.Since(tstart)))
		if stats.Read > 0 && float64(stats.Rejected)/float64(stats.Read) > r.Config.RejectLimit() {
			sample, _ := rejectSample(ctx, r, t.name)
			return fmt.Errorf("ingest %s: %w: %d of %d rows rejected (%.4f%%), over the reject rate limit %.4f%% (--max-reject-rate %g); first rejects: %s",
				t.name, pipeline.ErrBadInput, stats.Rejected, stats.Read, 100*float64(stats.Rejected)/float64(stats.Read),
				100*r.Config.RejectLimit(), r.Config.RejectLimit(), sample)
		}
	}
	logDone(r, "ingest", start, zap.Int64("rows", total))
	return nil
}

// account counts each file's rows by outcome (one pass over the checked rows, kept in
// ingest_account) and adds them up for the table.
func account(ctx context.Context, r *pipeline.Run, table string, stats *pipeline.TableStats) error {
	if err := r.DB.Exec(ctx, "ingest_account", sql.Render("ingest_account",
		map[string]string{"table": "chk_" + table, "name": sql.QuoteLiteral(table)})); err != nil {
		return err
	}
	rows, err := r.DB.SQL().QueryContext(ctx, sql.Text("ingest_account_files"), table)
	if err != nil {
		return err
	}
	defer rows.Close()
	perFile := map[string]int64{}
	for rows.Next() {
		var f string
		var read, acc, rej, oow int64
		if err := rows.Scan(&f, &read, &acc, &rej, &oow); err != nil {
			return err
		}
		perFile[f] = read
		stats.Read += read
		stats.Accepted += acc
		stats.Rejected += rej
		stats.OutOfWindow += oow
	}
	for i := range stats.Files {
		stats.Files[i].Rows = perFile[filepath.Base(stats.Files[i].Path)]
	}
	return rows.Err()
}

// dropChecked drops a checked table that is held as a table (the usage tables' are views).
func dropChecked(ctx context.Context, r *pipeline.Run, chk string) error {
	n, err := r.DB.Count(ctx, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", chk)
	if err != nil || n == 0 {
		return err
	}
	return r.DB.Exec(ctx, "ingest_drop_checked", sql.Render("ingest_drop_checked", map[string]string{"table": chk}))
}

// history records which months of the window have usage rows, warns about usage tables with gaps,
// and, unless skipped, fails with ErrSourceNotReady when a usage table has no rows for S or S-12.
func history(ctx context.Context, r *pipeline.Run) error {
	rows, err := r.DB.SQL().QueryContext(ctx, sql.Text("ingest_history"))
	if err != nil {
		return fmt.Errorf("ingest history: %w", err)
	}
	defer rows.Close()
	have := map[string]map[string]bool{}
	for rows.Next() {
		var table string
		var month time.Time
		if err := rows.Scan(&table, &month); err != nil {
			return err
		}
		if have[table] == nil {
			have[table] = map[string]bool{}
		}
		have[table][pipeline.MonthOf(month).String()] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	usage := []string{"azure_consumption", "m365_usage", "bizapps_usage"}
	for _, m := range r.Window.Months() {
		any := false
		for _, t := range usage {
			if have[t][m.String()] {
				any = true
			} else {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s has no rows for %s", t, m))
			}
		}
		if any {
			r.History.MonthsFound = append(r.History.MonthsFound, m.String())
		} else {
			r.History.MonthsMissing = append(r.History.MonthsMissing, m.String())
		}
	}
	if r.Config.SkipReadiness {
		return nil
	}
	s := r.Config.Month
	for _, t := range usage {
		for _, m := range []pipeline.Month{s, s.Add(-12)} {
			if !have[t][m.String()] {
				return fmt.Errorf("%w: %s has no rows for %s (the month and the same month a year earlier must have landed; pass --skip-readiness to score anyway)",
					pipeline.ErrSourceNotReady, t, m)
			}
		}
	}
	return nil
}

// listFiles returns the CSV (plain or .gz) and Parquet files of a table folder, sorted by name.
func listFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		n := strings.ToLower(e.Name())
		if e.IsDir() || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") {
			continue
		}
		if strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, ".csv.gz") || strings.HasSuffix(n, ".parquet") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

// reader returns the DuckDB table function that reads a file and the expression of its 1-based
// data row number.
func reader(path string) (from, rowExpr string) {
	q := sql.QuoteLiteral(path)
	if strings.HasSuffix(strings.ToLower(path), ".parquet") {
		return "read_parquet(" + q + ", file_row_number = true)", "file_row_number + 1"
	}
	// Every CSV value is read as text so that a bad value becomes a reject, not a failed run.
	return "read_csv(" + q + ", header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, columns = {{columns}}) WITH ORDINALITY", "ordinality"
}

// buildSource checks each file's header and returns the UNION ALL of per-file selects that present
// the contract's columns (absent optional columns as NULL), the file name and the row number.
func buildSource(ctx context.Context, r *pipeline.Run, t tableSpec, files []string, stats *pipeline.TableStats) (string, error) {
	var parts []string
	for _, f := range files {
		in, err := describeFile(f)
		if err != nil {
			return "", fmt.Errorf("ingest %s: file %s: %w: %v", t.name, f, pipeline.ErrBadInput, err)
		}
		cols, err := fileColumns(ctx, r, f)
		if err != nil {
			return "", fmt.Errorf("ingest %s: file %s is unreadable: %w: %v (check that it is a CSV with a header row, or a Parquet file)",
				t.name, f, pipeline.ErrBadInput, readError(err))
		}
		byLower := map[string]string{}
		for _, c := range cols {
			byLower[strings.ToLower(strings.TrimSpace(c))] = c
		}
		var sel []string
		for _, c := range t.columns {
			actual, ok := byLower[c.name]
			if !ok {
				if c.required {
					return "", fmt.Errorf("ingest %s: file %s: %w: missing required column %q (columns found: %s); add the column to the file or rename the matching one to %q",
						t.name, f, pipeline.ErrBadInput, c.name, strings.Join(cols, ", "), c.name)
				}
				sel = append(sel, "NULL::VARCHAR AS "+c.name)
				continue
			}
			sel = append(sel, sql.QuoteIdent(actual)+" AS "+c.name)
		}
		from, rowExpr := reader(f)
		if strings.Contains(from, "{{columns}}") {
			from = strings.ReplaceAll(from, "{{columns}}", csvColumns(cols))
		}
		// _fidx orders files by name, as _file does; wide tables keep the integer instead of the name.
		parts = append(parts, fmt.Sprintf("SELECT %s AS _file, %d AS _fidx, %s AS _row, %s FROM %s",
			sql.QuoteLiteral(filepath.Base(f)), len(parts), rowExpr, strings.Join(sel, ", "), from))
		stats.Files = append(stats.Files, in)
		if _, err := r.DB.SQL().ExecContext(ctx, "INSERT INTO ingest_files VALUES (?, ?, ?)", t.name, len(parts)-1, filepath.Base(f)); err != nil {
			return "", fmt.Errorf("ingest %s: %w", t.name, err)
		}
	}
	if len(parts) == 0 {
		// No files: an empty relation with the contract's columns.
		var sel []string
		for _, c := range t.columns {
			sel = append(sel, "NULL::VARCHAR AS "+c.name)
		}
		return "SELECT NULL::VARCHAR AS _file, NULL::INTEGER AS _fidx, NULL::BIGINT AS _row, " + strings.Join(sel, ", ") + " WHERE false", nil
	}
	return strings.Join(parts, "\nUNION ALL BY NAME\n"), nil
}

// csvColumns is the columns={...} map giving every header column the VARCHAR type.
func csvColumns(cols []string) string {
	var b strings.Builder
	b.WriteString("{")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(sql.QuoteLiteral(c) + ": 'VARCHAR'")
	}
	b.WriteString("}")
	return b.String()
}

// fileColumns reads a file's column names: the CSV header, or the Parquet schema.
func fileColumns(ctx context.Context, r *pipeline.Run, path string) ([]string, error) {
	var q string
	if strings.HasSuffix(strings.ToLower(path), ".parquet") {
		q = "DESCRIBE SELECT * FROM read_parquet(" + sql.QuoteLiteral(path) + ")"
	} else {
		q = "DESCRIBE SELECT * FROM read_csv(" + sql.QuoteLiteral(path) + ", header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')"
	}
	rows, err := r.DB.SQL().QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name, typ string
		var null, key, def, extra dsql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return nil, err
		}
		cols = append(cols, name)
	}
	return cols, rows.Err()
}

// describeFile records a file's size and checksum for the manifest.
func describeFile(path string) (pipeline.InputFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return pipeline.InputFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return pipeline.InputFile{}, err
	}
	return pipeline.InputFile{Path: path, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// rejectSample returns the first few rejects of a table for an error message.
func rejectSample(ctx context.Context, r *pipeline.Run, table string) (string, error) {
	rows, err := r.DB.SQL().QueryContext(ctx,
		"SELECT file, row_number, reason FROM rejects WHERE table_name = ? ORDER BY file, row_number LIMIT 3", table)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var file, reason string
		var row int64
		if err := rows.Scan(&file, &row, &reason); err != nil {
			return "", err
		}
		out = append(out, fmt.Sprintf("%s row %d: %s", file, row, reason))
	}
	return strings.Join(out, "; "), rows.Err()
}

// readError shortens DuckDB's reader errors to their first lines.
func readError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "\n\n"); i > 0 {
		msg = msg[:i]
	}
	return errors.New(strings.TrimSpace(msg))
}
