package pipeline

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayout_Paths pins every path of the OUT layout: other packages and analysts depend on them.
func TestLayout_Paths(t *testing.T) {
	l := NewLayout("/data/out")
	m, _ := ParseMonth("2026-10")
	for _, tc := range []struct{ got, want string }{
		{l.TableDir(TableAreaScores), "/data/out/area_scores"},
		{l.MonthDir(TableMetricScores, m), "/data/out/metric_scores/snapshot_month=2026-10"},
		{l.TableFile(TableRecommendations, m), "/data/out/recommendations/snapshot_month=2026-10/part-0.parquet"},
		{l.TableFile(TableRejects, m), "/data/out/rejects/snapshot_month=2026-10/part-0.parquet"},
		{l.RelTableFile(TableAreaScores, m), "area_scores/snapshot_month=2026-10/part-0.parquet"},
		{l.ManifestPath(m), "/data/out/_manifests/snapshot_month=2026-10.json"},
		{l.StagingRoot(), "/data/out/_staging"},
		{l.StagingDir("r1"), "/data/out/_staging/r1"},
		{l.StagedTableFile("r1", TableAreaScores), "/data/out/_staging/r1/area_scores/part-0.parquet"},
		{l.RunsDir(), "/data/out/_runs"},
		{l.ReportsDir(), "/data/out/_reports"},
		{l.TempDir("r1"), "/data/out/_tmp/r1"},
		{l.LockPath(), "/data/out/.refresh.lock"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

func TestLayout_PublishedMonths(t *testing.T) {
	out := t.TempDir()
	l := NewLayout(out)
	if months, err := l.PublishedMonths(); err != nil || len(months) != 0 {
		t.Fatalf("empty OUT: %v, %v", months, err)
	}
	writeFiles(t, out, map[string]string{
		"_manifests/snapshot_month=2026-10.json":     "{}",
		"_manifests/snapshot_month=2026-07.json":     "{}",
		"_manifests/snapshot_month=2026-08.json.tmp": "ignored",
		"_manifests/notes.txt":                       "ignored",
		// A table month without a manifest is not published.
		"area_scores/snapshot_month=2026-11/part-0.parquet":   "x",
		"area_scores/snapshot_month=2026-10/part-0.parquet":   "x",
		"metric_scores/snapshot_month=2026-10/part-0.parquet": "x",
		"_runs/ledger.jsonl": "",
	})
	months, err := l.PublishedMonths()
	if err != nil || len(months) != 2 || months[0].String() != "2026-07" || months[1].String() != "2026-10" {
		t.Errorf("PublishedMonths = %v, %v; want [2026-07 2026-10]", months, err)
	}
	for _, tc := range []struct {
		before string
		want   string // "" = none
	}{{"2026-12", "2026-10"}, {"2026-10", "2026-07"}, {"2026-08", "2026-07"}, {"2026-07", ""}} {
		b, _ := ParseMonth(tc.before)
		got, ok, err := l.LatestBefore(b)
		if err != nil || ok != (tc.want != "") || (ok && got.String() != tc.want) {
			t.Errorf("LatestBefore(%s) = %v %v %v, want %q", tc.before, got, ok, err, tc.want)
		}
	}
	if latest, ok, err := l.Latest(); err != nil || !ok || latest.String() != "2026-10" {
		t.Errorf("Latest = %v %v %v", latest, ok, err)
	}
	tables, err := l.Tables()
	if err != nil || strings.Join(tables, ",") != "area_scores,metric_scores" {
		t.Errorf("Tables = %v, %v", tables, err)
	}
	tm, err := l.TableMonths(TableAreaScores)
	if err != nil || len(tm) != 2 || tm[0].String() != "2026-10" || tm[1].String() != "2026-11" {
		t.Errorf("TableMonths = %v, %v", tm, err)
	}
	if err := l.CheckCurrent(); err != nil {
		t.Errorf("CheckCurrent on the current layout: %v", err)
	}
}

func TestLayout_CheckCurrentOldLayout(t *testing.T) {
	out := t.TempDir()
	writeFiles(t, out, map[string]string{
		"snapshot_month=2026-09/area_scores.parquet": "x",
		"snapshot_month=2026-10/_manifest.json":      "{}",
	})
	err := NewLayout(out).CheckCurrent()
	var oe *OldLayoutError
	if !errors.Is(err, ErrOldLayout) || !errors.As(err, &oe) {
		t.Fatalf("err = %v, want an OldLayoutError", err)
	}
	want := "output folder in the old layout: " + out + " holds months as snapshot_month=2026-09, snapshot_month=2026-10 " +
		"(one folder per month with a file per table); convert it to one folder tree per table with: refresh migrate --out " + out
	if err.Error() != want {
		t.Errorf("err =\n%s\nwant\n%s", err, want)
	}
	if _, err := NewLayout(filepath.Join(out, "missing")).PublishedMonths(); err != nil {
		t.Errorf("missing OUT: %v", err)
	}
}
