package duck

import (
	"context"
	"strings"
	"testing"
)

// operatorTypes lists the OPERATOR_TYPE of every node under op, depth first.
func operatorTypes(op Operator) []string {
	var out []string
	for _, c := range op.Children {
		out = append(out, c.Metrics["OPERATOR_TYPE"])
		out = append(out, operatorTypes(c)...)
	}
	return out
}

// TestProfileEveryStatement: with Settings.Profile, each statement of an Exec text and a QueryRow
// hands over its own profile (label, first line, operator tree with the operators DuckDB ran),
// a query's once its rows are closed, and a SET, which DuckDB keeps no plan for, does not repeat the previous statement's profile.
func TestProfileEveryStatement(t *testing.T) {
	var got []Profile
	db := openTest(t, Settings{Profile: func(p Profile) { got = append(got, p) }})
	ctx := context.Background()
	boot := len(got) // the settings of Open
	err := db.Exec(ctx, "build", "CREATE TABLE t AS SELECT range % 7 AS k, range AS v FROM range(100000);\n"+
		"CREATE TABLE u AS SELECT k, sum(v) AS s FROM t GROUP BY k")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, "setting", "SET threads = 1"); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.QueryRow(ctx, "count", "SELECT count(*) FROM u WHERE s > $min", Params{"min": 0}).Scan(&n); err != nil || n != 7 {
		t.Fatalf("count = %d, %v; want 7", n, err)
	}
	rows, err := db.Query(ctx, "rows", "SELECT k FROM u ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
	}
	rows.Close()
	db.Close() // the last query's profile is handed over at the latest here
	got = got[boot:]
	var labels []string
	for _, p := range got {
		labels = append(labels, p.Statement)
	}
	if strings.Join(labels, " ") != "build#1 build#2 count rows" {
		t.Fatalf("profiles of %q, want build#1 build#2 count rows", labels)
	}
	if got[1].Text != "CREATE TABLE u AS SELECT k, sum(v) AS s FROM t GROUP BY k" {
		t.Errorf("text %q", got[1].Text)
	}
	if q := got[1].Root.Metrics["QUERY_NAME"]; !strings.HasPrefix(q, "CREATE TABLE u") {
		t.Errorf("root QUERY_NAME %q, want the statement", q)
	}
	types := strings.Join(operatorTypes(got[1].Root), " ")
	for _, want := range []string{"TABLE_SCAN", "GROUP_BY"} {
		if !strings.Contains(types, want) {
			t.Errorf("operators of build#2 %q lack %s", types, want)
		}
	}
	if types := strings.Join(operatorTypes(got[2].Root), " "); !strings.Contains(types, "UNGROUPED_AGGREGATE") {
		t.Errorf("operators of count %q lack UNGROUPED_AGGREGATE", types)
	}
	if types := strings.Join(operatorTypes(got[3].Root), " "); !strings.Contains(types, "ORDER_BY") {
		t.Errorf("operators of rows %q lack ORDER_BY", types)
	}

}
