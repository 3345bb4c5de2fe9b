package main

import (
	"context"
	"fmt"
	"time"

	"github.com/capscore/capscore/pipeline"
)

// runCommand is `refresh run`: build and publish one snapshot month.
type runCommand struct{ env }

// Run parses the flags and runs the month.
func (c *runCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("run")
	rf := c.runFlags(fs)
	month := fs.String("month", "", "snapshot month S, `YYYY-MM` (required)")
	asOf := fs.String("as-of", "", "day skilling is counted on, `YYYY-MM-DD` (default: the 20th of S+1)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	cfg, err := rf.config()
	if err != nil {
		return err
	}
	if *month == "" {
		return usagef("--month is required (YYYY-MM)")
	}
	if cfg.Month, err = pipeline.ParseMonth(*month); err != nil {
		return usagef("--month: %v", err)
	}
	if *asOf != "" {
		if cfg.AsOf, err = time.Parse("2006-01-02", *asOf); err != nil {
			return usagef("--as-of %q: want YYYY-MM-DD", *asOf)
		}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := c.logger()
	defer log.Sync()
	res, err := newRunner(log).RunMonth(ctx, cfg)
	c.writeMetrics(ctx, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "published %s (run %s)\n", res.Snapshot, res.RunID)
	return nil
}
