package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"
)

// oldLayoutDemo is a 3-month backfill of the demo fixtures in the old layout.
const oldLayoutDemo = "../fixtures/testdata/old-layout-demo"

var demoTables = []string{TableAreaScores, TableMetricScores, TableRecommendations, TableRejects}

// copyTree copies src into a new temporary folder and returns it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// hashTree returns relative path -> sha256 of every file under dir except the lock.
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	h := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == LockFile {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(b)
		h[rel] = hex.EncodeToString(sum[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// checkMigrated asserts that out holds the three demo months in the current layout with the rows,
// run ids and bookkeeping of the old-layout fixture.
func checkMigrated(t *testing.T, out string) {
	t.Helper()
	l := NewLayout(out)
	if old, err := l.OldLayoutFolders(); err != nil || len(old) != 0 {
		t.Errorf("old-layout folders left: %v %v", old, err)
	}
	if err := l.CheckCurrent(); err != nil {
		t.Error(err)
	}
	months, err := l.PublishedMonths()
	if err != nil || len(months) != 3 || months[0].String() != "2026-08" || months[2].String() != "2026-10" {
		t.Fatalf("published months %v, %v", months, err)
	}
	for _, f := range []string{"_runs/ledger.jsonl", "_runs/fires.json"} {
		a, _ := os.ReadFile(filepath.Join(oldLayoutDemo, f))
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s changed by the migration (%v)", f, err)
		}
	}
	if left := strayEntries(t, out); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, m := range months {
		oldDir := filepath.Join(oldLayoutDemo, SnapshotDirName(m))
		old, err := ReadManifestFile(filepath.Join(oldDir, LegacyManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		cur, err := l.ReadManifest(m)
		if err != nil {
			t.Fatal(err)
		}
		if cur.RunID != old.RunID || cur.AsOf != old.AsOf || cur.RubricSHA256 != old.RubricSHA256 || len(cur.Inputs) != len(old.Inputs) {
			t.Errorf("%s: manifest %+v does not keep the old one's provenance", m, cur)
		}
		if !strings.Contains(strings.Join(cur.Warnings, "\n"), "converted from the old layout") {
			t.Errorf("%s: manifest warnings %q do not say it was converted", m, cur.Warnings)
		}
		for _, table := range demoTables {
			o, ok := cur.Output(table)
			oldOut, _ := old.Output(table)
			if !ok || o.Path != l.RelTableFile(table, m) || o.Rows != oldOut.Rows {
				t.Errorf("%s %s: manifest output %+v, old %+v", m, table, o, oldOut)
			}
			if err := VerifyParquet(l.TableFile(table, m), FileCheck{Rows: o.Rows}); err != nil {
				t.Error(err)
			}
			// Every old column keeps its values (EXCEPT ALL both ways, on the old file's columns).
			src := filepath.Join(oldDir, table+".parquet")
			rows, err := db.Query("SELECT * FROM read_parquet(?) LIMIT 0", src)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			rows.Close()
			list := `"` + strings.Join(cols, `", "`) + `"`
			var diff int64
			q := "SELECT (SELECT count(*) FROM (SELECT " + list + " FROM read_parquet($1) EXCEPT ALL SELECT " + list + " FROM read_parquet($2)))" +
				" + (SELECT count(*) FROM (SELECT " + list + " FROM read_parquet($2) EXCEPT ALL SELECT " + list + " FROM read_parquet($1)))"
			if err := db.QueryRow(q, src, l.TableFile(table, m)).Scan(&diff); err != nil {
				t.Fatal(err)
			}
			if diff != 0 {
				t.Errorf("%s %s: %d rows differ from the old file", m, table, diff)
			}
			// Provenance columns the old file lacked come from its manifest.
			var runIDs, asOfs, rubrics, months int64
			var runID, asOf, rubric, month string
			if err := db.QueryRow(`SELECT count(DISTINCT run_id), count(DISTINCT as_of), count(DISTINCT rubric_id), count(DISTINCT snapshot_month),
				coalesce(min(run_id), ''), coalesce(CAST(min(as_of) AS VARCHAR), ''), coalesce(min(rubric_id), ''), coalesce(min(snapshot_month), '')
				FROM read_parquet(?)`, l.TableFile(table, m)).Scan(&runIDs, &asOfs, &rubrics, &months, &runID, &asOf, &rubric, &month); err != nil {
				t.Fatalf("%s %s: provenance columns: %v", m, table, err)
			}
			if o.Rows > 0 && (runIDs != 1 || asOfs != 1 || rubrics != 1 || months != 1 ||
				runID != old.RunID || asOf != old.AsOf || rubric != old.RubricID || month != m.String()) {
				t.Errorf("%s %s: provenance %s %s %s %s, want %s %s %s %s", m, table, runID, asOf, rubric, month, old.RunID, old.AsOf, old.RubricID, m)
			}
		}
	}
}

// strayEntries lists staging content and anything in a table tree but snapshot_month=*/part-0.parquet.
func strayEntries(t *testing.T, out string) []string {
	t.Helper()
	l := NewLayout(out)
	var left []string
	staged, _ := os.ReadDir(l.StagingRoot())
	for _, e := range staged {
		left = append(left, "_staging/"+e.Name())
	}
	tables, err := l.Tables()
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		files, _ := filepath.Glob(filepath.Join(l.TableDir(table), "*", "*"))
		for _, f := range files {
			if filepath.Base(f) != PartFile || !strings.HasPrefix(filepath.Base(filepath.Dir(f)), SnapshotPrefix) {
				left = append(left, f)
			}
		}
	}
	return left
}

func TestMigrate_OldLayoutDemo(t *testing.T) {
	out := copyTree(t, oldLayoutDemo)
	if err := NewLayout(out).CheckCurrent(); !errors.Is(err, ErrOldLayout) {
		t.Fatalf("the fixture is not detected as the old layout: %v", err)
	}
	done, err := Migrate(context.Background(), MigrateConfig{Out: out}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 3 || done[0].Month.String() != "2026-08" || !slices.Equal(done[2].Tables, demoTables) || done[1].AlreadyConverted {
		t.Errorf("migrated %+v", done)
	}
	checkMigrated(t, out)

	// Idempotent: a second migration converts nothing and changes nothing.
	before := hashTree(t, out)
	done, err = Migrate(context.Background(), MigrateConfig{Out: out}, zap.NewNop())
	if err != nil || len(done) != 0 {
		t.Errorf("second migration: %+v, %v", done, err)
	}
	after := hashTree(t, out)
	if len(before) != len(after) {
		t.Errorf("second migration changed the files: %d -> %d", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("second migration changed %s", k)
		}
	}

	// An old folder of a month already converted (same run) is only removed.
	restored := copyTree(t, filepath.Join(oldLayoutDemo, "snapshot_month=2026-10"))
	if err := os.Rename(restored, filepath.Join(out, "snapshot_month=2026-10")); err != nil {
		t.Fatal(err)
	}
	done, err = Migrate(context.Background(), MigrateConfig{Out: out}, zap.NewNop())
	if err != nil || len(done) != 1 || !done[0].AlreadyConverted {
		t.Errorf("migration of a converted month: %+v, %v", done, err)
	}
	checkMigrated(t, out)
}

// A migration that dies in the middle of a month (here after the second month's metric_scores
// swap) is rolled forward by the next migration, which then converts the rest.
func TestMigrate_CrashRollsForward(t *testing.T) {
	for _, step := range []string{"journal", "swap:" + TableMetricScores, "manifest"} {
		t.Run(step, func(t *testing.T) {
			out := copyTree(t, oldLayoutDemo)
			orig := pausePoint
			t.Cleanup(func() { pausePoint = orig })
			seen := 0
			pausePoint = func(s string, _ *zap.Logger) {
				if s == step {
					if seen++; seen == 2 {
						panic(errCrash)
					}
				}
			}
			func() {
				defer func() {
					if r := recover(); r != errCrash {
						t.Fatalf("migration did not stop at %s: %v", step, r)
					}
				}()
				_, _ = Migrate(context.Background(), MigrateConfig{Out: out}, zap.NewNop())
			}()
			pausePoint = func(string, *zap.Logger) {}
			l := NewLayout(out)
			if old, _ := l.OldLayoutFolders(); len(old) != 2 {
				t.Errorf("after the crash old folders %v, want 2026-09 and 2026-10", old)
			}
			if p, _ := l.PendingPublications(); len(p) != 1 || p[0].Journal.Month != "2026-09" {
				t.Errorf("pending publications %+v, want 2026-09", p)
			}
			done, err := Migrate(context.Background(), MigrateConfig{Out: out}, zap.NewNop())
			if err != nil {
				t.Fatal(err)
			}
			if len(done) != 1 || done[0].Month.String() != "2026-10" {
				t.Errorf("second migration converted %+v, want 2026-10 (2026-09 rolled forward)", done)
			}
			checkMigrated(t, out)
		})
	}
}

func TestMigrate_RefusesUnpublishedFolder(t *testing.T) {
	out := t.TempDir()
	writeFiles(t, out, map[string]string{"snapshot_month=2026-11/area_scores.parquet": "x"})
	_, err := Migrate(context.Background(), MigrateConfig{Out: out}, zap.NewNop())
	want := "migrate " + filepath.Join(out, "snapshot_month=2026-11") + ": no _manifest.json: this folder was never published; move it out of OUT and run migrate again"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if _, err := Migrate(context.Background(), MigrateConfig{Out: filepath.Join(out, "missing")}, nil); err == nil {
		t.Errorf("missing OUT accepted")
	}
}
