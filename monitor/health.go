package monitor

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/schedules"
)

// Kind is a kind of trouble that needs attention.
type Kind string

// The kinds of trouble Check finds, in the order an operator should look at them.
const (
	// KindFailed: the last run of a month failed (or its process died), and no later run of that
	// month published it.
	KindFailed Kind = "failed_run"
	// KindOverdue: a month the schedule should have published by now (its fire's readiness deadline
	// has passed) is not published.
	KindOverdue Kind = "overdue_month"
	// KindDaemon: the daemon's heartbeat is older than schedules.HeartbeatStale, or unreadable.
	KindDaemon Kind = "daemon_not_beating"
	// KindInterrupted: a run died (its lock left behind, or running in the ledger with no process),
	// or left a build area, a half-published month or table folders without a manifest.
	KindInterrupted Kind = "interrupted_run"
	// KindQuarantine: damaged bookkeeping (ledger lines, a fire history) is set aside.
	KindQuarantine Kind = "quarantined_bookkeeping"
)

// Kinds lists every kind in the order above.
var Kinds = []Kind{KindFailed, KindOverdue, KindDaemon, KindInterrupted, KindQuarantine}

// Finding is one thing that needs attention.
type Finding struct {
	Kind    Kind   `json:"kind"`
	Month   string `json:"month,omitempty"`
	RunID   string `json:"run_id,omitempty"`
	Message string `json:"message"`
}

// Options say where to look and against what.
type Options struct {
	// Out is the output folder.
	Out string
	// HeartbeatPath is the daemon's heartbeat file ("" = OUT/_runs/heartbeat.json).
	HeartbeatPath string
	// Schedule is the schedule of the config file, used for overdue months when no daemon has
	// beaten (a heartbeat names the schedule the daemon runs, which then wins); nil = none.
	Schedule *schedules.Config
	// Now is the time the report is for.
	Now time.Time
}

// LockStatus is who holds OUT's lock.
type LockStatus struct {
	// Holder is the run in the lock file; zero when the lock is free.
	Holder *pipeline.LockHolder `json:"holder,omitempty"`
	// Alive says the holder's process exists (a run in progress); false: it died holding the lock.
	Alive bool `json:"alive"`
}

// DaemonStatus is what the daemon's heartbeat file says.
type DaemonStatus struct {
	Path      string               `json:"path"`
	Heartbeat *schedules.Heartbeat `json:"heartbeat,omitempty"`
	// AgeSeconds is the time since the last beat.
	AgeSeconds float64 `json:"age_seconds"`
	Stale      bool    `json:"stale"`
}

// Report is the health of an output folder.
type Report struct {
	Out    string        `json:"out"`
	Months []MonthStatus `json:"months"`
	Lock   LockStatus    `json:"lock"`
	// Running are the ledger's runs in progress (of the live lock holder).
	Running []pipeline.Record `json:"running"`
	// Daemon is nil when no daemon ever beat in the heartbeat file.
	Daemon *DaemonStatus `json:"daemon,omitempty"`
	// OverdueFrom says which schedule the overdue check used: "heartbeat", "config file" or "" (none).
	OverdueFrom string `json:"overdue_checked_against,omitempty"`
	// Attention lists what needs attention, by kind in the order of Kinds.
	Attention []Finding `json:"attention"`
}

