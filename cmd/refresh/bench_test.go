package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/capscore/capscore/pipeline"
)

// TestBenchEligibilityCost: from a run's "stage done" and "file written" lines, bench prints the
// eligibility stage with each table's rows, the reconcile check, each table's export, their sum,
// the rest of the run and the share they add to it.
func TestBenchEligibilityCost(t *testing.T) {
	core, seen := observer.New(zapcore.InfoLevel)
	log := zap.New(core)
	log.Info("stage done", zap.String("stage", "metrics"), zap.Duration("duration", 50*time.Second), zap.Int64("rows", 9))
	log.Info("stage done", zap.String("stage", "eligibility"), zap.Duration("duration", 20*time.Second),
		zap.Int64("customer_rows", 1234), zap.Int64("skilling_rows", 567))
	log.Info("stage done", zap.String("stage", "reconcile"), zap.Duration("duration", 5*time.Second))
	log.Info("file written", zap.String("table", "metric_scores"), zap.Int64("rows", 9), zap.Int64("bytes", 1), zap.Duration("duration", time.Second))
	log.Info("file written", zap.String("table", "customer_eligibility"), zap.Int64("rows", 1234), zap.Int64("bytes", 1), zap.Duration("duration", 10*time.Second))
	log.Info("file written", zap.String("table", "skilling_eligibility"), zap.Int64("rows", 567), zap.Int64("bytes", 1), zap.Duration("duration", 5*time.Second))

	var b strings.Builder
	printEligibilityCost(&b, seen.All(), 160*time.Second)
	out := collapse(b.String())
	for _, want := range []string{
		"eligibility stage 20s",
		"customer_eligibility 1234",
		"skilling_eligibility 567",
		"reconcile check 5s",
		"export customer_eligibility 10s 1234",
		"export skilling_eligibility 5s 567",
		"total 40s",
		"rest of the run 2m0s",
		"eligibility tables / rest = 0.33",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchEligibilityCostMissing: a part the run did not log prints as "-" and adds nothing.
func TestBenchEligibilityCostMissing(t *testing.T) {
	core, seen := observer.New(zapcore.InfoLevel)
	zap.New(core).Info("stage done", zap.String("stage", "reconcile"), zap.Duration("duration", 2*time.Second))
	var b strings.Builder
	printEligibilityCost(&b, seen.All(), 10*time.Second)
	out := collapse(b.String())
	for _, want := range []string{"eligibility stage -", "total 2s", "eligibility tables / rest = 0.25"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// collapse turns each run of spaces into one, so that the tests do not depend on column widths.
func collapse(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// TestBenchProfile: `refresh bench --profile` on the demo prints the Go runtime's peak memory,
// writes one JSON profile per statement of the run into --profile-dir, says how many, and lists ten
// operators ranked by time; a profile folder that already holds files is a usage error before
// anything runs.
func TestBenchProfile(t *testing.T) {
	in := absPath(t, demoInput)
	dir := filepath.Join(t.TempDir(), "profile")
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"bench", "--input", in, "--out", filepath.Join(t.TempDir(), "out"),
		"--month", "2026-10", "--threads", "1", "--profile", "--profile-dir", dir}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	out := collapse(stdout.String())
	head := fmt.Sprintf("profile: %d statements in %s; the 10 most expensive operators:", len(files), dir)
	i := strings.Index(out, head)
	if len(files) < 100 || i < 0 {
		t.Fatalf("%d profile files; output lacks %q:\n%s", len(files), head, out)
	}
	if !regexp.MustCompile(`Go runtime memory at its peak during the full run \(sampled every 250 ms\): [1-9][0-9]* MiB`).MatchString(out) {
		t.Errorf("output lacks the Go runtime's peak:\n%s", out)
	}
	ranked := strings.Split(strings.TrimSpace(out[i+len(head):]), "\n")
	if len(ranked) != 11 || !strings.HasPrefix(ranked[1], "1 ") || !strings.HasPrefix(ranked[10], "10 ") {
		t.Errorf("want a header and 10 ranked operators after %q, got:\n%s", head, strings.Join(ranked, "\n"))
	}

	code = Run(context.Background(), []string{"bench", "--input", in, "--out", filepath.Join(t.TempDir(), "out"),
		"--profile", "--profile-dir", dir}, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "is not empty") {
		t.Errorf("second run into the same folder: exit %d, stderr %s", code, stderr.String())
	}
}

// TestBenchBackfill: `refresh bench --backfill 2` times, after the one month, a backfill of the
// two months ending at --month into the same OUT (both then published) and prints it against the
// one month; a negative count is a usage error.
func TestBenchBackfill(t *testing.T) {
	in := absPath(t, demoInput)
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"bench", "--input", in, "--out", out, "--month", "2026-10", "--threads", "1", "--backfill", "2"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	got := collapse(stdout.String())
	if !regexp.MustCompile(`backfill of 2 months, 2026-09\.\.2026-10:\nstep wall x one month peak RSS\nbackfill [0-9.]+m?s [0-9]+\.[0-9]{2} [0-9]+ MiB\nbackfill stage wall per month share\nrubric [0-9.]+m?s once [0-9.]+%\ningest [0-9.]+m?s once [0-9.]+%\n(.*\n)*metrics [0-9.]+m?s [0-9.]+m?s [0-9.]+%\n(.*\n)*publication and the rest `).MatchString(got) {
		t.Errorf("output lacks the backfill lines:\n%s", got)
	}
	for _, m := range []string{"2026-09", "2026-10"} {
		if _, err := os.Stat(filepath.Join(out, "metric_scores", "snapshot_month="+m)); err != nil {
			t.Errorf("month %s not published by the backfill: %v", m, err)
		}
	}
	code = Run(context.Background(), []string{"bench", "--input", in, "--out", out, "--backfill", "-1"}, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "--backfill -1: want a number of months from 1 to 120") {
		t.Errorf("--backfill -1: exit %d, stderr %s", code, stderr.String())
	}
}

// TestBackfillStages: the backfill's per-stage lines come from its months' manifests: a stage the
// range shares (ingest) counted once, though each manifest lists it; any other stage summed over
// the months (metrics 2 s + 4 s = 6 s, 3 s a month), each as a share of the wall time (10 s);
// the rest of the wall time is publication (10 - 1.5 - 6 = 2.5 s, 1.25 s a month).
func TestBackfillStages(t *testing.T) {
	layout := pipeline.NewLayout(t.TempDir())
	months := []pipeline.Month{mustMonth(t, "2026-09"), mustMonth(t, "2026-10")}
	for i, metrics := range []float64{2, 4} {
		man := pipeline.Manifest{Stages: []pipeline.StageTiming{{Name: "ingest", DurationSeconds: 1.5}, {Name: "metrics", DurationSeconds: metrics}}}
		b, err := json.Marshal(man)
		if err != nil {
			t.Fatal(err)
		}
		path := layout.ManifestPath(months[i])
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := printBackfillStages(&out, layout, months, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	want := "backfill stage wall per month share\n" +
		"ingest 1.5s once 15.0%\n" +
		"metrics 6s 3s 60.0%\n" +
		"publication and the rest 2.5s 1.25s 25.0%\n"
	if got := collapse(out.String()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if err := printBackfillStages(&out, layout, []pipeline.Month{mustMonth(t, "2026-08")}, time.Second); err == nil ||
		!strings.Contains(err.Error(), "backfill stage times: read manifest") {
		t.Errorf("a month without a manifest: %v", err)
	}
}
