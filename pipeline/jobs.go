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

	"go.uber.org/zap"
)

// ScheduledJobs runs the scheduler's jobs on a Runner: the monthly refresh of a month, and the
// skilling refresh that re-scores the latest published month with skilling counted on a new day.
type ScheduledJobs struct {
	Runner *Runner
	// Base is the configuration every scheduled run starts from (input, out, rubric, resources).
	Base Config
}

// MonthlyRefresh builds and publishes month; a scheduled run waits for the output lock. A month
// published after firedAt (by hand, or by another run while this one waited) is left as it is:
// the error wraps ErrAlreadyPublished.
func (j ScheduledJobs) MonthlyRefresh(ctx context.Context, month Month, firedAt time.Time) error {
	cfg := j.Base
	cfg.Month, cfg.AsOf, cfg.WaitForLock, cfg.KeepPublishedSince = month, time.Time{}, true, firedAt
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
// so the daemon can catch up a fire it missed while it was down. A fires.json that does not decode
// is moved aside into OUT/_runs/quarantine and the history starts empty: the daemon then catches up
// the latest fire, and the run skips the month when it was published after that fire.
type FireHistory struct {
	out  string
	path string
	log  *zap.Logger
	mu   sync.Mutex
}

// NewFireHistory returns the fire history kept under out; log (may be nil) hears of a quarantined file.
func NewFireHistory(out string, log *zap.Logger) *FireHistory {
	if log == nil {
		log = zap.NewNop()
	}
	return &FireHistory{out: out, path: filepath.Join(NewLayout(out).RunsDir(), "fires.json"), log: log}
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
		dst, qerr := quarantineFile(h.out, h.path)
		if qerr != nil {
			return nil, fmt.Errorf("fire history %s: %w; moving it aside: %w", h.path, err, qerr)
		}
		h.log.Warn("fire history does not decode; kept aside, starting an empty history",
			zap.String("path", h.path), zap.String("kept_as", dst), zap.Error(err))
		return map[string]time.Time{}, nil
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
