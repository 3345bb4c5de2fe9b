package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/rubric"
)

// Stage is one step of a monthly run (ingest, metrics, score, recommend, export). Stages live in
// package stages; the pipeline only orders them.
type Stage interface {
	// Name is the stage's short name, used in logs.
	Name() string
	// Run does the stage's work on the run's DuckDB database.
	Run(ctx context.Context, r *Run) error
}

// Result summarises a finished run.
type Result struct {
	RunID    string
	Month    Month
	Snapshot string // the published month's manifest, OUT/_manifests/snapshot_month=YYYY-MM.json
	Started  time.Time
	Finished time.Time
}

// Runner builds and publishes snapshots.
type Runner struct {
	stages    []Stage
	log       *zap.Logger
	published []PublishHook
}

// PublishHook runs after a month is published (still under the output lock), e.g. to write its
// report. Its error is logged as a warning: the month stays published and the run succeeds.
type PublishHook func(ctx context.Context, out string, res *Result) error

// AfterPublish adds a hook called after each month the runner publishes, and returns the runner.
func (rn *Runner) AfterPublish(h PublishHook) *Runner {
	rn.published = append(rn.published, h)
	return rn
}

// NewRunner returns a runner that executes stages in order.
func NewRunner(stages []Stage, log *zap.Logger) *Runner {
	return &Runner{stages: stages, log: log}
}

// SharedStage marks a stage whose work serves every month of a range (rubric load, ingest): a
// backfill runs it once for the whole range.
type SharedStage interface {
	Stage
	// SharedAcrossMonths reports that the stage reads the inputs for the whole range.
	SharedAcrossMonths() bool
}

func isShared(st Stage) bool {
	s, ok := st.(SharedStage)
	return ok && s.SharedAcrossMonths()
}

// MonthResult is the outcome of one month of a range.
type MonthResult struct {
	Month  Month
	Result *Result
	Err    error
}

// RunMonth computes snapshot month cfg.Month and publishes it under cfg.Out: it takes the output
// lock, builds the month in a staging folder, runs the stages and checks, writes the manifest last
// and swaps the folder into place. On any error or cancellation nothing is published and the
// previously published month stays as it was.
func (rn *Runner) RunMonth(ctx context.Context, cfg Config) (*Result, error) {
	results, err := rn.RunRange(ctx, cfg, []Month{cfg.Month}, false)
	if err != nil {
		return nil, err
	}
	return results[0].Result, results[0].Err
}

// RunRange builds and publishes the months in order under one lock and one DuckDB database: the
// shared stages (rubric, ingest) read the inputs once for the union of the months' windows, then
// each month runs the remaining stages and is published atomically on its own, so each month's
// qualified_in_window sees the months before it. A failed month stops the range unless keepGoing.
// The returned error is for what stopped the whole range (lock, inputs, cancellation).
//
// With KeepPublished or KeepPublishedSince, the months to leave alone are decided once the lock is
// held; their results carry an error wrapping ErrAlreadyPublished and the ledger records them skipped.
//
// The steps, in order: planRange (every month's settings checked before anything else), openOutput
// (the lock, then crash recovery), keepPublished, openEngine (rubric, spill folder, DuckDB locked
// down), runShared, runMonths (buildMonth and the publish hooks per month). The ledger records each
// month's attempt as it goes (rangeLedger).
func (rn *Runner) RunRange(ctx context.Context, cfg Config, months []Month, keepGoing bool) (results []MonthResult, err error) {
	plan, err := planRange(cfg, months, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	log := rn.log.With(zap.String("run_id", plan.rangeID()))
	lock, err := openOutput(ctx, plan, log)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	ledger := OpenLedger(plan.base.Out)
	var kept []MonthResult
	if plan.months, plan.ids, plan.cfgs, kept = keepPublished(plan.base, plan.months, plan.ids, plan.cfgs, ledger, log); len(kept) > 0 {
		defer func() { results = mergeResults(results, kept) }()
		if len(plan.months) == 0 {
			return nil, nil
		}
	}
	rl := &rangeLedger{ledger: ledger, plan: plan, log: log}
	rl.record(0, StatusRunning, "", plan.started, "")
	log.Info("run started", zap.Strings("months", monthStrings(plan.months)), zap.String("input", plan.base.Input), zap.String("out", plan.base.Out))
	eng, err := openEngine(ctx, plan, log)
	if err != nil {
		return nil, rl.failFrom(ctx, 0, err)
	}
	defer eng.Close()
	shared, err := rn.runShared(ctx, plan, eng, log)
	if err != nil {
		return nil, rl.failFrom(ctx, 0, err)
	}
	return rn.runMonths(ctx, plan, shared, rl, keepGoing, log)
}

// rangePlan is a range of months ready to run: each month's checked settings (defaults filled in)
// and run id, and the usage window the shared stages read.
type rangePlan struct {
	started time.Time
	// base is the range's settings, defaults filled in: OUT, input, lock, resources.
	base   Config
	months []Month
	// id names the shared work (lock holder, spill folder, logs): the first month's run id, kept
	// when keepPublished drops that month.
	id string
	// ids are the months' run ids.
	ids  []string
	cfgs []Config
	// window is the union of the months' windows: S-23 of the first month to S of the last.
	window Window
}

func (p *rangePlan) rangeID() string { return p.id }

// planRange checks every month's settings before anything else happens and gives each month its
// run id. In a range of several months each month counts skilling on its own default day.
func planRange(cfg Config, months []Month, started time.Time) (*rangePlan, error) {
	if len(months) == 0 {
		return nil, fmt.Errorf("run range: no months")
	}
	p := &rangePlan{started: started, base: cfg.withDefaults(), months: months,
		ids: make([]string, len(months)), cfgs: make([]Config, len(months)),
		window: Window{From: months[0].Add(-(HistoryMonths - 1)), To: months[len(months)-1]}}
	p.id = NewRunID(started)
	for i, m := range months {
		p.ids[i] = p.id
		if i > 0 {
			p.ids[i] = NewRunID(time.Now())
		}
		c := cfg
		c.Month = m
		if len(months) > 1 {
			c.AsOf = time.Time{}
		}
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", m, err)
		}
		p.cfgs[i] = c.withDefaults()
	}
	return p, nil
}

