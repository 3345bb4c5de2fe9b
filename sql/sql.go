// Package sql holds every SQL statement of capscore as an embedded .sql file. Statements take
// their values as parameters ($name or ?). The {{name}} placeholders that Render fills take only
// names from the project's own fixed lists, generated names (c1, c2, ...) and paths quoted by
// duck.QuotePath: no file name, header or value from the input ever becomes SQL text. Package duck
// splits a file of several statements (duck.Statements).
package sql

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed *.sql
var files embed.FS

// Text returns the statement in name (without the .sql suffix). A missing file is a programming
// error caught by the package test, so Text panics.
func Text(name string) string {
	b, err := files.ReadFile(name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("sql: no statement %q", name))
	}
	return string(b)
}

// Render returns the statement with each {{key}} replaced by its value, in one pass: a value is
// never scanned for placeholders itself, so text inside a value (a quoted path holding
// "{{columns}}") stays as it is. Callers pass only names from the project's fixed lists,
// generated select lists and paths quoted by duck.QuotePath, never input data.
func Render(name string, vars map[string]string) string {
	s := Text(name)
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

// Names lists the embedded statements.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".sql"))
	}
	return out
}

// QuoteLiteral quotes s as a SQL string literal. A path read by DuckDB takes duck.QuotePath
// instead, which also escapes glob characters.
func QuoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// QuoteIdent quotes s as a SQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
