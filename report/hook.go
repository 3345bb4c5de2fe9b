package report

import (
	"context"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
)

// AfterPublish returns a pipeline hook that writes the just-published month's report to
// OUT/_reports/YYYY-MM.html and rewrites the index. A failure is returned to the runner, which
// logs it as a warning; the month stays published.
func AfterPublish(log *zap.Logger) pipeline.PublishHook {
	return func(ctx context.Context, out string, res *pipeline.Result) error {
		path, err := Write(ctx, Options{Out: out, Month: res.Month, Log: log}, "")
		if err != nil {
			return err
		}
		log.Info("report written", zap.String("month", res.Month.String()), zap.String("path", path))
		return nil
	}
}
