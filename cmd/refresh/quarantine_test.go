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
// status exits 14 (quarantined bookkeeping needs attention).
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

	// runs warns; status reports it as needing attention, exit 14.
	for _, cmd := range []string{"runs", "status"} {
		var out, errb bytes.Buffer
		wantCode, want := 0, "refresh "+cmd+": warning: quarantined bookkeeping in "+dir+": 1 ledger line(s) skipped: line 2 (invalid character '#'"
		if cmd == "status" {
			wantCode, want = exitAttentionQuarantine, "refresh status: needs attention (1 quarantined_bookkeeping): quarantined bookkeeping in "+dir+": 1 ledger line(s) skipped: line 2 (invalid character '#'"
		}
		if code := Run(ctx, []string{cmd, "--out", dir}, &out, &errb); code != wantCode {
			t.Fatalf("%s: exit %d, want %d, stderr: %s", cmd, code, wantCode, errb.String())
		}
		if !strings.Contains(errb.String(), want) {
			t.Errorf("%s stderr %q lacks %q", cmd, errb.String(), want)
		}
		if !strings.Contains(errb.String(), "1 damaged file(s) kept aside: "+filepath.Join(dir, pipeline.RunsDir, pipeline.QuarantineDir, "fires-")) {
			t.Errorf("%s stderr %q does not name the kept-aside fire history", cmd, errb.String())
		}
		if cmd == "runs" && !strings.Contains(out.String(), "run-c") {
			t.Errorf("runs output lacks the records after the bad line:\n%s", out.String())
		}
	}
}
