package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// ScheduledJobs runs the scheduler's jobs on a Runner: the monthly refresh of a month, and the
// skilling refresh that re-scores the latest published month with skilling counted on a new day.
type ScheduledJobs struct {
	Runner *Runner
	// Base is the configuration every scheduled run starts from (input, out, rubric, resources).
	Base Config
}

// MonthlyRefresh builds and publishes month; a scheduled run waits for the output lock.
func (j ScheduledJobs) MonthlyRefresh(ctx context.Context, month Month, firedAt time.Time) error {
	cfg := j.Base
	cfg.Month, cfg.AsOf, cfg.WaitForLock = month, time.Time{}, true
	_, err := j.Runner.RunMonth(ctx, cfg)
	return err
}

// SkillingRefresh re-scores the latest published month with skilling counted on asOf.
func (j ScheduledJobs) SkillingRefresh(ctx context.Context, asOf time.Time) error {
	latest, ok, err := NewLayout(j.Base.Out).Latest()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("skilling refresh: no published snapshot in %s yet", j.Base.Out)
	}
	cfg := j.Base
	cfg.Month, cfg.AsOf, cfg.WaitForLock, cfg.Kind = latest, asOf, true, KindSkilling
	_, err = j.Runner.RunMonth(ctx, cfg)
	return err
}

// FireHistory remembers when each scheduled job last fired successfully, in OUT/_runs/fires.json,
// so the daemon can catch up a fire it missed while it was down.
type FireHistory struct {
	path string
	mu   sync.Mutex
}

// NewFireHistory returns the fire history kept under out.
func NewFireHistory(out string) *FireHistory {
	return &FireHistory{path: filepath.Join(NewLayout(out).RunsDir(), "fires.json")}
}

func (h *FireHistory) read() (map[string]time.Time, error) {
	fires := map[string]time.Time{}
	b, err := os.ReadFile(h.path)
	if errors.Is(err, os.ErrNotExist) {
		return fires, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &fires); err != nil {
		return nil, fmt.Errorf("fire history %s: %w", h.path, err)
	}
	return fires, nil
}

// LastFired returns the last successful fire time of job.
func (h *FireHistory) LastFired(job string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fires, err := h.read()
	if err != nil {
		return time.Time{}, false
	}
	t, ok := fires[job]
	return t, ok
}

// RecordFire stores a successful fire of job, atomically.
func (h *FireHistory) RecordFire(job string, at time.Time) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	fires, err := h.read()
	if err != nil {
		return err
	}
	fires[job] = at.UTC()
	b, err := json.MarshalIndent(fires, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
		return err
	}
	tmp := h.path + ".tmp"
	if err := writeFileSync(tmp, b); err != nil {
		return err
	}
	return os.Rename(tmp, h.path)
}
