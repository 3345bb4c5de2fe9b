package schedules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
)

// Jobs does the work a schedule fires. The daemon passes a context that is cancelled on shutdown;
// an implementation should return soon after it is cancelled.
type Jobs interface {
	// MonthlyRefresh builds and publishes snapshot month, for the schedule fire at firedAt.
	MonthlyRefresh(ctx context.Context, month pipeline.Month, firedAt time.Time) error
	// SkillingRefresh re-scores the latest published month with skilling counted on asOf.
	SkillingRefresh(ctx context.Context, asOf time.Time) error
}

// History remembers the fires that completed, so that a fire missed while the daemon was down is
// caught up at the next start.
type History interface {
	// LastFired returns the scheduled time of the job's last completed fire; false if none.
	LastFired(job string) (time.Time, bool)
	// RecordFire records that the job's fire scheduled at at completed successfully.
	RecordFire(job string, at time.Time) error
}

// Option configures a Daemon.
type Option func(*Daemon)

// WithClock replaces time.Now where the daemon decides which fire is due: the catch-up at start and
// the fire time of each fire. Waits and durations still use the real clock. For tests.
func WithClock(now func() time.Time) Option { return func(d *Daemon) { d.now = now } }

// WithCronOptions appends options to those the daemon builds its cron.Cron with (e.g.
// cron.WithSeconds() in tests). They apply after the daemon's own, so they can override them.
func WithCronOptions(opts ...cron.Option) Option {
	return func(d *Daemon) { d.cronOpts = append(d.cronOpts, opts...) }
}

// WithHeartbeat makes the daemon write its Heartbeat to path at start, every HeartbeatEvery and
// when it stops.
func WithHeartbeat(path string) Option { return func(d *Daemon) { d.heartbeatPath = path } }

// WithFailureHook calls h after every fire that failed (outcome failed, not_ready at the readiness
// deadline, or panic; not a fire cancelled by shutdown). The hook's error is logged.
func WithFailureHook(h FailureHook) Option { return func(d *Daemon) { d.hook = h } }

// Log field keys.
const (
	keyJob      = "job"
	keyKind     = "kind"
	keyCron     = "cron"
	keyFiredAt  = "fired_at"
	keyTarget   = "target"
	keyAsOf     = "as_of"
	keyCatchUp  = "catch_up"
	keyDuration = "duration"
	keyOutcome  = "outcome"
	keyNextFire = "next_fire"
	keyAttempt  = "attempt"
	keyRetryIn  = "retry_in"
)

// Fire outcomes, as logged under keyOutcome.
const (
	outcomeOK       = "ok"
	outcomeFailed   = "failed"
	outcomeNotReady = "not_ready"
	outcomeCanceled = "canceled"
	outcomePanic    = "panic"
	// outcomePublished: the month was already published after the fire time and was left as it
	// is; the fire counts as done.
	outcomePublished = "already_published"
)

// catchUpWindow bounds the look-back for a missed fire: long enough to see the last fire of a
// monthly schedule from any day of the month.
const catchUpWindow = 40 * 24 * time.Hour

// Daemon fires the configured jobs on their cron schedules until its context ends.
//
// Policies: a fire of a job that is still running is skipped (robfig/cron SkipIfStillRunning);
// a panic in a job is recovered and logged, and the job keeps its schedule; a job that reports
// pipeline.ErrSourceNotReady is retried with exponential backoff until the readiness deadline;
// a fire is recorded in History only when it succeeds, or when the job finds its month already
// published after the fire time (pipeline.ErrAlreadyPublished; the month is left as it is); at start, each monthly_refresh job whose
// most recent scheduled fire (within 40 days) is later than its last recorded fire, or that has no
// record at all, is run once for that missed fire. Older missed months are not replayed: that is
// what `refresh backfill` is for.
type Daemon struct {
	cfg      *Config
	jobs     Jobs
	hist     History
	log      *zap.Logger
	now      func() time.Time
	cronOpts []cron.Option

	backoff Backoff
	cron    *cron.Cron
	entries []*entry
	err     error // a wiring problem, returned by Run

	started atomic.Bool
	ctx     context.Context // the jobs' context; set by Run before any job can start

	heartbeatPath string
	hook          FailureHook
	beatMu        sync.Mutex
	heartbeat     Heartbeat
	running       map[string]RunningJob // by job name
}

// entry is one configured job registered with cron. It is the cron.Job the schedule runs.
type entry struct {
	d       *Daemon
	cfg     JobConfig
	sched   cron.Schedule
	wrapped cron.Job // entry behind Recover and SkipIfStillRunning, as cron runs it

	mu      sync.Mutex
	pending time.Time // fire time of a catch-up run, taken by the next Run
}

