package stages_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

// copyTree copies the demo fixtures so a test (or a fuzz target) can change them.
func copyTree(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestKeyedUsageDuplicates: a repeated (tenant, month, workload) row of m365_usage and of
// bizapps_usage is rejected as a duplicate naming the first row; the first row is kept.
func TestKeyedUsageDuplicates(t *testing.T) {
	in := t.TempDir()
	copyTree(t, filepath.Join("..", "fixtures", "demo"), in)
	appendLine := func(rel, line string) {
		f, err := os.OpenFile(filepath.Join(in, rel), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(line + "\n"); err != nil {
			t.Fatal(err)
		}
	}
	// part-1.csv has 6 data rows; its row 6 is T11G Teams 2026-10. bizapps_usage.csv has 23; row 23
	// is T05B Power Apps 2026-10.
	appendLine("m365_usage/part-1.csv", "T11G,2026-10,Teams,1,1")
	appendLine("bizapps_usage/bizapps_usage.csv", "T05B,2026-10,Power Apps,1,1")
	m, _ := pipeline.ParseMonth("2026-10")
	out := t.TempDir()
	_, err := pipeline.NewRunner(stages.All(), zap.NewNop()).RunMonth(context.Background(),
		pipeline.Config{Month: m, Input: in, Out: out, MaxRejectRate: pipeline.Share(1)})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := sql.Open("duckdb", "")
	defer db.Close()
	rows, err := db.Query("SELECT table_name, file, row_number, reason FROM read_parquet(?) ORDER BY table_name",
		pipeline.NewLayout(out).TableFile(pipeline.TableRejects, m))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := [][4]any{
		{"bizapps_usage", "bizapps_usage.csv", int64(24), "duplicate key: first seen in bizapps_usage.csv row 23"},
		{"m365_usage", "part-1.csv", int64(7), "duplicate key: first seen in part-1.csv row 6"},
	}
	var got [][4]any
	for rows.Next() {
		var table, file, reason string
		var row int64
		if err := rows.Scan(&table, &file, &row, &reason); err != nil {
			t.Fatal(err)
		}
		got = append(got, [4]any{table, file, row, reason})
	}
	if len(got) != len(want) {
		t.Fatalf("rejects %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("reject %d = %v, want %v", i, got[i], want[i])
		}
	}
}
