package duck

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/capscore/capscore/sql"
)

// globEscaper turns every character DuckDB's file readers treat as a glob into a one-character
// class that matches only itself.
var globEscaper = strings.NewReplacer("[", "[[]", "*", "[*]", "?", "[?]")

// QuotePath returns a file path as the SQL string literal DuckDB's readers (read_csv, read_parquet,
// sniff_csv, parquet_schema) take, so that it names exactly that one file: glob characters are
// escaped (DuckDB expands [, * and ? even in a bound parameter) and quotes doubled. A relative path
// is made absolute first, so that no path is taken for a URL (s3://...) or a home folder (~).
// Every path the project hands to a DuckDB reader goes through this function; paths that DuckDB
// writes to (COPY ... TO) are not globbed and take sqlfiles.QuoteLiteral.
func QuotePath(path string) string {
	if !filepath.IsAbs(path) {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		} else {
			path = "." + string(filepath.Separator) + path
		}
	}
	return sqlfiles.QuoteLiteral(globEscaper.Replace(path))
}

// ErrPathUnreadable marks a path that DuckDB cannot be made to read exactly (see CheckPath).
var ErrPathUnreadable = errors.New("path DuckDB cannot read exactly")

// CheckPath reports a path that QuotePath cannot make exact: when a path holds a glob character,
// DuckDB's glob also takes a backslash for a folder separator, so a path with both cannot name
// its file. Callers refuse such a file before any read.
func CheckPath(path string) error {
	if strings.Contains(path, `\`) && strings.ContainsAny(path, "[*?") {
		return fmt.Errorf("%w: %s holds a backslash and one of [ * ?; rename it without them", ErrPathUnreadable, path)
	}
	return nil
}

// EscapeGlob escapes the glob characters of a path, so that a pattern built on it
// (EscapeGlob(dir) + "/*.parquet") globs only below that exact folder.
func EscapeGlob(path string) string { return globEscaper.Replace(path) }