// openOutput creates OUT, takes its lock and makes it current: an old-layout OUT is refused before
// anything in it changes (refresh migrate converts it), and a publication interrupted by a crash is
// finished before anything else reads OUT.
func openOutput(ctx context.Context, p *rangePlan, log *zap.Logger) (*Lock, error) {
	out := p.base.Out
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("output folder %s: %w", out, err)
	}
	lock, err := AcquireLock(ctx, out, LockHolder{PID: os.Getpid(), RunID: p.rangeID(), Started: p.started, Host: hostname()}, p.base.WaitForLock, log)
	if err != nil {
		return nil, err
	}
	layout := NewLayout(out)
	if err := layout.CheckCurrent(); err != nil {
		lock.Release()
		return nil, err
	}
	rolled, removed, err := RecoverStaging(layout, log)
	if err != nil {
		lock.Release()
		return nil, err
	}
	if len(rolled) > 0 || len(removed) > 0 {
		log.Info("removed leftovers of an earlier run", zap.Strings("rolled_forward", rolled), zap.Strings("paths", removed))
	}
	return lock, nil
}

// rangeLedger writes the ledger records of a range's months.
type rangeLedger struct {
	ledger *Ledger
	plan   *rangePlan
	log    *zap.Logger
}

// record appends month i's record; a record other than running carries its end and duration.
func (l *rangeLedger) record(i int, status, reason string, started time.Time, snapshot string) {
	p := l.plan
	r := Record{RunID: p.ids[i], Month: p.months[i].String(), AsOf: p.cfgs[i].AsOf.Format("2006-01-02"), Kind: p.cfgs[i].kind(),
		Status: status, Reason: reason, Started: started, Snapshot: snapshot}
	if status != StatusRunning {
		r.Finished = time.Now().UTC()
		r.DurationSeconds = r.Finished.Sub(started).Seconds()
	}
	if err := l.ledger.Append(r); err != nil {
		l.log.Error("run ledger", zap.Error(err))
	}
}

// failFrom records months from..end as failed (canceled when ctx is done, the error then wrapping
// ErrCanceled) and returns the error.
func (l *rangeLedger) failFrom(ctx context.Context, from int, err error) error {
	status := StatusFailed
	if ctx.Err() != nil {
		status = StatusCanceled
		err = fmt.Errorf("%w: %w", ErrCanceled, err)
	}
	for i := from; i < len(l.plan.months); i++ {
		l.record(i, status, err.Error(), l.plan.started, "")
	}
	return err
}

// engine is what the months of a range share besides the shared stages' tables: the rubric, the
// run's spill folder and the DuckDB database, which from openEngine on reads and writes only the
// input folder, OUT and the spill folder.
type engine struct {
	rubric *rubric.Rubric
	spill  *Spill
	db     *duck.DB
}

