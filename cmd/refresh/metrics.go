package main

import (
	"context"

	"go.uber.org/zap"

	"github.com/capscore/capscore/monitor"
)

// writeMetrics rewrites the Prometheus metrics file (metrics_file, default OUT/_runs/metrics.prom)
// from what OUT holds after a run, a backfill or a scheduled job, whatever its outcome. A file
// that cannot be written is a warning: it does not change the run's outcome.
func (e env) writeMetrics(ctx context.Context, log *zap.Logger) {
	s := e.settings()
	path := s.MetricsFile
	if path == "" {
		path = monitor.DefaultMetricsPath(s.Out)
	}
	if err := monitor.WriteMetrics(context.WithoutCancel(ctx), path, s.Out); err != nil {
		log.Warn("metrics file not written", zap.String("path", path), zap.Error(err))
		return
	}
	log.Debug("metrics file written", zap.String("path", path))
}
