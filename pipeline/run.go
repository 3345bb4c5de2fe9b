package pipeline

import (
	"context"
	"fmt"
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

// RunMonth computes snapshot month cfg.Month and publishes it under cfg.Out.
func (rn *Runner) RunMonth(ctx context.Context, cfg Config) (*Result, error) {
	return nil, fmt.Errorf("not implemented")
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
