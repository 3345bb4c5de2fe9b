package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/capscore/capscore/pipeline"
)

// TestDamagedEarlierMonth: an earlier month whose area_scores does not read, or whose manifest was
// deleted, never blocks silently: the drift guard says it has no baseline and stops the run (exit
// 3) unless --accept-drift; with it the month publishes, the damaged month counts as not
// qualified, and the manifest and `refresh status` say so.
func TestDamagedEarlierMonth(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo three times")
	}
	ctx := context.Background()
	in, out := absPath(t, demoInput), t.TempDir()
	run := func(month string, extra ...string) (int, string) {
		args := append([]string{"run", "--month", month, "--input", in, "--out", out, "--skip-readiness"}, extra...)
		var so, se bytes.Buffer
		code := Run(ctx, args, &so, &se)
		return code, se.String()
	}
	if code, stderr := run("2026-09"); code != 0 {
		t.Fatalf("2026-09: exit %d\n%s", code, stderr)
	}
	l := pipeline.NewLayout(out)
	m9, _ := pipeline.ParseMonth("2026-09")
	m10, _ := pipeline.ParseMonth("2026-10")
	if err := os.Truncate(l.TableFile(pipeline.TableAreaScores, m9), 100); err != nil {
		t.Fatal(err)
	}

	code, stderr := run("2026-10")
	if code != exitChecksFailed || !strings.Contains(stderr, "no baseline: ") || !strings.Contains(stderr, "--accept-drift") {
		t.Fatalf("with a truncated 2026-09: exit %d, want %d naming no baseline and --accept-drift\n%s", code, exitChecksFailed, stderr)
	}
	if code, stderr := run("2026-10", "--accept-drift"); code != 0 {
		t.Fatalf("with --accept-drift: exit %d\n%s", code, stderr)
	}
	man, err := l.ReadManifest(m10)
	if err != nil {
		t.Fatal(err)
	}
	var warned bool
	for _, w := range man.Warnings {
		warned = warned || strings.HasPrefix(w, pipeline.WarnDamagedMonth+" 2026-09: ")
	}
	if !warned {
		t.Errorf("manifest warnings %q lack the damaged month 2026-09", man.Warnings)
	}
	var so, se bytes.Buffer
	if code := Run(ctx, []string{"status", "--out", out}, &so, &se); code != 0 || !strings.Contains(so.String(), pipeline.WarnDamagedMonth+" 2026-09") {
		t.Errorf("status (exit %d) does not show the damaged month:\n%s%s", code, so.String(), se.String())
	}

	// A deleted manifest of 2026-09 does not turn the guard off.
	if err := os.Remove(l.ManifestPath(m9)); err != nil {
		t.Fatal(err)
	}
	code, stderr = run("2026-10")
	if code != exitChecksFailed || !strings.Contains(stderr, "no baseline: 2026-09 has area_scores but no manifest") {
		t.Errorf("with the 2026-09 manifest deleted: exit %d, want %d naming the month\n%s", code, exitChecksFailed, stderr)
	}
}
