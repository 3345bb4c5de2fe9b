package stages

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// LoadRubric writes the run's validated rubric into the rb_* tables that ingest and the metric SQL
// join against.
type LoadRubric struct{}

// Name implements pipeline.Stage.
func (LoadRubric) Name() string { return "rubric" }

// Run implements pipeline.Stage.
func (LoadRubric) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	if err := r.DB.ExecFile(ctx, "rubric_tables"); err != nil {
		return err
	}
	var rows int
	for _, t := range r.Rubric.Tables() {
		if len(t.Rows) == 0 {
			continue
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(t.Rows[0])), ", ")
		// Table names come from the rubric package's fixed list, never from input.
		stmt, err := r.DB.SQL().PrepareContext(ctx, "INSERT INTO "+sql.QuoteIdent(t.Name)+" VALUES ("+marks+")")
		if err != nil {
			return fmt.Errorf("rubric table %s: %w", t.Name, err)
		}
		for _, row := range t.Rows {
			if _, err := stmt.ExecContext(ctx, row...); err != nil {
				stmt.Close()
				return fmt.Errorf("rubric table %s: %w", t.Name, err)
			}
			rows++
		}
		stmt.Close()
	}
	logDone(r, "rubric", start, zap.String("rubric_id", r.Rubric.ID), zap.Int("rows", rows))
	return nil
}
