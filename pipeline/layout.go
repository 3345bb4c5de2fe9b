package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/capscore/capscore/outputs"
)

// The tables every run publishes, named once in package outputs (which declares their schemas). A
// table added later gets its own tree; the publication step publishes every table the run staged.
const (
	// TableAreaScores is one row per partner and solution area.
	TableAreaScores = outputs.AreaScores
	// TableMetricScores is one row per partner, area, track and metric.
	TableMetricScores = outputs.MetricScores
	// TableRecommendations is one row per thing a partner can act on.
	TableRecommendations = outputs.Recommendations
	// TableRejects is one row per rejected input row.
	TableRejects = outputs.Rejects
)

// Names inside OUT. Every bookkeeping entry starts with "_" or "." so that no table reader (DuckDB,
// Spark, pyarrow, Polars, Power BI) takes it for a table or a partition.
const (
	// SnapshotPrefix starts the name of a month's partition folder: snapshot_month=YYYY-MM.
	SnapshotPrefix = "snapshot_month="
	// PartFile is the one Parquet file of a table's month.
	PartFile = "part-0.parquet"
	// ManifestsDirName holds one manifest per published month.
	ManifestsDirName = "_manifests"
	// StagingDirName holds the build area of each run, outside every table tree.
	StagingDirName = "_staging"
	// ReportsDirName holds the HTML reports.
	ReportsDirName = "_reports"
	// TempDirName holds the DuckDB spill folder of each run.
	TempDirName = "_tmp"
	// RubricSuffix ends the name of a month's rubric beside its manifest:
	// _manifests/snapshot_month=YYYY-MM.rubric.yaml.
	RubricSuffix = ".rubric.yaml"
)

// Names of the old layout (OUT/snapshot_month=YYYY-MM/<table>.parquet + _manifest.json), known only
// to detect it and to convert it.
const (
	// LegacyManifestFile is the manifest's name inside an old-layout month folder.
	LegacyManifestFile = "_manifest.json"
	// legacyStagingPrefix and legacyOldPrefix start the leftovers of old-layout runs.
	legacyStagingPrefix = ".staging-"
	legacyOldPrefix     = ".old-"
)

// ErrOldLayout means OUT holds months in the old layout; `refresh migrate --out DIR` converts them.
var ErrOldLayout = errors.New("output folder in the old layout")

// SnapshotDirName is the partition folder name of month m: snapshot_month=YYYY-MM.
func SnapshotDirName(m Month) string { return SnapshotPrefix + m.String() }

// Layout is the one owner of where things are under an output folder OUT:
//
//	OUT/<table>/snapshot_month=YYYY-MM/part-0.parquet   one tree per table, hive style
//	OUT/_manifests/snapshot_month=YYYY-MM.json          the month's manifest, written last: a month is
//	                                                    published when its manifest exists
//	OUT/_manifests/snapshot_month=YYYY-MM.rubric.yaml   the rubric the month was scored with
//	OUT/_staging/<run id>/                              a run's build area
//	OUT/_runs/                                          ledger and fire history
//	OUT/_reports/                                       HTML reports
//	OUT/_tmp/<run id>/                                  a run's DuckDB spill folder
//	OUT/.refresh.lock                                   the output lock
//
// Every package asks a Layout instead of joining paths itself.
type Layout struct {
	// Root is OUT.
	Root string
}

// NewLayout returns the layout of output folder out.
func NewLayout(out string) Layout { return Layout{Root: out} }

// TableDir is the tree of one table: OUT/<table>. Point a reader at it to read every month.
func (l Layout) TableDir(table string) string { return filepath.Join(l.Root, table) }

// MonthDir is a table's partition folder of month m: OUT/<table>/snapshot_month=YYYY-MM.
func (l Layout) MonthDir(table string, m Month) string {
	return filepath.Join(l.TableDir(table), SnapshotDirName(m))
}

// TableFile is a table's file of month m: OUT/<table>/snapshot_month=YYYY-MM/part-0.parquet.
func (l Layout) TableFile(table string, m Month) string {
	return filepath.Join(l.MonthDir(table, m), PartFile)
}

