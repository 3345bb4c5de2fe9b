package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/capscore/capscore/pipeline"
)

// migrateCommand is `refresh migrate`: convert an output folder of the old layout (one folder per
// month with a file per table) into one folder tree per table.
type migrateCommand struct{ env }

// Run parses the flags and converts the folder.
func (c *migrateCommand) Run(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("migrate", flag.ContinueOnError)
	flags.SetOutput(c.stderr)
	out := flags.String("out", envOr("REFRESH_OUT", ""), "output `DIR` to convert (env REFRESH_OUT; required)")
	wait := flags.Bool("wait", false, "wait for a run holding OUT instead of failing")
	memoryLimit := flags.String("memory-limit", envOr("REFRESH_MEMORY_LIMIT", ""), "DuckDB memory_limit (default: 60% of RAM)")
	threads := flags.Int("threads", envInt("REFRESH_THREADS", 0), "DuckDB threads (default: CPUs)")
	flags.Usage = func() {
		fmt.Fprintf(c.stderr, "usage: refresh migrate --out DIR [--wait]\n\n"+
			"Converts OUT/snapshot_month=YYYY-MM/<table>.parquet (+ _manifest.json) into\n"+
			"OUT/<table>/snapshot_month=YYYY-MM/part-0.parquet and OUT/_manifests/snapshot_month=YYYY-MM.json,\n"+
			"one month at a time, each month whole or not at all. The ledger and fire history are kept.\n"+
			"Running it again converts what is left.\n\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	if flags.NArg() > 0 {
		return usagef("unexpected argument %q", flags.Arg(0))
	}
	if *out == "" {
		return usagef("--out is required")
	}
	log := newLogger(c.stderr)
	defer log.Sync()
	months, err := pipeline.Migrate(ctx, pipeline.MigrateConfig{Out: *out, WaitForLock: *wait, MemoryLimit: *memoryLimit, Threads: *threads}, log)
	for _, m := range months {
		fmt.Fprintf(c.stdout, "migrated %s (run %s): %v\n", m.Month, m.RunID, m.Tables)
	}
	if err != nil {
		return err
	}
	if len(months) == 0 {
		fmt.Fprintf(c.stdout, "nothing to migrate in %s\n", *out)
	}
	return nil
}
