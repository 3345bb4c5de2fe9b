package duck

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"testing"
)

// TestAppend: rows appended from Go are in the table, with NULLs, text that looks like SQL kept as
// text, a DOUBLE that a later cast rounds like a bound parameter, and a cancelled context stops the
// append with context.Canceled.
func TestAppend(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Settings{})
	if err := db.Exec(ctx, "create", "CREATE TABLE t (k INTEGER, s VARCHAR, x DOUBLE)"); err != nil {
		t.Fatal(err)
	}
	rows := [][]driver.Value{
		{int32(1), "a'); DROP TABLE t; --", 4.005},
		{int32(2), nil, nil},
	}
	err := db.Append(ctx, "t", func(add func(...driver.Value) error) error {
		for _, r := range rows {
			if err := add(r...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	q, err := db.Query(ctx, "read", "SELECT k, coalesce(s, 'NULL'), coalesce(x::DECIMAL(5,2)::VARCHAR, 'NULL') FROM t ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	for q.Next() {
		var k, s, x string
		if err := q.Scan(&k, &s, &x); err != nil {
			t.Fatal(err)
		}
		got = append(got, k+"|"+s+"|"+x)
	}
	q.Close()
	// 4.005 has no exact double: the appended DOUBLE cast to DECIMAL(5,2) must round like the same
	// double bound as a parameter (how the rows went in before the appender).
	var bound string
	if err := db.QueryRow(ctx, "bound", "SELECT CAST($x AS DOUBLE)::DECIMAL(5,2)::VARCHAR", Params{"x": 4.005}).Scan(&bound); err != nil {
		t.Fatal(err)
	}
	want := "1|a'); DROP TABLE t; --|" + bound + ",2|NULL|NULL"
	if strings.Join(got, ",") != want {
		t.Errorf("table holds %q, want %q", strings.Join(got, ","), want)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err = db.Append(cctx, "t", func(add func(...driver.Value) error) error { return add(int32(3), "x", 1.0) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("append with a cancelled context: %v, want context.Canceled", err)
	}
	if err := db.Append(ctx, "no_such_table", func(add func(...driver.Value) error) error { return nil }); err == nil ||
		!strings.Contains(err.Error(), "no_such_table") {
		t.Errorf("append to a missing table: %v, want an error naming it", err)
	}
}
