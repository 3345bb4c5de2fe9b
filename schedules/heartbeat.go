package schedules

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/capscore/capscore/pipeline"
)

// HeartbeatEvery is how often the daemon rewrites its heartbeat file.
const HeartbeatEvery = 30 * time.Second

// HeartbeatStale is how old a running daemon's last beat may get before `refresh status` says the
// daemon has stopped beating: five beats missed.
const HeartbeatStale = 5 * HeartbeatEvery

// HeartbeatFileName is the heartbeat's file name under OUT/_runs when no path is configured.
const HeartbeatFileName = "heartbeat.json"

// Heartbeat is the daemon's heartbeat file: who it is, when it last beat, what it is running and
// the schedule it runs, so that `refresh status` can tell a live daemon from a dead one and a
// month that is overdue by the schedule actually in force.
type Heartbeat struct {
	// PID and Host are the daemon's process; Started when it started.
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	// Beat is the last beat; the daemon beats every HeartbeatEvery.
	Beat time.Time `json:"beat"`
	// Stopped is when the daemon stopped cleanly (SIGTERM); zero while it runs.
	Stopped time.Time `json:"stopped,omitzero"`
	// Running lists the jobs firing at the last beat.
	Running []RunningJob `json:"running,omitempty"`
	// Schedule is the schedule the daemon runs.
	Schedule *Config `json:"schedule"`
}

// RunningJob is a job firing at the time of a beat.
type RunningJob struct {
	Job     string    `json:"job"`
	FiredAt time.Time `json:"fired_at"`
	Since   time.Time `json:"since"`
}

// Stale reports whether a daemon that has not stopped missed its beats at now.
func (h Heartbeat) Stale(now time.Time) bool {
	return h.Stopped.IsZero() && now.Sub(h.Beat) > HeartbeatStale
}

// DefaultHeartbeatPath is the heartbeat file of out when none is configured:
// OUT/_runs/heartbeat.json.
func DefaultHeartbeatPath(out string) string {
	return filepath.Join(pipeline.NewLayout(out).RunsDir(), HeartbeatFileName)
}

// ReadHeartbeat reads a heartbeat file; false when there is none (no daemon ever beat there).
func ReadHeartbeat(path string) (Heartbeat, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Heartbeat{}, false, nil
	}
	if err != nil {
		return Heartbeat{}, false, fmt.Errorf("heartbeat %s: %w", path, err)
	}
	var h Heartbeat
	if err := json.Unmarshal(b, &h); err != nil {
		return Heartbeat{}, false, fmt.Errorf("heartbeat %s: %w", path, err)
	}
	return h, true, nil
}

// writeHeartbeat replaces the file at path with h, atomically (a temporary file renamed over it).
func writeHeartbeat(path string, h Heartbeat) error {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Overdue is a month a monthly_refresh job should have published by now and has not.
type Overdue struct {
	// Job is the job whose fire targets the month.
	Job string `json:"job"`
	// Month is the target month.
	Month string `json:"month"`
	// FiredAt is the fire, and Deadline the end of its readiness retries.
	FiredAt  time.Time `json:"fired_at"`
	Deadline time.Time `json:"deadline"`
}

// OverdueMonths lists, for every monthly_refresh job, the target month of its latest fire (in
// the 40 days before now) whose readiness deadline has passed, when published does not hold it.
func (c *Config) OverdueMonths(now time.Time, published func(pipeline.Month) bool) ([]Overdue, error) {
	b, err := c.Readiness.Backoff()
	if err != nil {
		return nil, err
	}
	var out []Overdue
	seen := map[string]bool{}
	for _, j := range c.Jobs {
		if j.Kind != KindMonthlyRefresh {
			continue
		}
		if _, err := j.Location(); err != nil {
			return nil, fmt.Errorf("job %q: %w", j.Name, err)
		}
		sched, err := cron.ParseStandard(j.Spec())
		if err != nil {
			return nil, fmt.Errorf("job %q: cron %q: %w", j.Name, j.Cron, err)
		}
		f := lastFire(sched, now.Add(-b.Deadline), catchUpWindow)
		if f.IsZero() {
			continue
		}
		m := TargetMonth(f)
		if published(m) || seen[m.String()] {
			continue
		}
		seen[m.String()] = true
		out = append(out, Overdue{Job: j.Name, Month: m.String(), FiredAt: f, Deadline: f.Add(b.Deadline)})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Month < out[b].Month })
	return out, nil
}
