package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/capscore/capscore/bench"
	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

// benchCommand is `refresh bench`: on one input set, time a bare scan of every column the metrics
// read and a full run of the month, in the same process, and print wall time, peak RSS, rows per
// second and the ratio full / bare, then each stage's and output file's time and what the two
// eligibility tables cost against the rest of the run.
type benchCommand struct{ env }

// Run parses the flags and runs the benchmark.
func (c *benchCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("bench")
	rf := c.runFlags(fs)
	month := fs.String("month", "2026-10", "snapshot month S, `YYYY-MM`")
	profile := fs.Bool("profile", false, "write DuckDB's per-operator profile of every statement of the run as JSON into --profile-dir and print the ten most expensive operators")
	backfill := fs.Int("backfill", 0, "then also time a backfill of the `N` months ending at --month, in the same process and OUT, against the one month")
	profileDir := fs.String("profile-dir", "bench-profile", "new or empty folder `DIR` for --profile's files, one per statement")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	cfg, err := rf.config()
	if err != nil {
		return err
	}
	if cfg.Month, err = pipeline.ParseMonth(*month); err != nil {
		return usagef("--month: %v", err)
	}
	cfg.SkipReadiness = true
	if err := cfg.Validate(); err != nil {
		return err
	}
	if *backfill < 0 || *backfill > 120 {
		return usagef("--backfill %d: want a number of months from 1 to 120 (0: no backfill)", *backfill)
	}
	log := zap.NewNop() // quiet unless a log level is asked for: the timings are the output
	if c.settings().From[config.LogLevel].Kind != "default" {
		log = c.logger()
	}
	// The run's own log lines give the time and rows of each stage and output file.
	obs, seen := observer.New(zapcore.InfoLevel)
	log = zap.New(zapcore.NewTee(log.Core(), obs))

	db, err := duck.Open(ctx, "", duck.Settings{MemoryLimit: cfg.MemoryLimit, Threads: cfg.Threads, TempDir: cfg.TempDir}, log)
	if err != nil {
		return err
	}
	start := time.Now()
	rows, err := bench.BareScan(ctx, db, cfg.Input)
	db.Close()
	if err != nil {
		return err
	}
	bare := time.Since(start)
	bareRSS, rssOK := bench.PeakRSS()

	var prof *bench.Profiler
	if *profile {
		if prof, err = bench.NewProfiler(*profileDir); err != nil {
			return usagef("--profile-dir: %v", err)
		}
		cfg.Profile = prof.Record
	}
	start = time.Now()
	gomem := bench.SampleGoMemory(250 * time.Millisecond)
	_, err = pipeline.NewRunner(stages.All(), log).RunMonth(ctx, cfg)
	goPeak := gomem.Stop()
	if err != nil {
		return err
	}
	full := time.Since(start)
	fullRSS, _ := bench.PeakRSS()

	threads := cfg.Threads
	if threads == 0 {
		threads = runtime.NumCPU()
	}
	mem := cfg.MemoryLimit
	if mem == "" {
		mem = duck.DefaultMemoryLimit()
	}
	fmt.Fprintf(c.stdout, "input %s, month %s, %d rows, threads %d, memory_limit %s, %d CPUs\n",
		cfg.Input, cfg.Month, rows, threads, mem, runtime.NumCPU())
	fmt.Fprintf(c.stdout, "%-10s %10s %14s %14s\n", "step", "wall", "rows/s", "peak RSS")
	fmt.Fprintf(c.stdout, "%-10s %10s %14.0f %14s\n", "bare scan", bare.Round(time.Millisecond), float64(rows)/bare.Seconds(), mib(bareRSS, rssOK))
	fmt.Fprintf(c.stdout, "%-10s %10s %14.0f %14s\n", "full run", full.Round(time.Millisecond), float64(rows)/full.Seconds(), mib(fullRSS, rssOK))
	fmt.Fprintf(c.stdout, "full / bare = %.2f\n", full.Seconds()/bare.Seconds())
	fmt.Fprintf(c.stdout, "Go runtime memory at its peak during the full run (sampled every 250 ms): %s\n", mib(goPeak, true))
	printBreakdown(c.stdout, seen.All())
	printEligibilityCost(c.stdout, seen.All(), full)
	if prof != nil {
		printTopOperators(c.stdout, prof, 10)
		if err := prof.Err(); err != nil {
			return err
		}
	}
	if *backfill > 0 {
		return c.benchBackfill(ctx, cfg, *backfill, full)
	}
	return nil
}

