package sql

import (
	"strings"
	"testing"
)

func TestEveryFileHasStatements(t *testing.T) {
	names := Names()
	if len(names) < 20 {
		t.Fatalf("only %d embedded statements", len(names))
	}
	for _, n := range names {
		if len(Statements(Text(n))) == 0 {
			t.Errorf("%s.sql holds no statement", n)
		}
	}
}

func TestQuoting(t *testing.T) {
	tests := []struct{ got, want string }{
		{QuoteLiteral("in/o'brien.csv"), `'in/o''brien.csv'`},
		{QuoteIdent(`Acr "USD"`), `"Acr ""USD"""`},
		{strings.Join(Statements("SELECT 1\n;\nSELECT 2\n;\n"), "|"), "SELECT 1|SELECT 2"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

func TestRenderFillsPlaceholders(t *testing.T) {
	got := Render("export", map[string]string{"query": "SELECT 1", "path": QuoteLiteral("/x.parquet")})
	if strings.Contains(got, "{{") || !strings.Contains(got, "COPY (SELECT 1) TO '/x.parquet'") {
		t.Errorf("render: %s", got)
	}
}

func TestTextPanicsOnUnknownName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a missing statement")
		}
	}()
	Text("no_such_statement")
}
