package stages

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
)

// metricFiles are the metric families in dependency order (Security reuses Azure and Microsoft 365 tables).
var metricFiles = []string{
	"metrics_common", "metrics_azure", "metrics_bizapps", "metrics_m365_common",
	"metrics_modern_work", "metrics_security", "metrics_skilling",
}

// Metrics measures every metric of every area and track for all partners at once, in SQL.
type Metrics struct{}

// Name implements pipeline.Stage.
func (Metrics) Name() string { return "metrics" }

// Run implements pipeline.Stage.
func (Metrics) Run(ctx context.Context, r *pipeline.Run) error {
	start := time.Now()
	// Each statement takes the parameters it references ($s: snapshot month S, first day; $asof: A).
	params := duck.Params{"s": r.Config.Month.First(), "asof": r.Config.AsOf}
	for k, f := range metricFiles {
		fstart := time.Now()
		if err := r.DB.ExecFile(ctx, f, params); err != nil {
			return err
		}
		if err := progress(ctx, r, "metrics", f, k, len(metricFiles), start, fstart, "measures"); err != nil {
			return err
		}
	}
	n, err := r.DB.Count(ctx, "SELECT count(*) FROM measures")
	if err != nil {
		return err
	}
	logDone(r, "metrics", start, zap.Int64("rows", n))
	return nil
}
