package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

// runCommand is `refresh run`: build and publish one snapshot month.
type runCommand struct{ env }

// runFlags are the flags a monthly run shares with backfills and the scheduler.
type runFlags struct {
	input, out, rubric string
	maxRejectRate      float64
	memoryLimit        string
	threads            int
	tempDir            string
	wait, acceptDrift  bool
	skipReadiness      bool
	maxDrift           float64
	maxQualifiedDrift  float64
}

// register adds the shared flags, with environment fallbacks for cron and container use.
func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.input, "input", envOr("REFRESH_INPUT", ""), "input folder with one sub-folder per table (env REFRESH_INPUT)")
	fs.StringVar(&f.out, "out", envOr("REFRESH_OUT", ""), "output folder: one folder tree per table, manifests, ledger (env REFRESH_OUT)")
	fs.StringVar(&f.rubric, "rubric", envOr("REFRESH_RUBRIC", ""), "rubric file (default: the embedded "+"ms-pcs-2026-05)")
	fs.Float64Var(&f.maxRejectRate, "max-reject-rate", pipeline.DefaultMaxRejectRate, "fail when a table rejects a larger share of its rows")
	fs.StringVar(&f.memoryLimit, "memory-limit", envOr("REFRESH_MEMORY_LIMIT", ""), "DuckDB memory_limit, e.g. 3GB (default: 60% of RAM; env REFRESH_MEMORY_LIMIT)")
	fs.IntVar(&f.threads, "threads", envInt("REFRESH_THREADS", 0), "DuckDB threads (default: CPUs; env REFRESH_THREADS)")
	fs.StringVar(&f.tempDir, "temp-dir", envOr("REFRESH_TEMP_DIR", ""), "DuckDB spill folder (default: OUT/_tmp; env REFRESH_TEMP_DIR)")
	fs.BoolVar(&f.wait, "wait", false, "wait for another run holding OUT instead of failing")
	fs.BoolVar(&f.skipReadiness, "skip-readiness", false, "score even when a usage table has no rows for S or S-12")
	fs.BoolVar(&f.acceptDrift, "accept-drift", false, "publish even when the drift guard trips")
	fs.Float64Var(&f.maxDrift, "max-drift", pipeline.DefaultMaxDrift, "share a table's rows may move against the previous month (0 = any move stops the run)")
	fs.Float64Var(&f.maxQualifiedDrift, "max-qualified-drift", pipeline.DefaultMaxQualifiedDrift, "share the count of qualified partner-areas may move against the previous month")
}

// config fills a pipeline config from the shared flags. The flags carry the defaults, so every
// limit is set explicitly and a 0 stays 0. Ranges are checked by Config.Validate once the month
// is known.
func (f *runFlags) config() (pipeline.Config, error) {
	if f.input == "" {
		return pipeline.Config{}, usagef("--input is required")
	}
	if f.out == "" {
		return pipeline.Config{}, usagef("--out is required")
	}
	return pipeline.Config{
		Input: f.input, Out: f.out, RubricPath: f.rubric, MaxRejectRate: pipeline.Share(f.maxRejectRate),
		MemoryLimit: f.memoryLimit, Threads: f.threads, TempDir: f.tempDir,
		WaitForLock: f.wait, SkipReadiness: f.skipReadiness, AcceptDrift: f.acceptDrift,
		MaxDrift: pipeline.Share(f.maxDrift), MaxQualifiedDrift: pipeline.Share(f.maxQualifiedDrift),
	}, nil
}

// Run parses the flags and runs the month.
func (c *runCommand) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	var rf runFlags
	rf.register(fs)
	month := fs.String("month", "", "snapshot month S, YYYY-MM (required)")
	asOf := fs.String("as-of", "", "day skilling is counted on, YYYY-MM-DD (default: the 20th of S+1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
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
	log := newLogger(c.stderr)
	defer log.Sync()
	res, err := pipeline.NewRunner(stages.All(), log).RunMonth(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "published %s (run %s)\n", res.Snapshot, res.RunID)
	return nil
}
