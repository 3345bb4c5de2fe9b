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
		if err := VerifyParquet(zstd, 10); err != nil {
			t.Fatalf("VerifyParquet: %v", err)
		}
	})

	t.Run("WrongCount", func(t *testing.T) {
		err := VerifyParquet(zstd, 11)
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
		err := VerifyParquet(snappy, 10)
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
		if err := VerifyParquet(p, 300_000); err != nil {
			t.Fatalf("VerifyParquet: %v", err)
		}
		if err := VerifyParquet(p, 100_000); err == nil || !strings.Contains(err.Error(), "300000 rows found") {
			t.Errorf("VerifyParquet(300000 rows, want 100000) = %v", err)
		}
	})

	t.Run("NotParquet", func(t *testing.T) {
		p := filepath.Join(dir, "not.parquet")
		if err := os.WriteFile(p, []byte("tenant_id,month\nT1,2026-10\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := VerifyParquet(p, 1); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("VerifyParquet(CSV file) = %v, want an error naming the file", err)
		}
		missing := filepath.Join(dir, "missing.parquet")
		if err := VerifyParquet(missing, 0); err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("VerifyParquet(missing file) = %v, want an error naming the file", err)
		}
	})
}
