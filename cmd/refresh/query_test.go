package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

var updateAnalyst = flag.Bool("update", false, "rewrite the golden files: testdata/analyst/*.csv from the answers of docs/analyst.sql, testdata/explain/* from refresh explain")

// analystQuery is one worked query of docs/analyst.sql.
type analystQuery struct{ name, text string }

// readAnalystSQL splits docs/analyst.sql into its view statements and its named queries
// ("-- name: x" opens each query; a statement ends with ";" at the end of a line).
func readAnalystSQL(t *testing.T) (views []string, queries []analystQuery) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "analyst.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var cur []string
	name := ""
	for _, line := range strings.Split(string(b), "\n") {
		if n, ok := strings.CutPrefix(line, "-- name: "); ok {
			name = strings.TrimSpace(n)
		}
		if strings.HasPrefix(strings.TrimSpace(line), "--") || (len(cur) == 0 && strings.TrimSpace(line) == "") {
			continue
		}
		cur = append(cur, line)
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			st := strings.Join(cur, "\n")
			cur = nil
			if strings.HasPrefix(st, "CREATE OR REPLACE VIEW") {
				views = append(views, st)
				continue
			}
			if name == "" {
				t.Fatalf("docs/analyst.sql: statement without a `-- name:` line: %s", st)
			}
			queries = append(queries, analystQuery{name, strings.TrimSuffix(st, ";")})
			name = ""
		}
	}
	if len(cur) > 0 {
		t.Fatalf("docs/analyst.sql: statement without a final ';': %s", strings.Join(cur, "\n"))
	}
	return views, queries
}

var (
	analystOnce sync.Once
	analystDir  string
	analystErr  string
)

// analystBackfill publishes a 3-month backfill (2026-08..2026-10) of the demo fixtures, plus three
// rejected certification rows (--max-reject-rate 0.5), into <dir>/out with the refresh binary, once per test binary, and
// returns dir.
func analystBackfill(t *testing.T) string {
	t.Helper()
	refreshBinary(t)
	analystOnce.Do(func() {
		dir, err := os.MkdirTemp(e2eDir, "analyst-")
		if err != nil {
			analystErr = err.Error()
			return
		}
		in := filepath.Join(dir, "in")
		if err := os.CopyFS(in, os.DirFS(absPath(t, demoInput))); err != nil {
			analystErr = err.Error()
			return
		}
		// Three rows the contract rejects: a missing person_id, a date that is not a date, and an
		// unknown partner. They change no score (rejected rows are not read by the metrics).
		f, err := os.OpenFile(filepath.Join(in, "certifications", "certifications.csv"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			analystErr = err.Error()
			return
		}
		_, err = f.WriteString("P01,,AZ-104,2026-01-10,\nP01,X9,AZ-104,last spring,\nP99,X1,AZ-104,2026-01-10,\n")
		f.Close()
		if err != nil {
			analystErr = err.Error()
			return
		}
		code, _, stderr := runRefresh(t, "backfill", "--from", "2026-08", "--to", "2026-10", "--input", in,
			"--out", filepath.Join(dir, "out"), "--max-reject-rate", "0.5",
			// The demo's usage starts in 2025-10, so S-12 of 2026-08 has not landed: score anyway.
			"--skip-readiness", "--accept-drift")
		if code != 0 {
			analystErr = "refresh backfill: exit " + strconv.Itoa(code) + "\n" + stderr
			return
		}
		analystDir = dir
	})
	if analystErr != "" {
		t.Fatal(analystErr)
	}
	return analystDir
}

// TestAnalystSQL runs every query of docs/analyst.sql with `refresh query` on a 3-month backfill of
// the demo fixtures and compares each answer with testdata/analyst/<name>.csv (rewrite with
// go test ./cmd/refresh -run TestAnalystSQL -update), then checks the answers against the
// published files read directly, without the views.
func TestAnalystSQL(t *testing.T) {
	views, queries := readAnalystSQL(t)
	if want := viewStatements("out"); !slices.Equal(views, want) {
		t.Errorf("the views of docs/analyst.sql differ from those of `refresh query`:\n got  %q\n want %q", views, want)
	}
	if len(queries) < 4 {
		t.Fatalf("docs/analyst.sql has %d queries, want at least 4", len(queries))
	}
	dir := analystBackfill(t)
	out := filepath.Join(dir, "out")
	answers := map[string][][]string{}
	for _, q := range queries {
		code, stdout, stderr := runRefresh(t, "query", "--out", out, "--format", "csv", q.text)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", q.name, code, stderr)
			continue
		}
		golden := filepath.Join("testdata", "analyst", q.name+".csv")
		if *updateAnalyst {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
				t.Fatal(err)
			}
		} else if want, err := os.ReadFile(golden); err != nil {
			t.Errorf("%s: %v (run with -update to create it)", q.name, err)
		} else if string(want) != stdout {
			t.Errorf("%s: answer differs from %s:\n got:\n%s\n want:\n%s", q.name, golden, stdout, want)
		}
		recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		answers[q.name] = recs
	}

	// The same facts from the published files, read without the views.
	db := openDuck(t)
	file := func(table, month string) string {
		return sqlfiles.QuoteLiteral(pipeline.NewLayout(out).TableFile(table, mustMonth(t, month)))
	}
	months := []string{"2026-08", "2026-09", "2026-10"}
	if a := answers["qualified_per_area_and_month"]; a != nil {
		if len(a) != 1+3*6 {
			t.Errorf("qualified_per_area_and_month: %d rows, want a header and 3 months x 6 areas", len(a))
		}
		for _, m := range months {
			var want int
			if err := db.QueryRow("SELECT count(*) FROM read_parquet(" + file("area_scores", m) + ") WHERE qualified").Scan(&want); err != nil {
				t.Fatal(err)
			}
			got := 0
			for _, r := range a[1:] {
				if r[0] == m {
					n, _ := strconv.Atoi(r[2])
					got += n
				}
			}
			if got != want {
				t.Errorf("qualified_per_area_and_month %s: %d qualified in all areas, the file has %d", m, got, want)
			}
		}
	}
	if a := answers["qualification_gained_or_lost"]; a != nil {
		// Every change listed is a real change between the two files, and none is missed.
		for _, pair := range [][2]string{{"2026-08", "2026-09"}, {"2026-09", "2026-10"}} {
			var want int
			if err := db.QueryRow("SELECT count(*) FROM read_parquet(" + file("area_scores", pair[0]) + ") p JOIN read_parquet(" +
				file("area_scores", pair[1]) + ") c USING (partner_id, solution_area) WHERE p.qualified <> c.qualified").Scan(&want); err != nil {
				t.Fatal(err)
			}
			got := 0
			for _, r := range a[1:] {
				if r[0] == pair[1] {
					got++
				}
			}
			if got != want {
				t.Errorf("qualification_gained_or_lost %s: %d changes listed, the files have %d", pair[1], got, want)
			}
		}
	}
	if a := answers["top_reject_reasons"]; a != nil {
		// The three rows appended to certifications.csv: rows 2, 3 and 4 after the demo's data rows.
		got := map[string]string{}
		for _, r := range a[1:] {
			got[r[0]+" / "+r[1]] = r[2]
		}
		want := map[string]string{
			"certifications / missing required value": "1",
			"certifications / wrong type":             "1",
			"certifications / unknown partner":        "1",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("top_reject_reasons: %s = %q rows, want %s (answer %v)", k, got[k], v, a)
			}
		}
	}
	if a := answers["months_from_one_run"]; a != nil && len(a) != 1 {
		t.Errorf("months_from_one_run: %v, want no month whose tables come from several runs", a[1:])
	}
}

