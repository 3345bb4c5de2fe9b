package stages

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// Input files are untrusted: no file name, header or value ever becomes SQL text. A file's path
// reaches DuckDB only through duck.QuotePath; its header is learned as data (sniff_csv for the
// shape, then the first line read as a row of values, or the Parquet schema) and its columns are
// then addressed by position under generated names c1, c2, ...; values stay values.

// kind is the contract type of an input column; it decides which Parquet types the column takes.
type kind int

const (
	kText kind = iota
	kDate
	kMonth
	kDecimal
	kInteger
)

var kindNames = map[kind]string{kText: "text", kDate: "date", kMonth: "month", kDecimal: "decimal", kInteger: "integer"}

// integerTypes are DuckDB's integer types as read from Parquet.
var integerTypes = []string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}

// parquetTypes lists, per contract type, the DuckDB types a Parquet column may have. Text is
// always allowed: it is parsed like a CSV value and a bad value is a row-level reject. Everything
// else (TIMESTAMPTZ, whose date depends on a time zone, BLOB, nested types, ...) fails the run.
var parquetTypes = map[kind][]string{
	kText:    append([]string{"VARCHAR"}, integerTypes...),
	kDate:    {"DATE", "VARCHAR", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"},
	kMonth:   {"DATE", "VARCHAR", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"},
	kDecimal: append([]string{"VARCHAR", "FLOAT", "DOUBLE", "DECIMAL"}, integerTypes...),
	kInteger: append([]string{"VARCHAR"}, integerTypes...),
}

// parquetTypeAllowed reports whether a Parquet column of DuckDB type typ may hold a column of kind k.
func parquetTypeAllowed(k kind, typ string) bool {
	base := typ
	if i := strings.IndexByte(base, '('); i > 0 {
		base = base[:i] // DECIMAL(18,2)
	}
	for _, a := range parquetTypes[k] {
		if base == a {
			return true
		}
	}
	return false
}

// normName is how header names are matched: case, surrounding spaces and a byte order mark do not count.
func normName(s string) string {
	return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
}

// csvOptions are the reader options of every CSV file: the contract's dialect, every value as text
// (a bad value is a reject, not a failed run), no hive columns taken from folder names.
const csvOptions = `auto_detect = false, all_varchar = true, delim = ',', quote = '"', escape = '"', hive_partitioning = false`

// compression names a CSV file's compression from its name: DuckDB's own detection looks at the
// path it was given, which for a glob-escaped path is not the file's name.
func compression(path string) string {
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		return "compression = 'gzip'"
	}
	return "compression = 'none'"
}

// positional returns the generated name of the column at 0-based position i.
func positional(i int) string { return "c" + strconv.Itoa(i+1) }

// csvColumns is the columns={...} map of n text columns under generated names.
func csvColumns(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + positional(i) + "': 'VARCHAR'")
	}
	b.WriteString("}")
	return b.String()
}

// fileHeader is what ingest learned about a file's columns: their names in file order and, for
// Parquet, their DuckDB types.
type fileHeader struct {
	names []string
	types []string
}

// csvHeader learns a CSV file's header without splicing it anywhere: sniff_csv gives the number of
// columns and the lines it had to skip before the header; the first line is then read as a row of
// values under generated names.
func csvHeader(ctx context.Context, db *duck.DB, path string) (fileHeader, error) {
	var skip int64
	var cols any
	q := "SELECT SkipRows, Columns FROM sniff_csv(" + duck.QuotePath(path) + `, delim = ',', quote = '"', escape = '"', header = true, ` + compression(path) + ")"
	if err := db.QueryRow(ctx, "csv header", q).Scan(&skip, &cols); err != nil {
		return fileHeader{}, err
	}
	list, _ := cols.([]any)
	if len(list) == 0 {
		return fileHeader{}, badInputError{"has no header row"}
	}
	if skip > 0 {
		return fileHeader{}, badInputError{fmt.Sprintf("line 1 is not the header row: the header (%d columns) starts on line %d; remove the %d line(s) above it",
			len(list), skip+1, skip)}
	}
	n := len(list)
	q = "SELECT * FROM read_csv(" + duck.QuotePath(path) + ", header = false, " + csvOptions + ", " + compression(path) + ", columns = " + csvColumns(n) + ") LIMIT 1"
	rows, err := db.Query(ctx, "csv header", q)
	if err != nil {
		return fileHeader{}, err
	}
	defer rows.Close()
	vals := make([]sql.NullString, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fileHeader{}, err
		}
		return fileHeader{}, badInputError{"has no header row"}
	}
	if err := rows.Scan(ptrs...); err != nil {
		return fileHeader{}, err
	}
	h := fileHeader{names: make([]string, n)}
	for i, v := range vals {
		if strings.ContainsRune(v.String, 0) {
			return fileHeader{}, badInputError{fmt.Sprintf("has a NUL byte in header column %d (%q): it is not a text CSV; export it again as UTF-8 text", i+1, v.String)}
		}
		h.names[i] = v.String
	}
	return h, rows.Close()
}

