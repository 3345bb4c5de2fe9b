package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capscore/capscore/pipeline"
)

// writeTestLedger appends a small history: run-a published 2026-09, run-b failed 2026-10, run-c
// published 2026-10.
func writeTestLedger(t *testing.T, out string) {
	t.Helper()
	t0 := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	l := pipeline.OpenLedger(out)
	for _, r := range []pipeline.Record{
		{RunID: "run-a", Month: "2026-09", Kind: pipeline.KindBackfill, Status: pipeline.StatusRunning, Started: t0},
		{RunID: "run-a", Month: "2026-09", Kind: pipeline.KindBackfill, Status: pipeline.StatusPublished, Started: t0,
			Finished: t0.Add(75 * time.Second), DurationSeconds: 75, Snapshot: "snapshot_month=2026-09"},
		{RunID: "run-b", Month: "2026-10", Kind: pipeline.KindRun, Status: pipeline.StatusRunning, Started: t0.Add(time.Hour)},
		{RunID: "run-b", Month: "2026-10", Kind: pipeline.KindRun, Status: pipeline.StatusFailed, Reason: "blocking check failed",
			Started: t0.Add(time.Hour), Finished: t0.Add(time.Hour + 30*time.Second), DurationSeconds: 30},
		{RunID: "run-c", Month: "2026-10", Kind: pipeline.KindRun, Status: pipeline.StatusRunning, Started: t0.Add(2 * time.Hour)},
		{RunID: "run-c", Month: "2026-10", Kind: pipeline.KindRun, Status: pipeline.StatusPublished, Started: t0.Add(2 * time.Hour),
			Finished: t0.Add(2*time.Hour + 90*time.Second), DurationSeconds: 90, Snapshot: "snapshot_month=2026-10"},
	} {
		if err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRunsCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeTestLedger(t, dir)

	t.Run("Table", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := Run(ctx, []string{"runs", "--out", dir}, &out, &errb); code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, errb.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 4 {
			t.Fatalf("want a header and 3 runs, got:\n%s", out.String())
		}
		for i, want := range []string{"STARTED", "run-a", "run-b", "run-c"} { // newest last
			if !strings.Contains(lines[i], want) {
				t.Errorf("line %d %q lacks %q", i, lines[i], want)
			}
		}
		for _, want := range []string{"published", "1m15s", "backfill", "2026-11-20T06:00:00Z"} {
			if !strings.Contains(lines[1], want) {
				t.Errorf("run-a line %q lacks %q", lines[1], want)
			}
		}
		if !strings.Contains(lines[2], "failed") || !strings.Contains(lines[2], "blocking check failed") {
			t.Errorf("run-b line %q lacks its status and reason", lines[2])
		}
	})

	t.Run("MonthFilterAndJSON", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := Run(ctx, []string{"runs", "--out", dir, "--month", "2026-10", "--json"}, &out, &errb); code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, errb.String())
		}
		var recs []pipeline.Record
		if err := json.Unmarshal(out.Bytes(), &recs); err != nil {
			t.Fatalf("%v in:\n%s", err, out.String())
		}
		if len(recs) != 2 || recs[0].RunID != "run-b" || recs[1].RunID != "run-c" || recs[1].Status != pipeline.StatusPublished {
			t.Errorf("records = %+v", recs)
		}
	})

	t.Run("EmptyLedger", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := Run(ctx, []string{"runs", "--out", t.TempDir(), "--json"}, &out, &errb); code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, errb.String())
		}
		if strings.TrimSpace(out.String()) != "[]" {
			t.Errorf("empty ledger printed %q", out.String())
		}
	})

	t.Run("UsageErrors", func(t *testing.T) {
		for _, args := range [][]string{
			{"runs"},
			{"runs", "--out", dir, "--month", "2026-13"},
			{"runs", "--out", dir, "extra"},
			{"runs", "--bogus"},
		} {
			var out, errb bytes.Buffer
			if code := Run(ctx, args, &out, &errb); code != exitUsage {
				t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
			}
		}
	})
}

func TestStatusCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeTestLedger(t, dir)
	t0 := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	for _, m := range []pipeline.Manifest{
		{RunID: "run-a", SnapshotMonth: "2026-09", AsOf: "2026-10-20", RubricID: "ms-pcs-2026-05", Finished: t0,
			Outputs: []pipeline.OutputFile{{Name: "area_scores", Rows: 600}}},
		{RunID: "run-c", SnapshotMonth: "2026-10", AsOf: "2026-11-20", RubricID: "ms-pcs-2026-05", Finished: t0,
			Outputs: []pipeline.OutputFile{{Name: "metric_scores", Rows: 9000}, {Name: "area_scores", Rows: 612}}},
	} {
		month, _ := pipeline.ParseMonth(m.SnapshotMonth)
		l := pipeline.NewLayout(dir)
		st, err := pipeline.NewStaging(l, month, m.RunID)
		if err != nil {
			t.Fatal(err)
		}
		staged := l.StagedTableFile(m.RunID, pipeline.TableAreaScores)
		if err := os.MkdirAll(filepath.Dir(staged), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(staged, []byte("not read by status"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := st.Publish(m, nil); err != nil {
			t.Fatal(err)
		}
	}

	var out, errb bytes.Buffer
	if code := Run(ctx, []string{"status", "--out", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errb.String())
	}
	// The months come first, then a blank line and the health section.
	months, health, _ := strings.Cut(out.String(), "\n\n")
	lines := strings.Split(months, "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and 2 months, got:\n%s", out.String())
	}
	// run-b's failure of 2026-10 is followed by run-c's publication of it: nothing needs attention.
	if !strings.Contains(health, "attention: nothing") {
		t.Errorf("health:\n%s", health)
	}
	for i, want := range [][]string{
		{"MONTH", "AREA_SCORES_ROWS"},
		{"2026-09", "run-a", "2026-10-20", "ms-pcs-2026-05", "2026-11-20T06:01:15Z", "600"},
		{"2026-10", "run-c", "2026-11-20", "612"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line %d %q lacks %q", i, lines[i], w)
			}
		}
	}
	if errb.Len() != 0 {
		t.Errorf("stderr: %s", errb.String())
	}
}
