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

// demoCopy copies the demo fixtures and returns the copy and a function that appends a line to
// one of its files.
func demoCopy(t *testing.T) (string, func(rel, line string)) {
	t.Helper()
	in := t.TempDir()
	copyTree(t, filepath.Join("..", "fixtures", "demo"), in)
	return in, func(rel, line string) {
		f, err := os.OpenFile(filepath.Join(in, rel), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(line + "\n"); err != nil {
			t.Fatal(err)
		}
	}
}

// runRejects runs 2026-10 on in, tolerating any reject rate, and returns the published rejects as
// (table, file, row, reason), in table and row order.
func runRejects(t *testing.T, in string) [][4]any {
	t.Helper()
	m, _ := pipeline.ParseMonth("2026-10")
	out := t.TempDir()
	_, err := pipeline.NewRunner(stages.All(), zap.NewNop()).RunMonth(context.Background(),
		pipeline.Config{Month: m, Input: in, Out: out, MaxRejectRate: pipeline.Share(1)})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := sql.Open("duckdb", "")
	defer db.Close()
	rows, err := db.Query("SELECT table_name, file, row_number, reason FROM read_parquet(?) ORDER BY table_name, row_number",
		pipeline.NewLayout(out).TableFile(pipeline.TableRejects, m))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][4]any
	for rows.Next() {
		var table, file, reason string
		var row int64
		if err := rows.Scan(&table, &file, &row, &reason); err != nil {
			t.Fatal(err)
		}
		got = append(got, [4]any{table, file, row, reason})
	}
	return got
}

// sameRejects compares rejects with the ones wanted, in order.
func sameRejects(t *testing.T, got, want [][4]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rejects %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("reject %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestKeyedUsageDuplicates: a repeated (tenant, month, workload) row of m365_usage and of
// bizapps_usage is rejected as a duplicate naming the first row; the first row is kept.
func TestKeyedUsageDuplicates(t *testing.T) {
	in, appendLine := demoCopy(t)
	// part-1.csv has 6 data rows; its row 6 is T11G Teams 2026-10. bizapps_usage.csv has 23; row 23
	// is T05B Power Apps 2026-10.
	appendLine("m365_usage/part-1.csv", "T11G,2026-10,Teams,1,1")
	appendLine("bizapps_usage/bizapps_usage.csv", "T05B,2026-10,Power Apps,1,1")
	sameRejects(t, runRejects(t, in), [][4]any{
		{"bizapps_usage", "bizapps_usage.csv", int64(24), "duplicate key: first seen in bizapps_usage.csv row 23"},
		{"m365_usage", "part-1.csv", int64(7), "duplicate key: first seen in part-1.csv row 6"},
	})
}

// TestSmallTableKeys: in each small table with a key, a row that repeats the first row's key (with
// other values in the columns outside the key, or the whole row where every column is in it) is
// rejected as a duplicate naming the first row, and rows that differ from the first in exactly one
// key column are kept: each column of the contract's key takes part in it, and a key with empty
// values (an association's workload and end date) repeats like any other.
func TestSmallTableKeys(t *testing.T) {
	in, appendLine := demoCopy(t)
	// partners.csv: 14 data rows, row 1 P01,Contoso Data,US.
	appendLine("partners/partners.csv", "P01,Another Name,FR")
	// tenants.csv: 38 data rows (T00Z, the history tenant, is the 38th), row 1 T01A,enterprise,public.
	appendLine("tenants/tenants.csv", "T01A,smb,sovereign")
	// associations.csv: 40 data rows, row 1 P01,T01A,CSP_T1,,2024-01-01, (no workload, no end);
	// rows 42 to 47 each change one of the six key columns.
	for _, l := range []string{"P01,T01A,CSP_T1,,2024-01-01,", "P02,T01A,CSP_T1,,2024-01-01,", "P01,T01B,CSP_T1,,2024-01-01,",
		"P01,T01A,DPOR,,2024-01-01,", "P01,T01A,CSP_T1,Teams,2024-01-01,", "P01,T01A,CSP_T1,,2024-02-01,",
		"P01,T01A,CSP_T1,,2024-01-01,2026-12-31"} {
		appendLine("associations/associations.csv", l)
	}
	// certifications.csv: 75 data rows, row 1 P01,p01-01,AZ-104,2026-01-15, (expires_on is not in
	// the key); rows 77 to 80 each change one of the four key columns.
	for _, l := range []string{"P01,p01-01,AZ-104,2026-01-15,2028-01-15", "P02,p01-01,AZ-104,2026-01-15,",
		"P01,p01-99,AZ-104,2026-01-15,", "P01,p01-01,AZ-305,2026-01-15,", "P01,p01-01,AZ-104,2026-02-15,"} {
		appendLine("certifications/certifications.csv", l)
	}
	// enrollments.csv: 3 data rows, row 1 P10,data_ai,2025-12-01, (ended_on is not in the key);
	// rows 5 to 7 each change one of the three key columns.
	for _, l := range []string{"P10,data_ai,2025-12-01,2026-06-30", "P11,data_ai,2025-12-01,",
		"P10,security,2025-12-01,", "P10,data_ai,2025-11-01,"} {
		appendLine("enrollments/enrollments.csv", l)
	}
	sameRejects(t, runRejects(t, in), [][4]any{
		{"associations", "associations.csv", int64(41), "duplicate key: first seen in associations.csv row 1"},
		{"certifications", "certifications.csv", int64(76), "duplicate key: first seen in certifications.csv row 1"},
		{"enrollments", "enrollments.csv", int64(4), "duplicate key: first seen in enrollments.csv row 1"},
		{"partners", "partners.csv", int64(15), "duplicate key: first seen in partners.csv row 1"},
		{"tenants", "tenants.csv", int64(39), "duplicate key: first seen in tenants.csv row 1"},
	})
}