// NewDaemon wires cfg's jobs into a robfig/cron runner in UTC, each job behind Recover and
// SkipIfStillRunning, logging through log. hist may be nil: then nothing is recorded and nothing
// is caught up. A problem with cfg (a spec the cron parser refuses, an unknown kind) is returned
// by Run. The cron expressions are parsed by the cron's parser, so WithCronOptions(
// cron.WithSeconds()) makes 6-field specs valid here (Config.Validate accepts only 5 fields).
func NewDaemon(cfg *Config, jobs Jobs, hist History, log *zap.Logger, opts ...Option) *Daemon {
	if log == nil {
		log = zap.NewNop()
	}
	d := &Daemon{cfg: cfg, jobs: jobs, hist: hist, log: log, now: time.Now, running: map[string]RunningJob{}}
	for _, opt := range opts {
		opt(d)
	}
	d.err = d.wire()
	return d
}

// wire builds the cron runner and registers every job.
func (d *Daemon) wire() error {
	if d.cfg == nil {
		return errors.New("schedules: no config")
	}
	if d.jobs == nil {
		return errors.New("schedules: no Jobs implementation")
	}
	var err error
	if d.backoff, err = d.cfg.Readiness.Backoff(); err != nil {
		return fmt.Errorf("schedules: %w", err)
	}
	adapter := cronLogger{d.log.Named("cron").Sugar()}
	d.cron = cron.New(append([]cron.Option{
		cron.WithLocation(time.UTC),
		cron.WithLogger(adapter),
	}, d.cronOpts...)...)
	seen := map[string]bool{}
	for _, j := range d.cfg.Jobs {
		if seen[j.Name] {
			return fmt.Errorf("schedules: job %q: name: duplicate", j.Name)
		}
		seen[j.Name] = true
		if want, ok := targetOf[j.Kind]; !ok || j.Target != want {
			return fmt.Errorf("schedules: job %q: job %q with target %q cannot be run", j.Name, j.Kind, j.Target)
		}
		if _, err := j.Location(); err != nil {
			return fmt.Errorf("schedules: job %q: %w", j.Name, err)
		}
		e := &entry{d: d, cfg: j}
		// Each job gets its own chain so that "skip" and "panic" lines name the job. Recover is
		// outermost; fire also recovers by itself, because a panic escaping SkipIfStillRunning
		// would keep its token and skip the job forever.
		jobLog := cronLogger{adapter.s.With(keyJob, j.Name)}
		wrapped := cron.NewChain(cron.Recover(jobLog), cron.SkipIfStillRunning(jobLog)).Then(e)
		id, err := d.cron.AddJob(j.Spec(), wrapped)
		if err != nil {
			return fmt.Errorf("schedules: job %q: cron %q: %w", j.Name, j.Cron, err)
		}
		got := d.cron.Entry(id)
		e.sched, e.wrapped = got.Schedule, got.WrappedJob
		d.entries = append(d.entries, e)
	}
	return nil
}

// Run logs each job's next fire, starts the catch-up of missed monthly fires, runs the schedule
// until ctx is done, then stops firing, waits for running jobs (their context is cancelled too) and
// returns nil. It returns an error only when the daemon could not be wired or has already run.
func (d *Daemon) Run(ctx context.Context) error {
	if d.err != nil {
		return d.err
	}
	if !d.started.CompareAndSwap(false, true) {
		return errors.New("schedules: daemon already ran")
	}
	jobCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	d.ctx = jobCtx

	now := d.now()
	for _, e := range d.entries {
		d.log.Info("scheduled",
			zap.String(keyJob, e.cfg.Name), zap.String(keyKind, string(e.cfg.Kind)),
			zap.String(keyCron, e.cfg.Spec()), zap.Time(keyNextFire, e.sched.Next(now).UTC()))
	}

	var catchUps sync.WaitGroup
	for _, e := range d.entries {
		if e.cfg.Kind != KindMonthlyRefresh || d.hist == nil {
			continue
		}
		last, recorded := d.hist.LastFired(e.cfg.Name)
		missed, due := missedFire(e.sched, now, last, recorded)
		if !due {
			continue
		}
		fields := []zap.Field{zap.String(keyJob, e.cfg.Name), zap.Time(keyFiredAt, missed)}
		if recorded {
			fields = append(fields, zap.Time("last_fired", last.UTC()))
		}
		d.log.Info("catching up missed fire", fields...)
		e.setPending(missed)
		catchUps.Add(1)
		go func() {
			defer catchUps.Done()
			e.wrapped.Run()
			if _, left := e.takePending(); left {
				d.log.Info("catch-up skipped: job already running", zap.String(keyJob, e.cfg.Name))
			}
		}()
	}

	beats := d.startHeartbeat(ctx)
	d.cron.Start()
	<-ctx.Done()
	d.log.Info("stopping: waiting for running jobs")
	stopped := d.cron.Stop()
	cancel()
	<-stopped.Done()
	catchUps.Wait()
	<-beats
	d.beat(true)
	d.log.Info("stopped")
	return nil
}

