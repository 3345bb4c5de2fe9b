package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/sql"
)

// MigrateConfig is what `refresh migrate` needs.
type MigrateConfig struct {
	// Out is the output folder to convert.
	Out string
	// WaitForLock waits for a run holding Out instead of failing with ErrLocked.
	WaitForLock bool
	// MemoryLimit and Threads size the DuckDB that rewrites the files ("" or 0: from the machine).
	MemoryLimit string
	Threads     int
}

// MigratedMonth is the outcome for one old-layout month.
type MigratedMonth struct {
	// Month is the snapshot month.
	Month Month
	// RunID is the run that made the month (kept in the new manifest).
	RunID string
	// Tables are the tables written into the trees.
	Tables []string
	// AlreadyConverted is true when an earlier, interrupted migration had published the month and
	// only the old folder was left to remove.
	AlreadyConverted bool
}

// provenanceColumns are the columns every published table carries that older files may lack; the
// migration fills them from the month's manifest.
var provenanceColumns = []string{"snapshot_month", "as_of", "rubric_id", "run_id"}

// Migrate converts an output folder of the old layout (OUT/snapshot_month=YYYY-MM/<table>.parquet
// with _manifest.json) into one folder tree per table. Each month is rewritten with DuckDB into the
// build area, checked with arrow-go, and published like a run's month (journal, one swap per table,
// manifest last); the old month folder is moved out only then, so each month is converted whole or
// not at all, and a crash is rolled forward by the next lock holder. Columns the old files lack
// among snapshot_month, as_of, rubric_id and run_id are filled from the month's manifest. The ledger
// and the fire history under OUT/_runs are kept as they are. Running it again converts only what is
// left; on an OUT of the current layout it does nothing.
func Migrate(ctx context.Context, cfg MigrateConfig, log *zap.Logger) ([]MigratedMonth, error) {
	if log == nil {
		log = zap.NewNop()
	}
	l := NewLayout(cfg.Out)
	if st, err := os.Stat(cfg.Out); err != nil {
		return nil, fmt.Errorf("migrate %s: %w", cfg.Out, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("migrate %s: not a directory", cfg.Out)
	}
	started := time.Now().UTC()
	id := NewRunID(started) + "-migrate"
	lock, err := AcquireLock(ctx, cfg.Out, LockHolder{PID: os.Getpid(), RunID: id, Started: started, Host: hostname()}, cfg.WaitForLock, log)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	rolled, removed, err := RecoverStaging(l, log)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if len(rolled) > 0 || len(removed) > 0 {
		log.Info("removed leftovers of an earlier run", zap.Strings("rolled_forward", rolled), zap.Strings("paths", removed))
	}
	folders, err := l.OldLayoutFolders()
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if len(folders) == 0 {
		log.Info("nothing to migrate: no old-layout month folder", zap.String("out", cfg.Out))
		return nil, nil
	}
	db, err := duck.Open(ctx, "", duck.Settings{MemoryLimit: cfg.MemoryLimit, Threads: cfg.Threads, TempDir: l.TempDir(id)}, log)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer os.RemoveAll(l.TempDir(id))
	defer db.Close()
	var done []MigratedMonth
	for i, name := range folders {
		if err := ctx.Err(); err != nil {
			return done, fmt.Errorf("%w: migrate: %w", ErrCanceled, err)
		}
		mm, err := migrateMonth(ctx, db, l, name, fmt.Sprintf("%s-%d", id, i), log)
		if err != nil {
			return done, fmt.Errorf("migrate %s: %w", filepath.Join(cfg.Out, name), err)
		}
		log.Info("month migrated", zap.String("month", mm.Month.String()), zap.String("month_run_id", mm.RunID),
			zap.Strings("tables", mm.Tables), zap.Bool("already_converted", mm.AlreadyConverted))
		done = append(done, mm)
	}
	return done, nil
}

// migrateMonth converts one old-layout folder OUT/<name>.
func migrateMonth(ctx context.Context, db *duck.DB, l Layout, name, stagingID string, log *zap.Logger) (MigratedMonth, error) {
	var mm MigratedMonth
	month, err := ParseMonth(strings.TrimPrefix(name, SnapshotPrefix))
	if err != nil {
		return mm, fmt.Errorf("folder name: %w; move the folder out of OUT", err)
	}
	mm.Month = month
	oldDir := filepath.Join(l.Root, name)
	old, err := ReadManifestFile(filepath.Join(oldDir, LegacyManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return mm, fmt.Errorf("no %s: this folder was never published; move it out of OUT and run migrate again", LegacyManifestFile)
	}
	if err != nil {
		return mm, err
	}
	if old.SnapshotMonth != "" && old.SnapshotMonth != month.String() {
		return mm, fmt.Errorf("%s says snapshot_month %s, the folder %s", LegacyManifestFile, old.SnapshotMonth, month)
	}
	mm.RunID = old.RunID

	// An earlier migration that stopped after publishing the month: only the old folder is left.
	if cur, err := l.ReadManifest(month); err == nil && cur.RunID == old.RunID {
		for _, o := range cur.Outputs {
			mm.Tables = append(mm.Tables, o.Name)
		}
		mm.AlreadyConverted = true
		s, err := NewStaging(l, month, stagingID)
		if err != nil {
			return mm, err
		}
		if err := moveOut(oldDir, filepath.Join(s.Dir(), retiredPrefix+name)); err != nil {
			return mm, err
		}
		s.finished = true
		return mm, os.RemoveAll(s.Dir())
	}

	files, err := filepath.Glob(filepath.Join(oldDir, "*.parquet"))
	if err != nil {
		return mm, err
	}
	if len(files) == 0 {
		return mm, fmt.Errorf("no Parquet file beside %s", LegacyManifestFile)
	}
	s, err := NewStaging(l, month, stagingID)
	if err != nil {
		return mm, err
	}
	defer func() {
		if err := s.Discard(); err != nil {
			log.Error("remove staging folder", zap.Error(err))
		}
	}()
	m := old
	m.Outputs = nil
	for _, f := range files {
		table := strings.TrimSuffix(filepath.Base(f), ".parquet")
		if !isTableName(table) {
			return mm, fmt.Errorf("file %s: not a table name", f)
		}
		o, err := migrateTable(ctx, db, l, f, table, stagingID, month, old)
		if err != nil {
			return mm, err
		}
		m.Outputs = append(m.Outputs, o)
		mm.Tables = append(mm.Tables, table)
	}
	m.Warnings = append(slices.Clone(old.Warnings), fmt.Sprintf("converted from the old layout (%s/) by refresh migrate at %s",
		name, time.Now().UTC().Format(time.RFC3339)))
	if err := s.publish(m, []string{name}, log); err != nil {
		return mm, err
	}
	return mm, nil
}

// migrateTable rewrites one old-layout file into the month's staging folder and checks it.
func migrateTable(ctx context.Context, db *duck.DB, l Layout, src, table, stagingID string, month Month, old Manifest) (OutputFile, error) {
	out := OutputFile{Name: table, Path: l.RelTableFile(table, month)}
	var want int64
	if o, ok := old.Output(table); ok {
		want = o.Rows
	} else {
		return out, fmt.Errorf("%s is not listed in %s", src, LegacyManifestFile)
	}
	cols, err := parquetColumns(ctx, db, src)
	if err != nil {
		return out, fmt.Errorf("read %s: %w", src, err)
	}
	// Missing provenance columns come from the manifest, as parameters (the statement takes the
	// ones it references).
	values := map[string]string{"snapshot_month": "CAST($snapshot_month AS VARCHAR)", "as_of": "CAST($as_of AS DATE)",
		"rubric_id": "CAST($rubric_id AS VARCHAR)", "run_id": "CAST($run_id AS VARCHAR)"}
	var add []string
	for _, c := range provenanceColumns {
		if !slices.Contains(cols, c) {
			add = append(add, values[c]+" AS "+sqlfiles.QuoteIdent(c))
		}
	}
	extra := ""
	if len(add) > 0 {
		extra = ", " + strings.Join(add, ", ")
	}
	dest := l.StagedTableFile(stagingID, table)
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return out, err
	}
	q := sqlfiles.Render("migrate_table", map[string]string{"src": duck.QuotePath(src), "extra": extra, "dest": sqlfiles.QuoteLiteral(dest)})
	if !slices.Contains(cols, "as_of") && old.AsOf == "" {
		return out, fmt.Errorf("%s lacks as_of, which %s needs", LegacyManifestFile, src)
	}
	params := duck.Params{"snapshot_month": month.String(), "as_of": old.AsOf, "rubric_id": old.RubricID, "run_id": old.RunID}
	if err := db.QueryRow(ctx, "migrate_table", q, params).Scan(&out.Rows); err != nil { // COPY returns the rows written
		return out, fmt.Errorf("rewrite %s: %w", src, err)
	}
	if out.Rows != want {
		return out, fmt.Errorf("rewrite %s: %d rows written, the manifest says %d", src, out.Rows, want)
	}
	if err := VerifyParquet(dest, FileCheck{Rows: want}); err != nil {
		return out, err
	}
	st, err := os.Stat(dest)
	if err != nil {
		return out, err
	}
	out.Bytes = st.Size()
	return out, nil
}

// parquetColumns lists a Parquet file's column names.
func parquetColumns(ctx context.Context, db *duck.DB, path string) ([]string, error) {
	rows, err := db.Query(ctx, "migrate_columns", sqlfiles.Render("migrate_columns", map[string]string{"path": duck.QuotePath(path)}))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	return cols, rows.Err()
}
