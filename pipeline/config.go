package pipeline

import (
	"slices"
	"time"

	"github.com/capscore/capscore/duck"
)

// Config is everything one monthly run needs to know. The CLI, the scheduler and backfills fill it;
// Validate checks it before a run takes the output lock.
//
// The limits are pointers so that "not given" (nil: the default) and an explicit 0 (no tolerance)
// stay different: a reject rate of 0 means no reject is tolerated, not "use the default".
type Config struct {
	// Month is the snapshot month S.
	Month Month
	// AsOf is the day skilling is counted on (default: DefaultAsOf(Month)).
	AsOf time.Time
	// Input is the folder with one sub-folder per input table.
	Input string
	// Out is the output folder the snapshots are published under (see Layout).
	Out string
	// RubricPath is a rubric file to use instead of the embedded default ("" = default).
	RubricPath string
	// MaxRejectRate fails the run when a table rejects a larger share of its rows
	// (nil = DefaultMaxRejectRate; 0 = no reject tolerated).
	MaxRejectRate *float64
	// MemoryLimit is DuckDB's memory limit such as "3GB" ("" = sized from the machine); see
	// ParseMemoryLimit for the accepted forms.
	MemoryLimit string
	// Threads is DuckDB's thread count (0 = the number of CPUs; at most MaxThreads()).
	Threads int
	// TempDir is the folder under which each run spills to its own sub-folder ("" = OUT/_tmp).
	TempDir string
	// WaitForLock waits for another run holding Out instead of failing with ErrLocked.
	WaitForLock bool
	// AcceptDrift publishes even when the drift guard finds a large move against the previous month.
	AcceptDrift bool
	// MaxDrift is the share a source table's row count may move against the previous published
	// month before the drift guard stops the run (nil = DefaultMaxDrift; 0 = any move stops it).
	MaxDrift *float64
	// MaxQualifiedDrift is the share the count of qualified partner-areas may move against the
	// previous published month before the drift guard stops the run (nil = DefaultMaxQualifiedDrift).
	MaxQualifiedDrift *float64
	// MinQualifiedMove is the smallest move of the qualified count, in partner-areas, that the drift
	// guard compares with MaxQualifiedDrift: a smaller move is never drift, so a small program's 1 -> 2
	// passes (nil = DefaultMinQualifiedMove; 0 = every move is compared).
	MinQualifiedMove *int
	// OptionalTables are input tables this program may lack (one without Business Applications
	// declares bizapps_usage): an absent folder is an empty table with a warning, and readiness does
	// not wait for their months. Names come from OptionalTableNames.
	OptionalTables []string
	// KeepPublished leaves a month that is already published as it is, decided once the run holds
	// the lock: a backfill without --force does not rebuild a month another run published while it
	// waited.
	KeepPublished bool
	// KeepPublishedSince, when set, leaves as it is a month published by a run that finished at or
	// after this time, decided once the run holds the lock: a scheduled fire does not replace a month
	// published after the fire time.
	KeepPublishedSince time.Time
	// SkipReadiness scores even when a usage table has no rows for S or S-12.
	SkipReadiness bool
	// Kind is the ledger kind of the run: run (default), backfill or skilling.
	Kind string
	// Slice, when set, makes the run the what-if of one partner (refresh simulate, Runner.Simulate):
	// ingest keeps only that partner's rows, reads the overlay's files besides the input's, and the
	// drift guard is off. Such a run is never published.
	Slice *Slice
	// Profile, when set, receives DuckDB's per-operator profile of every statement of the run
	// (refresh bench --profile); see duck.Settings.Profile.
	Profile func(duck.Profile)
}

// DefaultMaxDrift is the drift guard's default row-count limit: a 50% move.
const DefaultMaxDrift = 0.5

// DefaultMaxQualifiedDrift is the drift guard's default limit on the qualified count: a 50% move.
const DefaultMaxQualifiedDrift = 0.5

// DefaultMinQualifiedMove is the drift guard's default floor on the qualified count: a move of
// fewer than 5 partner-areas is never drift, whatever its share.
const DefaultMinQualifiedMove = 5

// OptionalTableNames are the input tables a program may declare optional (OptionalTables): the
// usage tables, certifications and enrollments (always optional). partners, tenants and
// associations are what every score is built on.
var OptionalTableNames = []string{"azure_consumption", "m365_usage", "bizapps_usage", "certifications", "enrollments"}

// DefaultMaxRejectRate is the contract's default reject-rate limit.
const DefaultMaxRejectRate = 0.001

// Share returns a pointer to v, for the limits of Config: Config{MaxRejectRate: pipeline.Share(0)}.
func Share(v float64) *float64 { return &v }

// RejectLimit is the reject-rate limit in force: MaxRejectRate, or the default when it is not set.
func (c Config) RejectLimit() float64 { return valueOr(c.MaxRejectRate, DefaultMaxRejectRate) }

// DriftLimit is the row-count drift limit in force: MaxDrift, or the default when it is not set.
func (c Config) DriftLimit() float64 { return valueOr(c.MaxDrift, DefaultMaxDrift) }

// QualifiedDriftLimit is the qualified-count drift limit in force: MaxQualifiedDrift, or the default.
func (c Config) QualifiedDriftLimit() float64 {
	return valueOr(c.MaxQualifiedDrift, DefaultMaxQualifiedDrift)
}

// QualifiedMoveFloor is the qualified-count floor in force: MinQualifiedMove, or the default.
func (c Config) QualifiedMoveFloor() int {
	if c.MinQualifiedMove == nil {
		return DefaultMinQualifiedMove
	}
	return *c.MinQualifiedMove
}

// IsOptional reports whether input table may be absent and is not waited for by readiness.
func (c Config) IsOptional(table string) bool { return slices.Contains(c.OptionalTables, table) }

func valueOr(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

func (c Config) kind() string {
	if c.Kind == "" {
		return KindRun
	}
	return c.Kind
}

// withDefaults fills the fields the caller left unset. A limit set to 0 stays 0.
func (c Config) withDefaults() Config {
	if c.AsOf.IsZero() {
		c.AsOf = DefaultAsOf(c.Month)
	}
	c.MaxDrift = Share(c.DriftLimit())
	c.MaxQualifiedDrift = Share(c.QualifiedDriftLimit())
	c.MaxRejectRate = Share(c.RejectLimit())
	floor := c.QualifiedMoveFloor()
	c.MinQualifiedMove = &floor
	return c
}
