package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

// demoMonths is the README's 3-month backfill of the demo fixtures.
var demoMonths = []string{"2026-08", "2026-09", "2026-10"}

// TestDemoBackfillReports backfills the demo fixtures over three months with the report hook, as
// `refresh backfill` does, and checks that each month's report exists and shows exactly the
// numbers DuckDB recomputes from the published Parquet; then renders the last one in Chromium.
func TestDemoBackfillReports(t *testing.T) {
	out := t.TempDir()
	var months []pipeline.Month
	for _, s := range demoMonths {
		m, _ := pipeline.ParseMonth(s)
		months = append(months, m)
	}
	runner := pipeline.NewRunner(stages.All(), zap.NewNop()).AfterPublish(AfterPublish(zap.NewNop()))
	cfg := pipeline.Config{Input: filepath.Join("..", "fixtures", "demo"), Out: out, Kind: pipeline.KindBackfill, Month: months[0],
		SkipReadiness: true} // the demo fixtures have no Azure rows a year before 2026-08
	results, err := runner.RunRange(context.Background(), cfg, months, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Month, r.Err)
		}
	}
	index, err := os.ReadFile(filepath.Join(out, "_reports", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range demoMonths {
		page, err := os.ReadFile(filepath.Join(out, "_reports", m+".html"))
		if err != nil {
			t.Fatalf("no report for %s: %v", m, err)
		}
		checkPage(t, string(page), recompute(t, out, m, demoMonths[:i+1], DefaultLimit))
		if !strings.Contains(string(index), `<a href="`+m+`.html">`) {
			t.Errorf("index does not link %s", m)
		}
	}
	last := filepath.Join(out, "_reports", "2026-10.html")
	// The all-areas trend plus a trend and a histogram for each of the six areas.
	if n := browse(t, last, filepath.Join(t.TempDir(), "demo.png"), true); n != 13 {
		t.Errorf("%d charts, want 13", n)
	}
	if *screenshotTo != "" {
		browse(t, last, *screenshotTo, false)
	}
}
