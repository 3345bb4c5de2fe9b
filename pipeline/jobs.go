package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
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
	latest, ok, err := LatestPublished(j.Base.Out)
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

// LatestPublished returns the newest snapshot month published under out.
func LatestPublished(out string) (Month, bool, error) {
	months, err := PublishedMonths(out)
	if err != nil || len(months) == 0 {
		return Month{}, false, err
	}
	return months[len(months)-1], true, nil
}

// PublishedMonths lists the snapshot months under out that have a manifest, oldest first.
func PublishedMonths(out string) ([]Month, error) {
	dirs, err := filepath.Glob(filepath.Join(out, SnapshotPrefix+"*"))
	if err != nil {
		return nil, err
	}
	var months []Month
	for _, d := range dirs {
		m, err := ParseMonth(filepath.Base(d)[len(SnapshotPrefix):])
		if err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, ManifestFile)); err == nil {
			months = append(months, m)
		}
	}
	sort.Slice(months, func(a, b int) bool { return months[a].Before(months[b]) })
	return months, nil
}

// FireHistory remembers when each scheduled job last fired successfully, in OUT/_runs/fires.json,
// so the daemon can catch up a fire it missed while it was down.
type FireHistory struct {
	path string
	mu   sync.Mutex
}

// NewFireHistory returns the fire history kept under out.
func NewFireHistory(out string) *FireHistory {
	return &FireHistory{path: filepath.Join(out, RunsDir, "fires.json")}
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