// startHeartbeat writes the first beat and then one every HeartbeatEvery until ctx is done; the
// returned channel closes when the beating has stopped. Without a heartbeat path it does nothing.
func (d *Daemon) startHeartbeat(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	if d.heartbeatPath == "" {
		close(done)
		return done
	}
	host, _ := os.Hostname()
	d.heartbeat = Heartbeat{PID: os.Getpid(), Host: host, Started: time.Now().UTC(), Schedule: d.cfg}
	d.beat(false)
	go func() {
		defer close(done)
		t := time.NewTicker(HeartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				d.beat(false)
			}
		}
	}()
	return done
}

// beat writes the heartbeat file with the jobs running now; stopped marks the daemon's clean stop.
func (d *Daemon) beat(stopped bool) {
	if d.heartbeatPath == "" {
		return
	}
	d.beatMu.Lock()
	defer d.beatMu.Unlock()
	h := d.heartbeat
	h.Beat = time.Now().UTC()
	if stopped {
		h.Stopped = h.Beat
	}
	h.Running = nil
	for _, r := range d.running {
		h.Running = append(h.Running, r)
	}
	sort.Slice(h.Running, func(a, b int) bool { return h.Running[a].Job < h.Running[b].Job })
	if err := writeHeartbeat(d.heartbeatPath, h); err != nil {
		d.log.Error("heartbeat", zap.String("path", d.heartbeatPath), zap.Error(err))
	}
}

// setRunning records that job started (firedAt) or ended (zero firedAt) for the heartbeat.
func (d *Daemon) setRunning(job string, firedAt time.Time) {
	d.beatMu.Lock()
	defer d.beatMu.Unlock()
	if firedAt.IsZero() {
		delete(d.running, job)
		return
	}
	d.running[job] = RunningJob{Job: job, FiredAt: firedAt, Since: time.Now().UTC()}
}

// Run is the cron.Job: one fire of the entry's job.
func (e *entry) Run() {
	firedAt, catchUp := e.takePending()
	if !catchUp {
		now := e.d.now()
		if firedAt = lastFire(e.sched, now, catchUpWindow); firedAt.IsZero() {
			firedAt = now.UTC().Truncate(time.Second)
		}
	}
	_ = e.d.fire(e.d.ctx, e.cfg, firedAt, catchUp)
}

func (e *entry) setPending(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pending = t
}

func (e *entry) takePending() (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.pending
	e.pending = time.Time{}
	return t, !t.IsZero()
}

// TargetMonth is the snapshot month a previous_month fire at firedAt works on: the last complete
// calendar month before firedAt in UTC (a fire on 2026-11-20 targets 2026-10).
func TargetMonth(firedAt time.Time) pipeline.Month { return pipeline.PreviousMonth(firedAt.UTC()) }

// AsOfDate is the day a skilling_refresh fire at firedAt counts skilling on: the fire's date in UTC.
func AsOfDate(firedAt time.Time) time.Time {
	y, m, day := firedAt.UTC().Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

// fire runs one fire of job j scheduled at firedAt, retrying a not-ready source, logs its outcome,
// and records it in History when it succeeded. A panic in the job is recovered here.
func (d *Daemon) fire(ctx context.Context, j JobConfig, firedAt time.Time, catchUp bool) (err error) {
	firedAt = firedAt.UTC()
	start := time.Now()
	fields := []zap.Field{zap.String(keyJob, j.Name), zap.Time(keyFiredAt, firedAt), zap.Bool(keyCatchUp, catchUp)}
	var work func(context.Context) error
	var target, asOf string
	switch j.Kind {
	case KindMonthlyRefresh:
		month := TargetMonth(firedAt)
		target = month.String()
		fields = append(fields, zap.String(keyTarget, target))
		work = func(ctx context.Context) error { return d.jobs.MonthlyRefresh(ctx, month, firedAt) }
	case KindSkillingRefresh:
		day := AsOfDate(firedAt)
		target, asOf = string(TargetLatestPublished), day.Format(time.DateOnly)
		fields = append(fields, zap.String(keyTarget, target), zap.String(keyAsOf, asOf))
		work = func(ctx context.Context) error { return d.jobs.SkillingRefresh(ctx, day) }
	default:
		return fmt.Errorf("job %q: unknown kind %q", j.Name, j.Kind) // unreachable: wire refuses it
	}
	log := d.log.With(fields...)
	log.Info("fire")
	d.setRunning(j.Name, firedAt)
	defer d.setRunning(j.Name, time.Time{})

	out := outcomePanic
	// Runs after the recovery below: every failed fire, a panic included, is reported to the hook.
	defer func() {
		if err != nil && out != outcomeCanceled {
			d.callHook(ctx, log, Failure{Event: "job_failed", Job: j.Name, Kind: j.Kind, Target: target, AsOf: asOf,
				FiredAt: firedAt, CatchUp: catchUp, Outcome: out, Error: err.Error(), Time: time.Now().UTC()})
		}
	}()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("job %q: panic: %v", j.Name, r)
			log.Error("fire done", zap.Duration(keyDuration, time.Since(start)), zap.String(keyOutcome, outcomePanic),
				zap.Error(err), zap.StackSkip("stack", 1))
		}
	}()
	err = d.retryNotReady(ctx, log, work)
	out = outcome(ctx, err)

	done := []zap.Field{zap.Duration(keyDuration, time.Since(start)), zap.String(keyOutcome, out)}
	if errors.Is(err, pipeline.ErrAlreadyPublished) {
		done = append(done, zap.String("reason", err.Error()))
		err = nil
	}
	if err != nil {
		log.Error("fire done", append(done, zap.Error(err))...)
		return err
	}
	log.Info("fire done", done...)
	if d.hist != nil {
		if rerr := d.hist.RecordFire(j.Name, firedAt); rerr != nil {
			log.Error("recording fire", zap.Error(rerr))
		}
	}
	return nil
}

