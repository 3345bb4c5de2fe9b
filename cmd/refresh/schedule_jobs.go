package main

import (
	"time"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/schedules"
)

// init wires the daemon to the pipeline: monthly and skilling refreshes run through a Runner, and
// fire times are remembered under OUT/_runs so a missed monthly fire is caught up.
func init() {
	scheduleJobs = func(c *scheduleCommand) (schedules.Jobs, schedules.History, error) {
		if c.input == "" || c.out == "" {
			return nil, nil, usagef("schedule needs --input and --out (or REFRESH_INPUT and REFRESH_OUT)")
		}
		base := pipeline.Config{Input: c.input, Out: c.out, RubricPath: c.rubric}
		// Check the settings once at start-up, with the month the next monthly fire would target;
		// each fire validates again with its own month before it takes the lock.
		probe := base
		probe.Month = pipeline.PreviousMonth(time.Now())
		if err := probe.Validate(); err != nil {
			return nil, nil, err
		}
		jobs := pipeline.ScheduledJobs{Runner: newRunner(c.log), Base: base}
		return jobs, pipeline.NewFireHistory(c.out), nil
	}
}
