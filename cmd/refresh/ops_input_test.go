package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

// findTable returns the report of table in v.
func findTable(t *testing.T, v stages.Validation, table string) stages.TableCheck {
	t.Helper()
	for _, tc := range v.Tables {
		if tc.Table == table {
			return tc
		}
	}
	t.Fatalf("validate report has no table %s", table)
	return stages.TableCheck{}
}

// TestValidateCommand: refresh validate reports every table (also after one fails), exits 0, 6 or
// 7 as a run would, and writes the rejected rows for the supplier; it publishes nothing.
func TestValidateCommand(t *testing.T) {
	t.Run("Demo", func(t *testing.T) {
		code, stdout, stderr := runRefresh(t, "validate", "--input", absPath(t, demoInput), "--month", "2026-10", "--json")
		var v stages.Validation
		if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != 0 {
			t.Fatalf("validate demo: exit %d, %v\n%s%s", code, err, stdout, stderr)
		}
		if v.Outcome != "ok" || len(v.Tables) != len(stages.InputTables()) || v.Window != "2024-11..2026-10" {
			t.Errorf("report %+v", v)
		}
		// fixtures/demo/README.md: azure_consumption 51 rows, 2 out of window, plus T00Z's 24 history rows.
		az := findTable(t, v, "azure_consumption")
		if az.Read != 75 || az.Accepted != 73 || az.OutOfWindow != 2 || az.Rejected != 0 || !az.RowsAddUp || len(az.Files) != 3 ||
			len(az.MonthsFound) != 24 || az.Ready == nil || !*az.Ready {
			t.Errorf("azure_consumption %+v", az)
		}
		if p := findTable(t, v, "partners"); p.Read != 14 || p.Ready != nil {
			t.Errorf("partners %+v", p)
		}
		code, stdout, _ = runRefresh(t, "validate", "--input", absPath(t, demoInput), "--month", "2026-10")
		if code != 0 || !strings.Contains(stdout, "ok: a run of 2026-10 on this input gets past ingest and readiness") {
			t.Errorf("text report: exit %d\n%s", code, stdout)
		}
	})

	t.Run("NotReady", func(t *testing.T) {
		code, stdout, stderr := runRefresh(t, "validate", "--input", absPath(t, demoInput), "--month", "2026-12")
		if code != exitSourceMissing || !strings.Contains(stdout, "not ready (a run exits 6): source data not ready: azure_consumption has no rows for 2026-12") {
			t.Errorf("validate 2026-12: exit %d\n%s%s", code, stdout, stderr)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		// tenants: one row with an unknown segment, 1 of 39 rows = 2.56% > 0.1%; azure_consumption:
		// history.csv lacks the required column acr_usd.
		in := copyDemo(t, func(dir string) {
			f, err := os.OpenFile(filepath.Join(dir, "tenants", "tenants.csv"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("T99X,mid,public\n")
			f.Close()
			writeTestFile(t, dir, "azure_consumption/history.csv", "tenant_id,month,service,offer\nT00Z,2026-10,Azure Storage,Enterprise Agreement\n")
		})
		rejects := filepath.Join(t.TempDir(), "rejects.csv")
		out := t.TempDir()
		code, stdout, stderr := runRefresh(t, "validate", "--input", in, "--month", "2026-10", "--json", "--rejects", rejects)
		var v stages.Validation
		if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != exitBadInput {
			t.Fatalf("validate bad input: exit %d, %v\n%s%s", code, err, stdout, stderr)
		}
		ten := findTable(t, v, "tenants")
		if ten.Read != 39 || ten.Rejected != 1 || !strings.Contains(ten.Problem, "1 of 39 rows rejected (2.5641%), over the reject rate limit 0.1000%") ||
			len(ten.TopReasons) != 1 || ten.TopReasons[0].Rows != 1 {
			t.Errorf("tenants %+v", ten)
		}
		az := findTable(t, v, "azure_consumption")
		if !strings.Contains(az.Problem, `missing required column "acr_usd"`) || !strings.Contains(az.Problem, "history.csv") {
			t.Errorf("azure_consumption %+v", az)
		}
		// The tables after them are still checked: m365_usage read its 43 rows against the tenants
		// that were accepted. T99X is data row 39 of tenants.csv (37 hand-checked rows, T00Z, T99X).
		if m := findTable(t, v, "m365_usage"); m.Read != 43 || m.Problem != "" {
			t.Errorf("m365_usage %+v", m)
		}
		if v.Outcome != "bad_input" {
			t.Errorf("outcome %s", v.Outcome)
		}
		f, err := os.Open(rejects)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(rows) != 2 || !slices.Equal(rows[0], []string{"table_name", "file", "row_number", "reason", "raw"}) ||
			rows[1][0] != "tenants" || rows[1][1] != "tenants.csv" || rows[1][2] != "39" || !strings.Contains(rows[1][3], "segment") ||
			!strings.Contains(rows[1][4], "T99X") {
			t.Errorf("rejects file: %v %q", err, rows)
		}
		// A run on the same input stops with the same status.
		if code, _, _ := runRefresh(t, runArgs("2026-10", in, out)...); code != exitBadInput {
			t.Errorf("run on the bad input: exit %d, want %d", code, exitBadInput)
		}
		code, stdout, _ = runRefresh(t, "validate", "--input", in, "--month", "2026-10")
		if code != exitBadInput || !strings.Contains(stdout, "bad input (a run exits 7)") || !strings.Contains(stdout, "tenants:\n  problem:") {
			t.Errorf("text report: exit %d\n%s", code, stdout)
		}
	})
}

// TestOptionalTables: a program without Business Applications declares bizapps_usage optional:
// validate and run accept the absent folder and readiness does not wait for it; without the
// declaration both stop with exit 7.
func TestOptionalTables(t *testing.T) {
	in := copyDemo(t, func(dir string) { os.RemoveAll(filepath.Join(dir, "bizapps_usage")) })
	out := t.TempDir()
	if code, _, stderr := runRefresh(t, "validate", "--input", in, "--month", "2026-10"); code != exitBadInput || !strings.Contains(stderr, "bizapps_usage") {
		t.Errorf("validate without the declaration: exit %d\n%s", code, stderr)
	}
	if code, _, _ := runRefresh(t, runArgs("2026-10", in, out)...); code != exitBadInput {
		t.Errorf("run without the declaration: exit %d", code)
	}
	code, stdout, stderr := runRefresh(t, "validate", "--input", in, "--month", "2026-10", "--optional-tables", "bizapps_usage")
	if code != 0 || !strings.Contains(stdout, "yes (optional)") {
		t.Errorf("validate with bizapps_usage optional: exit %d\n%s%s", code, stdout, stderr)
	}
	cfg := writeTestFile(t, t.TempDir(), "refresh.yaml", "optional_tables: bizapps_usage\n")
	mustPublish(t, "2026-10", in, out, "--config", cfg)
	m, _ := pipeline.ParseMonth("2026-10")
	man, err := pipeline.NewLayout(out).ReadManifest(m)
	if err != nil || !slices.Contains(man.Warnings, "input table bizapps_usage is absent; treated as empty") {
		t.Errorf("manifest warnings %v (%v)", man.Warnings, err)
	}
	// No Business Applications points without its usage: P04's 53.29 and P05's 49.5 of the demo
	// come from usage and skilling; with no usage, no partner qualifies there.
	code, stdout, _ = runRefresh(t, "query", "--out", out, "--format", "csv",
		"SELECT count(*) FILTER (WHERE qualified) FROM area_scores WHERE solution_area = 'business_applications'")
	if code != 0 || !strings.Contains(stdout, "\n0\n") {
		t.Errorf("business_applications qualified: %s", stdout)
	}
}

// TestDriftGuardQualifiedFloor: 2026-10 of the demo has 4 qualified partner-areas (P01 Data & AI,
// P02 Infrastructure, P06 Modern Work, P13 Digital & App Innovation); 2026-11, scored without
// usage for it, has 1: a move of 3, 75% of 4, over the 50% limit. The default floor (5) lets it
// pass; a floor of 3 compares it and stops the run (exit 3), a floor of 4 does not.
func TestDriftGuardQualifiedFloor(t *testing.T) {
	input, out := absPath(t, demoInput), t.TempDir()
	mustPublish(t, "2026-10", input, out)
	base := t.TempDir()
	if err := os.CopyFS(base, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runRefresh(t, runArgs("2026-11", input, out, "--skip-readiness", "--min-qualified-move", "3")...)
	if want := "qualified partner-areas moved 75% (4 in 2026-10, 1 now; limit 50%)"; code != exitChecksFailed || !strings.Contains(stderr, want) {
		t.Errorf("floor 3: exit %d, want %d and %q\n%s", code, exitChecksFailed, want, stderr)
	}
	mustPublish(t, "2026-11", input, out, "--skip-readiness", "--min-qualified-move", "4")
	mustPublish(t, "2026-11", input, base, "--skip-readiness")
}

// TestReadmeBackfill: the README's 12-month backfill of the demo fixtures runs with default flags
// (readiness finds every usage table in each month and the same month a year earlier) and leaves
// nothing that needs attention.
func TestReadmeBackfill(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runRefresh(t, "backfill", "--from", "2025-11", "--to", "2026-10", "--input", absPath(t, demoInput), "--out", out)
	if code != 0 || strings.Count(stdout, "\npublished ") != 12 {
		t.Fatalf("backfill: exit %d\n%s%s", code, stdout, stderr)
	}
	if n := strings.Count(stderr, `"backfill month"`) + strings.Count(stderr, "backfill month\t"); n != 12 {
		t.Errorf("%d month progress lines, want 12", n)
	}
	if code, stdout, _ := runRefresh(t, "status", "--out", out); code != 0 || !strings.Contains(stdout, "attention: nothing") {
		t.Errorf("status after the backfill: exit %d\n%s", code, stdout)
	}
}
