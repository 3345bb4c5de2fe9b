package pipeline

import (
	"context"
	"testing"

	"go.uber.org/zap"
)

// sharedNoop is a stage shared by the months of a range that does nothing.
type sharedNoop struct{}

func (sharedNoop) Name() string                          { return "shared-noop" }
func (sharedNoop) Run(ctx context.Context, r *Run) error { return nil }
func (sharedNoop) SharedAcrossMonths() bool              { return true }

// TestManifestRecordsStageTimes: every month's manifest lists the shared stage and its own stages,
// in the order they ran, each with a non-negative wall time.
func TestManifestRecordsStageTimes(t *testing.T) {
	out := t.TempDir()
	rn := NewRunner([]Stage{sharedNoop{}, stageOneTable{}}, zap.NewNop())
	a, _ := ParseMonth("2026-08")
	b, _ := ParseMonth("2026-09")
	results, err := rn.RunRange(context.Background(), Config{Input: t.TempDir(), Out: out, Month: a}, []Month{a, b}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Month, r.Err)
		}
		m, err := NewLayout(out).ReadManifest(r.Month)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Stages) != 2 || m.Stages[0].Name != "shared-noop" || m.Stages[1].Name != "one-table" {
			t.Fatalf("%s: stages %+v, want shared-noop then one-table", r.Month, m.Stages)
		}
		for _, s := range m.Stages {
			if s.DurationSeconds < 0 {
				t.Errorf("%s: stage %s took %g s", r.Month, s.Name, s.DurationSeconds)
			}
		}
	}
}
