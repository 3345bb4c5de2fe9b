package stages

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// checkFiles are the blocking SQL checks; each returns the offending rows.
var checkFiles = []string{"check_six_areas", "check_points_range", "check_totals", "check_null_keys"}

// Check runs the blocking checks before anything is written: the SQL checks, the row accounting
// of every input table, and the drift guard against the previous published month (not in a what-if
// run of one partner, pipeline.Config.Slice). A failed check
// stops the run with pipeline.ErrChecksFailed, naming the check and showing sample rows.
type Check struct{}

// Name implements pipeline.Stage.
func (Check) Name() string { return "check" }

// Run implements pipeline.Stage.
func (Check) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	var failed []string
	for _, name := range checkFiles {
		n, sample, err := offending(ctx, r, name)
		if err != nil {
			return fmt.Errorf("check %s: %w", name, err)
		}
		r.Checks = append(r.Checks, pipeline.CheckResult{Name: name, Passed: n == 0, Offending: n})
		if n > 0 {
			failed = append(failed, fmt.Sprintf("%s: %d offending rows, e.g. %s", name, n, sample))
		}
	}
	var bad int64
	for _, t := range r.Tables {
		if t.Read != t.Accepted+t.Rejected+t.OutOfWindow {
			bad++
			failed = append(failed, fmt.Sprintf("row_accounting: %s read %d != accepted %d + rejected %d + out of window %d",
				t.Table, t.Read, t.Accepted, t.Rejected, t.OutOfWindow))
		}
	}
	r.Checks = append(r.Checks, pipeline.CheckResult{Name: "row_accounting", Passed: bad == 0, Offending: bad})
	// A what-if run of one partner is never published, and its slice would always drift against
	// the whole published month: it has no drift guard.
	if r.Config.Slice == nil {
		drift, err := driftGuard(ctx, r)
		if err != nil {
			return err
		}
		r.Checks = append(r.Checks, pipeline.CheckResult{Name: "drift_guard", Passed: len(drift) == 0 || r.Config.AcceptDrift, Offending: int64(len(drift))})
		if len(drift) > 0 {
			if r.Config.AcceptDrift {
				r.Warnings = append(r.Warnings, "drift accepted with --accept-drift: "+strings.Join(drift, "; "))
			} else {
				failed = append(failed, "drift_guard: "+strings.Join(drift, "; ")+" (pass --accept-drift to publish anyway)")
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %s", pipeline.ErrChecksFailed, strings.Join(failed, " | "))
	}
	logDone(r, "check", start, zap.Int("checks", len(r.Checks)))
	return nil
}

// offending runs the check in statement file name, counts its rows and formats up to three of them.
func offending(ctx context.Context, r *pipeline.Run, name string) (int64, string, error) {
	rows, err := r.DB.Query(ctx, name, sqlfiles.Text(name))
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var n int64
	var sample []string
	for rows.Next() {
		n++
		if len(sample) >= 3 {
			continue
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		var parts []string
		for i, c := range cols {
			parts = append(parts, fmt.Sprintf("%s=%v", c, vals[i]))
		}
		sample = append(sample, "("+strings.Join(parts, ", ")+")")
	}
	return n, strings.Join(sample, " "), rows.Err()
}

// driftGuard compares this run with the latest published snapshot P before S, like with like: per
// usage table, the rows of month S against the rows of P's own month as P recorded them (a partial
// load of S shows as a drop), and the rows of every earlier month of the window against what P
// recorded for the same month (lost or restated history); the small tables by their totals; and
// the number of qualified (partner, area) rows, with its own limit. It returns the moves over the
// limits, each naming the table and month.
func driftGuard(ctx context.Context, r *pipeline.Run) ([]string, error) {
	layout := pipeline.NewLayout(r.Config.Out)
	// A damaged or half-deleted earlier month never turns the guard off silently, nor fails the run
	// for good: the guard reports that it has no baseline, which --accept-drift accepts.
	noBaseline := func(format string, args ...any) ([]string, error) {
		return []string{"no baseline: " + fmt.Sprintf(format, args...)}, nil
	}
	prevMonth, ok, err := layout.LatestBefore(r.Config.Month)
	if err != nil {
		return noBaseline("the published months of %s do not list (%v)", r.Config.Out, err)
	}
	for k := 1; k <= 12; k++ {
		m := r.Config.Month.Add(-k)
		if ok && !prevMonth.Before(m) {
			break
		}
		if _, err := os.Stat(layout.MonthDir(pipeline.TableAreaScores, m)); err == nil {
			return noBaseline("%s has area_scores but no manifest (deleted or damaged); rebuild it with `refresh backfill --from %s --to %s --force`", m, m, m)
		}
	}
	if !ok || r.Config.Month.Sub(prevMonth) > 12 {
		return nil, nil
	}
	prev, err := layout.ReadManifest(prevMonth)
	if err != nil {
		return noBaseline("the manifest of %s does not read (%v); rebuild it with `refresh backfill --from %s --to %s --force`", prevMonth, err, prevMonth, prevMonth)
	}
	var out []string
	moved := func(what string, before, now int64, limit float64) {
		if before == 0 {
			return
		}
		if share := math.Abs(float64(now-before)) / float64(before); share > limit {
			out = append(out, fmt.Sprintf("%s moved %.0f%% (%d in %s, %d now; limit %.0f%%)", what, 100*share, before, prev.SnapshotMonth, now, 100*limit))
		}
	}
	byMonth := prev.InputsByMonth != nil
	if !byMonth {
		r.Warnings = append(r.Warnings, fmt.Sprintf("no per-month counts in snapshot %s; usage tables compared by totals", prevMonth))
	}
	for _, t := range r.Tables {
		if byMonth && slices.Contains(usageTables, t.Table) {
			continue
		}
		for _, p := range prev.Inputs {
			if p.Table == t.Table {
				moved(t.Table+" rows", p.Read, t.Read, r.Config.DriftLimit())
			}
		}
	}
	if byMonth {
		out = append(out, monthDrift(r, prevMonth, prev.InputsByMonth)...)
	}
	var before int64
	prevFile := layout.TableFile(pipeline.TableAreaScores, prevMonth)
	if err := r.DB.QueryRow(ctx, "drift qualified", "SELECT count(*) FROM read_parquet(?) WHERE qualified", prevFile).Scan(&before); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return append(out, fmt.Sprintf("no baseline: %s does not read (%v)", prevFile, err)), nil
	}
	now, err := r.DB.Count(ctx, "SELECT count(*) FROM area_scores WHERE qualified")
	if err != nil {
		return nil, err
	}
	// A move of fewer partner-areas than the floor is never drift: on a small program 1 -> 2 is a
	// 100% move of one partner-area.
	if d := now - before; d >= int64(r.Config.QualifiedMoveFloor()) || -d >= int64(r.Config.QualifiedMoveFloor()) {
		moved("qualified partner-areas", before, now, r.Config.QualifiedDriftLimit())
	}
	return out, nil
}

// monthOverMonthFloor is the fewest rows P's own month must have for month S to be compared with
// it: S and P are different months, and a few rows more or less in a tiny month is not drift. The
// same month read again is compared at any size.
const monthOverMonthFloor = 100

// monthDrift compares the per-month row counts of the usage tables with those snapshot p recorded:
// month S against p's own month (from monthOverMonthFloor rows), and each earlier month of the
// window p also recorded against itself. A month missing now counts as 0 rows.
func monthDrift(r *pipeline.Run, p pipeline.Month, recorded map[string]map[string]int64) []string {
	var out []string
	limit := r.Config.DriftLimit()
	moved := func(table string, m pipeline.Month, before int64, then pipeline.Month, now int64) {
		if before <= 0 {
			return
		}
		if share := math.Abs(float64(now-before)) / float64(before); share > limit {
			out = append(out, fmt.Sprintf("%s rows for %s moved %.0f%% (%d in %s as recorded by snapshot %s, %d now; limit %.0f%%)",
				table, m, 100*share, before, then, p, now, 100*limit))
		}
	}
	s := r.Config.Month
	for _, t := range usageTables {
		then, now := recorded[t], r.MonthRows[t]
		if before := then[p.String()]; before >= monthOverMonthFloor {
			moved(t, s, before, p, now[s.String()])
		}
		for _, m := range r.Window.Months() {
			if before, ok := then[m.String()]; ok && m.Before(s) {
				moved(t, m, before, m, now[m.String()])
			}
		}
	}
	return out
}
