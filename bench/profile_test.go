package bench

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
)

// TestProfilerRecordsEveryStatement: a database profiled into a Profiler leaves one JSON file per
// statement, numbered in the order they ran and named by the statement's label, each holding the
// statement and its plan; Top ranks the operators of all of them by time.
func TestProfilerRecordsEveryStatement(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	p, err := NewProfiler(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := duck.Open(ctx, "", duck.Settings{Threads: 1, MemoryLimit: "256MB", Profile: p.Record}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before := p.Statements() // Open's settings
	if err := db.Exec(ctx, "build t", "CREATE TABLE t AS SELECT range % 7 AS k, range AS v FROM range(200000);\n"+
		"CREATE TABLE u AS SELECT k, sum(v) AS s FROM t GROUP BY k"); err != nil {
		t.Fatal(err)
	}
	if got := p.Statements() - before; got != 2 {
		t.Fatalf("%d statements profiled, want 2", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	last := files[len(files)-1]
	if want := "-build_t_2.json"; !strings.HasSuffix(last, want) {
		t.Errorf("last file %s, want a name ending in %s", last, want)
	}
	b, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	var got duck.Profile
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", last, err)
	}
	if got.Statement != "build t#2" || got.Text != "CREATE TABLE u AS SELECT k, sum(v) AS s FROM t GROUP BY k" || len(got.Root.Children) == 0 {
		t.Errorf("profile file holds %+v", got)
	}
	top := p.Top(100)
	for i := 1; i < len(top); i++ {
		if top[i].Seconds > top[i-1].Seconds {
			t.Fatalf("Top not ordered by time: %+v", top)
		}
	}
	// The group by of u reads 200000 rows and yields 7.
	found := false
	for _, op := range top {
		if op.Statement == "build t#2" && strings.Contains(op.Operator, "GROUP_BY") {
			found = op.Rows == 7
		}
	}
	if !found {
		t.Errorf("no grouping of 7 rows in build t#2 among %+v", top)
	}
	if err := p.Err(); err != nil {
		t.Error(err)
	}
}

// TestNewProfilerRefusesUsedFolder: profiles of two runs never mix in one folder.
func TestNewProfilerRefusesUsedFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "00001-old.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := NewProfiler(dir)
	if err == nil || !strings.Contains(err.Error(), "is not empty (1 entries); give a new or empty folder") {
		t.Fatalf("err = %v", err)
	}
}

// TestDetail: what the top list shows of an operator's extra info, as DuckDB formats it.
func TestDetail(t *testing.T) {
	for _, tc := range []struct{ info, want string }{
		{"{Table=memory.main.t, Type=Sequential Scan, Projections=k\nv, __estimated_cardinality__=1000000}", "table memory.main.t"},
		{"{Function=READ_CSV, Projections=c1}", "function READ_CSV"},
		{"{Groups=#0\n#1, Aggregates='sum(#2)'}", "groups #0 #1"},
		{"{__order_by__=memory.main.t.k ASC}", "order by memory.main.t.k ASC"},
		{"{Join Type=INNER, Conditions='partner_key = partner_key\nsolution_area = solution_area'}", "on partner_key = partner_key solution_area = solution_area"},
		{"{Aggregates='count_star()'}", ""},
		{"{}", ""},
		{"{Table=" + strings.Repeat("x", 80) + "}", "table " + strings.Repeat("x", 57) + "..."},
	} {
		if got := detail(tc.info); got != tc.want {
			t.Errorf("detail(%q) = %q, want %q", tc.info, got, tc.want)
		}
	}
}