// openEngine loads the rubric, opens the run's own spill folder (its run id under --temp-dir or
// OUT/_tmp; the folders of dead runs are cleared, also in OUT/_tmp when --temp-dir is elsewhere)
// and the DuckDB database, and locks the database down.
func openEngine(ctx context.Context, p *rangePlan, log *zap.Logger) (*engine, error) {
	base := p.base
	rb, err := rubric.Load(base.RubricPath)
	if err != nil {
		return nil, err
	}
	spill, err := OpenSpill(SpillRoot(base), p.rangeID(), log)
	if err != nil {
		return nil, err
	}
	if base.TempDir != "" {
		RemoveDeadSpills(NewLayout(base.Out).TempRoot(), log)
	}
	db, err := duck.Open(ctx, "", duck.Settings{MemoryLimit: base.MemoryLimit, Threads: base.Threads, TempDir: spill.Dir(), Profile: base.Profile}, log)
	if err != nil {
		spill.Close()
		return nil, err
	}
	e := &engine{rubric: rb, spill: spill, db: db}
	if err := db.Lockdown(ctx, base.Input, base.Out, spill.Dir()); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Close closes the database, then removes the spill folder.
func (e *engine) Close() {
	e.db.Close()
	e.spill.Close()
}

// runShared runs the shared stages (rubric load, ingest) once for the whole range, on the last
// month's settings and the union of the windows, and returns their Run for the months to start from.
func (rn *Runner) runShared(ctx context.Context, p *rangePlan, eng *engine, log *zap.Logger) (*Run, error) {
	shared := &Run{ID: p.rangeID(), Config: p.cfgs[len(p.cfgs)-1], Window: p.window, DB: eng.db, Rubric: eng.rubric, Log: log}
	for _, st := range rn.stages {
		if !isShared(st) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sstart := time.Now()
		if err := st.Run(ctx, shared); err != nil {
			return nil, fmt.Errorf("%s: %w", st.Name(), err)
		}
		shared.Stages = append(shared.Stages, StageTiming{Name: st.Name(), DurationSeconds: time.Since(sstart).Seconds()})
	}
	if len(p.months) > 1 {
		shared.Warnings = append(shared.Warnings, fmt.Sprintf(
			"inputs read once for the range %s..%s; row accounting and out-of-window counts cover usage months %s..%s",
			p.months[0], p.months[len(p.months)-1], p.window.From, p.window.To))
	}
	return shared, nil
}

// runMonths builds and publishes each month in order, runs the publish hooks after each published
// month and records each month's outcome. A failed month stops the range, the months after it
// recorded as skipped, unless keepGoing; a cancellation stops it in any case.
func (rn *Runner) runMonths(ctx context.Context, p *rangePlan, shared *Run, rl *rangeLedger, keepGoing bool, log *zap.Logger) ([]MonthResult, error) {
	results := make([]MonthResult, len(p.months))
	monthsStart := time.Now()
	for i, m := range p.months {
		results[i].Month = m
		logMonthProgress(log, i, len(p.months), m, monthsStart)
		mstart := p.started
		if i > 0 {
			mstart = time.Now().UTC()
			rl.record(i, StatusRunning, "", mstart, "")
		}
		res, err := rn.buildMonth(ctx, shared, p.cfgs[i], p.ids[i], mstart, log.With(zap.String("month", m.String()), zap.String("month_run_id", p.ids[i])))
		results[i].Result, results[i].Err = res, err
		switch {
		case err == nil:
			rl.record(i, StatusPublished, "", mstart, SnapshotDirName(m))
			rn.afterPublish(ctx, p.base.Out, res, log)
		case ctx.Err() != nil:
			rl.record(i, StatusCanceled, err.Error(), mstart, "")
			return results, rl.failFrom(ctx, i+1, fmt.Errorf("%w: %w", ErrCanceled, err))
		default:
			rl.record(i, StatusFailed, err.Error(), mstart, "")
			if !keepGoing {
				for j := i + 1; j < len(p.months); j++ {
					rl.record(j, StatusSkipped, "an earlier month of the range failed: "+m.String(), mstart, "")
				}
				return results, nil
			}
		}
	}
	return results, nil
}

// afterPublish runs the publish hooks of a published month; a failing hook is a warning.
func (rn *Runner) afterPublish(ctx context.Context, out string, res *Result, log *zap.Logger) {
	for _, h := range rn.published {
		if err := h(ctx, out, res); err != nil {
			log.Warn("after publication", zap.String("month", res.Month.String()), zap.Error(err))
		}
	}
}

func monthStrings(ms []Month) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}

