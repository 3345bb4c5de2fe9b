package duck

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"go.uber.org/zap"
)

func openTest(t *testing.T, s Settings) *DB {
	t.Helper()
	if s.Threads == 0 {
		s.Threads = 1
	}
	if s.MemoryLimit == "" {
		s.MemoryLimit = "256MB"
	}
	db, err := Open(context.Background(), "", s, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestCancelInterruptsQuery: cancelling the run's context stops a running DuckDB query, which is
// how SIGTERM stops a run. The query would take minutes; the error carries both the context's error
// (what the run reports) and DuckDB's interrupt, which only an interrupted query returns (a query
// that ran to its end would return its result, or a different error).
func TestCancelInterruptsQuery(t *testing.T) {
	db := openTest(t, Settings{TempDir: t.TempDir()})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	// About ten billion rows: minutes of work unless interrupted.
	err := db.Exec(ctx, "long", "SELECT count(*) FROM range(10000000000) a WHERE hash(a.range) % 7 = 3")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline error", err)
	}
	var de *duckdb.Error
	if !errors.As(err, &de) || de.Type != duckdb.ErrorTypeInterrupt {
		t.Errorf("got %v (DuckDB error %v), want DuckDB's interrupt in the chain", err, de)
	}
	if want := "long: context deadline exceeded"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestSettingsApplied(t *testing.T) {
	db := openTest(t, Settings{Threads: 1, MemoryLimit: "300MB"})
	var threads int64
	var mem, order string
	if err := db.QueryRow(context.Background(), "settings",
		"SELECT current_setting('threads'), current_setting('memory_limit'), current_setting('preserve_insertion_order')::VARCHAR").
		Scan(&threads, &mem, &order); err != nil {
		t.Fatal(err)
	}
	// 300MB = 300,000,000 bytes = 286.1 MiB.
	if threads != 1 || mem != "286.1 MiB" || order != "false" {
		t.Errorf("threads=%d memory_limit=%s preserve_insertion_order=%s, want 1, 286.1 MiB (300MB) and false", threads, mem, order)
	}
}

// TestParamsBinding: each statement of a text gets the values of the $names it references, a
// statement without parameters gets none, and a referenced name without a value fails naming it
// and the statement (duckdb-go alone would bind such a name by position).
func TestParamsBinding(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Settings{})
	p := Params{"a": 2, "b": "x", "unused": true}
	text := "CREATE TABLE t AS SELECT $a::INTEGER AS a, $b::VARCHAR AS b;\nINSERT INTO t VALUES (3, 'y');\nINSERT INTO t SELECT $a::INTEGER * 10, $b::VARCHAR || $b::VARCHAR"
	n, err := db.ExecCount(ctx, "fill", text, p)
	if err != nil {
		t.Fatal(err)
	}
	// The two INSERTs report one row each; CREATE TABLE AS reports none.
	if n != 2 {
		t.Errorf("rows affected %d, want 2", n)
	}
	var got string
	if err := db.QueryRow(ctx, "read", "SELECT string_agg(a || b, ',' ORDER BY a) FROM t").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "2x,3y,20xx" {
		t.Errorf("rows %s, want 2x,3y,20xx", got)
	}
	err = db.Exec(ctx, "missing", "SELECT 1;\nSELECT $a, $c", Params{"a": 1})
	if !errors.Is(err, ErrParameter) || err.Error() != "missing, statement 2 (SELECT $a, $c): no value for parameter $c" {
		t.Errorf("got %v, want ErrParameter naming $c and statement 2", err)
	}
	// A sql.Named argument counts as a value; positional arguments pass as they are.
	if err := db.QueryRow(ctx, "named", "SELECT $a::INTEGER + $b::INTEGER", sql.Named("a", 4), Params{"b": 5}).Scan(&n); err != nil || n != 9 {
		t.Errorf("named: %d, %v; want 9", n, err)
	}
	if err := db.QueryRow(ctx, "positional", "SELECT ?::INTEGER * ?::INTEGER", 6, 7).Scan(&n); err != nil || n != 42 {
		t.Errorf("positional: %d, %v; want 42", n, err)
	}
}

// TestQueryRowNoRows: a query without a row says so, naming the statement.
func TestQueryRowNoRows(t *testing.T) {
	var n int64
	err := openTest(t, Settings{}).QueryRow(context.Background(), "empty", "SELECT 1 WHERE false").Scan(&n)
	if !errors.Is(err, sql.ErrNoRows) || !strings.HasPrefix(err.Error(), "empty: ") {
		t.Errorf("got %v, want sql.ErrNoRows after the label", err)
	}
}

// TestConnOwnsItsTempTables: a DB from Conn runs on its own connection: its TEMP table is not seen
// by another connection, while a table of the database is.
func TestConnOwnsItsTempTables(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Settings{Conns: 3})
	a, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.Exec(ctx, "a", "CREATE TEMP TABLE mine AS SELECT 1 AS x; CREATE TABLE shared AS SELECT 2 AS x"); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Count(ctx, "SELECT x FROM shared"); err != nil || n != 2 {
		t.Errorf("shared table from the other connection: %d, %v; want 2", n, err)
	}
	if _, err := b.Count(ctx, "SELECT x FROM mine"); err == nil || !strings.Contains(err.Error(), "mine") {
		t.Errorf("the other connection read the TEMP table: %v", err)
	}
}
