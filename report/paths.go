package report

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/capscore/capscore/pipeline"
)

// Table names the report reads. scoreChanges is optional: it is used only when the month has it.
const (
	tableAreaScores      = "area_scores"
	tableRecommendations = "recommendations"
	tableRejects         = "rejects"
	tableScoreChanges    = "score_changes"
)

// layout answers where the published tables, manifests and reports of OUT live:
// OUT/<table>/snapshot_month=YYYY-MM/part-0.parquet, OUT/_manifests/snapshot_month=YYYY-MM.json,
// OUT/_reports/.
type layout struct{ root string }

func (l layout) tableFile(table string, m pipeline.Month) string {
	return filepath.Join(l.root, table, "snapshot_month="+m.String(), "part-0.parquet")
}

func (l layout) manifestPath(m pipeline.Month) string {
	return filepath.Join(l.root, "_manifests", "snapshot_month="+m.String()+".json")
}

func (l layout) reportsDir() string { return filepath.Join(l.root, "_reports") }

// publishedMonths lists the months that have a manifest, oldest first.
func (l layout) publishedMonths() ([]pipeline.Month, error) {
	entries, err := os.ReadDir(filepath.Join(l.root, "_manifests"))
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var months []pipeline.Month
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, "snapshot_month=") || !strings.HasSuffix(name, ".json") {
			continue
		}
		m, err := pipeline.ParseMonth(strings.TrimSuffix(strings.TrimPrefix(name, "snapshot_month="), ".json"))
		if err != nil {
			continue
		}
		months = append(months, m)
	}
	sort.Slice(months, func(a, b int) bool { return months[a].Before(months[b]) })
	return months, nil
}
