package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/rubric"
	"github.com/capscore/capscore/stages"
)

// validateCommand is `refresh validate`: check an input delivery the way a run would, without
// computing or publishing anything.
type validateCommand struct{ env }

// validateSettings are the settings validate reads: what ingest and readiness depend on.
var validateSettings = []string{config.Input, config.Rubric, config.MemoryLimit, config.Threads, config.TempDir, config.MaxRejectRate,
	config.OptionalTables, config.SkipReadiness}

// Run parses the flags, reads and checks every input table for the month in a DuckDB of its own
// (spilling to a folder of its own, removed at the end), prints the report and returns what a run
// would stop on: ErrBadInput (exit 7) or ErrSourceNotReady (exit 6), nil when the input passes.
func (c *validateCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("validate")
	c.settingFlags(fs, validateSettings...)
	month := fs.String("month", "", "snapshot month S the delivery is for, `YYYY-MM` (required)")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	rejects := fs.String("rejects", "", "write every rejected row to `FILE` for the supplier (CSV, or Parquet when it ends in .parquet)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	s := c.settings()
	if s.Input == "" {
		return usagef("--input is required (or REFRESH_INPUT, or input: in the config file)")
	}
	if *month == "" {
		return usagef("--month is required (YYYY-MM)")
	}
	m, err := pipeline.ParseMonth(*month)
	if err != nil {
		return usagef("--month: %v", err)
	}
	if st, err := os.Stat(s.Input); err != nil || !st.IsDir() {
		return usagef("--input %s: not a folder (want one sub-folder per input table)", s.Input)
	}
	cfg := s.Pipeline()
	cfg.Month = m
	root := cfg.TempDir
	if root == "" {
		root = os.TempDir()
	}
	work, err := os.MkdirTemp(root, "refresh-validate-")
	if err != nil {
		return fmt.Errorf("validate: work folder: %w", err)
	}
	defer os.RemoveAll(work)
	// Validate checks OUT like every run setting; validate publishes nothing, so its own work
	// folder stands in for it.
	cfg.Out = work
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := c.logger()
	defer log.Sync()

	db, err := duck.Open(ctx, "", duck.Settings{MemoryLimit: cfg.MemoryLimit, Threads: cfg.Threads, TempDir: filepath.Join(work, "spill")}, log)
	if err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	defer db.Close()
	if err := db.Lockdown(ctx, cfg.Input, work); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	rb, err := rubric.Load(cfg.RubricPath)
	if err != nil {
		return err // unreachable: Validate loaded it
	}
	run := &pipeline.Run{ID: pipeline.NewRunID(time.Now()), Config: cfg, Window: pipeline.HistoryWindow(m), DB: db, Rubric: rb, Log: log}
	v, verr := stages.Validate(ctx, run)
	if v == nil {
		return fmt.Errorf("validate: %w", verr)
	}
	written := int64(-1)
	if *rejects != "" {
		staged := filepath.Join(work, "rejects"+filepath.Ext(*rejects))
		n, err := stages.WriteRejects(ctx, run, staged)
		if err == nil {
			err = moveFile(staged, *rejects)
		}
		if err != nil {
			return fmt.Errorf("validate: --rejects %s: %w", *rejects, err)
		}
		written = n
		log.Info("rejected rows written", zap.String("file", *rejects), zap.Int64("rows", n))
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
	} else if err := printValidation(c.stdout, v, *rejects, written); err != nil {
		return err
	}
	if verr != nil {
		return fmt.Errorf("validate: %w", verr)
	}
	return nil
}

// printValidation writes the per-table report as text.
func printValidation(w io.Writer, v *stages.Validation, rejectsFile string, written int64) error {
	fmt.Fprintf(w, "input %s, snapshot month %s (window %s)\n\n", v.Input, v.Month, v.Window)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tFILES\tREAD\tACCEPTED\tREJECTED\tOUT_OF_WINDOW\tREJECT_RATE\tROWS_ADD_UP\tMONTHS\tREADY")
	for _, t := range v.Tables {
		months, ready := "-", "-"
		if t.Ready != nil {
			months = fmt.Sprintf("%d/%d", len(t.MonthsFound), len(t.MonthsFound)+len(t.MonthsMissing))
			ready = yesNo(*t.Ready)
			if t.Optional {
				ready += " (optional)"
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.4f%%\t%s\t%s\t%s\n", t.Table, len(t.Files), t.Read, t.Accepted, t.Rejected,
			t.OutOfWindow, 100*t.RejectRate, yesNo(t.RowsAddUp), months, ready)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(v.Tables) > 0 {
		fmt.Fprintf(w, "reject rate limit %.4f%% per table\n", 100*v.Tables[0].RejectLimit)
	}
	for _, t := range v.Tables {
		var lines []string
		if t.Problem != "" {
			lines = append(lines, "problem: "+t.Problem)
		}
		for _, r := range t.TopReasons {
			lines = append(lines, fmt.Sprintf("rejected %d: %s", r.Rows, r.Reason))
		}
		if len(t.MonthsMissing) > 0 {
			lines = append(lines, "months without rows: "+strings.Join(t.MonthsMissing, ", "))
		}
		if t.Note != "" {
			lines = append(lines, "note: "+t.Note)
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "\n%s:\n  %s\n", t.Table, strings.Join(lines, "\n  "))
		}
	}
	for _, wn := range v.Warnings {
		fmt.Fprintf(w, "\nwarning: %s\n", wn)
	}
	if written >= 0 {
		fmt.Fprintf(w, "\nwrote %d rejected rows to %s\n", written, rejectsFile)
	}
	switch v.Outcome {
	case "ok":
		fmt.Fprintf(w, "\nok: a run of %s on this input gets past ingest and readiness\n", v.Month)
	case "not_ready":
		fmt.Fprintf(w, "\nnot ready (a run exits 6): %s\n", v.Readiness)
	default:
		fmt.Fprintf(w, "\nbad input (a run exits 7): see the problems above\n")
		if v.Readiness != "" {
			fmt.Fprintf(w, "readiness, once the input is fixed: %s\n", v.Readiness)
		}
	}
	return nil
}

// yesNo is a flag as text.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// moveFile moves src to dst: a rename, or a copy (synced) and removal across filesystems.
func moveFile(src, dst string) error {
	if err := os.Rename(src, dst); err == nil {
		return nil
	} else if !errors.Is(err, syscall.EXDEV) {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Remove(src)
}
