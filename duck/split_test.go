package duck

import (
	"reflect"
	"strings"
	"testing"

	"github.com/capscore/capscore/sql"
)

func TestStatements(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"lines holding only a semicolon", "SELECT 1\n;\nSELECT 2\n;\n", []string{"SELECT 1", "SELECT 2"}},
		{"semicolon at the end of a line", "SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"semicolon in a string", "SELECT 'a;b'; SELECT 2", []string{"SELECT 'a;b'", "SELECT 2"}},
		{"doubled quote in a string", "SELECT 'it''s;'; SELECT 2", []string{"SELECT 'it''s;'", "SELECT 2"}},
		{"newline-semicolon-newline in a string", "SELECT 'x\n;\ny'", []string{"SELECT 'x\n;\ny'"}},
		{"escape string", `SELECT E'a\';b'; SELECT 2`, []string{`SELECT E'a\';b'`, "SELECT 2"}},
		{"backslash in a plain string", `SELECT 'a\'; SELECT 2`, []string{`SELECT 'a\'`, "SELECT 2"}},
		{"quoted identifier", `SELECT 1 AS "a;""b"; SELECT 2`, []string{`SELECT 1 AS "a;""b"`, "SELECT 2"}},
		{"line comment", "-- first; not a statement\nSELECT 1; -- trailing;\nSELECT 2", []string{"-- first; not a statement\nSELECT 1", "-- trailing;\nSELECT 2"}},
		{"block comment, nested", "SELECT /* a; /* b; */ c; */ 1; SELECT 2", []string{"SELECT /* a; /* b; */ c; */ 1", "SELECT 2"}},
		{"dollar string", "SELECT $$a;b$$; SELECT 2", []string{"SELECT $$a;b$$", "SELECT 2"}},
		{"tagged dollar string", "SELECT $x$a;$$;b$x$; SELECT 2", []string{"SELECT $x$a;$$;b$x$", "SELECT 2"}},
		{"named parameter is no dollar string", "SELECT $wfrom::DATE; SELECT $wto$", []string{"SELECT $wfrom::DATE", "SELECT $wto$"}},
		{"positional parameter", "SELECT $1; SELECT $2", []string{"SELECT $1", "SELECT $2"}},
		{"comment-only pieces dropped", "-- only a comment\n;\n/* and this */;\n\n", nil},
		{"unterminated string keeps the rest", "SELECT 'a; SELECT 2", []string{"SELECT 'a; SELECT 2"}},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Statements(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Statements(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

// TestEveryFileHasStatements: every embedded statement file splits into at least one statement,
// and into exactly the pieces its layout shows (statements end with a line holding only ";").
func TestEveryFileHasStatements(t *testing.T) {
	names := sqlfiles.Names()
	if len(names) < 20 {
		t.Fatalf("only %d embedded statements", len(names))
	}
	for _, n := range names {
		sts := Statements(sqlfiles.Text(n))
		if len(sts) == 0 {
			t.Errorf("%s.sql holds no statement", n)
		}
		if want := strings.Count(strings.TrimSpace(sqlfiles.Text(n)), "\n;\n") + 1; len(sts) != want {
			t.Errorf("%s.sql splits into %d statements, its layout shows %d", n, len(sts), want)
		}
	}
}

// FuzzStatements: the splitter never panics, and joining its statements with ";" and splitting
// again gives the same statements (a split point is never inside a string or comment it created).
func FuzzStatements(f *testing.F) {
	for _, s := range []string{"SELECT 1; SELECT 2", "SELECT 'a;b'", "/* ; */ SELECT $$;$$", "SELECT E'\\';'", `"a;"`, "-- x\n;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sts := Statements(text)
		again := Statements(strings.Join(sts, ";\n"))
		if !reflect.DeepEqual(sts, again) {
			t.Errorf("re-split differs: %q -> %q -> %q", text, sts, again)
		}
	})
}

func TestParameters(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"named, once each, in order", "SELECT $b, $a::DATE, $b + 1", []string{"b", "a"}},
		{"in a string or comment", "SELECT '$no', \"$no\", $$ $no $$ -- $no\n/* $no */, $yes", []string{"yes"}},
		{"positional", "SELECT $1, ?, $2", nil},
		{"part of an identifier", "SELECT a$b, $c", []string{"c"}},
		{"inside a struct literal", "SELECT {'k': $v}", []string{"v"}},
		{"none", "SELECT 1", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Parameters(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parameters(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}
