package pipeline

import (
	"time"
)

// Config is everything one monthly run needs to know. The CLI, the scheduler and backfills fill it.
type Config struct {
	// Month is the snapshot month S.
	Month Month
	// AsOf is the day skilling is counted on (default: DefaultAsOf(Month)).
	AsOf time.Time
	// Input is the folder with one sub-folder per input table.
	Input string
	// Out is the output root holding snapshot_month=YYYY-MM folders.
	Out string
	// RubricPath is a rubric file to use instead of the embedded default ("" = default).
	RubricPath string
	// MaxRejectRate fails the run when a table rejects a larger share of its rows.
	MaxRejectRate float64
	// DuckDB resource settings ("" or 0 = sized from the machine).
	MemoryLimit string
	Threads     int
	TempDir     string
	// WaitForLock waits for another run holding Out instead of failing with ErrLocked.
	WaitForLock bool
	// AcceptDrift publishes even when the drift guard finds a large move against the previous month.
	AcceptDrift bool
	// MaxDrift is the share a source table's rows or the qualified count may move against the
	// previous published month before the drift guard stops the run (0 = DefaultMaxDrift).
	MaxDrift float64
	// SkipReadiness scores even when a usage table has no rows for S or S-12.
	SkipReadiness bool
	// Kind is the ledger kind of the run: run (default), backfill or skilling.
	Kind string
}

// DefaultMaxDrift is the drift guard's default limit: a 50% move.
const DefaultMaxDrift = 0.5

func (c Config) kind() string {
	if c.Kind == "" {
		return KindRun
	}
	return c.Kind
}

// DefaultMaxRejectRate is the contract's default reject-rate limit.
const DefaultMaxRejectRate = 0.001

// withDefaults fills the fields the caller left empty.
func (c Config) withDefaults() Config {
	if c.AsOf.IsZero() {
		c.AsOf = DefaultAsOf(c.Month)
	}
	if c.MaxDrift == 0 {
		c.MaxDrift = DefaultMaxDrift
	}
	if c.MaxRejectRate == 0 {
		c.MaxRejectRate = DefaultMaxRejectRate
	}
	return c
}
