package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
)

// fakeStage records each call as "<name> <month>" (the Run's month and window) and fails or
// cancels the run in one month.
type fakeStage struct {
	name   string
	shared bool
	calls  *[]string
	failIn string             // month in which Run fails
	cancel context.CancelFunc // called (and the context's error returned) in failIn instead
	stage  bool               // stage the month's one table, so that it has something to publish
}

func (f fakeStage) Name() string             { return f.name }
func (f fakeStage) SharedAcrossMonths() bool { return f.shared }

func (f fakeStage) Run(ctx context.Context, r *Run) error {
	*f.calls = append(*f.calls, fmt.Sprintf("%s %s %s..%s", f.name, r.Config.Month, r.Window.From, r.Window.To))
	if r.Config.Month.String() == f.failIn {
		if f.cancel != nil {
			f.cancel()
			return ctx.Err()
		}
		return errors.New("boom")
	}
	if f.stage {
		return stageOneTable{}.Run(ctx, r)
	}
	return nil
}

// ledgerLines are the ledger's records as "<month> <status> <reason>".
func ledgerLines(t *testing.T, out string) []string {
	t.Helper()
	recs, err := OpenLedger(out).Records()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range recs {
		lines = append(lines, strings.TrimSpace(r.Month+" "+r.Status+" "+r.Reason))
	}
	return lines
}

func threeMonths() []Month {
	a, _ := ParseMonth("2026-08")
	return []Month{a, a.Add(1), a.Add(2)}
}

func equalLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRunRangeSteps: the shared stage runs once, on the last month's settings and the union of the
// windows (S-23 of the first month to S of the last); the per-month stages run for each month in
// order on that month's own window; each month is published and recorded running, then published.
func TestRunRangeSteps(t *testing.T) {
	var calls []string
	out := t.TempDir()
	rn := NewRunner([]Stage{
		fakeStage{name: "shared", shared: true, calls: &calls},
		fakeStage{name: "build", calls: &calls, stage: true},
		fakeStage{name: "check", calls: &calls},
	}, zap.NewNop())
	months := threeMonths()
	results, err := rn.RunRange(context.Background(), Config{Input: t.TempDir(), Out: out}, months, false)
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "stage calls", calls, []string{
		"shared 2026-10 2024-09..2026-10",
		"build 2026-08 2024-09..2026-08", "check 2026-08 2024-09..2026-08",
		"build 2026-09 2024-10..2026-09", "check 2026-09 2024-10..2026-09",
		"build 2026-10 2024-11..2026-10", "check 2026-10 2024-11..2026-10",
	})
	for i, r := range results {
		if r.Month != months[i] || r.Err != nil || r.Result == nil {
			t.Errorf("result %d: %+v, want %s published", i, r, months[i])
		}
	}
	equalLines(t, "ledger", ledgerLines(t, out), []string{
		"2026-08 running", "2026-08 published", "2026-09 running", "2026-09 published", "2026-10 running", "2026-10 published",
	})
	if got, err := NewLayout(out).PublishedMonths(); err != nil || len(got) != 3 {
		t.Errorf("published %v (%v), want the three months", got, err)
	}
}

// TestRunRangeFailedMonth: a failed month is not published; without keepGoing the months after it
// are skipped, with keepGoing they are built and published.
func TestRunRangeFailedMonth(t *testing.T) {
	for _, keepGoing := range []bool{false, true} {
		t.Run(fmt.Sprintf("keepGoing=%v", keepGoing), func(t *testing.T) {
			var calls []string
			out := t.TempDir()
			rn := NewRunner([]Stage{
				fakeStage{name: "shared", shared: true, calls: &calls},
				fakeStage{name: "build", calls: &calls, stage: true, failIn: "2026-09"},
			}, zap.NewNop())
			results, err := rn.RunRange(context.Background(), Config{Input: t.TempDir(), Out: out}, threeMonths(), keepGoing)
			if err != nil {
				t.Fatalf("the range itself failed: %v", err)
			}
			if results[1].Err == nil || results[1].Err.Error() != "build: boom" {
				t.Errorf("2026-09: err %v, want build: boom", results[1].Err)
			}
			want := []string{"2026-08 running", "2026-08 published", "2026-09 running", "2026-09 failed build: boom"}
			published := 1
			if keepGoing {
				want = append(want, "2026-10 running", "2026-10 published")
				published = 2
			} else {
				want = append(want, "2026-10 skipped an earlier month of the range failed: 2026-09")
			}
			equalLines(t, "ledger", ledgerLines(t, out), want)
			if got, _ := NewLayout(out).PublishedMonths(); len(got) != published {
				t.Errorf("published %v, want %d months", got, published)
			}
			if left, _ := os.ReadDir(NewLayout(out).StagingRoot()); len(left) > 0 {
				t.Errorf("staging still holds %d folders", len(left))
			}
		})
	}
}

