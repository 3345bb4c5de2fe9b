package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSettingsRejectedBeforeLock runs every entry point with one bad setting each: it exits 2 with a
// message naming the setting, before it creates OUT, takes the lock or writes the ledger.
func TestSettingsRejectedBeforeLock(t *testing.T) {
	in := absPath(t, demoInput)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"RejectRateNegative", []string{"run", "--month", "2026-10", "--max-reject-rate", "-1"}, "max-reject-rate -1: want a share between 0 and 1"},
		{"DriftNegative", []string{"run", "--month", "2026-10", "--max-drift", "-1"}, "max-drift -1"},
		{"ThreadsHuge", []string{"run", "--month", "2026-10", "--threads", "100000"}, "threads 100000"},
		{"MemoryWord", []string{"run", "--month", "2026-10", "--memory-limit", "abc"}, `memory limit "abc"`},
		{"MemoryZero", []string{"run", "--month", "2026-10", "--memory-limit", "0"}, `memory limit "0": missing unit`},
		{"MemoryNegative", []string{"run", "--month", "2026-10", "--memory-limit", "-5GB"}, `memory limit "-5GB": must be positive`},
		{"MonthOutOfRange", []string{"run", "--month", "0001-01"}, "month 0001-01: outside the supported range"},
		{"RubricDevZero", []string{"run", "--month", "2026-10", "--rubric", "/dev/zero"}, "not a regular file"},
		{"AsOfBeforeMonth", []string{"run", "--month", "2026-10", "--as-of", "2026-01-01"}, "as-of 2026-01-01: before the snapshot month"},
		{"BackfillMonthRange", []string{"backfill", "--from", "0001-01", "--to", "0001-03"}, "month 0001-01: outside"},
		{"BackfillThreads", []string{"backfill", "--from", "2026-09", "--to", "2026-10", "--threads", "-2"}, "threads -2"},
		{"BenchMemory", []string{"bench", "--memory-limit", "5 parsecs"}, `unknown unit "parsecs"`},
		{"ScheduleRubric", []string{"schedule", "--rubric", "/dev/zero"}, "not a regular file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append(append([]string(nil), tc.args...), "--input", in, "--out", out)
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), args, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit %d, want %d (usage); stderr: %s", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.want)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("OUT was created (stat: %v): the setting was checked after the run started", err)
			}
		})
	}
}

// TestZeroLimitsStayZero: a 0 given on the command line reaches the run as 0, not as the default.
func TestZeroLimitsStayZero(t *testing.T) {
	e := env{stdout: io.Discard, stderr: io.Discard, lookupEnv: func(string) (string, bool) { return "", false },
		st: &settingsState{flags: map[string]string{}, flagNames: map[string]string{}}}
	fs := e.newFlagSet("run")
	rf := e.runFlags(fs)
	if err := e.parse(fs, []string{"--input", "i", "--out", "o", "--max-reject-rate", "0", "--max-drift", "0", "--max-qualified-drift", "0"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := rf.config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RejectLimit() != 0 || cfg.DriftLimit() != 0 || cfg.QualifiedDriftLimit() != 0 {
		t.Errorf("limits %g, %g, %g; want 0, 0, 0", cfg.RejectLimit(), cfg.DriftLimit(), cfg.QualifiedDriftLimit())
	}
}
