// Package sqlfiles holds every SQL statement of the refresh as an embedded .sql file (the folder is
// sql/; the package has its own name so that importers need no alias beside database/sql).
// Statements take their values as parameters ($name or ?). The {{name}} placeholders that Render
// fills take only names from the project's own fixed lists, generated names (c1, c2, ...) and paths
// quoted by duck.QuotePath: no file name, header or value from the input ever becomes SQL text.
// Package duck splits a file of several statements (duck.Statements) and binds its parameters.
//
// Other packages with statements of their own (the synthetic data generator) embed them beside
// their code and read them through a Set.
package sqlfiles

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed *.sql
var files embed.FS

// Set is a folder of statement files, each NAME.sql read as statement NAME.
type Set struct {
	fsys fs.FS
}

// NewSet returns the statements of the .sql files at the top of fsys (an embed.FS).
func NewSet(fsys fs.FS) Set { return Set{fsys: fsys} }

// pipeline is the set of this package: the statements of the refresh itself.
var pipeline = NewSet(files)

// Text returns the statement in name (without the .sql suffix). A missing file is a programming
// error caught by the tests that run the statement, so Text panics.
func (s Set) Text(name string) string {
	b, err := fs.ReadFile(s.fsys, name+".sql")
	if err != nil {
		panic(fmt.Sprintf("sqlfiles: no statement %q", name))
	}
	return string(b)
}

// Render returns the statement with each {{key}} replaced by its value, in one pass: a value is
// never scanned for placeholders itself, so text inside a value (a quoted path holding
// "{{columns}}") stays as it is. Callers pass only names from the project's fixed lists,
// generated select lists and paths quoted by duck.QuotePath, never input data.
func (s Set) Render(name string, vars map[string]string) string {
	return fill(s.Text(name), vars)
}

// Names lists the statements of the set.
func (s Set) Names() []string {
	entries, _ := fs.ReadDir(s.fsys, ".")
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".sql"); ok && !e.IsDir() {
			out = append(out, n)
		}
	}
	return out
}

// Text returns the refresh's statement in name; see Set.Text.
func Text(name string) string { return pipeline.Text(name) }

// Render returns the refresh's statement in name with its placeholders filled; see Set.Render.
func Render(name string, vars map[string]string) string { return pipeline.Render(name, vars) }

// Names lists the refresh's statements.
func Names() []string { return pipeline.Names() }

// fill replaces each {{key}} of s by vars[key] in one pass; an unknown placeholder stays.
func fill(s string, vars map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			break
		}
		key := s[i+2 : i+j]
		v, ok := vars[key]
		if !ok {
			v = s[i : i+j+2] // an unknown placeholder stays
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+2:]
	}
	b.WriteString(s)
	return b.String()
}

// QuoteLiteral quotes s as a SQL string literal. A path read by DuckDB takes duck.QuotePath
// instead, which also escapes glob characters.
func QuoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// QuoteIdent quotes s as a SQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