// parquetHeader reads a Parquet file's top-level column names as the file stores them
// (parquet_schema, which DuckDB does not rename) and the DuckDB type of each.
func parquetHeader(ctx context.Context, db *duck.DB, path string) (fileHeader, error) {
	rows, err := db.Query(ctx, "parquet header", "SELECT name, coalesce(num_children, 0) FROM parquet_schema("+duck.QuotePath(path)+")")
	if err != nil {
		return fileHeader{}, err
	}
	type element struct {
		name     string
		children int64
	}
	var els []element
	for rows.Next() {
		var e element
		if err := rows.Scan(&e.name, &e.children); err != nil {
			rows.Close()
			return fileHeader{}, err
		}
		els = append(els, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fileHeader{}, err
	}
	// The schema is the tree flattened depth first; the root's children are the columns.
	var skip func(i int) int
	skip = func(i int) int {
		n := els[i].children
		i++
		for c := int64(0); c < n && i < len(els); c++ {
			i = skip(i)
		}
		return i
	}
	var h fileHeader
	if len(els) > 0 {
		for i, c := 1, int64(0); c < els[0].children && i < len(els); c++ {
			h.names = append(h.names, els[i].name)
			i = skip(i)
		}
	}
	trows, err := db.Query(ctx, "parquet header", "SELECT * FROM read_parquet("+duck.QuotePath(path)+", hive_partitioning = false) LIMIT 0")
	if err != nil {
		return fileHeader{}, err
	}
	defer trows.Close()
	cts, err := trows.ColumnTypes()
	if err != nil {
		return fileHeader{}, err
	}
	for _, ct := range cts {
		h.types = append(h.types, ct.DatabaseTypeName())
	}
	if len(h.types) != len(h.names) {
		return fileHeader{}, fmt.Errorf("parquet schema has %d columns, the reader %d", len(h.names), len(h.types))
	}
	return h, nil
}

// readHeader learns a file's header the way its format needs (csvHeader or parquetHeader).
func readHeader(ctx context.Context, db *duck.DB, f dataFile) (fileHeader, error) {
	if f.parquet {
		return parquetHeader(ctx, db, f.path)
	}
	return csvHeader(ctx, db, f.path)
}

// ReadSelect returns the SELECT ingest reads one file of the named input table with: its header
// learned the same way, the same reader and options (CSV as text under positional names, Parquet
// by position), the contract's columns, the file's position (0) and row number. It does not check
// or hash the file first, and no value is parsed: it is for tools that read the input folder
// outside a run, such as the benchmark's bare scan.
func ReadSelect(ctx context.Context, db *duck.DB, table, path string) (string, error) {
	for _, t := range tables {
		if t.name != table {
			continue
		}
		f := dataFile{path: path, parquet: strings.HasSuffix(strings.ToLower(path), ".parquet")}
		h, err := readHeader(ctx, db, f)
		if err != nil {
			return "", fmt.Errorf("file %s: %w", path, err)
		}
		return selectFile(t, f, 0, h)
	}
	return "", fmt.Errorf("no input table %q", table)
}

// selectFile returns the SELECT that presents one file as the contract's columns (absent optional
// columns as NULL) with its position among the table's files and its 1-based data row number.
func selectFile(t tableSpec, f dataFile, fidx int, h fileHeader) (string, error) {
	positions := map[string][]int{}
	for i, n := range h.names {
		positions[normName(n)] = append(positions[normName(n)], i)
	}
	var sel []string
	for _, c := range t.columns {
		pos := positions[c.name]
		switch {
		case len(pos) > 1:
			var names []string
			for _, p := range pos {
				names = append(names, fmt.Sprintf("%q (column %d)", h.names[p], p+1))
			}
			return "", fmt.Errorf("%w: the header names column %s %d times: %s; column names are matched ignoring case and surrounding spaces, so keep one of them or rename the others",
				pipeline.ErrBadInput, c.name, len(pos), strings.Join(names, " and "))
		case len(pos) == 0 && c.required:
			return "", fmt.Errorf("%w: missing required column %q (columns found: %s); add the column to the file or rename the matching one to %q",
				pipeline.ErrBadInput, c.name, strings.Join(h.names, ", "), c.name)
		case len(pos) == 0:
			sel = append(sel, "NULL::VARCHAR AS "+c.name)
		default:
			if f.parquet && !parquetTypeAllowed(c.kind, h.types[pos[0]]) {
				return "", fmt.Errorf("%w: column %s (column %d) is stored as Parquet type %s, which is not allowed for a %s column (allowed: %s); write it as one of those",
					pipeline.ErrBadInput, h.names[pos[0]], pos[0]+1, h.types[pos[0]], kindNames[c.kind], strings.Join(parquetTypes[c.kind], ", "))
			}
			sel = append(sel, positional(pos[0])+" AS "+c.name)
		}
	}
	var from, row string
	if f.parquet {
		alias := make([]string, len(h.names))
		for i := range alias {
			alias[i] = positional(i)
		}
		from = "read_parquet(" + duck.QuotePath(f.path) + ", file_row_number = true, hive_partitioning = false) AS t(" + strings.Join(alias, ", ") + ")"
		row = "file_row_number + 1"
	} else {
		from = "read_csv(" + duck.QuotePath(f.path) + ", header = true, " + csvOptions + ", " + compression(f.path) + ", columns = " + csvColumns(len(h.names)) + ") WITH ORDINALITY"
		row = "ordinality"
	}
	return fmt.Sprintf("SELECT %d AS _fidx, %s AS _row, %s FROM %s", fidx, row, strings.Join(sel, ", "), from), nil
}

// emptySource is an empty relation with the contract's columns.
func emptySource(t tableSpec) string {
	sel := []string{"NULL::VARCHAR AS _file", "NULL::INTEGER AS _fidx", "NULL::BIGINT AS _row"}
	for _, c := range t.columns {
		sel = append(sel, "NULL::VARCHAR AS "+c.name)
	}
	return "SELECT " + strings.Join(sel, ", ") + " WHERE false"
}

// withFileNames adds the file name (_file) to the rows of a table's files, from ingest_files by
// position: the tables with a key name the first row of a duplicate by file.
func withFileNames(t tableSpec, union string) string {
	return "SELECT f.file AS _file, u.* FROM (" + union + ") u JOIN ingest_files f ON f.table_name = " +
		sqlfiles.QuoteLiteral(t.name) + " AND f.fidx = u._fidx"
}

var (
	csvLine    = regexp.MustCompile(`CSV Error on Line: (\d+)`)
	csvColumnN = regexp.MustCompile(`Expected Number of Columns: (\d+) Found: (\d+)`)
)

// readFailure turns an error of DuckDB reading a table's files into the run's outcome: a defect of
// an input file (a conversion, invalid input or I/O error naming the file) is ErrBadInput with one
// message in the project's words (file, line, what was expected, the fix); anything else (out of
// memory, a full disk while spilling) keeps its own error.
func readFailure(table string, files []dataFile, err error) error {
	var be badInputError
	if errors.As(err, &be) {
		return fmt.Errorf("%w: %s", pipeline.ErrBadInput, be.msg)
	}
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return err
	}
	msg := de.Error()
	file := ""
	for _, f := range files {
		if strings.Contains(msg, f.path) {
			file = f.path
		}
	}
	switch de.Type {
	case duckdb.ErrorTypeConversion, duckdb.ErrorTypeInvalidInput, duckdb.ErrorTypeSerialization, duckdb.ErrorTypeOutOfRange,
		duckdb.ErrorTypeInvalid:
	case duckdb.ErrorTypeIO:
		if file == "" {
			return err // the temp folder or the disk, not an input file
		}
	default:
		return err
	}
	where := "one of its files (" + fileNames(files) + ")"
	if file != "" {
		where = "file " + file
	}
	if m := csvLine.FindStringSubmatch(msg); m != nil {
		where += " line " + m[1]
	}
	what := firstLine(msg)
	fix := "check that it is a complete CSV file (comma-separated, UTF-8, header row) or Parquet file, and copy it again"
	if m := csvColumnN.FindStringSubmatch(msg); m != nil {
		what = fmt.Sprintf("expected %s values (as many as the header has columns), found %s", m[1], m[2])
		fix = "quote values that hold a comma, or correct the line"
	} else if file != "" && strings.HasSuffix(strings.ToLower(file), ".parquet") {
		fix = "the Parquet file could not be decoded; write it again"
	}
	return fmt.Errorf("%w: %s: %s; %s", pipeline.ErrBadInput, where, what, fix)
}

// firstLine is DuckDB's message without its type prefix and without the reader's own advice
// (which names reader options that refresh does not take).
func firstLine(msg string) string {
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, "Error: "); i >= 0 && i < 40 {
		msg = msg[i+len("Error: "):]
	}
	return strings.TrimSpace(msg)
}

func fileNames(files []dataFile) string {
	var n []string
	for _, f := range files {
		n = append(n, filepath.Base(f.path))
	}
	return strings.Join(n, ", ")
}
