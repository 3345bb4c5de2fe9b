package sqlfiles

import (
	"strings"
	"testing"
	"testing/fstest"
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

// TestSetReadsItsOwnFolder: a Set reads the NAME.sql files at the top of its file system only, so a
// package embedding its own statements (the generator) sees none of the refresh's and vice versa.
func TestSetReadsItsOwnFolder(t *testing.T) {
	s := NewSet(fstest.MapFS{
		"gen_a.sql":      {Data: []byte("SELECT {{n}}")},
		"notes.txt":      {Data: []byte("not a statement")},
		"sub/gen_b.sql":  {Data: []byte("SELECT 2")},
		"gen_c.sql.bak":  {Data: []byte("SELECT 3")},
		"gen_d.sql/x.go": {Data: []byte("package x")},
	})
	if got := strings.Join(s.Names(), ","); got != "gen_a" {
		t.Errorf("Names = %s, want gen_a", got)
	}
	if got := s.Render("gen_a", map[string]string{"n": "1"}); got != "SELECT 1" {
		t.Errorf("Render = %q, want SELECT 1", got)
	}
	for _, n := range Names() {
		if strings.HasPrefix(n, "synth_") {
			t.Errorf("the refresh's statements include the generator's %s", n)
		}
	}
}
