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

// The published eligibility tables (one folder tree each under OUT, like pipeline.TableAreaScores).
const (
	// TableCustomerEligibility is one row per partner x area x track x customer metric x tenant.
	TableCustomerEligibility = "customer_eligibility"
	// TableSkillingEligibility is one row per partner x area x track x skilling metric x step x
	// person x certification.
	TableSkillingEligibility = "skilling_eligibility"
)

// eligibilityFiles build customer_eligibility (one file per area family) and skilling_eligibility,
// from the intermediate tables the metric SQL leaves behind.
var eligibilityFiles = []string{
	"eligibility_common", "eligibility_azure", "eligibility_bizapps", "eligibility_modern_work",
	"eligibility_security", "eligibility_finish", "eligibility_skilling",
}

// Eligibility lists, per metric, the customers and the certified people behind the value: which
// counted, which did not and why (a code of Reasons), and each row's contribution to the value.
// Reconcile then re-aggregates the rows and compares them with metric_scores.
type Eligibility struct{}

// Name implements pipeline.Stage.
func (Eligibility) Name() string { return "eligibility" }

// Run implements pipeline.Stage.
func (Eligibility) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	if err := loadReasons(ctx, r); err != nil {
		return err
	}
	for k, f := range eligibilityFiles {
		fstart := time.Now()
		if err := r.DB.ExecFile(ctx, f); err != nil {
			return err
		}
		if err := progress(ctx, r, "eligibility", f, k, len(eligibilityFiles), start, fstart, ""); err != nil {
			return err
		}
	}
	// A code the SQL writes must be in the documented list.
	unknown, err := unknownReasons(ctx, r)
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%w: eligibility reason codes missing from stages.Reasons: %s", pipeline.ErrChecksFailed, strings.Join(unknown, ", "))
	}
	c, err := r.DB.Count(ctx, "SELECT count(*) FROM customer_eligibility")
	if err != nil {
		return err
	}
	s, err := r.DB.Count(ctx, "SELECT count(*) FROM skilling_eligibility")
	if err != nil {
		return err
	}
	logDone(r, "eligibility", start, zap.Int64("customer_rows", c), zap.Int64("skilling_rows", s))
	return nil
}

// loadReasons writes Reasons into the table elig_reasons: the unknown-reason check reads it and the
// skilling_eligibility export joins it for messages (customer_eligibility maps them from Reasons).
func loadReasons(ctx context.Context, r *pipeline.Run) error {
	if err := r.DB.Exec(ctx, "elig_reasons", "CREATE OR REPLACE TABLE elig_reasons (code VARCHAR, message VARCHAR)"); err != nil {
		return err
	}
	args := make([]any, 0, 2*len(Reasons))
	for _, x := range Reasons {
		args = append(args, x.Code, x.Message)
	}
	q := "INSERT INTO elig_reasons VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(Reasons)), ", ")
	return r.DB.Exec(ctx, "elig_reasons", q, args...)
}

// unknownReasons lists the codes in the eligibility tables that elig_reasons does not hold.
func unknownReasons(ctx context.Context, r *pipeline.Run) ([]string, error) {
	rows, err := r.DB.Query(ctx, "eligibility_unknown_reasons", sqlfiles.Text("eligibility_unknown_reasons"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
