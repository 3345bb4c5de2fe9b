package stages

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// Score turns measures into points, totals, the selected track, status and qualified_in_window
// (read from the published snapshots of S-5..S-1).
type Score struct{}

// Name implements pipeline.Stage.
func (Score) Name() string { return "score" }

// Run implements pipeline.Stage.
func (Score) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	if err := r.DB.ExecFile(ctx, "prior_init"); err != nil {
		return err
	}
	layout := pipeline.NewLayout(r.Config.Out)
	published, err := layout.PublishedMonths()
	if err != nil {
		return err
	}
	var found, missing []string
	for k := pipeline.QualificationMonths - 1; k >= 1; k-- {
		m := r.Config.Month.Add(-k)
		if !slices.Contains(published, m) {
			missing = append(missing, m.String())
			continue
		}
		path := layout.TableFile(pipeline.TableAreaScores, m)
		q := sqlfiles.Render("prior_load", map[string]string{"month": sqlfiles.QuoteLiteral(m.String()), "path": duck.QuotePath(path)})
		if err := r.DB.Exec(ctx, "prior_load", q); err != nil {
			if ctx.Err() != nil {
				return err
			}
			// A damaged month counts as not qualified, like a missing one, and says so. The insert
			// is one statement, so a failed read adds no row.
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s %s: %s does not read (%v); it counts as not qualified in qualified_in_window",
				pipeline.WarnDamagedMonth, m, path, err))
			r.Log.Warn("earlier month does not read; counted as not qualified", zap.String("month", m.String()), zap.Error(err))
			continue
		}
		found = append(found, m.String())
	}
	if len(missing) > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("qualified_in_window: no published snapshot for %v; those months count as not qualified", missing))
	}
	if err := r.DB.ExecFile(ctx, "score", duck.Params{"month_label": r.Config.Month.String(), "run_id": r.ID}); err != nil {
		return err
	}
	n, err := r.DB.Count(ctx, "SELECT count(*) FROM area_scores")
	if err != nil {
		return err
	}
	logDone(r, "score", start, zap.Int64("rows", n), zap.Strings("prior_snapshots", found))
	return nil
}
