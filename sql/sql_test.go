package sql

import (
	"strings"
	"testing"
)

func TestQuoting(t *testing.T) {
	tests := []struct{ got, want string }{
		{QuoteLiteral("in/o'brien.csv"), `'in/o''brien.csv'`},
		{QuoteIdent(`Acr "USD"`), `"Acr ""USD"""`},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

func TestRenderFillsPlaceholders(t *testing.T) {
	got := Render("export", map[string]string{"query": "SELECT 1", "path": QuoteLiteral("/x.parquet"), "row_group_size": "16384"})
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
