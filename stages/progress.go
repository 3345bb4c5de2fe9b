package stages

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
)

// progress logs, at info, one family of statements of a long stage as it finishes: "family k of
// n" with its name and duration, the rows of the stage's result table so far (rowsTable, a fixed
// name of the stage's SQL; "" for none) and the time elapsed in the stage, so an operator of a long run sees it
// move before the stage ends.
func progress(ctx context.Context, r *pipeline.Run, stage, family string, k, n int, stageStart, familyStart time.Time, rowsTable string) error {
	fields := []zap.Field{zap.String("stage", stage), zap.String("family", family), zap.String("progress", fmt.Sprintf("%d/%d", k+1, n))}
	if rowsTable != "" {
		rows, err := r.DB.Count(ctx, "SELECT count(*) FROM "+rowsTable)
		if err != nil {
			return fmt.Errorf("%s: count %s: %w", stage, rowsTable, err)
		}
		fields = append(fields, zap.Int64("rows", rows))
	}
	r.Log.Info("stage progress", append(fields, zap.Duration("duration", time.Since(familyStart)), zap.Duration("elapsed", time.Since(stageStart)))...)
	return nil
}