// RelTableFile is TableFile relative to OUT in slash form, as manifests record it:
// <table>/snapshot_month=YYYY-MM/part-0.parquet.
func (l Layout) RelTableFile(table string, m Month) string {
	return table + "/" + SnapshotDirName(m) + "/" + PartFile
}

// ManifestsDir is OUT/_manifests.
func (l Layout) ManifestsDir() string { return filepath.Join(l.Root, ManifestsDirName) }

// ManifestPath is the manifest of month m: OUT/_manifests/snapshot_month=YYYY-MM.json.
func (l Layout) ManifestPath(m Month) string {
	return filepath.Join(l.ManifestsDir(), SnapshotDirName(m)+".json")
}

// RubricPath is the rubric month m was scored with: OUT/_manifests/snapshot_month=YYYY-MM.rubric.yaml,
// the rubric file's bytes as the run read them. Publication moves it into place just before the
// manifest, so every month published since it was added has one; the manifest records its name and
// SHA-256.
func (l Layout) RubricPath(m Month) string {
	return filepath.Join(l.ManifestsDir(), SnapshotDirName(m)+RubricSuffix)
}

// RelRubricFile is RubricPath relative to OUT in slash form, as manifests record it.
func (l Layout) RelRubricFile(m Month) string {
	return ManifestsDirName + "/" + SnapshotDirName(m) + RubricSuffix
}

// ReadManifest reads the manifest of month m.
func (l Layout) ReadManifest(m Month) (Manifest, error) { return ReadManifestFile(l.ManifestPath(m)) }

// PublishedMonths lists the months that have a manifest, oldest first.
func (l Layout) PublishedMonths() ([]Month, error) {
	entries, err := readDirIfAny(l.ManifestsDir())
	if err != nil {
		return nil, fmt.Errorf("published months in %s: %w", l.Root, err)
	}
	var months []Month
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, SnapshotPrefix) || !strings.HasSuffix(name, ".json") {
			continue
		}
		m, err := ParseMonth(strings.TrimSuffix(strings.TrimPrefix(name, SnapshotPrefix), ".json"))
		if err != nil {
			continue
		}
		months = append(months, m)
	}
	sort.Slice(months, func(a, b int) bool { return months[a].Before(months[b]) })
	return months, nil
}

// IsPublished reports whether month m has a manifest.
func (l Layout) IsPublished(m Month) (bool, error) {
	_, err := os.Stat(l.ManifestPath(m))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("manifest of %s: %w", m, err)
	}
}

// Latest returns the newest published month.
func (l Layout) Latest() (Month, bool, error) {
	months, err := l.PublishedMonths()
	if err != nil || len(months) == 0 {
		return Month{}, false, err
	}
	return months[len(months)-1], true, nil
}

// LatestBefore returns the newest published month before m.
func (l Layout) LatestBefore(m Month) (Month, bool, error) {
	months, err := l.PublishedMonths()
	if err != nil {
		return Month{}, false, err
	}
	for i := len(months) - 1; i >= 0; i-- {
		if months[i].Before(m) {
			return months[i], true, nil
		}
	}
	return Month{}, false, nil
}

// Tables lists the table trees present under OUT, sorted: every folder whose name does not start
// with "_" or "." and is not an old-layout month folder.
func (l Layout) Tables() ([]string, error) {
	entries, err := readDirIfAny(l.Root)
	if err != nil {
		return nil, fmt.Errorf("tables in %s: %w", l.Root, err)
	}
	var tables []string
	for _, e := range entries {
		if n := e.Name(); e.IsDir() && isTableName(n) {
			tables = append(tables, n)
		}
	}
	return tables, nil
}

// isTableName reports whether a folder name under OUT can be a table tree.
func isTableName(n string) bool {
	return n != "" && !strings.HasPrefix(n, "_") && !strings.HasPrefix(n, ".") && !strings.HasPrefix(n, SnapshotPrefix)
}

