package outputs

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/outputs.md from the declarations")

// TestDocsOutputs fails when docs/outputs.md and the declarations drift apart.
// Refresh with: go test ./outputs -run TestDocsOutputs -update
func TestDocsOutputs(t *testing.T) {
	path := filepath.Join("..", "docs", "outputs.md")
	want := Markdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./outputs -run TestDocsOutputs -update)", err)
	}
	if string(got) != want {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(want, "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s is out of date at line %d:\n  file %s\n  code %s\nrun go test ./outputs -run TestDocsOutputs -update", path, i+1, g, w)
			}
		}
	}
}

// TestDeclarations checks what the rest of the program relies on: unique column names, keys and
// sort columns that exist, the provenance columns in every table, points as DECIMAL(5,2), and no
// column newer than the schema version.
func TestDeclarations(t *testing.T) {
	seen := map[string]bool{}
	for _, tb := range All() {
		if seen[tb.Name] {
			t.Errorf("table %s declared twice", tb.Name)
		}
		seen[tb.Name] = true
		names := map[string]bool{}
		for _, c := range tb.Columns {
			if names[c.Name] {
				t.Errorf("%s: column %s declared twice", tb.Name, c.Name)
			}
			names[c.Name] = true
			if c.Since < 1 || c.Since > SchemaVersion {
				t.Errorf("%s.%s: since %d, want 1..%d", tb.Name, c.Name, c.Since, SchemaVersion)
			}
			if c.Meaning == "" {
				t.Errorf("%s.%s: no meaning", tb.Name, c.Name)
			}
			if strings.HasSuffix(c.Name, "points") && c.Type != Points {
				t.Errorf("%s.%s: %s, want DECIMAL(5,2)", tb.Name, c.Name, SQLType(c.Type))
			}
		}
		for _, k := range slices.Concat(tb.Key, tb.SortBy, []string{"snapshot_month", "as_of", "rubric_id", "run_id"}) {
			if !names[k] {
				t.Errorf("%s: column %s (key, order or provenance) not declared", tb.Name, k)
			}
		}
		if tb.RowGroupSize <= 0 {
			t.Errorf("%s: row group size %d", tb.Name, tb.RowGroupSize)
		}
		if got := tb.Schema().NumFields(); got != len(tb.Columns) {
			t.Errorf("%s: Arrow schema has %d fields, want %d", tb.Name, got, len(tb.Columns))
		}
	}
	area, _ := Lookup(AreaScores)
	for _, c := range []string{"partner_name", "country"} {
		if _, ok := area.Column(c); !ok {
			t.Errorf("area_scores lacks %s", c)
		}
	}
}

// TestRecommendationKinds: each kind once, listed by rank, with what points_at_stake holds.
func TestRecommendationKinds(t *testing.T) {
	seen := map[string]bool{}
	prev := 0
	for _, k := range RecommendationKinds {
		if seen[k.Kind] {
			t.Errorf("kind %s listed twice", k.Kind)
		}
		seen[k.Kind] = true
		if k.Rank < prev || k.Rank < 1 {
			t.Errorf("kind %s: rank %d after %d", k.Kind, k.Rank, prev)
		}
		prev = k.Rank
		if k.Meaning == "" || k.PointsAtStake == "" {
			t.Errorf("kind %s: meaning or points_at_stake not said", k.Kind)
		}
	}
}
