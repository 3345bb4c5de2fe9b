package schedules

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
)

// TestDaemon_CorruptHistoryDoesNotRepublish: with a fires.json that does not decode, the daemon
// starts, keeps the file aside, catches up the latest fire, and the catch-up leaves the month that
// was published after that fire time as it is; the fire is recorded, so the next start does not
// catch up again.
func TestDaemon_CorruptHistoryDoesNotRepublish(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	in := filepath.Join(t.TempDir(), "in")
	month, _ := pipeline.ParseMonth("2026-10")
	runner := pipeline.NewRunner([]pipeline.Stage{stubStage{}}, zap.NewNop())
	hand, err := runner.RunMonth(context.Background(), pipeline.Config{Month: month, Input: in, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	fires := filepath.Join(out, pipeline.RunsDir, "fires.json")
	if err := os.WriteFile(fires, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}

	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	// Now is the day after the 2026-11-20 06:00 fire; the month was published "by hand" after it.
	now := date("2026-11-21T00:00:00Z")
	jobs := pipeline.ScheduledJobs{Runner: runner, Base: pipeline.Config{Input: in, Out: out}}
	hist := pipeline.NewFireHistory(out, nil)
	r := startDaemon(t, cfg, jobs, hist, fixedClock(now))
	r.waitLog(t, "fire done", 1, 10*time.Second)
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	e := r.logs.FilterMessage("fire done").AllUntimed()
	if len(e) != 1 || e[0].ContextMap()[keyOutcome] != outcomePublished {
		t.Fatalf("fire logs %v, want one with outcome %s", e, outcomePublished)
	}
	man, err := pipeline.NewLayout(out).ReadManifest(month)
	if err != nil || man.RunID != hand.RunID {
		t.Errorf("published run %s (%v), want the hand run %s left as it was", man.RunID, err, hand.RunID)
	}
	if last, ok := hist.LastFired("monthly-refresh"); !ok || !last.Equal(date("2026-11-20T06:00:00Z")) {
		t.Errorf("LastFired = %v, %v; want the caught-up fire recorded", last, ok)
	}
	if q, _ := pipeline.QuarantineOf(out); len(q.Files) != 1 {
		t.Errorf("quarantine %+v, want the corrupt fires.json kept aside", q)
	}

	// The next start has nothing to catch up.
	r2 := startDaemon(t, cfg, jobs, hist, fixedClock(now))
	r2.waitLog(t, "start", 1, 2*time.Second)
	if err := r2.stop(t); err != nil {
		t.Fatal(err)
	}
	if n := r2.logs.FilterMessage("catching up missed fire").Len(); n != 0 {
		t.Errorf("second start caught up %d fires, want 0", n)
	}
}

// stubStage stages one small file as table "stub": enough for a run to publish a month.
type stubStage struct{}

func (stubStage) Name() string { return "stub" }

func (stubStage) Run(ctx context.Context, r *pipeline.Run) error {
	p := pipeline.NewLayout(r.Config.Out).StagedTableFile(r.ID, "stub")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(r.ID), 0o644)
}
