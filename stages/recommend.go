package stages

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
)

// Recommend lists, per partner and area, what would close the gap: metrics at zero that block
// qualification, the distance to each threshold, certifications expiring or retiring soon, and
// customers whose ACR sits below the floor.
type Recommend struct{}

// Name implements pipeline.Stage.
func (Recommend) Name() string { return "recommend" }

// Run implements pipeline.Stage.
func (Recommend) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	if err := r.DB.ExecFile(ctx, "recommend"); err != nil {
		return err
	}
	n, err := r.DB.Count(ctx, "SELECT count(*) FROM recommendations")
	if err != nil {
		return err
	}
	logDone(r, "recommend", start, zap.Int64("rows", n))
	return nil
}