// buildMonth runs the per-month stages of one month on the shared database, writes its manifest
// last and publishes it.
func (rn *Runner) buildMonth(ctx context.Context, shared *Run, cfg Config, runID string, started time.Time, log *zap.Logger) (*Result, error) {
	layout := NewLayout(cfg.Out)
	staging, err := NewStaging(layout, cfg.Month, runID)
	if err != nil {
		return nil, err
	}
	defer func() {
		// Removes a failed run's build area; a no-op once published or once a journal was written.
		if derr := staging.Discard(); derr != nil {
			log.Error("remove staging folder", zap.Error(derr))
		}
	}()
	run := &Run{ID: runID, Config: cfg, Window: HistoryWindow(cfg.Month), DB: shared.DB, Rubric: shared.Rubric,
		Staging: staging.Dir(), Log: log, Tables: shared.Tables, Warnings: append([]string(nil), shared.Warnings...),
		Stages: append([]StageTiming(nil), shared.Stages...)}
	for _, st := range rn.stages {
		if isShared(st) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sstart := time.Now()
		if err := st.Run(ctx, run); err != nil {
			return nil, fmt.Errorf("%s: %w", st.Name(), err)
		}
		run.Stages = append(run.Stages, StageTiming{Name: st.Name(), DurationSeconds: time.Since(sstart).Seconds()})
	}
	m := Manifest{
		RunID: runID, SnapshotMonth: cfg.Month.String(), AsOf: cfg.AsOf.Format("2006-01-02"),
		RubricID: shared.Rubric.ID, RubricSHA256: shared.Rubric.Hash, CodeVersion: CodeVersion(), Started: started,
		Finished: time.Now().UTC(), Inputs: run.Tables, InputsByMonth: run.MonthRows, History: run.History, Outputs: run.Outputs,
		Warnings: run.Warnings, Checks: run.Checks, Stages: run.Stages, RubricFile: layout.RelRubricFile(cfg.Month),
	}
	// The rubric travels with the month: published beside the manifest, just before it.
	if err := staging.WriteRubric(shared.Rubric.Raw); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// From here on the month is published whole or, after a crash, rolled forward by the next run.
	if err := staging.Publish(m, log); err != nil {
		return nil, err
	}
	manifest := layout.ManifestPath(cfg.Month)
	log.Info("snapshot published", zap.String("manifest", manifest), zap.Duration("duration", time.Since(started)))
	return &Result{RunID: runID, Month: cfg.Month, Snapshot: manifest, Started: started, Finished: time.Now().UTC()}, nil
}

// NewRunID returns a run id that sorts by start time: 20261125T201500Z-1a2b3c.
func NewRunID(t time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Run is the state of one monthly run that stages share.
type Run struct {
	// ID identifies the run attempt (also in the ledger and manifest).
	ID string
	// Config is the run's configuration, defaults filled in.
	Config Config
	// Window is the usage history the snapshot reads (S-23..S).
	Window Window
	// DB is the run's DuckDB database.
	DB *duck.DB
	// Rubric is the validated rubric the run scores with.
	Rubric *rubric.Rubric
	// Staging is the run's build area, Layout.StagingDir(ID); export writes each table to
	// Layout.StagedTableFile(ID, table) inside it.
	Staging string
	// Log is the run's logger, carrying run_id and month.
	Log *zap.Logger
	// Tables holds the row accounting of each input table, filled by ingest.
	Tables []TableStats
	// Outputs lists the files export wrote.
	Outputs []OutputFile
	// Warnings collects what the manifest should tell a reader.
	Warnings []string
	// History lists the usage months found and missing in the window.
	History ManifestHistory
	// MonthRows counts the rows the metrics use per usage table and month of the window
	// (table -> YYYY-MM -> rows), filled with History; the manifest's InputsByMonth.
	MonthRows map[string]map[string]int64
	// Checks holds the outcome of the blocking checks.
	Checks []CheckResult
	// Stages records each stage's wall time for the manifest.
	Stages []StageTiming
}

// TableStats is the row accounting of one input table.
type TableStats struct {
	Table       string      `json:"table"`
	Files       []InputFile `json:"files"`
	Read        int64       `json:"rows_read"`
	Accepted    int64       `json:"rows_accepted"`
	Rejected    int64       `json:"rows_rejected"`
	OutOfWindow int64       `json:"rows_out_of_window"`
}

// InputFile is one file read by ingest.
type InputFile struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Rows   int64  `json:"rows"`
}

// OutputFile is one table file written by export.
type OutputFile struct {
	// Name is the table, e.g. area_scores (manifests of the old layout: area_scores.parquet).
	Name string `json:"name"`
	// Path is the published file relative to OUT: <table>/snapshot_month=YYYY-MM/part-0.parquet.
	Path  string `json:"path,omitempty"`
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes"`
}
