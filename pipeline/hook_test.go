package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/zap"
)

// TestAfterPublishHook: every hook runs after each published month, in order, and a failing hook
// neither fails the run nor unpublishes the month.
func TestAfterPublishHook(t *testing.T) {
	out := t.TempDir()
	var calls []string
	rn := NewRunner([]Stage{stageOneTable{}}, zap.NewNop()).
		AfterPublish(func(ctx context.Context, o string, res *Result) error {
			if o != out {
				t.Errorf("hook got out %s, want %s", o, out)
			}
			calls = append(calls, "a "+res.Month.String())
			return errors.New("report broke")
		}).
		AfterPublish(func(ctx context.Context, o string, res *Result) error {
			calls = append(calls, "b "+res.Month.String())
			return nil
		})
	a, _ := ParseMonth("2026-08")
	b, _ := ParseMonth("2026-09")
	results, err := rn.RunRange(context.Background(), Config{Input: t.TempDir(), Out: out, Month: a}, []Month{a, b}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Month, r.Err)
		}
	}
	if want := []string{"a 2026-08", "b 2026-08", "a 2026-09", "b 2026-09"}; len(calls) != 4 || calls[0] != want[0] || calls[3] != want[3] {
		t.Errorf("calls %v, want %v", calls, want)
	}
	months, err := NewLayout(out).PublishedMonths()
	if err != nil || len(months) != 2 {
		t.Errorf("published %v (%v), want both months", months, err)
	}
}

// stageOneTable stages one small file as a table, so the month has something to publish.
type stageOneTable struct{}

func (stageOneTable) Name() string { return "one-table" }

func (stageOneTable) Run(ctx context.Context, r *Run) error {
	path := NewLayout(r.Config.Out).StagedTableFile(r.ID, "t")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte("x"), 0o644)
}