// Check reads out and reports its health. It changes nothing: it takes no lock, and reads the lock
// file, the ledger, the manifests, the staging folders and the heartbeat file. A missing out is
// an error.
func Check(opts Options) (*Report, error) {
	out := opts.Out
	if st, err := os.Stat(out); err != nil {
		return nil, fmt.Errorf("output folder %s: %w (check --out)", out, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("output folder %s is not a folder (check --out)", out)
	}
	layout := pipeline.NewLayout(out)
	if err := layout.CheckCurrent(); err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	rep := &Report{Out: out}
	ledger := pipeline.OpenLedger(out)

	// The ledger is read on each side of the lock file: a run that was running in both reads while
	// no live process held the lock had died; one that ended in between had not.
	first, _, err := ledger.Read()
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	holder, err := pipeline.ReadLockHolder(out)
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	recs, _, err := ledger.Read()
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	live := !holder.IsZero() && holder.Alive()
	if !holder.IsZero() {
		h := holder
		rep.Lock = LockStatus{Holder: &h, Alive: live}
	}
	if !holder.IsZero() && !live {
		rep.Attention = append(rep.Attention, Finding{Kind: KindInterrupted, RunID: holder.RunID, Message: fmt.Sprintf(
			"run %s (pid %d, started %s) died holding %s; the next run takes the lock over and marks its runs abandoned",
			holder.RunID, holder.PID, holder.Started.UTC().Format(time.RFC3339), out)})
	}
	before := pipeline.LatestByRun(first)
	latest := pipeline.LatestByRun(recs)
	for _, r := range ledgerOrder(recs, latest) {
		if r.Status != pipeline.StatusRunning {
			continue
		}
		switch {
		case live:
			rep.Running = append(rep.Running, r)
		case before[r.RunID].Status == pipeline.StatusRunning && holder.IsZero():
			rep.Attention = append(rep.Attention, Finding{Kind: KindInterrupted, Month: r.Month, RunID: r.RunID, Message: fmt.Sprintf(
				"run %s of %s has been running since %s in the ledger, but no process holds %s: it died; the next run marks it abandoned",
				r.RunID, r.Month, r.Started.UTC().Format(time.RFC3339), out)})
		}
	}
	rep.Attention = append(rep.Attention, failedMonths(recs, layout)...)

	var monthFindings []Finding
	rep.Months, monthFindings, err = months(out, pipeline.PublishedByMonth(recs), live)
	if err != nil {
		return nil, err
	}
	rep.Attention = append(rep.Attention, monthFindings...)

	if err := rep.checkDaemon(opts, layout); err != nil {
		return nil, err
	}

	q, err := pipeline.QuarantineOf(out)
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	if !q.Empty() {
		rep.Attention = append(rep.Attention, Finding{Kind: KindQuarantine, Message: "quarantined bookkeeping in " + out + ": " + q.String()})
	}
	sort.SliceStable(rep.Attention, func(a, b int) bool {
		return kindRank(rep.Attention[a].Kind) < kindRank(rep.Attention[b].Kind)
	})
	return rep, nil
}

// checkDaemon reads the heartbeat and checks the schedule for overdue months.
func (rep *Report) checkDaemon(opts Options, layout pipeline.Layout) error {
	path := opts.HeartbeatPath
	if path == "" {
		path = schedules.DefaultHeartbeatPath(opts.Out)
	}
	sched, from := opts.Schedule, ""
	if sched != nil {
		from = "config file"
	}
	hb, ok, err := schedules.ReadHeartbeat(path)
	switch {
	case err != nil:
		rep.Daemon = &DaemonStatus{Path: path}
		rep.Attention = append(rep.Attention, Finding{Kind: KindDaemon, Message: err.Error()})
	case ok:
		age := opts.Now.Sub(hb.Beat)
		rep.Daemon = &DaemonStatus{Path: path, Heartbeat: &hb, AgeSeconds: age.Seconds(), Stale: hb.Stale(opts.Now)}
		if rep.Daemon.Stale {
			rep.Attention = append(rep.Attention, Finding{Kind: KindDaemon, Message: fmt.Sprintf(
				"the daemon (pid %d on %s) last beat %s ago, at %s; it beats every %s: it is stopped, hung or dead",
				hb.PID, hb.Host, age.Round(time.Second), hb.Beat.UTC().Format(time.RFC3339), schedules.HeartbeatEvery)})
		}
		if hb.Schedule != nil {
			sched, from = hb.Schedule, "heartbeat"
		}
	}
	if sched == nil {
		return nil
	}
	rep.OverdueFrom = from
	published, err := layout.PublishedMonths()
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	overdue, err := sched.OverdueMonths(opts.Now, func(m pipeline.Month) bool {
		return slices.ContainsFunc(published, func(p pipeline.Month) bool { return p.String() == m.String() })
	})
	if err != nil {
		return fmt.Errorf("status: schedule: %w", err)
	}
	for _, o := range overdue {
		rep.Attention = append(rep.Attention, Finding{Kind: KindOverdue, Month: o.Month, Message: fmt.Sprintf(
			"%s is overdue: job %s fired for it at %s, its readiness deadline passed at %s, and it is not published",
			o.Month, o.Job, o.FiredAt.UTC().Format(time.RFC3339), o.Deadline.UTC().Format(time.RFC3339))})
	}
	return nil
}

// failedMonths finds, per month, the last run that failed or was abandoned after the month's last
// publication: a failure counts until a later run of the same month publishes it. A run that the
// ledger calls abandoned but whose publication the next run rolled forward (the month's manifest
// names it) did publish.
func failedMonths(recs []pipeline.Record, layout pipeline.Layout) []Finding {
	latest := pipeline.LatestByRun(recs)
	lastOK := map[string]time.Time{}
	lastBad := map[string]pipeline.Record{}
	for _, r := range ledgerOrder(recs, latest) {
		switch r.Status {
		case pipeline.StatusPublished:
			if end := endOf(r); end.After(lastOK[r.Month]) {
				lastOK[r.Month] = end
			}
		case pipeline.StatusFailed, pipeline.StatusAbandoned:
			if prev, ok := lastBad[r.Month]; !ok || !endOf(r).Before(endOf(prev)) {
				lastBad[r.Month] = r
			}
		}
	}
	var found []Finding
	for month, r := range lastBad {
		if !endOf(r).After(lastOK[month]) {
			continue
		}
		if m, err := pipeline.ParseMonth(month); err == nil {
			if man, err := layout.ReadManifest(m); err == nil && man.RunID == r.RunID {
				continue
			}
		}
		found = append(found, Finding{Kind: KindFailed, Month: month, RunID: r.RunID, Message: fmt.Sprintf(
			"%s: run %s (kind %s) %s at %s: %s", month, r.RunID, r.Kind, r.Status, endOf(r).UTC().Format(time.RFC3339), r.Reason)})
	}
	sort.Slice(found, func(a, b int) bool { return found[a].Month < found[b].Month })
	return found
}

// endOf is when a record's run ended (its start when it has no end).
func endOf(r pipeline.Record) time.Time {
	if r.Finished.IsZero() {
		return r.Started
	}
	return r.Finished
}

// ledgerOrder returns the latest record of each run id in recs, in the order the runs first appear.
func ledgerOrder(recs []pipeline.Record, latest map[string]pipeline.Record) []pipeline.Record {
	seen := map[string]bool{}
	var out []pipeline.Record
	for _, r := range recs {
		if !seen[r.RunID] {
			seen[r.RunID] = true
			out = append(out, latest[r.RunID])
		}
	}
	return out
}

// kindRank is a kind's place in Kinds.
func kindRank(k Kind) int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return len(Kinds)
}

