package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/capscore/capscore/pipeline"
)

// backfillCommand is `refresh backfill`: build every month of a range in order, each published
// atomically, so each month's qualified_in_window sees the months before it.
type backfillCommand struct{ env }

// Run parses the flags and runs the range.
func (c *backfillCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("backfill")
	rf := c.runFlags(fs)
	from := fs.String("from", "", "first snapshot month, `YYYY-MM`")
	to := fs.String("to", "", "last snapshot month, `YYYY-MM`")
	restate := fs.String("restate-from", "", "rebuild every published snapshot whose windows read month `M` (M..M+23)")
	dryRun := fs.Bool("dry-run", false, "print the plan and change nothing")
	keepGoing := fs.Bool("keep-going", false, "skip a failed month instead of stopping")
	force := fs.Bool("force", false, "rebuild months that are already published")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	cfg, err := rf.config()
	if err != nil {
		return err
	}
	layout := pipeline.NewLayout(cfg.Out)
	if err := layout.CheckCurrent(); err != nil {
		return err
	}
	months, err := backfillMonths(*from, *to, *restate, layout)
	if err != nil {
		return err
	}
	// The settings are the same for every month; the first and last month bound the range.
	for _, m := range []pipeline.Month{months[0], months[len(months)-1]} {
		c := cfg
		c.Month = m
		if err := c.Validate(); err != nil {
			return err
		}
	}
	if *restate != "" {
		*force = true
	}
	published := map[string]bool{}
	ms, err := layout.PublishedMonths()
	if err != nil {
		return err
	}
	for _, m := range ms {
		published[m.String()] = true
	}
	fmt.Fprintf(c.stdout, "%-8s  %-10s  %-9s  %s\n", "month", "as_of", "published", "action")
	for _, m := range months {
		action := "build"
		if published[m.String()] && !*force {
			action = "skip (published; --force rebuilds)"
		} else if published[m.String()] {
			action = "rebuild"
		}
		fmt.Fprintf(c.stdout, "%-8s  %-10s  %-9v  %s\n", m, pipeline.DefaultAsOf(m).Format("2006-01-02"), published[m.String()], action)
	}
	if *dryRun {
		return nil
	}
	log := c.logger()
	defer log.Sync()
	var todo []pipeline.Month
	for _, m := range months {
		if !published[m.String()] || *force {
			todo = append(todo, m)
		}
	}
	if len(todo) == 0 {
		fmt.Fprintln(c.stdout, "nothing to build")
		return nil
	}
	cfg.Kind = pipeline.KindBackfill
	// The plan above was made before the lock: a month another run publishes while this one waits
	// for the lock is left as it is (unless --force), decided once the lock is held.
	cfg.KeepPublished = !*force
	results, err := newRunner(log).RunRange(ctx, cfg, todo, *keepGoing)
	c.writeMetrics(ctx, log)
	var failed []error
	for _, r := range results {
		switch {
		case errors.Is(r.Err, pipeline.ErrAlreadyPublished):
			fmt.Fprintf(c.stdout, "skipped %s: %v\n", r.Month, r.Err)
		case r.Err != nil:
			failed = append(failed, fmt.Errorf("%s: %w", r.Month, r.Err))
			fmt.Fprintf(c.stderr, "backfill: %s failed: %v\n", r.Month, r.Err)
		case r.Result != nil:
			fmt.Fprintf(c.stdout, "published %s\n", r.Month)
		}
	}
	if err != nil {
		return fmt.Errorf("backfill: %w", err)
	}
	if len(failed) > 0 && !*keepGoing {
		return fmt.Errorf("backfill stopped: %w", errors.Join(failed...))
	}
	if len(failed) > 0 {
		return fmt.Errorf("backfill: %d months failed: %w", len(failed), errors.Join(failed...))
	}
	return nil
}

// backfillMonths resolves the month range: --from/--to, or --restate-from M, which covers every
// published snapshot from M to M+23 (the months whose 24-month history reads M).
func backfillMonths(from, to, restate string, layout pipeline.Layout) ([]pipeline.Month, error) {
	if restate != "" {
		if from != "" || to != "" {
			return nil, usagef("--restate-from replaces --from and --to")
		}
		m, err := pipeline.ParseMonth(restate)
		if err != nil {
			return nil, usagef("--restate-from: %v", err)
		}
		published, err := layout.PublishedMonths()
		if err != nil {
			return nil, err
		}
		var months []pipeline.Month
		for _, mm := range published {
			if !mm.Before(m) && mm.Sub(m) < pipeline.HistoryMonths {
				months = append(months, mm)
			}
		}
		if len(months) == 0 {
			return nil, fmt.Errorf("--restate-from %s: no published snapshot in %s reads that month", restate, layout.Root)
		}
		return months, nil
	}
	if from == "" || to == "" {
		return nil, usagef("--from and --to are required (or --restate-from)")
	}
	a, err := pipeline.ParseMonth(from)
	if err != nil {
		return nil, usagef("--from: %v", err)
	}
	b, err := pipeline.ParseMonth(to)
	if err != nil {
		return nil, usagef("--to: %v", err)
	}
	if b.Before(a) {
		return nil, usagef("--to %s is before --from %s", b, a)
	}
	return pipeline.Window{From: a, To: b}.Months(), nil
}
