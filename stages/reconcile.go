package stages

import (
	"context"
	"fmt"
	"time"

	"github.com/capscore/capscore/pipeline"
)

// reconcileCheck is the name of the blocking check in the manifest.
const reconcileCheck = "eligibility_reconciles"

// Reconcile is a blocking check: every metric value of metric_scores must equal the value
// re-aggregated from the eligibility rows alone (per metric shape, see
// sql/reconcile_eligibility.sql), like the totals check does for area totals. A mismatch
// stops the run with pipeline.ErrChecksFailed before anything is written.
type Reconcile struct{}

// Name implements pipeline.Stage.
func (Reconcile) Name() string { return "reconcile" }

// Run implements pipeline.Stage.
func (Reconcile) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	n, sample, err := offending(ctx, r, "reconcile_eligibility")
	if err != nil {
		return fmt.Errorf("check %s: %w", reconcileCheck, err)
	}
	r.Checks = append(r.Checks, pipeline.CheckResult{Name: reconcileCheck, Passed: n == 0, Offending: n})
	if n > 0 {
		return fmt.Errorf("%w: %s: %d metric values differ from their eligibility rows, e.g. %s",
			pipeline.ErrChecksFailed, reconcileCheck, n, sample)
	}
	logDone(r, "reconcile", start)
	return nil
}

// ensure the stage satisfies the interface at compile time.
var _ pipeline.Stage = Reconcile{}
