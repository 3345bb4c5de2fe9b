package stages

import (
	"context"
	"runtime"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/recommend"
)

// Recommend lists, per partner and started area, what to do next: the smallest set of actions that
// qualifies the area (or why there is none), the metrics at zero that block it, the renewal risk of an
// enrolled area, the certifications about to stop counting with the points they take along, and the
// customers whose usage is below the floor. The planner (package recommend) re-scores each area under
// a change; the rest is SQL over the month's tables.
type Recommend struct{}

// Name implements pipeline.Stage.
func (Recommend) Name() string { return "recommend" }

// Run implements pipeline.Stage.
func (Recommend) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	for _, f := range []string{"recommend_state", "recommend_plan_init"} {
		if err := r.DB.ExecFile(ctx, f); err != nil {
			return err
		}
	}
	workers := r.Config.Threads // the planner uses as many cores as DuckDB may
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	st, err := recommend.Write(ctx, r.DB, float64(r.Rubric.General.QualifyingScore), workers,
		func(done, all int64) {
			if done < all {
				r.Log.Info("recommend: planning", zap.Int64("partner_keys_done", done), zap.Int64("partner_keys", all))
			}
		})
	if err != nil {
		return err
	}
	if st.Mismatched > 0 {
		// The planner re-scores what the metric SQL scored; a difference means it cannot promise
		// points for those areas, so they get no plan. Scores are unaffected.
		r.Log.Warn("recommend: areas whose re-scored total differs from the published one get no plan",
			zap.Int("areas", st.Mismatched))
	}
	if err := r.DB.ExecFile(ctx, "recommend"); err != nil {
		return err
	}
	n, err := r.DB.Count(ctx, "SELECT count(*) FROM recommendations")
	if err != nil {
		return err
	}
	logDone(r, "recommend", start, zap.Int64("rows", n), zap.Int("areas", st.Areas), zap.Int("paths", st.Paths),
		zap.Int("no_paths", st.NoPaths), zap.Int("expiring", st.Expiring), zap.Int("mismatched", st.Mismatched))
	return nil
}
