package monitor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// MetricsFileName is the metrics file's name under OUT/_runs when no path is configured.
const MetricsFileName = "metrics.prom"

// DefaultMetricsPath is the metrics file of out when none is configured: OUT/_runs/metrics.prom.
func DefaultMetricsPath(out string) string {
	return filepath.Join(pipeline.NewLayout(out).RunsDir(), MetricsFileName)
}

// Metric names, all gauges (the text file is rewritten whole after each run).
const (
	MetricLastSuccess     = "capscore_last_success_timestamp_seconds"
	MetricLastRun         = "capscore_last_run_timestamp_seconds"
	MetricLastRunSuccess  = "capscore_last_run_success"
	MetricLedgerRuns      = "capscore_ledger_runs"
	MetricPublishedMonths = "capscore_published_months"
	MetricSnapshotInfo    = "capscore_snapshot_info"
	MetricSnapshotMonth   = "capscore_snapshot_month_timestamp_seconds"
	MetricRunDuration     = "capscore_run_duration_seconds"
	MetricStageDuration   = "capscore_stage_duration_seconds"
	MetricInputRows       = "capscore_input_rows"
	MetricOutputRows      = "capscore_output_rows"
	MetricQualified       = "capscore_qualified_partner_areas"
)

// WriteMetrics writes the Prometheus text file at path (atomically: a temporary file renamed over
// it, with the Prometheus Go client's WriteToTextfile) from what out holds: the ledger's last run
// and last success, and, for the month the latest successful run published, its stage durations
// and row counts (from its manifest) and its qualified partner-areas per solution area (counted in
// its area_scores file with DuckDB). It only reads out.
func WriteMetrics(ctx context.Context, path, out string) error {
	reg := prometheus.NewRegistry()
	gauge := func(name, help string) prometheus.Gauge {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		reg.MustRegister(g)
		return g
	}
	gaugeVec := func(name, help string, labels ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
		reg.MustRegister(g)
		return g
	}

	layout := pipeline.NewLayout(out)
	if _, err := os.Stat(out); err != nil {
		return fmt.Errorf("metrics: output folder %s: %w", out, err)
	}
	if err := layout.CheckCurrent(); err != nil {
		return fmt.Errorf("metrics: %w", err) // an OUT refused by the run is left as it is
	}
	recs, err := pipeline.OpenLedger(out).Records()
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	latest := pipeline.LatestByRun(recs)
	var lastRun, lastOK *pipeline.Record
	byStatus := map[string]int{}
	for _, r := range ledgerOrder(recs, latest) {
		byStatus[r.Status]++
		if r.Status == pipeline.StatusRunning || r.Status == pipeline.StatusSkipped {
			continue
		}
		if lastRun == nil || !endOf(r).Before(endOf(*lastRun)) {
			lastRun = &r
		}
		if r.Status == pipeline.StatusPublished && (lastOK == nil || !endOf(r).Before(endOf(*lastOK))) {
			lastOK = &r
		}
	}
	runs := gaugeVec(MetricLedgerRuns, "Runs in the ledger by their latest status.", "status")
	for _, s := range []string{pipeline.StatusRunning, pipeline.StatusPublished, pipeline.StatusFailed, pipeline.StatusSkipped,
		pipeline.StatusCanceled, pipeline.StatusAbandoned} {
		runs.WithLabelValues(s).Set(float64(byStatus[s]))
	}
	if lastRun != nil {
		gauge(MetricLastRun, "When the last finished run ended (Unix seconds).").Set(unix(endOf(*lastRun)))
		ok := 0.0
		if lastRun.Status == pipeline.StatusPublished {
			ok = 1
		}
		gauge(MetricLastRunSuccess, "1 when the last finished run published its month, else 0.").Set(ok)
	}
	published, err := layout.PublishedMonths()
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	gauge(MetricPublishedMonths, "Months published in the output folder.").Set(float64(len(published)))

	if lastOK != nil {
		gauge(MetricLastSuccess, "When the last run that published a month ended (Unix seconds).").Set(unix(endOf(*lastOK)))
		if err := monthMetrics(ctx, layout, lastOK.Month, gauge, gaugeVec); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("metrics file %s: %w", path, err)
	}
	if err := prometheus.WriteToTextfile(path, reg); err != nil {
		return fmt.Errorf("metrics file %s: %w", path, err)
	}
	return nil
}

// monthMetrics adds the metrics of one published month: its manifest's stage durations and row
// counts, and its qualified partner-areas per solution area. A month whose manifest is gone
// (republished by now, or damaged) adds none.
func monthMetrics(ctx context.Context, layout pipeline.Layout, month string,
	gauge func(name, help string) prometheus.Gauge, gaugeVec func(name, help string, labels ...string) *prometheus.GaugeVec) error {
	m, err := pipeline.ParseMonth(month)
	if err != nil {
		return nil
	}
	man, err := layout.ReadManifest(m)
	if err != nil {
		return nil
	}
	gaugeVec(MetricSnapshotInfo, "The month the last successful run published: its run, rubric and code version.",
		"snapshot_month", "run_id", "rubric_id", "code_version").
		WithLabelValues(man.SnapshotMonth, man.RunID, man.RubricID, man.CodeVersion).Set(1)
	gauge(MetricSnapshotMonth, "The first day of that month (Unix seconds).").Set(unix(m.First()))
	if !man.Finished.IsZero() && !man.Started.IsZero() {
		gauge(MetricRunDuration, "Wall time of the run that published that month.").Set(man.Finished.Sub(man.Started).Seconds())
	}
	stages := gaugeVec(MetricStageDuration, "Wall time of each stage of that run (a backfill's shared stages ran once for its range).", "stage")
	for _, s := range man.Stages {
		stages.WithLabelValues(s.Name).Set(s.DurationSeconds)
	}
	rows := gaugeVec(MetricInputRows, "Input rows of that run per table: read = accepted + rejected + out_of_window.", "table", "outcome")
	for _, t := range man.Inputs {
		rows.WithLabelValues(t.Table, "read").Set(float64(t.Read))
		rows.WithLabelValues(t.Table, "accepted").Set(float64(t.Accepted))
		rows.WithLabelValues(t.Table, "rejected").Set(float64(t.Rejected))
		rows.WithLabelValues(t.Table, "out_of_window").Set(float64(t.OutOfWindow))
	}
	outRows := gaugeVec(MetricOutputRows, "Rows of each published table of that month.", "table")
	for _, o := range man.Outputs {
		outRows.WithLabelValues(o.Name).Set(float64(o.Rows))
	}
	qualified, err := qualifiedByArea(ctx, layout.TableFile(pipeline.TableAreaScores, m))
	if err != nil {
		return fmt.Errorf("metrics: qualified partner-areas of %s: %w", month, err)
	}
	q := gaugeVec(MetricQualified, "Qualified partner-areas of that month per solution area.", "solution_area")
	for area, n := range qualified {
		q.WithLabelValues(area).Set(float64(n))
	}
	return nil
}

// qualifiedByArea counts the qualified rows of an area_scores file per solution area (every area
// of the file, zeros included).
func qualifiedByArea(ctx context.Context, file string) (map[string]int64, error) {
	db, err := duck.Open(ctx, "", duck.Settings{Threads: 1, MemoryLimit: "256MB"}, zap.NewNop())
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query(ctx, "monitor_qualified", sqlfiles.Text("monitor_qualified"), file)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var area string
		var n int64
		if err := rows.Scan(&area, &n); err != nil {
			return nil, err
		}
		out[area] = n
	}
	return out, rows.Err()
}

// unix is t in Unix seconds with its fraction.
func unix(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
