package stages

import (
	"context"
	"fmt"
	"time"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// Ready checks, per month, that the usage data for S and S-12 has landed and records which months
// of the window have rows (the manifest's history).
type Ready struct{}

// Name implements pipeline.Stage.
func (Ready) Name() string { return "ready" }

// Run records which months of the window have usage rows, warns about usage tables with gaps,
// and, unless skipped, fails with ErrSourceNotReady when a usage table has no rows for S or S-12.
func (Ready) Run(ctx context.Context, r *pipeline.Run) error {
	rows, err := r.DB.Query(ctx, "ready_history", sqlfiles.Text("ready_history"))
	if err != nil {
		return err
	}
	defer rows.Close()
	have := map[string]map[string]int64{}
	for rows.Next() {
		var table string
		var month time.Time
		var n int64
		if err := rows.Scan(&table, &month, &n); err != nil {
			return err
		}
		if have[table] == nil {
			have[table] = map[string]int64{}
		}
		have[table][pipeline.MonthOf(month).String()] = n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	usage := usageTables
	// The per-month counts of this month's window (a backfill ingests the union of its windows).
	r.MonthRows = map[string]map[string]int64{}
	for _, t := range usage {
		r.MonthRows[t] = map[string]int64{}
	}
	for _, m := range r.Window.Months() {
		any := false
		for _, t := range usage {
			if n, ok := have[t][m.String()]; ok {
				r.MonthRows[t][m.String()] = n
				any = true
			} else {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s has no rows for %s", t, m))
			}
		}
		if any {
			r.History.MonthsFound = append(r.History.MonthsFound, m.String())
		} else {
			r.History.MonthsMissing = append(r.History.MonthsMissing, m.String())
		}
	}
	if r.Config.SkipReadiness {
		return nil
	}
	// S and S-12: the months the metrics compare (params.s and params.s12, mask bits 23 and 11).
	s := r.Config.Month
	for _, t := range usage {
		if r.Config.IsOptional(t) {
			continue // declared optional for this program: its months are not waited for
		}
		for _, m := range []pipeline.Month{s, s.Add(-12)} {
			if _, ok := have[t][m.String()]; !ok {
				return fmt.Errorf("%w: %s has no rows for %s (the month and the same month a year earlier must have landed; pass --skip-readiness to score anyway)",
					pipeline.ErrSourceNotReady, t, m)
			}
		}
	}
	return nil
}
