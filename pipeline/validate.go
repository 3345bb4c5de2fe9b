package pipeline

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/capscore/capscore/rubric"
)

// ErrInvalidConfig means a setting is out of range or unreadable (a flag, an environment variable,
// a settings file). It is found before the run takes the lock; nothing was read or published.
var ErrInvalidConfig = errors.New("invalid settings")

// The snapshot months a run accepts. Outside them the 24-month window and the YYYY-MM folder names
// stop making sense long before any data would.
var (
	MinMonth = Month{first: mustMonth("2000-01").first}
	MaxMonth = Month{first: mustMonth("2099-12").first}
)

func mustMonth(s string) Month {
	m, err := ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// threadsPerCPU bounds the thread setting: DuckDB gains nothing from more threads than a few per
// CPU, and tens of thousands exhaust the Go runtime's thread limit.
const threadsPerCPU = 8

// MaxThreads is the largest thread count a run accepts on this machine: 8 per CPU.
func MaxThreads() int { return threadsPerCPU * runtime.NumCPU() }

// MinMemoryLimit is the smallest memory limit a run accepts; below it DuckDB cannot hold one
// block per thread.
const MinMemoryLimit = 16 << 20

// memoryUnits are the units ParseMemoryLimit accepts, with their size in bytes. All of them are
// units DuckDB's memory_limit accepts too, with the same meaning (KB = 1000, KiB = 1024).
var memoryUnits = map[string]float64{
	"b":  1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseMemoryLimit reads a memory limit such as "3GB", "512 MiB" or "1.5gb" and returns it in bytes.
// The unit is required (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB, any case); the amount must be
// positive and at least MinMemoryLimit.
func ParseMemoryLimit(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i <= 0 {
		if strings.HasPrefix(t, "-") {
			return 0, fmt.Errorf("memory limit %q: must be positive, e.g. 3GB", s)
		}
		if i < 0 && t != "" {
			return 0, fmt.Errorf("memory limit %q: missing unit, e.g. 3GB or 512MiB", s)
		}
		return 0, fmt.Errorf("memory limit %q: want an amount and a unit, e.g. 3GB or 512MiB", s)
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("memory limit %q: %q is not a number", s, num)
	}
	mul, ok := memoryUnits[unit]
	if !ok {
		return 0, fmt.Errorf("memory limit %q: unknown unit %q; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB", s, strings.TrimSpace(t[i:]))
	}
	b := v * mul
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("memory limit %q: too large", s)
	}
	if b < MinMemoryLimit {
		return 0, fmt.Errorf("memory limit %q: below the minimum of 16MiB", s)
	}
	return int64(b), nil
}

// Validate checks every setting of one run before it takes the lock: the month (inside
// MinMonth..MaxMonth) and as-of date, the folders, the limits (0 is allowed where it means
// something: a reject rate of 0 tolerates no reject, a drift limit of 0 stops on any move), the
// memory limit and thread count, and the rubric, which it reads (with a size limit) and validates.
// It reports every bad setting at once; the error wraps ErrInvalidConfig.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	// A Month never set reads as 0001-01 and fails here as well.
	if c.Month.Before(MinMonth) || MaxMonth.Before(c.Month) {
		bad("month %s: outside the supported range %s..%s", c.Month, MinMonth, MaxMonth)
	}
	if !c.AsOf.IsZero() && !c.Month.IsZero() {
		if c.AsOf.Before(c.Month.First()) {
			bad("as-of %s: before the snapshot month %s; skilling is counted on a day in or after S",
				c.AsOf.Format("2006-01-02"), c.Month)
		} else if MonthOf(c.AsOf).Sub(c.Month) > HistoryMonths {
			bad("as-of %s: more than %d months after the snapshot month %s", c.AsOf.Format("2006-01-02"), HistoryMonths, c.Month)
		}
	}
	if c.Input == "" {
		bad("input: required (the folder with one sub-folder per table)")
	}
	if c.Out == "" {
		bad("out: required (the output folder)")
	}
	if c.Input != "" && c.Out != "" && filepath.Clean(c.Input) == filepath.Clean(c.Out) {
		bad("out %s: the same folder as input; publish to a folder of its own", c.Out)
	}
	share := func(name string, p *float64, max float64, meaning string) {
		if p == nil {
			return
		}
		if v := *p; math.IsNaN(v) || v < 0 || v > max {
			bad("%s %g: want a share between 0 and %g (%s)", name, v, max, meaning)
		}
	}
	share("max-reject-rate", c.MaxRejectRate, 1, "0 = no reject tolerated")
	share("max-drift", c.MaxDrift, math.MaxFloat64, "0 = any move stops the run; 0.5 = a 50% move")
	share("max-qualified-drift", c.MaxQualifiedDrift, math.MaxFloat64, "0 = any move stops the run; 0.5 = a 50% move")
	if c.MinQualifiedMove != nil && *c.MinQualifiedMove < 0 {
		bad("min-qualified-move %d: want 0 or more partner-areas (0 = every move of the qualified count is compared)", *c.MinQualifiedMove)
	}
	for _, t := range c.OptionalTables {
		if !slices.Contains(OptionalTableNames, t) {
			bad("optional-tables: %q is not a table a program may lack; name any of %s", t, strings.Join(OptionalTableNames, ", "))
		}
	}
	if c.MemoryLimit != "" {
		if _, err := ParseMemoryLimit(c.MemoryLimit); err != nil {
			bad("memory-limit: %w", err)
		}
	}
	if c.Threads < 0 || c.Threads > MaxThreads() {
		bad("threads %d: want 1..%d (%d per CPU on this %d-CPU machine), or 0 for one per CPU",
			c.Threads, MaxThreads(), threadsPerCPU, runtime.NumCPU())
	}
	switch c.Kind {
	case "", KindRun, KindBackfill, KindSkilling:
	default:
		bad("kind %q: want %s, %s or %s", c.Kind, KindRun, KindBackfill, KindSkilling)
	}
	if _, err := rubric.Load(c.RubricPath); err != nil {
		bad("%w", err)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidConfig, errors.Join(errs...))
}