// benchBackfill times a backfill of the n months ending at cfg.Month into the same OUT (the month
// just published is built again) and prints it against one month's wall time. The drift guard is
// off: synthetic months are not a program's history. The peak RSS is the process's, both runs
// included.
func (c *benchCommand) benchBackfill(ctx context.Context, cfg pipeline.Config, n int, one time.Duration) error {
	months := make([]pipeline.Month, n)
	for i := range months {
		months[i] = cfg.Month.Add(i - n + 1)
	}
	cfg.Kind = pipeline.KindBackfill
	cfg.AcceptDrift = true
	cfg.Profile = nil
	fmt.Fprintf(c.stdout, "backfill of %d months, %s..%s:\n", n, months[0], months[n-1])
	start := time.Now()
	results, err := pipeline.NewRunner(stages.All(), zap.NewNop()).RunRange(ctx, cfg, months, false)
	if err != nil {
		return fmt.Errorf("backfill: %w", err)
	}
	for _, r := range results {
		if r.Err != nil {
			return fmt.Errorf("backfill: %s: %w", r.Month, r.Err)
		}
	}
	wall := time.Since(start)
	rss, ok := bench.PeakRSS()
	fmt.Fprintf(c.stdout, "%-10s %10s %14s %14s\n", "step", "wall", "x one month", "peak RSS")
	fmt.Fprintf(c.stdout, "%-10s %10s %14.2f %14s\n", "backfill", wall.Round(time.Millisecond), wall.Seconds()/one.Seconds(), mib(rss, ok))
	return printBackfillStages(c.stdout, pipeline.NewLayout(cfg.Out), months, wall)
}

// printBackfillStages prints where a backfill's wall time went, per stage, from the stage times
// its months' manifests record: a stage the range shares (rubric, ingest) ran once and is counted
// once, every other stage is summed over the months; each with its time per month and its share
// of the wall time. The rest of the wall time (publication and the bookkeeping between months) is
// the last line.
func printBackfillStages(w io.Writer, layout pipeline.Layout, months []pipeline.Month, wall time.Duration) error {
	shared := map[string]bool{}
	var order []string
	for _, st := range stages.All() {
		if s, ok := st.(pipeline.SharedStage); ok && s.SharedAcrossMonths() {
			shared[st.Name()] = true
		}
		order = append(order, st.Name())
	}
	took := map[string]float64{}
	for i, m := range months {
		man, err := layout.ReadManifest(m)
		if err != nil {
			return fmt.Errorf("backfill stage times: %w", err)
		}
		for _, st := range man.Stages {
			if shared[st.Name] && i > 0 {
				continue // listed with every month, run once for the range
			}
			took[st.Name] += st.DurationSeconds
		}
	}
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)).Round(time.Millisecond) }
	fmt.Fprintf(w, "%-30s %10s %12s %8s\n", "backfill stage", "wall", "per month", "share")
	var sum float64
	for _, name := range order {
		d, ok := took[name]
		if !ok {
			continue
		}
		sum += d
		per := "once"
		if !shared[name] {
			per = sec(d / float64(len(months))).String()
		}
		fmt.Fprintf(w, "%-30s %10s %12s %7.1f%%\n", name, sec(d), per, 100*d/wall.Seconds())
	}
	rest := wall.Seconds() - sum
	fmt.Fprintf(w, "%-30s %10s %12s %7.1f%%\n", "publication and the rest", sec(rest), sec(rest/float64(len(months))), 100*rest/wall.Seconds())
	return nil
}

// printTopOperators prints the n operators of the run that took the most time, each with its
// statement and the file of its profile, after the number of statements profiled and their folder.
func printTopOperators(w io.Writer, prof *bench.Profiler, n int) {
	fmt.Fprintf(w, "profile: %d statements in %s; the %d most expensive operators:\n", prof.Statements(), prof.Dir(), n)
	fmt.Fprintf(w, "%4s %10s %12s  %-22s %-28s %s\n", "#", "time", "rows", "operator", "statement", "on")
	for i, op := range prof.Top(n) {
		fmt.Fprintf(w, "%4d %10s %12d  %-22s %-28s %s\n", i+1, time.Duration(op.Seconds*float64(time.Second)).Round(time.Millisecond),
			op.Rows, op.Operator, op.Statement, op.Detail)
	}
}

