package pipeline

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"
	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/capscore/capscore/outputs"
)

// writeParquetWithDuckDB writes `SELECT range AS x FROM range(rows)` to dir/name with DuckDB's COPY
// and the given codec and row group size, and returns the file's path.
func writeParquetWithDuckDB(t *testing.T, dir, name string, rows int, codec string, rowGroupSize int) string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(dir, name)
	q := "COPY (SELECT range AS x, 'v' || range AS s FROM range(?)) TO '" + strings.ReplaceAll(path, "'", "''") +
		"' (FORMAT parquet, COMPRESSION " + codec
	if rowGroupSize > 0 {
		q += ", ROW_GROUP_SIZE " + strconv.Itoa(rowGroupSize)
	}
	q += ")"
	if _, err := db.Exec(q, rows); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return path
}

func TestVerifyParquet(t *testing.T) {
	dir := t.TempDir()
	zstd := writeParquetWithDuckDB(t, dir, "f.parquet", 10, "zstd", 0)

	t.Run("ZstdRightCount", func(t *testing.T) {
		if err := VerifyParquet(zstd, FileCheck{Rows: 10}); err != nil {
			t.Fatalf("VerifyParquet: %v", err)
		}
	})

	t.Run("WrongCount", func(t *testing.T) {
		err := VerifyParquet(zstd, FileCheck{Rows: 11})
		if err == nil {
			t.Fatal("VerifyParquet accepted 10 rows as 11")
		}
		for _, want := range []string{zstd, "10 rows found", "11 wanted"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
	})

	t.Run("Snappy", func(t *testing.T) {
		snappy := writeParquetWithDuckDB(t, dir, "snappy.parquet", 10, "snappy", 0)
		err := VerifyParquet(snappy, FileCheck{Rows: 10})
		t.Log(err)
		if err == nil {
			t.Fatal("VerifyParquet accepted a snappy file")
		}
		for _, want := range []string{snappy, "SNAPPY", "ZSTD"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
	})

	t.Run("ManyRowGroups", func(t *testing.T) {
		// Several row groups: the count is the file's total and every chunk is checked.
		p := writeParquetWithDuckDB(t, dir, "groups.parquet", 300_000, "zstd", 100_000)
		rdr, err := file.OpenParquetFile(p, false)
		if err != nil {
			t.Fatal(err)
		}
		if n := rdr.NumRowGroups(); n < 2 {
			t.Errorf("DuckDB wrote %d row group(s), want several", n)
		}
		rdr.Close()
		if err := VerifyParquet(p, FileCheck{Rows: 300_000}); err != nil {
			t.Fatalf("VerifyParquet: %v", err)
		}
		if err := VerifyParquet(p, FileCheck{Rows: 100_000}); err == nil || !strings.Contains(err.Error(), "300000 rows found") {
			t.Errorf("VerifyParquet(300000 rows, want 100000) = %v", err)
		}
	})

	t.Run("NotParquet", func(t *testing.T) {
		p := filepath.Join(dir, "not.parquet")
		if err := os.WriteFile(p, []byte("tenant_id,month\nT1,2026-10\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := VerifyParquet(p, FileCheck{Rows: 1}); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("VerifyParquet(CSV file) = %v, want an error naming the file", err)
		}
		missing := filepath.Join(dir, "missing.parquet")
		if err := VerifyParquet(missing, FileCheck{Rows: 0}); err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("VerifyParquet(missing file) = %v, want an error naming the file", err)
		}
	})
}

// testTable declares the two columns writeParquetWithDuckDB writes, sorted by s (text).
var testTable = outputs.Table{Name: "t", SortBy: []string{"s"}, Columns: []outputs.Column{
	{Name: "x", Type: outputs.Int64}, {Name: "s", Type: outputs.Text}}}

// writeQuery writes query to dir/name with DuckDB's COPY as zstd Parquet with the given row group
// size and footer metadata {k: v}.
func writeQuery(t *testing.T, dir, name, query string, rowGroupSize int, k, v string) string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("SET preserve_insertion_order = true"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	q := "COPY (" + query + ") TO '" + strings.ReplaceAll(path, "'", "''") + "' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE " +
		strconv.Itoa(rowGroupSize) + ", KV_METADATA {'" + k + "': $v})"
	if _, err := db.Exec(q, sql.Named("v", v)); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return path
}

func TestVerifyParquetSchema(t *testing.T) {
	dir := t.TempDir()
	ok := writeQuery(t, dir, "ok.parquet", "SELECT range AS x, printf('P%06d', range) AS s FROM range(10)", 2048, "capscore.run_id", "r1")
	tests := []struct {
		name    string
		query   string
		decl    outputs.Table
		meta    map[string]string
		wantErr []string
	}{
		{"Match", "", testTable, map[string]string{"capscore.run_id": "r1"}, nil},
		{"MetadataValue", "", testTable, map[string]string{"capscore.run_id": "r2"}, []string{`footer metadata "capscore.run_id" = "r1", want "r2"`}},
		{"MetadataMissing", "", testTable, map[string]string{"capscore.code_version": "v"}, []string{`footer metadata "capscore.code_version" missing`}},
		{"ExtraColumn", "SELECT range AS x, 's' AS s, 1.5 AS y FROM range(10)", testTable, nil, []string{`column 3 "y" (DECIMAL(2,1)) not declared`}},
		{"MissingColumn", "SELECT range AS x FROM range(10)", testTable, nil, []string{`column 2 "s" (VARCHAR) missing`}},
		{"Order", "SELECT 's' AS s, range AS x FROM range(10)", testTable, nil, []string{`column 1 is "s", want "x"`}},
		{"Type", "SELECT range::INTEGER AS x, 's' AS s FROM range(10)", testTable, nil, []string{`column 1 "x" has type INTEGER, want BIGINT`}},
		{"Points", "SELECT 1.5::DOUBLE AS p FROM range(10)",
			outputs.Table{Name: "p", Columns: []outputs.Column{{Name: "p", Type: outputs.Points}}}, nil,
			[]string{`column 1 "p" has type DOUBLE, want DECIMAL(5,2)`}},
		{"PointsMatch", "SELECT 1.5::DECIMAL(5,2) AS p, DATE '2026-10-01' AS d, true AS b, 1::INTEGER AS i FROM range(10)",
			outputs.Table{Name: "p", Columns: []outputs.Column{{Name: "p", Type: outputs.Points}, {Name: "d", Type: outputs.Date},
				{Name: "b", Type: outputs.Bool}, {Name: "i", Type: outputs.Int32}}}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := ok
			if tc.query != "" {
				path = writeQuery(t, t.TempDir(), "f.parquet", tc.query, 2048, "k", "v")
			}
			err := VerifyParquet(path, FileCheck{Table: tc.decl, Rows: 10, Metadata: tc.meta})
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("VerifyParquet: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("VerifyParquet accepted the file, want an error with %q", tc.wantErr)
			}
			for _, w := range append(tc.wantErr, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestKVMetadataParameter: footer metadata values go into COPY ... KV_METADATA as bound parameters,
// so a value with quotes, braces and a statement separator is stored as it is, never run as SQL.
func TestKVMetadataParameter(t *testing.T) {
	hostile := "r'1\"}, ROW_GROUP_SIZE 1); DROP TABLE x; --\n"
	p := writeQuery(t, t.TempDir(), "kv.parquet", "SELECT 1::BIGINT AS x, 's' AS s", 2048, "capscore.code_version", hostile)
	if err := VerifyParquet(p, FileCheck{Table: testTable, Rows: 1, Metadata: map[string]string{"capscore.code_version": hostile}}); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyParquetRowGroupOrder: sorted rows in small row groups pass (each row group covers its
// own range of s, so a reader skips the others); the same rows unsorted fail naming the row group.
func TestVerifyParquetRowGroupOrder(t *testing.T) {
	dir := t.TempDir()
	sorted := writeQuery(t, dir, "sorted.parquet", "SELECT range AS x, printf('P%06d', range) AS s FROM range(10000) ORDER BY s", 2048, "k", "v")
	rdr, err := file.OpenParquetFile(sorted, false)
	if err != nil {
		t.Fatal(err)
	}
	if n := rdr.NumRowGroups(); n < 3 {
		t.Errorf("DuckDB wrote %d row groups of 10000 rows at ROW_GROUP_SIZE 2048, want several", n)
	}
	rdr.Close()
	if err := VerifyParquet(sorted, FileCheck{Table: testTable, Rows: 10000}); err != nil {
		t.Errorf("sorted file: %v", err)
	}
	shuffled := writeQuery(t, dir, "shuffled.parquet", "SELECT range AS x, printf('P%06d', range) AS s FROM range(10000) ORDER BY hash(range)", 2048, "k", "v")
	err = VerifyParquet(shuffled, FileCheck{Table: testTable, Rows: 10000})
	if err == nil || !strings.Contains(err.Error(), "rows not sorted by s") {
		t.Errorf("shuffled file: %v, want an error saying rows are not sorted by s", err)
	}
}
