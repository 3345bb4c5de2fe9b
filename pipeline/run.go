package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	Snapshot string // the published folder
	Started  time.Time
	Finished time.Time
}

// Runner builds and publishes snapshots.
type Runner struct {
	stages []Stage
	log    *zap.Logger
}

// NewRunner returns a runner that executes stages in order.
func NewRunner(stages []Stage, log *zap.Logger) *Runner {
	return &Runner{stages: stages, log: log}
}

// RunMonth computes snapshot month cfg.Month and publishes it under cfg.Out: it takes the output
// lock, builds the month in a staging folder, runs the stages and checks, writes the manifest last
// and swaps the folder into place. On any error or cancellation nothing is published and the
// previously published month stays as it was.
func (rn *Runner) RunMonth(ctx context.Context, cfg Config) (res *Result, err error) {
	cfg = cfg.withDefaults()
	started := time.Now().UTC()
	runID := NewRunID(started)
	log := rn.log.With(zap.String("run_id", runID), zap.String("month", cfg.Month.String()))
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("output folder %s: %w", cfg.Out, err)
	}
	lock, err := AcquireLock(ctx, cfg.Out, LockHolder{PID: os.Getpid(), RunID: runID, Started: started, Host: hostname()}, cfg.WaitForLock, log)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if removed, err := CleanStale(cfg.Out, log); err != nil {
		log.Warn("could not remove leftover staging folders", zap.Error(err))
	} else if len(removed) > 0 {
		log.Info("removed leftovers of an earlier run", zap.Strings("paths", removed))
	}
	// Spill folders of killed runs: no other run is active while we hold the lock.
	if err := os.RemoveAll(filepath.Join(cfg.Out, "_tmp")); err != nil {
		log.Warn("could not remove old spill folders", zap.Error(err))
	}
	ledger := OpenLedger(cfg.Out)
	rec := Record{RunID: runID, Month: cfg.Month.String(), AsOf: cfg.AsOf.Format("2006-01-02"), Kind: cfg.kind(),
		Status: StatusRunning, Started: started}
	if err := ledger.Append(rec); err != nil {
		return nil, fmt.Errorf("run ledger: %w", err)
	}
	defer func() {
		rec.Finished = time.Now().UTC()
		rec.DurationSeconds = rec.Finished.Sub(started).Seconds()
		switch {
		case err == nil:
			rec.Status, rec.Snapshot = StatusPublished, res.Snapshot
		case ctx.Err() != nil:
			rec.Status, rec.Reason = StatusCanceled, ctx.Err().Error()
			err = fmt.Errorf("%w: %w", ErrCanceled, err)
		default:
			rec.Status, rec.Reason = StatusFailed, err.Error()
		}
		if lerr := ledger.Append(rec); lerr != nil {
			log.Error("run ledger", zap.Error(lerr))
		}
	}()
	log.Info("run started", zap.String("as_of", cfg.AsOf.Format("2006-01-02")), zap.String("input", cfg.Input), zap.String("out", cfg.Out))

	rb, err := rubric.Load(cfg.RubricPath)
	if err != nil {
		return nil, err
	}
	staging, err := NewStaging(cfg.Out, cfg.Month, runID)
	if err != nil {
		return nil, err
	}
	published := false
	defer func() {
		if !published {
			if derr := staging.Discard(); derr != nil {
				log.Error("remove staging folder", zap.Error(derr))
			}
		}
	}()
	tempDir := cfg.TempDir
	if tempDir == "" {
		// Spill beside the output, under a folder the analyst glob never matches.
		tempDir = filepath.Join(cfg.Out, "_tmp", runID)
		defer os.RemoveAll(tempDir)
	}
	db, err := duck.Open(ctx, "", duck.Settings{MemoryLimit: cfg.MemoryLimit, Threads: cfg.Threads, TempDir: tempDir}, log)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	run := &Run{ID: runID, Config: cfg, Window: HistoryWindow(cfg.Month), DB: db, Rubric: rb, Staging: staging.Dir(), Log: log}
	for _, st := range rn.stages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := st.Run(ctx, run); err != nil {
			return nil, fmt.Errorf("%s: %w", st.Name(), err)
		}
	}
	finished := time.Now().UTC()
	m := Manifest{
		RunID: runID, SnapshotMonth: cfg.Month.String(), AsOf: cfg.AsOf.Format("2006-01-02"),
		RubricID: rb.ID, RubricSHA256: rb.Hash, CodeVersion: CodeVersion(), Started: started, Finished: finished,
		Inputs: run.Tables, History: run.History, Outputs: run.Outputs, Warnings: run.Warnings, Checks: run.Checks,
	}
	if err := WriteManifest(staging.Dir(), m); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := staging.Publish(); err != nil {
		var ce *CleanupError
		if !errors.As(err, &ce) {
			return nil, err
		}
		// The month is live; only the old content stayed behind. The next run's CleanStale removes it.
		log.Warn("published, but the previous content could not be removed", zap.Error(err))
	}
	published = true
	log.Info("snapshot published", zap.String("path", staging.Target()), zap.Duration("duration", time.Since(started)))
	return &Result{RunID: runID, Month: cfg.Month, Snapshot: staging.Target(), Started: started, Finished: time.Now().UTC()}, nil
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
	// Staging is the folder the snapshot's files are written to before publication.
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
	// Checks holds the outcome of the blocking checks.
	Checks []CheckResult
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

// OutputFile is one file written by export.
type OutputFile struct {
	Name  string `json:"name"`
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes"`
}
