// Package stages holds the steps of a monthly run, one per file, in the order All returns them:
// rubric (the macros and the rubric tables), ingest (read and validate the raw records), ready
// (the usage months found, readiness), metrics (measure every metric in SQL), score (points,
// totals, tracks, status), eligibility (the rows behind each metric), reconcile (blocking check),
// recommend (what to do next, planned by package recommend), changes (score_changes against the
// previous month), check
// (blocking checks), inputs-unchanged, and export (write the snapshot's Parquet files to staging).
// Rubric and ingest serve every month of a backfill. Validate runs rubric and ingest's checks
// alone, for refresh validate.
package stages

import (
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
)

// All returns the stages of a monthly run in order.
func All() []pipeline.Stage {
	return []pipeline.Stage{LoadRubric{}, Ingest{}, Ready{}, Metrics{}, Score{}, Eligibility{}, Reconcile{}, Recommend{}, Changes{}, Check{}, InputsUnchanged{}, Export{}}
}

// logDone writes the one line per stage that operators read: rows and duration.
func logDone(r *pipeline.Run, stage string, start time.Time, fields ...zap.Field) {
	r.Log.Info("stage done", append([]zap.Field{zap.String("stage", stage), zap.Duration("duration", time.Since(start))}, fields...)...)
}
