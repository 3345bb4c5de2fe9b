package main

import (
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
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
