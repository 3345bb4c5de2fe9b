package main

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/report"
	"github.com/capscore/capscore/stages"
)

// reportCommand is `refresh report`: write the HTML report of one published month.
type reportCommand struct{ env }

// Run parses the flags and writes the report.
func (c *reportCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("report")
	c.settingFlags(fs, config.Out)
	month := fs.String("month", "", "published month to show, `YYYY-MM` (default: the latest)")
	months := fs.Int("months", report.DefaultMonths, "published months the trend charts cover, this one included")
	limit := fs.Int("limit", report.DefaultLimit, "rows shown per list; the page counts the rest")
	to := fs.String("to", "", "write the page to `FILE` instead of OUT/_reports/YYYY-MM.html (the index is then left alone)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	out := c.settings().Out
	if out == "" {
		return usagef("--out is required")
	}
	if *months < 1 {
		return usagef("--months %d: want at least 1", *months)
	}
	if *limit < 1 {
		return usagef("--limit %d: want at least 1", *limit)
	}
	opts := report.Options{Out: out, Months: *months, Limit: *limit}
	if *month != "" {
		m, err := pipeline.ParseMonth(*month)
		if err != nil {
			return usagef("--month: %v", err)
		}
		opts.Month = m
	}
	path, err := report.Write(ctx, opts, *to)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, path)
	return nil
}

// newRunner is the runner of run, backfill and the daemon: every month it publishes gets its
// report written (a report failure is logged and never fails the run).
func newRunner(log *zap.Logger) *pipeline.Runner {
	return pipeline.NewRunner(stages.All(), log).AfterPublish(report.AfterPublish(log))
}