// AttentionError says that a report has things that need attention; errors.Is matches the
// sentinel of each kind found (ErrFailedRun, ...), so a caller maps it to an exit status.
type AttentionError struct {
	Findings []Finding
}

// Sentinels of the kinds, for errors.Is on an AttentionError.
var (
	ErrFailedRun    = errors.New(string(KindFailed))
	ErrOverdue      = errors.New(string(KindOverdue))
	ErrDaemonSilent = errors.New(string(KindDaemon))
	ErrInterrupted  = errors.New(string(KindInterrupted))
	ErrQuarantined  = errors.New(string(KindQuarantine))
	sentinelOfKind  = map[Kind]error{KindFailed: ErrFailedRun, KindOverdue: ErrOverdue, KindDaemon: ErrDaemonSilent, KindInterrupted: ErrInterrupted, KindQuarantine: ErrQuarantined}
)

// Error counts the findings and names the first.
func (e *AttentionError) Error() string {
	if len(e.Findings) == 0 {
		return "nothing needs attention"
	}
	kinds := map[Kind]int{}
	for _, f := range e.Findings {
		kinds[f.Kind]++
	}
	var parts []string
	for _, k := range Kinds {
		if n := kinds[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	return fmt.Sprintf("needs attention (%s): %s", strings.Join(parts, ", "), e.Findings[0].Message)
}

// Is matches the sentinel of every kind found.
func (e *AttentionError) Is(target error) bool {
	for _, f := range e.Findings {
		if sentinelOfKind[f.Kind] == target {
			return true
		}
	}
	return false
}

// Err is nil when nothing needs attention, else an *AttentionError.
func (r *Report) Err() error {
	if len(r.Attention) == 0 {
		return nil
	}
	return &AttentionError{Findings: r.Attention}
}
