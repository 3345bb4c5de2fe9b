package pipeline

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
)

func validConfig(t *testing.T) Config {
	t.Helper()
	m, err := ParseMonth("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	return Config{Month: m, Input: "in", Out: "out"}
}

func TestValidate(t *testing.T) {
	month := func(s string) Month {
		m, err := ParseMonth(s)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	dir := t.TempDir()
	bigRubric := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(bigRubric, make([]byte, 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		tweak func(*Config)
		want  string // "" = valid; else a substring of the error
	}{
		{"Defaults", func(c *Config) {}, ""},
		{"RejectRateZeroMeansNoReject", func(c *Config) { c.MaxRejectRate = Share(0) }, ""},
		{"RejectRateOne", func(c *Config) { c.MaxRejectRate = Share(1) }, ""},
		{"RejectRateNegative", func(c *Config) { c.MaxRejectRate = Share(-0.1) }, "max-reject-rate -0.1: want a share between 0 and 1"},
		{"RejectRateOverOne", func(c *Config) { c.MaxRejectRate = Share(1.5) }, "max-reject-rate 1.5"},
		{"RejectRateNaN", func(c *Config) { c.MaxRejectRate = Share(math.NaN()) }, "max-reject-rate NaN"},
		{"DriftZero", func(c *Config) { c.MaxDrift = Share(0) }, ""},
		{"DriftOverOne", func(c *Config) { c.MaxDrift = Share(3) }, ""},
		{"DriftNegative", func(c *Config) { c.MaxDrift = Share(-1) }, "max-drift -1"},
		{"QualifiedDriftNegative", func(c *Config) { c.MaxQualifiedDrift = Share(-1) }, "max-qualified-drift -1"},
		{"ThreadsZeroIsPerCPU", func(c *Config) { c.Threads = 0 }, ""},
		{"ThreadsMax", func(c *Config) { c.Threads = MaxThreads() }, ""},
		{"ThreadsHuge", func(c *Config) { c.Threads = 100000 }, "threads 100000: want 1.."},
		{"ThreadsNegative", func(c *Config) { c.Threads = -1 }, "threads -1"},
		{"MemoryLimit", func(c *Config) { c.MemoryLimit = "3GB" }, ""},
		{"MemoryLimitWord", func(c *Config) { c.MemoryLimit = "abc" }, `memory-limit: memory limit "abc"`},
		{"MemoryLimitZero", func(c *Config) { c.MemoryLimit = "0" }, `memory limit "0": missing unit`},
		{"MemoryLimitNegative", func(c *Config) { c.MemoryLimit = "-5GB" }, `memory limit "-5GB": must be positive`},
		{"MonthMissing", func(c *Config) { c.Month = Month{} }, "month 0001-01: outside"},
		{"MonthTooEarly", func(c *Config) { c.Month = month("0001-01") }, "month 0001-01: outside the supported range 2000-01..2099-12"},
		{"MonthTooLate", func(c *Config) { c.Month = month("2100-01") }, "month 2100-01: outside"},
		{"MonthFirst", func(c *Config) { c.Month = MinMonth }, ""},
		{"AsOfBeforeMonth", func(c *Config) { c.AsOf = day("2026-09-30") }, "as-of 2026-09-30: before the snapshot month 2026-10"},
		{"AsOfFirstDay", func(c *Config) { c.AsOf = day("2026-10-01") }, ""},
		{"AsOfFarAfter", func(c *Config) { c.AsOf = day("2029-01-01") }, "as-of 2029-01-01: more than 24 months"},
		{"InputMissing", func(c *Config) { c.Input = "" }, "input: required"},
		{"OutMissing", func(c *Config) { c.Out = "" }, "out: required"},
		{"OutIsInput", func(c *Config) { c.Out = "in/" }, "the same folder as input"},
		{"UnknownKind", func(c *Config) { c.Kind = "weekly" }, `kind "weekly"`},
		{"RubricDevZero", func(c *Config) { c.RubricPath = "/dev/zero" }, "rubric /dev/zero: not a regular file"},
		{"RubricTooLarge", func(c *Config) { c.RubricPath = bigRubric }, "larger than the 1048576-byte limit"},
		{"RubricMissing", func(c *Config) { c.RubricPath = filepath.Join(dir, "none.yaml") }, "no such file"},
		{"RubricShipped", func(c *Config) { c.RubricPath = filepath.Join("..", "rubric", "ms-pcs-2026-05.yaml") }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig(t)
			tc.tweak(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate passed, want an error containing %q", tc.want)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("error %v is not ErrInvalidConfig", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// TestValidateReportsAll: every bad setting is named at once, so a user fixes them in one go.
func TestValidateReportsAll(t *testing.T) {
	c := validConfig(t)
	c.Threads, c.MaxDrift, c.MemoryLimit = -3, Share(-1), "lots"
	err := c.Validate()
	for _, want := range []string{"threads -3", "max-drift -1", `memory limit "lots"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %q", err, want)
		}
	}
}

// TestWithDefaultsKeepsZero: an explicit 0 is a setting, not "unset".
func TestWithDefaultsKeepsZero(t *testing.T) {
	c := validConfig(t)
	c.MaxRejectRate, c.MaxDrift, c.MaxQualifiedDrift = Share(0), Share(0), Share(0)
	d := c.withDefaults()
	if d.RejectLimit() != 0 || d.DriftLimit() != 0 || d.QualifiedDriftLimit() != 0 {
		t.Errorf("explicit zeros became %g, %g, %g", d.RejectLimit(), d.DriftLimit(), d.QualifiedDriftLimit())
	}
	u := validConfig(t).withDefaults()
	if u.RejectLimit() != DefaultMaxRejectRate || u.DriftLimit() != DefaultMaxDrift || u.QualifiedDriftLimit() != DefaultMaxQualifiedDrift {
		t.Errorf("unset limits became %g, %g, %g; want the defaults", u.RejectLimit(), u.DriftLimit(), u.QualifiedDriftLimit())
	}
	if u.MaxRejectRate == nil || *u.MaxRejectRate != DefaultMaxRejectRate {
		t.Errorf("withDefaults left MaxRejectRate %v", u.MaxRejectRate)
	}
}

func TestParseMemoryLimit(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  string
	}{
		{"3GB", 3e9, ""},
		{"3gb", 3e9, ""},
		{"512MiB", 512 << 20, ""},
		{" 512 MiB ", 512 << 20, ""},
		{"1.5GB", 1.5e9, ""},
		{"16MiB", 16 << 20, ""},
		{"1TiB", 1 << 40, ""},
		{"", 0, "want an amount and a unit"},
		{"abc", 0, "want an amount and a unit"},
		{"0", 0, "missing unit"},
		{"3000", 0, "missing unit"},
		{"0GB", 0, "below the minimum of 16MiB"},
		{"1MB", 0, "below the minimum"},
		{"-5GB", 0, "must be positive"},
		{"5 parsecs", 0, `unknown unit "parsecs"`},
		{"1.2.3GB", 0, `"1.2.3" is not a number`},
		{"99999999999TB", 0, "too large"},
	}
	for _, tc := range cases {
		got, err := ParseMemoryLimit(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseMemoryLimit(%q) = %d, %v; want an error containing %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseMemoryLimit(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

// TestMemoryLimitAgreesWithDuckDB: every form ParseMemoryLimit accepts means the same number of
// bytes to DuckDB, which receives the user's text as it is.
func TestMemoryLimitAgreesWithDuckDB(t *testing.T) {
	for _, s := range []string{"3GB", "512MiB", "1.5gb", "100 MB", "65536KiB", "2000000000B"} {
		want, err := ParseMemoryLimit(s)
		if err != nil {
			t.Fatalf("ParseMemoryLimit(%q): %v", s, err)
		}
		db, err := duck.Open(context.Background(), "", duck.Settings{Threads: 1, MemoryLimit: s}, zap.NewNop())
		if err != nil {
			t.Fatalf("DuckDB rejects memory limit %q that Validate accepts: %v", s, err)
		}
		var shown string
		err = db.SQL().QueryRow("SELECT current_setting('memory_limit')").Scan(&shown)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		// DuckDB shows the limit cut to one decimal of its unit, e.g. 3GB as "2.7 GiB".
		got, err := ParseMemoryLimit(shown)
		f := strings.Fields(shown)
		if err != nil || len(f) != 2 {
			t.Fatalf("DuckDB shows %q for %q: %v", shown, s, err)
		}
		unit := memoryUnits[strings.ToLower(f[1])]
		if d := float64(want - got); d < 0 || d >= unit/10 {
			t.Errorf("memory limit %q: DuckDB holds %s (%d bytes), ParseMemoryLimit says %d", s, shown, got, want)
		}
	}
}

// TestRunRangeValidatesBeforeLock: a bad setting stops the run before it creates OUT, takes the
// lock or writes a ledger line.
func TestRunRangeValidatesBeforeLock(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	c := validConfig(t)
	c.Out, c.Threads = out, 100000
	_, err := NewRunner(nil, zap.NewNop()).RunMonth(context.Background(), c)
	if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "threads 100000") {
		t.Fatalf("RunMonth: %v, want ErrInvalidConfig naming threads 100000", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OUT exists after a run with a bad setting (stat: %v); want nothing created", err)
	}
}
