package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/schedules"
)

// scheduleJobs builds the Jobs and History the daemon runs against, from the command's flags.
// It is wired by the file that implements the runner; nil means the runner is not built in yet.
var scheduleJobs func(c *scheduleCommand) (schedules.Jobs, schedules.History, error)

// scheduleCommand is `refresh schedule`: run the refresh daemon on the configured schedules,
// or print them with --print.
type scheduleCommand struct {
	env
	// print lists the jobs and their next fire times instead of running.
	print bool
	// log is the daemon's logger, set before scheduleJobs is called so the runner can share it.
	log *zap.Logger
}

// printFires is how many upcoming fire times --print shows per job.
const printFires = 3

// Run parses the flags, resolves the settings with the schedule (the config file's jobs or the
// built-in ones), then prints the schedule or runs the daemon until ctx is cancelled.
func (c *scheduleCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("schedule")
	c.runFlags(fs)
	c.settingFlags(fs, daemonSettings...)
	fs.BoolVar(&c.print, "print", false, "print each job with its next 3 fire times (UTC) and exit")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	cfg := c.settings().Schedule
	if c.print {
		return c.printSchedule(cfg, time.Now())
	}

	if scheduleJobs == nil {
		return errors.New("schedule: job runner not wired")
	}
	c.log = c.logger()
	defer func() { _ = c.log.Sync() }()
	jobs, hist, err := scheduleJobs(c)
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	s := c.settings()
	hook, err := schedules.ParseFailureHook(s.FailureHook)
	if err != nil {
		return usagef("failure_hook: %v", err) // unreachable: the setting was checked when resolved
	}
	beat := s.HeartbeatFile
	if beat == "" {
		beat = schedules.DefaultHeartbeatPath(s.Out)
	}
	return schedules.NewDaemon(cfg, jobs, hist, c.log, schedules.WithHeartbeat(beat), schedules.WithFailureHook(hook)).Run(ctx)
}

// printSchedule writes each job and its next fire times after now.
func (c *scheduleCommand) printSchedule(cfg *schedules.Config, now time.Time) error {
	for i, j := range cfg.Jobs {
		if i > 0 {
			fmt.Fprintln(c.stdout)
		}
		fmt.Fprintf(c.stdout, "%s\n  cron %q (%s), job %s, target %s\n", j.Name, j.Cron, j.Timezone, j.Kind, j.Target)
		fires, err := j.NextFires(now, printFires)
		if err != nil {
			return fmt.Errorf("schedule: job %q: %w", j.Name, err)
		}
		if len(fires) == 0 {
			fmt.Fprintln(c.stdout, "  never fires")
		}
		for _, t := range fires {
			switch j.Kind {
			case schedules.KindMonthlyRefresh:
				fmt.Fprintf(c.stdout, "  %s  month %s\n", t.Format(time.RFC3339), schedules.TargetMonth(t))
			case schedules.KindSkillingRefresh:
				fmt.Fprintf(c.stdout, "  %s  as-of %s\n", t.Format(time.RFC3339), schedules.AsOfDate(t).Format(time.DateOnly))
			default:
				fmt.Fprintf(c.stdout, "  %s\n", t.Format(time.RFC3339))
			}
		}
	}
	return nil
}