// callHook tells the failure hook about a failed fire, and logs what became of it. The hook runs
// even while the daemon stops (it has its own time limit).
func (d *Daemon) callHook(ctx context.Context, log *zap.Logger, f Failure) {
	if d.hook == nil {
		return
	}
	f.Host, _ = os.Hostname()
	f.PID = os.Getpid()
	if err := d.hook(context.WithoutCancel(ctx), f); err != nil {
		log.Error("failure hook", zap.Error(err))
		return
	}
	log.Info("failure hook called", zap.String(keyOutcome, f.Outcome))
}

// outcome classifies a fire's result for the log.
func outcome(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return outcomeOK
	case errors.Is(err, pipeline.ErrAlreadyPublished):
		return outcomePublished
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, pipeline.ErrCanceled)):
		return outcomeCanceled
	case errors.Is(err, pipeline.ErrSourceNotReady):
		return outcomeNotReady
	default:
		return outcomeFailed
	}
}

// retryNotReady runs work until it returns anything but pipeline.ErrSourceNotReady, waiting
// Initial, then twice as long each time up to Max, with a last attempt at the deadline.
func (d *Daemon) retryNotReady(ctx context.Context, log *zap.Logger, work func(context.Context) error) error {
	deadline := time.Now().Add(d.backoff.Deadline)
	wait := d.backoff.Initial
	for attempt := 1; ; attempt++ {
		err := work(ctx)
		if err == nil || !errors.Is(err, pipeline.ErrSourceNotReady) || ctx.Err() != nil {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("still not ready after %d attempts over %s: %w", attempt, d.backoff.Deadline, err)
		}
		wait = min(wait, left)
		log.Info("source not ready; retrying", zap.Int(keyAttempt, attempt), zap.Duration(keyRetryIn, wait))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting for source data: %w", ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, d.backoff.Max)
	}
}

// missedFire decides the catch-up at start: the most recent fire of sched at or before now (looking
// back catchUpWindow) is due when nothing is recorded or the last recorded fire is earlier.
func missedFire(sched cron.Schedule, now, last time.Time, recorded bool) (time.Time, bool) {
	t := lastFire(sched, now, catchUpWindow)
	if t.IsZero() || (recorded && !last.Before(t)) {
		return time.Time{}, false
	}
	return t, true
}

// lastFire returns the latest activation of sched at or before now and no more than max before it,
// in UTC, or the zero time. It steps the schedule forward from now-back, doubling back from one
// second, so a frequent schedule costs a few steps and a monthly one a few dozen.
func lastFire(sched cron.Schedule, now time.Time, max time.Duration) time.Time {
	for back := time.Second; ; back *= 2 {
		back = min(back, max)
		var last time.Time
		for t := sched.Next(now.Add(-back)); !t.IsZero() && !t.After(now); t = sched.Next(t) {
			last = t
		}
		if !last.IsZero() || back == max {
			return last.UTC()
		}
	}
}

// cronLogger lets robfig/cron log through zap.
type cronLogger struct{ s *zap.SugaredLogger }

// Info logs cron's routine messages.
func (l cronLogger) Info(msg string, kv ...any) { l.s.Infow(msg, kv...) }

// Error logs cron's errors, such as a recovered panic.
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.s.Errorw(msg, append([]any{"error", err}, kv...)...)
}
