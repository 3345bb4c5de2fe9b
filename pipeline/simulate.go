package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/rubric"
)

// Slice is what a what-if run (Runner.Simulate) changes about its input: it reads one partner's
// rows only, adds the rows of an overlay folder, leaves out some certifications and raises some
// usage rows. Ingest applies it (stages), so the row accounting, the reject rate and readiness are
// those of the slice.
type Slice struct {
	// Partner is the partner_id whose rows ingest keeps: its partners row, its associations, the
	// tenants those associations name and those tenants' usage, its certifications and enrollments.
	Partner string
	// Overlay is a folder laid out like the input (one sub-folder per table) whose files ingest reads
	// after the input's files of the same table ("" = none): the hypothetical rows.
	Overlay string
	// DropCertifications are certifications of the partner that ingest leaves out: every row of that
	// person and code.
	DropCertifications []PersonCertification
	// Raise lists accepted rows of the keyed usage tables that ingest raises in place.
	Raise []UsageRaise
}

// PersonCertification names one certification of one person.
type PersonCertification struct {
	PersonID      string
	Certification string
}

// UsageRaise adds ActiveUsers to the active users of one accepted row of a keyed usage table
// (m365_usage or bizapps_usage). Such a table holds one row per tenant, month and workload, so more
// usage is a larger figure on that row, not a second row (which ingest would reject as a duplicate
// of the key).
type UsageRaise struct {
	Table       string
	TenantID    string
	Month       Month
	Workload    string
	ActiveUsers float64
}

// Simulate runs month cfg.Month on cfg.Slice, the what-if of one partner, and publishes nothing: it
// takes no lock, writes no ledger, stages nothing under OUT, and the check stage skips the drift
// guard. DuckDB runs in memory and spills under work, a folder outside OUT; it may read only the
// input, the overlay, work and, in OUT, the area_scores of S-5..S-1 that qualified_in_window reads.
// The runner's stages run in order on the one month (stages.Simulate lists those that publish
// nothing); read is then called with the finished run, its database still open.
func (rn *Runner) Simulate(ctx context.Context, cfg Config, work string, read func(ctx context.Context, r *Run) error) error {
	if cfg.Slice == nil || strings.TrimSpace(cfg.Slice.Partner) == "" {
		return fmt.Errorf("%w: simulate: no partner to slice the input by", ErrInvalidConfig)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if work == "" {
		return fmt.Errorf("%w: simulate: no work folder", ErrInvalidConfig)
	}
	if Within(work, cfg.Out) {
		return fmt.Errorf("%w: simulate writes nothing under OUT, but its work folder %s is inside %s; pass --temp-dir outside OUT",
			ErrInvalidConfig, work, cfg.Out)
	}
	cfg = cfg.withDefaults()
	id := NewRunID(time.Now())
	log := rn.log.With(zap.String("run_id", id), zap.String("partner", cfg.Slice.Partner), zap.String("month", cfg.Month.String()))
	rb, err := rubric.Load(cfg.RubricPath)
	if err != nil {
		return err
	}
	db, err := duck.Open(ctx, "", duck.Settings{MemoryLimit: cfg.MemoryLimit, Threads: cfg.Threads, TempDir: filepath.Join(work, "spill")}, log)
	if err != nil {
		return err
	}
	defer db.Close()
	roots := []string{cfg.Input, cfg.Slice.Overlay, work}
	layout := NewLayout(cfg.Out)
	for k := QualificationMonths - 1; k >= 1; k-- {
		roots = append(roots, layout.MonthDir(TableAreaScores, cfg.Month.Add(-k)))
	}
	if err := db.Lockdown(ctx, roots...); err != nil {
		return err
	}
	start := time.Now()
	run := &Run{ID: id, Config: cfg, Window: HistoryWindow(cfg.Month), DB: db, Rubric: rb, Log: log}
	for _, st := range rn.stages {
		if err := ctx.Err(); err != nil {
			return err
		}
		sstart := time.Now()
		if err := st.Run(ctx, run); err != nil {
			return fmt.Errorf("%s: %w", st.Name(), err)
		}
		run.Stages = append(run.Stages, StageTiming{Name: st.Name(), DurationSeconds: time.Since(sstart).Seconds()})
	}
	log.Info("simulation done", zap.Duration("duration", time.Since(start)))
	return read(ctx, run)
}

// Within reports whether path is dir or inside it, links resolved as far as they exist.
func Within(path, dir string) bool {
	p, err1 := ResolvePath(path)
	d, err2 := ResolvePath(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// ResolvePath is the absolute path p names, the links of its existing part resolved (the part
// that does not exist yet is kept as written).
func ResolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest), nil
		}
		if filepath.Dir(dir) == dir {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}