// TableMonths lists the months that have a partition folder in table's tree, oldest first. A month
// listed here but without a manifest is being published (or was, by a run that crashed; the next
// run rolls it forward).
func (l Layout) TableMonths(table string) ([]Month, error) {
	entries, err := readDirIfAny(l.TableDir(table))
	if err != nil {
		return nil, fmt.Errorf("months of %s: %w", table, err)
	}
	var months []Month
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), SnapshotPrefix) {
			continue
		}
		if m, err := ParseMonth(strings.TrimPrefix(e.Name(), SnapshotPrefix)); err == nil {
			months = append(months, m)
		}
	}
	sort.Slice(months, func(a, b int) bool { return months[a].Before(months[b]) })
	return months, nil
}

// StagingRoot is OUT/_staging, the parent of every run's build area.
func (l Layout) StagingRoot() string { return filepath.Join(l.Root, StagingDirName) }

// StagingDir is the build area of one run: OUT/_staging/<run id>.
func (l Layout) StagingDir(runID string) string { return filepath.Join(l.StagingRoot(), runID) }

// StagedTableFile is where a run writes a table before publication:
// OUT/_staging/<run id>/<table>/part-0.parquet. Publication swaps OUT/_staging/<run id>/<table>
// with OUT/<table>/snapshot_month=YYYY-MM.
func (l Layout) StagedTableFile(runID, table string) string {
	return filepath.Join(l.StagingDir(runID), table, PartFile)
}

// RunsDir is OUT/_runs: the run ledger and the fire history.
func (l Layout) RunsDir() string { return filepath.Join(l.Root, RunsDir) }

// ReportsDir is OUT/_reports: the HTML reports.
func (l Layout) ReportsDir() string { return filepath.Join(l.Root, ReportsDirName) }

// TempRoot is OUT/_tmp, the parent of every run's spill folder.
func (l Layout) TempRoot() string { return filepath.Join(l.Root, TempDirName) }

// TempDir is the DuckDB spill folder of one run: OUT/_tmp/<run id>.
func (l Layout) TempDir(runID string) string { return filepath.Join(l.TempRoot(), runID) }

// LockPath is OUT/.refresh.lock.
func (l Layout) LockPath() string { return filepath.Join(l.Root, LockFile) }

// OldLayoutError says OUT holds months in the old layout and names the command that converts them.
type OldLayoutError struct {
	// Out is the output folder.
	Out string
	// Folders are the old-layout month folders found, e.g. snapshot_month=2026-10.
	Folders []string
}

// Error names the folders found and the conversion command.
func (e *OldLayoutError) Error() string {
	shown := e.Folders
	if len(shown) > 3 {
		shown = append(append([]string{}, shown[:3]...), fmt.Sprintf("and %d more", len(e.Folders)-3))
	}
	return fmt.Sprintf("%v: %s holds months as %s (one folder per month with a file per table); "+
		"convert it to one folder tree per table with: refresh migrate --out %s",
		ErrOldLayout, e.Out, strings.Join(shown, ", "), e.Out)
}

// Unwrap returns ErrOldLayout.
func (e *OldLayoutError) Unwrap() error { return ErrOldLayout }

// OldLayoutFolders lists the old-layout month folders directly under OUT (snapshot_month=YYYY-MM),
// sorted.
func (l Layout) OldLayoutFolders() ([]string, error) {
	entries, err := readDirIfAny(l.Root)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", l.Root, err)
	}
	var old []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), SnapshotPrefix) {
			old = append(old, e.Name())
		}
	}
	return old, nil
}

// CheckCurrent returns an *OldLayoutError (errors.Is ErrOldLayout) when OUT holds old-layout month
// folders, so that no run writes a second layout beside them.
func (l Layout) CheckCurrent() error {
	old, err := l.OldLayoutFolders()
	if err != nil {
		return err
	}
	if len(old) > 0 {
		return &OldLayoutError{Out: l.Root, Folders: old}
	}
	return nil
}

// readDirIfAny lists a folder of OUT; a folder that does not exist (yet) is an empty list, not an
// error.
func readDirIfAny(dir string) ([]os.DirEntry, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return entries, err
}