// TestQueryCommand: the output formats and the errors of `refresh query`.
func TestQueryCommand(t *testing.T) {
	out := filepath.Join(analystBackfill(t), "out")
	q := "SELECT partner_id, solution_area, total_points, as_of, qualified, partner_name FROM area_scores " +
		"WHERE snapshot_month = '2026-10' AND partner_id = 'P01' AND solution_area = 'data_ai'"

	t.Run("CSV", func(t *testing.T) {
		code, stdout, stderr := runRefresh(t, "query", "--out", out, "--format", "csv", q)
		// From fixtures/golden/demo-2026-10/area_scores.csv: P01 data_ai scores 88.00 on 2026-11-20.
		want := "partner_id,solution_area,total_points,as_of,qualified,partner_name\nP01,data_ai,88.00,2026-11-20,true,Contoso Data\n"
		if code != 0 || stdout != want {
			t.Errorf("exit %d, stdout %q, want %q; stderr %s", code, stdout, want, stderr)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		code, stdout, stderr := runRefresh(t, "query", "--out", out, "--format", "json", q)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
			t.Fatalf("%v in %s", err, stdout)
		}
		if len(rows) != 1 || rows[0]["total_points"] != 88.0 || rows[0]["as_of"] != "2026-11-20" || rows[0]["qualified"] != true {
			t.Errorf("rows %v", rows)
		}
		if !strings.Contains(stdout, `"total_points": 88.00`) {
			t.Errorf("decimals are not printed with their scale: %s", stdout)
		}
	})
	t.Run("Table", func(t *testing.T) {
		code, stdout, _ := runRefresh(t, "query", "--out", out, q)
		if code != 0 || !regexp.MustCompile(`(?m)^P01\s+data_ai\s+88\.00\s+2026-11-20\s+true\s+Contoso Data$`).MatchString(stdout) ||
			!strings.HasSuffix(stdout, "(1 rows)\n") {
			t.Errorf("exit %d, stdout:\n%s", code, stdout)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct {
			args     []string
			code     int
			contains string
		}{
			{[]string{"query", "--out", out}, exitUsage, "want one SQL statement"},
			{[]string{"query", "--out", out, "--format", "xml", "SELECT 1"}, exitUsage, `--format "xml"`},
			{[]string{"query", "SELECT 1"}, exitUsage, "--out is required"},
			{[]string{"query", "--out", out, "SELECT nope FROM area_scores"}, exitFailure, "nope"},
			{[]string{"query", "--out", t.TempDir(), "SELECT 1"}, exitFailure, "no published table found"},
		} {
			code, _, stderr := runRefresh(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.contains) {
				t.Errorf("refresh %q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.contains)
			}
		}
	})
}

func mustMonth(t *testing.T, s string) pipeline.Month {
	t.Helper()
	m, err := pipeline.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
