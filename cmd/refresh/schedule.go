package main

import (
	"context"
	"errors"
	"flag"
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
	// config is a schedule file ("" = the built-in default).
	config string
	// print lists the jobs and their next fire times instead of running.
	print bool
	// out, input and rubric are handed to the runner, as in `refresh run`.
	out, input, rubric string
	// log is the daemon's logger, set before scheduleJobs is called so the runner can share it.
	log *zap.Logger
}

// printFires is how many upcoming fire times --print shows per job.
const printFires = 3

// Run parses the flags, loads and validates the schedule, then prints it or runs the daemon until
// ctx is cancelled.
func (c *scheduleCommand) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("schedule", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.config, "config", "", "schedule `FILE` (YAML; default: the built-in schedule)")
	fs.BoolVar(&c.print, "print", false, "print each job with its next 3 fire times (UTC) and exit")
	fs.StringVar(&c.out, "out", envOr("REFRESH_OUT", ""), "output `DIR`: one folder tree per table, manifests, ledger")
	fs.StringVar(&c.input, "input", envOr("REFRESH_INPUT", ""), "input `DIR` with one folder per table")
	fs.StringVar(&c.rubric, "rubric", "", "rubric `FILE` to use instead of the built-in one")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: refresh schedule [--config FILE] [--print] [--input DIR --out DIR] [--rubric FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}

	cfg, err := schedules.Load(c.config)
	if err != nil {
		return err
	}
	if c.print {
		return c.printSchedule(cfg, time.Now())
	}

	if scheduleJobs == nil {
		return errors.New("schedule: job runner not wired")
	}
	c.log = newLogger(c.stderr)
	defer func() { _ = c.log.Sync() }()
	jobs, hist, err := scheduleJobs(c)
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	return schedules.NewDaemon(cfg, jobs, hist, c.log).Run(ctx)
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
