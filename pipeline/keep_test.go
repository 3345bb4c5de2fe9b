package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
)

// stubStage stages one small file as table "stub": enough for a run to publish a month, without
// DuckDB work. Tests of the run's bookkeeping use it.
type stubStage struct{}

// Name is the stage's name.
func (stubStage) Name() string { return "stub" }

// Run writes OUT/_staging/<run id>/stub/part-0.parquet (not real Parquet; nothing reads it).
func (stubStage) Run(ctx context.Context, r *Run) error {
	p := NewLayout(r.Config.Out).StagedTableFile(r.ID, "stub")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(r.ID), 0o644)
}

// stubRunner is a runner whose runs publish a stub table.
func stubRunner() *Runner { return NewRunner([]Stage{stubStage{}}, zap.NewNop()) }

// publishEmpty runs month m with the stub stage: it publishes a month with a manifest.
func publishEmpty(t *testing.T, out string, m Month) *Result {
	t.Helper()
	c := Config{Month: m, Input: filepath.Join(out, "..", "in"), Out: out}
	res, err := stubRunner().RunMonth(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestScheduledFireKeepsLaterPublication: a scheduled fire does not replace a month that was
// published after its fire time, and does rebuild one published before it.
func TestScheduledFireKeepsLaterPublication(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	m, _ := ParseMonth("2026-10")
	fired := time.Now().Add(-time.Hour)
	first := publishEmpty(t, out, m) // "by hand", after the fire time
	jobs := ScheduledJobs{Runner: stubRunner(), Base: Config{Input: filepath.Join(out, "..", "in"), Out: out}}

	err := jobs.MonthlyRefresh(context.Background(), m, fired)
	if !errors.Is(err, ErrAlreadyPublished) || !strings.Contains(err.Error(), first.RunID) {
		t.Fatalf("MonthlyRefresh = %v, want ErrAlreadyPublished naming run %s", err, first.RunID)
	}
	if man, _ := publishedManifest(out, m); man.RunID != first.RunID {
		t.Errorf("published run %s, want %s left as it was", man.RunID, first.RunID)
	}
	recs, _ := OpenLedger(out).Records()
	if last := recs[len(recs)-1]; last.Status != StatusSkipped || !strings.Contains(last.Reason, "already published by run "+first.RunID) {
		t.Errorf("last ledger record %+v, want skipped naming run %s", last, first.RunID)
	}

	// A fire after the publication rebuilds the month.
	if err := jobs.MonthlyRefresh(context.Background(), m, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if man, _ := publishedManifest(out, m); man.RunID == first.RunID {
		t.Errorf("a fire after the publication did not rebuild the month")
	}
}

// TestKeepPublishedDecidedUnderLock: a run that waits for the lock while another run publishes
// the month decides after it holds the lock, and leaves the new month as it is.
func TestKeepPublishedDecidedUnderLock(t *testing.T) {
	old := lockPollInterval
	lockPollInterval = 20 * time.Millisecond
	defer func() { lockPollInterval = old }()

	out := filepath.Join(t.TempDir(), "out")
	m, _ := ParseMonth("2026-10")
	other, err := AcquireLock(context.Background(), out, LockHolder{RunID: "other"}, false, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		c := Config{Month: m, Input: filepath.Join(out, "..", "in"), Out: out, WaitForLock: true, KeepPublished: true, Kind: KindBackfill}
		_, err := stubRunner().RunMonth(context.Background(), c)
		done <- err
	}()
	time.Sleep(200 * time.Millisecond) // the run is waiting for the lock by now
	// The other run publishes the month, then lets go.
	l := NewLayout(out)
	if err := os.MkdirAll(l.ManifestsDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeManifestFile(l.ManifestPath(m), Manifest{RunID: "other", SnapshotMonth: m.String(), Finished: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	other.Release()
	select {
	case err := <-done:
		if !errors.Is(err, ErrAlreadyPublished) || !strings.Contains(err.Error(), "run other") {
			t.Fatalf("waiting run = %v, want ErrAlreadyPublished naming run other", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("waiting run did not finish")
	}
	if man, _ := publishedManifest(out, m); man.RunID != "other" {
		t.Errorf("published run %s, want other's month left as it was", man.RunID)
	}
}

// TestFireHistoryQuarantinesCorruptFile: a fires.json that does not decode is moved aside and the
// history starts empty; recording works again; QuarantineOf lists the file.
func TestFireHistoryQuarantinesCorruptFile(t *testing.T) {
	out := t.TempDir()
	h := NewFireHistory(out, nil)
	path := filepath.Join(out, RunsDir, "fires.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"monthly-refresh": "2026-11-20T06:0`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.LastFired("monthly-refresh"); ok {
		t.Error("LastFired found a fire in a corrupt file")
	}
	q, err := QuarantineOf(out)
	if err != nil || len(q.Files) != 1 || !strings.HasPrefix(filepath.Base(q.Files[0]), "fires-") {
		t.Fatalf("QuarantineOf = %+v, %v; want the fire history kept aside", q, err)
	}
	if b, _ := os.ReadFile(q.Files[0]); string(b) != `{"monthly-refresh": "2026-11-20T06:0` {
		t.Errorf("kept-aside file holds %q", b)
	}
	at := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	if err := h.RecordFire("monthly-refresh", at); err != nil {
		t.Fatalf("RecordFire after quarantine: %v", err)
	}
	if got, ok := h.LastFired("monthly-refresh"); !ok || !got.Equal(at) {
		t.Errorf("LastFired = %v, %v; want %v", got, ok, at)
	}
}
