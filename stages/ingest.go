package stages

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// column is one contract column of an input table.
type column struct {
	name     string
	required bool
	kind     kind
}

// tableSpec is one input table of the data contract.
type tableSpec struct {
	name    string
	columns []column
	// optional tables may be absent (an empty table and a warning).
	optional bool
	// usage tables may be empty: whether their months have landed is the readiness check's question.
	usage bool
	// key lists the key columns of a small table: of the rows that pass the checks, the first of
	// each key is kept and the others are rejected as duplicates (ingest_first_of_key).
	key string
	// keyValues lists the value columns of a keyed usage table and workloads the rubric table of
	// its workloads; its rows and duplicate-key check are the shared statement ingest_keyed_usage.
	keyValues string
	workloads string
}

// tables lists the contract's input tables in ingest order (references point backwards).
var tables = []tableSpec{
	{name: "partners", key: "partner_id", columns: []column{{"partner_id", true, kText}, {"partner_name", false, kText}, {"country", false, kText}}},
	{name: "tenants", key: "tenant_id", columns: []column{{"tenant_id", true, kText}, {"segment", true, kText}, {"cloud", false, kText}}},
	{name: "associations", key: "partner_id, tenant_id, association_type, workload, start_date, end_date", columns: []column{{"partner_id", true, kText}, {"tenant_id", true, kText}, {"association_type", true, kText},
		{"workload", false, kText}, {"start_date", true, kDate}, {"end_date", false, kDate}}},
	{name: "azure_consumption", usage: true, columns: []column{{"tenant_id", true, kText}, {"month", true, kMonth}, {"service", true, kText},
		{"offer", true, kText}, {"acr_usd", true, kDecimal}}},
	{name: "m365_usage", usage: true, columns: []column{{"tenant_id", true, kText}, {"month", true, kMonth}, {"workload", true, kText},
		{"paid_licenses", true, kInteger}, {"active_users", true, kInteger}}, keyValues: "paid_licenses, active_users", workloads: "rb_m365_workload"},
	{name: "bizapps_usage", usage: true, columns: []column{{"tenant_id", true, kText}, {"month", true, kMonth}, {"workload", true, kText},
		{"revenue_usd", true, kDecimal}, {"active_users", true, kDecimal}}, keyValues: "revenue_usd, active_users", workloads: "rb_bizapps_workload"},
	{name: "certifications", key: "partner_id, person_id, certification, earned_on", columns: []column{{"partner_id", true, kText}, {"person_id", true, kText}, {"certification", true, kText},
		{"earned_on", true, kDate}, {"expires_on", false, kDate}}},
	{name: "enrollments", key: "partner_id, solution_area, enrolled_on", columns: []column{{"partner_id", true, kText}, {"solution_area", true, kText}, {"enrolled_on", true, kDate},
		{"ended_on", false, kDate}}, optional: true},
}

// InputTable names an input table of the contract and its columns, for tools that read the input
// folder outside a run (the benchmark's bare scan).
type InputTable struct {
	Name    string
	Columns []string
}

// InputTables lists the contract's input tables in ingest order.
func InputTables() []InputTable {
	out := make([]InputTable, 0, len(tables))
	for _, t := range tables {
		it := InputTable{Name: t.name}
		for _, c := range t.columns {
			it.Columns = append(it.Columns, c.name)
		}
		out = append(out, it)
	}
	return out
}

// usageTables are the usage tables of the contract, in order: counted per usage month (the manifest's
// history, readiness), and compared month by month by the drift guard, the small tables by their
// totals.
var usageTables = func() []string {
	var out []string
	for _, t := range tables {
		if t.usage {
			out = append(out, t.name)
		}
	}
	return out
}()

// Ingest reads every input table with DuckDB's own readers, validates each row per the contract
// (accepted, rejected with a reason, or out of window), keeps the rejects, and fails the run on a
// missing required column, an unreadable file, or a reject rate over the limit.
type Ingest struct{}

// Name implements pipeline.Stage.
func (Ingest) Name() string { return "ingest" }

// SharedAcrossMonths implements pipeline.SharedStage: a backfill ingests once for its range.
func (Ingest) SharedAcrossMonths() bool { return true }

// Run implements pipeline.Stage.
func (Ingest) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	window := duck.Params{"wfrom": r.Window.From.First(), "wto": r.Window.To.First()}
	if err := r.DB.ExecFile(ctx, "ingest_init", window); err != nil {
		return err
	}
	var total int64
	var read []dataFile
	if r.Config.Slice != nil {
		files, err := sliceInit(ctx, r)
		read = append(read, files...)
		if err != nil {
			return err
		}
	}
	for k, t := range tables {
		stats, tfiles, _, err := ingestTable(ctx, r, k, t, start)
		read = append(read, tfiles...)
		if err != nil {
			return err
		}
		r.Tables = append(r.Tables, stats)
		total += stats.Read
	}
	if err := unchanged(read); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if r.Config.Slice != nil {
		if err := sliceDone(ctx, r); err != nil {
			return err
		}
	}
	logDone(r, "ingest", start, zap.Int64("rows", total))
	return nil
}