// TestRunRangeCanceled: a cancellation in a month stops the range: that month and the ones after it
// are recorded canceled, and the error wraps ErrCanceled and the context's error.
func TestRunRangeCanceled(t *testing.T) {
	var calls []string
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rn := NewRunner([]Stage{fakeStage{name: "build", calls: &calls, stage: true, failIn: "2026-09", cancel: cancel}}, zap.NewNop())
	_, err := rn.RunRange(ctx, Config{Input: t.TempDir(), Out: out}, threeMonths(), true)
	if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want ErrCanceled and context.Canceled", err)
	}
	lines := ledgerLines(t, out)
	if len(lines) != 5 || lines[1] != "2026-08 published" || !strings.HasPrefix(lines[3], "2026-09 canceled build: context canceled") ||
		!strings.HasPrefix(lines[4], "2026-10 canceled") {
		t.Errorf("ledger:\n%s\nwant 2026-08 published, 2026-09 and 2026-10 canceled", strings.Join(lines, "\n"))
	}
	if len(calls) != 2 {
		t.Errorf("calls %v, want 2026-08 and 2026-09 only", calls)
	}
}

// TestRunRangeSharedStageFails: a failing shared stage fails every month of the range, publishes
// nothing and leaves neither a staging nor a spill folder behind.
func TestRunRangeSharedStageFails(t *testing.T) {
	var calls []string
	out := t.TempDir()
	rn := NewRunner([]Stage{
		fakeStage{name: "shared", shared: true, calls: &calls, failIn: "2026-10"},
		fakeStage{name: "build", calls: &calls, stage: true},
	}, zap.NewNop())
	_, err := rn.RunRange(context.Background(), Config{Input: t.TempDir(), Out: out}, threeMonths(), true)
	if err == nil || err.Error() != "shared: boom" {
		t.Fatalf("err %v, want shared: boom", err)
	}
	equalLines(t, "ledger", ledgerLines(t, out), []string{
		"2026-08 running", "2026-08 failed shared: boom", "2026-09 failed shared: boom", "2026-10 failed shared: boom",
	})
	if len(calls) != 1 {
		t.Errorf("calls %v, want the shared stage only", calls)
	}
	if got, _ := NewLayout(out).PublishedMonths(); len(got) != 0 {
		t.Errorf("published %v", got)
	}
	for _, dir := range []string{NewLayout(out).StagingRoot(), NewLayout(out).TempRoot()} {
		if left, _ := os.ReadDir(dir); len(left) > 0 {
			t.Errorf("%s still holds %d entries", dir, len(left))
		}
	}
}

// TestPlanRange: every month's settings are checked before anything happens (the error names the
// month); each month of a range counts skilling on its own default day, a single month keeps its
// as-of; the first month's run id names the range; the window spans S-23 of the first month to S
// of the last.
func TestPlanRange(t *testing.T) {
	in := t.TempDir()
	asOf := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	months := threeMonths()
	p, err := planRange(Config{Input: in, Out: t.TempDir(), AsOf: asOf}, months, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range months {
		if !p.cfgs[i].AsOf.Equal(DefaultAsOf(m)) || p.cfgs[i].Month != m {
			t.Errorf("%s: month %s as-of %s, want its default %s", m, p.cfgs[i].Month, p.cfgs[i].AsOf, DefaultAsOf(m))
		}
	}
	if p.rangeID() != p.ids[0] || p.ids[0] == p.ids[1] {
		t.Errorf("ids %v, range id %s: want the first month's id for the range and one id per month", p.ids, p.rangeID())
	}
	if p.window.From.String() != "2024-09" || p.window.To.String() != "2026-10" {
		t.Errorf("window %s..%s, want 2024-09..2026-10", p.window.From, p.window.To)
	}
	one, err := planRange(Config{Input: in, Out: t.TempDir(), AsOf: asOf}, months[:1], time.Now())
	if err != nil || !one.cfgs[0].AsOf.Equal(asOf) {
		t.Errorf("single month: %v, as-of %v; want the given %s", err, one.cfgs[0].AsOf, asOf)
	}
	late, _ := ParseMonth("2100-01")
	if _, err := planRange(Config{Input: in, Out: t.TempDir()}, append(months, late), time.Now()); err == nil ||
		!strings.HasPrefix(err.Error(), "2100-01: ") || !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("month out of range: %v, want ErrInvalidConfig naming 2100-01", err)
	}
	if _, err := planRange(Config{Input: in, Out: t.TempDir()}, nil, time.Now()); err == nil {
		t.Error("no months: no error")
	}
}
