// Package sql holds every SQL statement of capscore as an embedded .sql file. Statements take
// their values as parameters ($name or ?); only validated identifiers and paths are spliced in,
// through the {{name}} placeholders that Render fills.
package sql

import (
	"embed"
	"fmt"
	"sort"
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

// Render returns the statement with each {{key}} replaced by its value. Callers pass only
// validated identifiers, quoted paths or generated select lists, never user data values.
func Render(name string, vars map[string]string) string {
	s := Text(name)
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s = strings.ReplaceAll(s, "{{"+k+"}}", vars[k])
	}
	return s
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

// QuoteLiteral quotes s as a SQL string literal (for file paths spliced into table functions).
func QuoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// QuoteIdent quotes s as a SQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Statements splits a file of several statements on lines that hold only ";".
func Statements(text string) []string {
	var out []string
	for _, part := range strings.Split(text, "\n;\n") {
		if p := strings.TrimSpace(part); p != "" && p != ";" {
			out = append(out, p)
		}
	}
	return out
}