// ingestTable reads, checks and accounts input table t, the k-th of tables: its files are listed,
// hashed and read, each row accepted, rejected with a reason or counted out of window, and the
// rejects kept. loaded says the table's rows are in the database (later tables check their
// references against it), also when the error is a reject rate over the limit.
func ingestTable(ctx context.Context, r *pipeline.Run, k int, t tableSpec, start time.Time) (stats pipeline.TableStats, read []dataFile, loaded bool, err error) {
	stats = pipeline.TableStats{Table: t.name}
	tstart := time.Now()
	dir := filepath.Join(r.Config.Input, t.name)
	files, ignored, err := ListDataFiles(dir)
	optional := t.optional || r.Config.IsOptional(t.name)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			r.Warnings = append(r.Warnings, fmt.Sprintf("input table %s is absent; treated as empty", t.name))
		} else {
			return stats, nil, false, fmt.Errorf("ingest %s: %w: %v (each table needs a folder %s/<table>/ with CSV or Parquet files)",
				t.name, pipeline.ErrBadInput, err, r.Config.Input)
		}
	}
	if len(ignored) > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("input folder %s: ignored %s (only .csv, .csv.gz and .parquet files whose names do not start with . or _ are read)",
			dir, strings.Join(ignored, ", ")))
		r.Log.Warn("input files ignored", zap.String("folder", dir), zap.Strings("ignored", ignored))
	}
	if r.Config.Slice != nil {
		extra, err := overlayFiles(r, t)
		if err != nil {
			return stats, nil, false, err
		}
		files = append(files, extra...)
	}
	if len(files) == 0 && err == nil && !optional && !t.usage {
		found := "it is empty"
		if len(ignored) > 0 {
			found = "it holds only " + strings.Join(ignored, ", ") + ", which ingest ignores"
		}
		return stats, nil, false, fmt.Errorf("ingest %s: %w: required table folder %s has no data file (%s); put the table's .csv, .csv.gz or .parquet files in it",
			t.name, pipeline.ErrBadInput, dir, found)
	}
	source, read, err := buildSource(ctx, r, t, files, &stats)
	if err != nil {
		return stats, nil, false, err
	}
	if r.Config.Slice != nil {
		if source, err = sliceSource(ctx, r, t, source); err != nil {
			return stats, read, false, err
		}
	}
	// Table and column names come from the fixed table list above.
	text := sqlfiles.Render("ingest_"+t.name, map[string]string{"source": source,
		"first_of_key": sqlfiles.Render("ingest_first_of_key", map[string]string{"table": t.name, "key": t.key})})
	if err := r.DB.Exec(ctx, "ingest_"+t.name, text); err != nil {
		return stats, read, false, fmt.Errorf("ingest %s: %w", t.name, readFailure(t.name, read, err))
	}
	if t.keyValues != "" {
		// Table and column names come from the fixed table list above.
		keyed := sqlfiles.Render("ingest_keyed_usage", map[string]string{"table": t.name, "values": t.keyValues,
			"workloads": t.workloads, "name": sqlfiles.QuoteLiteral(t.name)})
		if err := r.DB.Exec(ctx, "ingest_keyed_usage", keyed); err != nil {
			return stats, read, false, fmt.Errorf("ingest %s: %w", t.name, readFailure(t.name, read, err))
		}
		if r.Config.Slice != nil {
			if err := raiseUsage(ctx, r, t); err != nil {
				return stats, read, false, err
			}
		}
	}
	chk := "chk_" + t.name
	// The usage tables are views over the files: counting their rows is their first full read.
	if err := account(ctx, r, t.name, &stats); err != nil {
		return stats, read, false, fmt.Errorf("ingest %s: count rows: %w", t.name, readFailure(t.name, read, err))
	}
	// The rejects are read in a second pass, only when the accounting found some.
	if stats.Rejected > 0 {
		if err := r.DB.Exec(ctx, "ingest_rejects", sqlfiles.Render("ingest_rejects",
			map[string]string{"table": chk, "name": sqlfiles.QuoteLiteral(t.name)})); err != nil {
			return stats, read, false, fmt.Errorf("ingest %s: %w", t.name, err)
		}
	}
	if err := dropChecked(ctx, r, chk); err != nil {
		return stats, read, false, fmt.Errorf("ingest %s: %w", t.name, err)
	}
	r.Log.Info("table ingested", zap.String("table", t.name), zap.Int("files", len(stats.Files)),
		zap.Int64("rows_read", stats.Read), zap.Int64("accepted", stats.Accepted), zap.Int64("rejected", stats.Rejected),
		zap.Int64("out_of_window", stats.OutOfWindow), zap.Duration("duration", time.Since(tstart)),
		zap.String("progress", fmt.Sprintf("%d/%d", k+1, len(tables))), zap.Duration("elapsed", time.Since(start)))
	if stats.Read > 0 && float64(stats.Rejected)/float64(stats.Read) > r.Config.RejectLimit() {
		sample, _ := rejectSample(ctx, r, t.name)
		return stats, read, true, fmt.Errorf("ingest %s: %w: %d of %d rows rejected (%.4f%%), over the reject rate limit %.4f%% (--max-reject-rate %g); first rejects: %s",
			t.name, pipeline.ErrBadInput, stats.Rejected, stats.Read, 100*float64(stats.Rejected)/float64(stats.Read),
			100*r.Config.RejectLimit(), r.Config.RejectLimit(), sample)
	}
	return stats, read, true, nil
}