// printBreakdown prints the wall time of each stage and, per output file, its rows, bytes and
// write time, from the run's "stage done" and "file written" log lines.
func printBreakdown(w io.Writer, entries []observer.LoggedEntry) {
	fmt.Fprintf(w, "%-30s %10s %12s %12s\n", "stage / file", "wall", "rows", "bytes")
	for _, e := range entries {
		f := e.ContextMap()
		d, _ := f["duration"].(time.Duration)
		switch e.Message {
		case "stage done":
			rows := ""
			if n, ok := f["rows"].(int64); ok {
				rows = fmt.Sprint(n)
			}
			if n, ok := f["customer_rows"].(int64); ok {
				rows = fmt.Sprintf("%d + %d", n, f["skilling_rows"])
			}
			fmt.Fprintf(w, "%-30s %10s %12s %12s\n", fmt.Sprint(f["stage"]), d.Round(time.Millisecond), rows, "")
		case "file written":
			fmt.Fprintf(w, "  %-28s %10s %12d %12d\n", fmt.Sprint(f["table"]), d.Round(time.Millisecond), f["rows"], f["bytes"])
		}
	}
}

// eligibilityTables are the two published tables whose cost printEligibilityCost totals, each with
// the field of the eligibility stage's "stage done" line that holds its rows.
var eligibilityTables = []struct{ table, rowsField string }{
	{stages.TableCustomerEligibility, "customer_rows"},
	{stages.TableSkillingEligibility, "skilling_rows"},
}

// printEligibilityCost prints what the two eligibility tables cost within a full run of wall time
// full: the eligibility stage (with each table's rows), the reconcile check and the export of each
// table, their sum, the rest of the run and the sum as a share of the rest (what the tables add to
// a run without them). Parts the run did not log print as "-".
func printEligibilityCost(w io.Writer, entries []observer.LoggedEntry, full time.Duration) {
	stage := map[string]map[string]any{}
	file := map[string]map[string]any{}
	for _, e := range entries {
		f := e.ContextMap()
		switch e.Message {
		case "stage done":
			stage[fmt.Sprint(f["stage"])] = f
		case "file written":
			file[fmt.Sprint(f["table"])] = f
		}
	}
	var total time.Duration
	line := func(name string, f map[string]any, rows string) {
		if f == nil {
			fmt.Fprintf(w, "  %-36s %10s\n", name, "-")
			return
		}
		d, _ := f["duration"].(time.Duration)
		total += d
		fmt.Fprintf(w, "  %-36s %10s %12s\n", name, d.Round(time.Millisecond), rows)
	}
	fmt.Fprintf(w, "%-38s %10s %12s\n", "eligibility tables", "wall", "rows")
	elig := stage["eligibility"]
	line("eligibility stage", elig, "")
	for _, t := range eligibilityTables {
		if n, ok := elig[t.rowsField].(int64); ok {
			fmt.Fprintf(w, "    %-34s %10s %12d\n", t.table, "", n)
		}
	}
	line("reconcile check", stage["reconcile"], "")
	for _, t := range eligibilityTables {
		rows := ""
		if n, ok := file[t.table]["rows"].(int64); ok {
			rows = fmt.Sprint(n)
		}
		line("export "+t.table, file[t.table], rows)
	}
	rest := full - total
	fmt.Fprintf(w, "  %-36s %10s\n", "total", total.Round(time.Millisecond))
	fmt.Fprintf(w, "  %-36s %10s\n", "rest of the run", rest.Round(time.Millisecond))
	if rest > 0 {
		fmt.Fprintf(w, "eligibility tables / rest = %.2f\n", total.Seconds()/rest.Seconds())
	}
}

// mib formats a byte count in MiB; "unknown" where the system does not report it.
func mib(b int64, ok bool) string {
	if !ok {
		return "unknown"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}
