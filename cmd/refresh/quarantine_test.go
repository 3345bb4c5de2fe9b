package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capscore/capscore/pipeline"
)

// TestRunsAndStatusShowQuarantine: a ledger line that is not a record and a fire history that does
// not decode stop neither `refresh runs` nor `refresh status`; both name what was set aside, and
// status lists it as needing attention.
func TestRunsAndStatusShowQuarantine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeTestLedger(t, dir)
	ledger := pipeline.OpenLedger(dir).Path()
	b, err := os.ReadFile(ledger)
	if err != nil {
		t.Fatal(err)
	}
	// A hand edit damages the second line's start.
	lines := strings.SplitAfter(string(b), "\n")
	lines[1] = "#" + lines[1]
	if err := os.WriteFile(ledger, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	fires := filepath.Join(dir, pipeline.RunsDir, "fires.json")
	if err := os.WriteFile(fires, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	pipeline.NewFireHistory(dir, nil).LastFired("monthly-refresh") // the daemon's start-up read

	// runs warns on stderr; status lists it among what needs attention. The damaged line is run-a's
	// published record, so run-a reads as still running with no process holding OUT: an interrupted
	// run (13), which wins over the quarantine (14).
	for _, cmd := range []string{"runs", "status"} {
		var out, errb bytes.Buffer
		wantCode, report := 0, &errb
		want := "refresh " + cmd + ": warning: quarantined bookkeeping in " + dir + ": 1 ledger line(s) skipped: line 2 (invalid character '#'"
		if cmd == "status" {
			wantCode, report = exitAttentionInterrupted, &out
			want = "[quarantined_bookkeeping, exit 14] quarantined bookkeeping in " + dir + ": 1 ledger line(s) skipped: line 2 (invalid character '#'"
		}
		if code := Run(ctx, []string{cmd, "--out", dir}, &out, &errb); code != wantCode {
			t.Fatalf("%s: exit %d, want %d, stderr: %s", cmd, code, wantCode, errb.String())
		}
		if !strings.Contains(report.String(), want) {
			t.Errorf("%s output %q lacks %q", cmd, report.String(), want)
		}
		if !strings.Contains(report.String(), "1 damaged file(s) kept aside: "+filepath.Join(dir, pipeline.RunsDir, pipeline.QuarantineDir, "fires-")) {
			t.Errorf("%s output %q does not name the kept-aside fire history", cmd, report.String())
		}
		if cmd == "status" && !strings.Contains(out.String(), "[interrupted_run, exit 13] run run-a of 2026-09 has been running since") {
			t.Errorf("status does not report run-a, whose last readable record says running:\n%s", out.String())
		}
		if cmd == "runs" && !strings.Contains(out.String(), "run-c") {
			t.Errorf("runs output lacks the records after the bad line:\n%s", out.String())
		}
	}
}