// account counts each file's rows by outcome (one pass over the checked rows, kept in
// ingest_account) and adds them up for the table.
func account(ctx context.Context, r *pipeline.Run, table string, stats *pipeline.TableStats) error {
	if err := r.DB.Exec(ctx, "ingest_account", sqlfiles.Render("ingest_account",
		map[string]string{"table": "chk_" + table, "name": sqlfiles.QuoteLiteral(table)})); err != nil {
		return err
	}
	rows, err := r.DB.Query(ctx, "ingest_account_files", sqlfiles.Text("ingest_account_files"), table)
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
	return r.DB.Exec(ctx, "ingest_drop_checked", sqlfiles.Render("ingest_drop_checked", map[string]string{"table": chk}))
}

// buildSource checks and hashes each file of a table, learns its header and returns the UNION ALL
// of per-file selects that present the contract's columns, the file's position and the row number
// (and, for tables with a key, the file name), with the files read.
func buildSource(ctx context.Context, r *pipeline.Run, t tableSpec, paths []string, stats *pipeline.TableStats) (string, []dataFile, error) {
	var parts []string
	var files []dataFile
	for _, p := range paths {
		f, part, err := fileSelect(ctx, r, t, p, len(parts))
		if err != nil {
			return "", nil, err
		}
		if err := r.DB.ExecFile(ctx, "ingest_file", t.name, len(parts), filepath.Base(p), p, f.info.Bytes, f.mtime.UnixNano()); err != nil {
			return "", nil, fmt.Errorf("ingest %s: %w", t.name, err)
		}
		parts = append(parts, part)
		files = append(files, f)
		stats.Files = append(stats.Files, f.info)
	}
	if len(parts) == 0 {
		return emptySource(t), nil, nil
	}
	union := strings.Join(parts, "\nUNION ALL BY NAME\n")
	if t.usage {
		return union, files, nil
	}
	return withFileNames(t, union), files, nil
}

// fileSelect checks and hashes one file of a table, learns its header and returns the file and the
// SELECT that presents it as the contract's columns (selectFile), at position fidx.
func fileSelect(ctx context.Context, r *pipeline.Run, t tableSpec, p string, fidx int) (dataFile, string, error) {
	// A what-if run publishes nothing and records no input: no hash, one read less of every file.
	f, err := openData(ctx, p, r.Config.Slice == nil)
	if err != nil {
		return f, "", fmt.Errorf("ingest %s: %w", t.name, err)
	}
	h, err := readHeader(ctx, r.DB, f)
	if err != nil {
		if ctx.Err() != nil {
			return f, "", ctx.Err()
		}
		var be badInputError
		if errors.As(err, &be) {
			return f, "", fmt.Errorf("ingest %s: %w: file %s %s", t.name, pipeline.ErrBadInput, p, be.msg)
		}
		return f, "", fmt.Errorf("ingest %s: file %s is unreadable: %w", t.name, p, readFailure(t.name, []dataFile{f}, err))
	}
	part, err := selectFile(t, f, fidx, h)
	if err != nil {
		return f, "", fmt.Errorf("ingest %s: file %s: %w", t.name, p, err)
	}
	return f, part, nil
}

// rejectSample returns the first few rejects of a table for an error message.
func rejectSample(ctx context.Context, r *pipeline.Run, table string) (string, error) {
	rows, err := r.DB.Query(ctx, "ingest_reject_sample", sqlfiles.Text("ingest_reject_sample"), table)
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
