package stages

import (
	"context"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// LoadRubric defines the macros every later statement uses (macros.sql, first of all statements),
// then writes the run's validated rubric into the rb_* tables that ingest and the metric SQL join
// against.
type LoadRubric struct{}

// Name implements pipeline.Stage.
func (LoadRubric) Name() string { return "rubric" }

// SharedAcrossMonths implements pipeline.SharedStage.
func (LoadRubric) SharedAcrossMonths() bool { return true }

// Run implements pipeline.Stage.
func (LoadRubric) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	if err := r.DB.ExecFile(ctx, "macros"); err != nil {
		return err
	}
	if err := r.DB.ExecFile(ctx, "rubric_tables"); err != nil {
		return err
	}
	var rows int
	for _, t := range r.Rubric.Tables() {
		if len(t.Rows) == 0 {
			continue
		}
		// One multi-row INSERT per table; table names come from the rubric package's fixed list.
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.Rows[0])), ", ") + ")"
		var args []any
		for _, rw := range t.Rows {
			args = append(args, rw...)
		}
		q := "INSERT INTO " + sqlfiles.QuoteIdent(t.Name) + " VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", len(t.Rows)), ", ")
		if err := r.DB.Exec(ctx, "rubric table "+t.Name, q, args...); err != nil {
			return err
		}
		rows += len(t.Rows)
	}
	logDone(r, "rubric", start, zap.String("rubric_id", r.Rubric.ID), zap.Int("rows", rows))
	return nil
}
