package main

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/schedules"
)

// init wires the daemon to the pipeline: monthly and skilling refreshes run through a Runner, and
// fire times are remembered under OUT/_runs so a missed monthly fire is caught up. Every run setting
// applies to the scheduled runs, from the same sources as for `refresh run` (a scheduled run always
// waits for the output lock).
func init() {
	scheduleJobs = func(c *scheduleCommand) (schedules.Jobs, schedules.History, error) {
		base, err := runFlags{e: c.env}.config()
		if err != nil {
			return nil, nil, err
		}
		// Check the settings once at start-up, with the month the next monthly fire would target;
		// each fire validates again with its own month before it takes the lock.
		probe := base
		probe.Month = pipeline.PreviousMonth(time.Now())
		if err := probe.Validate(); err != nil {
			return nil, nil, err
		}
		jobs := pipeline.ScheduledJobs{Runner: newRunner(c.log), Base: base}
		return metricsJobs{Jobs: jobs, e: c.env, log: c.log}, pipeline.NewFireHistory(base.Out, c.log), nil
	}
}

// metricsJobs writes the metrics file after each scheduled job, whatever its outcome.
type metricsJobs struct {
	schedules.Jobs
	e   env
	log *zap.Logger
}

// MonthlyRefresh implements schedules.Jobs.
func (j metricsJobs) MonthlyRefresh(ctx context.Context, month pipeline.Month, firedAt time.Time) error {
	err := j.Jobs.MonthlyRefresh(ctx, month, firedAt)
	j.e.writeMetrics(ctx, j.log)
	return err
}

// SkillingRefresh implements schedules.Jobs.
func (j metricsJobs) SkillingRefresh(ctx context.Context, asOf time.Time) error {
	err := j.Jobs.SkillingRefresh(ctx, asOf)
	j.e.writeMetrics(ctx, j.log)
	return err
}
