package stages

import (
	"context"
	dsql "database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/outputs"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// Changes builds score_changes: each partner-area against the previous month (S-1) as published,
// with the move of its total and status, each metric's point delta and the eligibility rows that
// moved. It builds the table only when S-1 is published; the export then writes it. A previous
// month that does not read is a warning and the month has no score_changes; one published without
// eligibility tables gives NULL drivers with a note.
type Changes struct{}

// Name implements pipeline.Stage.
func (Changes) Name() string { return "changes" }

// Run implements pipeline.Stage.
func (Changes) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	// A backfill shares one database: a table left by the month before must not be exported again.
	if err := r.DB.Exec(ctx, "changes_reset", "DROP TABLE IF EXISTS score_changes"); err != nil {
		return err
	}
	layout := pipeline.NewLayout(r.Config.Out)
	prev := r.Config.Month.Add(-1)
	published, err := layout.IsPublished(prev)
	if err != nil {
		return err
	}
	if !published {
		r.Log.Info("stage skipped: the previous month is not published, so the month has no score_changes", zap.String("stage", "changes"),
			zap.String("previous_month", prev.String()))
		return nil
	}
	skip := func(err error) error {
		if ctx.Err() != nil {
			return err
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s not published: the previous month %s does not read (%v)", outputs.ScoreChanges, prev, err))
		r.Log.Warn("no score_changes: the previous month does not read", zap.String("previous_month", prev.String()), zap.Error(err))
		return nil
	}
	man, err := layout.ReadManifest(prev)
	if err != nil {
		return skip(err)
	}
	q := sqlfiles.Render("changes_load", map[string]string{
		"area_scores":   duck.QuotePath(layout.TableFile(outputs.AreaScores, prev)),
		"metric_scores": duck.QuotePath(layout.TableFile(outputs.MetricScores, prev)),
	})
	if err := r.DB.Exec(ctx, "changes_load", q); err != nil {
		return skip(err)
	}
	note, err := loadPreviousEligibility(ctx, r, layout, prev, man)
	if err != nil {
		return err
	}
	if err := loadDriverKinds(ctx, r); err != nil {
		return err
	}
	err = r.DB.ExecFile(ctx, "changes",
		dsql.Named("previous_month", prev.String()),
		dsql.Named("previous_as_of", man.AsOf),
		dsql.Named("previous_rubric_id", man.RubricID),
		dsql.Named("previous_rubric_sha256", man.RubricSHA256),
		dsql.Named("rubric_sha256", r.Rubric.Hash),
		dsql.Named("has_drivers", note == ""),
		dsql.Named("drivers_note", note))
	if err != nil {
		return err
	}
	n, err := r.DB.Count(ctx, "SELECT count(*) FROM score_changes")
	if err != nil {
		return err
	}
	logDone(r, "changes", start, zap.Int64("rows", n), zap.String("previous_month", prev.String()), zap.Bool("drivers", note == ""))
	return nil
}

// loadPreviousEligibility loads the eligibility tables of the previous month into chg_prev_customer
// and chg_prev_skilling. When the month has none (published before they existed) or they do not
// read, it creates them empty and returns the note score_changes gives instead of its drivers.
func loadPreviousEligibility(ctx context.Context, r *pipeline.Run, layout pipeline.Layout, prev pipeline.Month, man pipeline.Manifest) (string, error) {
	vars := map[string]string{}
	var missing []string
	for _, t := range []string{outputs.CustomerEligibility, outputs.SkillingEligibility} {
		path := layout.TableFile(t, prev)
		_, listed := man.Output(t)
		if _, err := os.Stat(path); !listed || errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, t)
		}
		vars[t] = duck.QuotePath(path)
	}
	var note string
	if len(missing) > 0 {
		note = fmt.Sprintf("drivers unknown: %s was published without %s (before schema version 3)", prev, strings.Join(missing, " and "))
	} else if err := r.DB.Exec(ctx, "changes_load_eligibility", sqlfiles.Render("changes_load_eligibility", vars)); err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		note = fmt.Sprintf("drivers unknown: the eligibility tables of %s do not read (%v)", prev, err)
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s: %s", outputs.ScoreChanges, note))
	}
	if note == "" {
		return "", nil
	}
	return note, r.DB.ExecFile(ctx, "changes_no_eligibility")
}

// loadDriverKinds writes outputs.DriverKinds into chg_kinds, the order of score_changes.drivers.
func loadDriverKinds(ctx context.Context, r *pipeline.Run) error {
	if err := r.DB.Exec(ctx, "chg_kinds", "CREATE OR REPLACE TABLE chg_kinds (kind VARCHAR, rank INTEGER)"); err != nil {
		return err
	}
	args := make([]any, 0, 2*len(outputs.DriverKinds))
	for i, k := range outputs.DriverKinds {
		args = append(args, k.Kind, i+1)
	}
	q := "INSERT INTO chg_kinds VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(outputs.DriverKinds)), ", ")
	if err := r.DB.Exec(ctx, "chg_kinds", q, args...); err != nil {
		return fmt.Errorf("chg_kinds: %w", err)
	}
	return nil
}
