package schedules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/capscore/capscore/pipeline"
)

// everySecond fires each second; tests run the cron with cron.WithSeconds().
const everySecond = "*/1 * * * * *"

// monthlyCall is one recorded Jobs.MonthlyRefresh call.
type monthlyCall struct {
	month   string
	firedAt time.Time
}

// fakeJobs records calls; the optional hooks decide what a call does (n counts calls from 1).
type fakeJobs struct {
	mu       sync.Mutex
	monthly  []monthlyCall
	skilling []time.Time
	called   chan struct{} // one send per call

	onMonthly  func(ctx context.Context, n int) error
	onSkilling func(ctx context.Context, n int) error
}

var _ Jobs = (*fakeJobs)(nil)

func newFakeJobs() *fakeJobs { return &fakeJobs{called: make(chan struct{}, 1000)} }

func (f *fakeJobs) MonthlyRefresh(ctx context.Context, month pipeline.Month, firedAt time.Time) error {
	f.mu.Lock()
	f.monthly = append(f.monthly, monthlyCall{month.String(), firedAt})
	n := len(f.monthly)
	f.mu.Unlock()
	f.called <- struct{}{}
	if f.onMonthly != nil {
		return f.onMonthly(ctx, n)
	}
	return nil
}

func (f *fakeJobs) SkillingRefresh(ctx context.Context, asOf time.Time) error {
	f.mu.Lock()
	f.skilling = append(f.skilling, asOf)
	n := len(f.skilling)
	f.mu.Unlock()
	f.called <- struct{}{}
	if f.onSkilling != nil {
		return f.onSkilling(ctx, n)
	}
	return nil
}

func (f *fakeJobs) monthlyCalls() []monthlyCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]monthlyCall(nil), f.monthly...)
}

func (f *fakeJobs) skillingCalls() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.skilling...)
}

// waitCalls waits until n calls in all have been made.
func (f *fakeJobs) waitCalls(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for i := 0; i < n; i++ {
		select {
		case <-f.called:
		case <-deadline:
			t.Fatalf("timed out after %s waiting for call %d of %d", timeout, i+1, n)
		}
	}
}

// fakeHistory is an in-memory History.
type fakeHistory struct {
	mu       sync.Mutex
	last     map[string]time.Time
	recorded []string // "job@RFC3339"
}

var _ History = (*fakeHistory)(nil)

func newFakeHistory(last map[string]time.Time) *fakeHistory {
	if last == nil {
		last = map[string]time.Time{}
	}
	return &fakeHistory{last: last}
}

func (h *fakeHistory) LastFired(job string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.last[job]
	return t, ok
}

func (h *fakeHistory) RecordFire(job string, at time.Time) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last[job] = at
	h.recorded = append(h.recorded, job+"@"+at.Format(time.RFC3339))
	return nil
}

func (h *fakeHistory) records() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.recorded...)
}

// testConfig returns a config with fast readiness settings.
func testConfig(jobs ...JobConfig) *Config {
	return &Config{Jobs: jobs, Readiness: Readiness{Deadline: "1s", InitialBackoff: "10ms", MaxBackoff: "40ms"}}
}

func monthlyJob(spec string) JobConfig {
	return JobConfig{Name: "monthly-refresh", Cron: spec, Timezone: "UTC", Kind: KindMonthlyRefresh, Target: TargetPreviousMonth}
}

func skillingJob(spec string) JobConfig {
	return JobConfig{Name: "daily-skilling", Cron: spec, Timezone: "UTC", Kind: KindSkillingRefresh, Target: TargetLatestPublished}
}

func fixedClock(t time.Time) Option { return WithClock(func() time.Time { return t }) }

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// running is a daemon under test: Run in a goroutine, its logs observed.
type running struct {
	d      *Daemon
	logs   *observer.ObservedLogs
	cancel context.CancelFunc
	done   chan error
}

func startDaemon(t *testing.T, cfg *Config, jobs Jobs, hist History, opts ...Option) *running {
	t.Helper()
	core, logs := observer.New(zap.InfoLevel)
	d := NewDaemon(cfg, jobs, hist, zap.New(core), opts...)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{d: d, logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(5 * time.Second):
			t.Error("daemon did not stop")
		}
	})
	return r
}

// stop cancels the daemon's context and returns Run's result.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err // for Cleanup
		return err
	case <-time.After(4 * time.Second):
		t.Fatal("Run did not return after cancel")
		return nil
	}
}

// waitLog waits until at least n entries with the message are logged.
func (r *running) waitLog(t *testing.T, msg string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for r.logs.FilterMessage(msg).Len() < n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d %q log lines (have %d)", n, msg, r.logs.FilterMessage(msg).Len())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTargetMonth(t *testing.T) {
	tests := []struct {
		firedAt   string
		wantMonth string
		wantAsOf  string
	}{
		{"2026-11-20T06:00:00Z", "2026-10", "2026-11-20"},
		{"2027-01-20T06:00:00Z", "2026-12", "2027-01-20"},
		{"2026-11-01T00:00:00Z", "2026-10", "2026-11-01"},
		// A fire read in another zone is placed in UTC: 00:30 in Paris on 1 November is still October.
		{"2026-11-01T00:30:00+01:00", "2026-09", "2026-10-31"},
	}
	for _, tc := range tests {
		t.Run(tc.firedAt, func(t *testing.T) {
			at := date(tc.firedAt)
			if got := TargetMonth(at).String(); got != tc.wantMonth {
				t.Errorf("TargetMonth = %s, want %s", got, tc.wantMonth)
			}
			if got := AsOfDate(at).Format(time.DateOnly); got != tc.wantAsOf {
				t.Errorf("AsOfDate = %s, want %s", got, tc.wantAsOf)
			}
		})
	}
}

// TestDaemon_Fire: a fire at 2026-11-20T06:00Z targets 2026-10, skilling counts as of the fire date,
// each fire is logged with its fields and recorded in History.
func TestDaemon_Fire(t *testing.T) {
	t.Parallel()
	now := date("2026-11-20T06:00:00Z")
	jobs := newFakeJobs()
	// Recorded at the clock's fire time, so nothing is caught up and only cron fires.
	hist := newFakeHistory(map[string]time.Time{"monthly-refresh": now})
	r := startDaemon(t, testConfig(monthlyJob(everySecond), skillingJob(everySecond)), jobs, hist,
		fixedClock(now), WithCronOptions(cron.WithSeconds()))
	jobs.waitCalls(t, 2, 3*time.Second)
	r.waitLog(t, "fire done", 2, 2*time.Second)
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}

	m := jobs.monthlyCalls()
	if len(m) == 0 || m[0] != (monthlyCall{"2026-10", now}) {
		t.Fatalf("monthly calls = %+v, want first {2026-10 %s}", m, now)
	}
	s := jobs.skillingCalls()
	if len(s) == 0 || !s[0].Equal(date("2026-11-20T00:00:00Z")) {
		t.Fatalf("skilling calls = %v, want first 2026-11-20", s)
	}
	recs := hist.records()
	for _, want := range []string{"monthly-refresh@2026-11-20T06:00:00Z", "daily-skilling@2026-11-20T06:00:00Z"} {
		found := false
		for _, r := range recs {
			found = found || r == want
		}
		if !found {
			t.Errorf("records %v lack %s", recs, want)
		}
	}

	var sawMonthly bool
	for _, e := range r.logs.FilterMessage("fire done").AllUntimed() {
		f := e.ContextMap()
		for _, k := range []string{keyJob, keyFiredAt, keyTarget, keyDuration, keyOutcome} {
			if _, ok := f[k]; !ok {
				t.Errorf("fire log %v lacks %q", f, k)
			}
		}
		if f[keyOutcome] != outcomeOK {
			t.Errorf("outcome = %v, want ok", f[keyOutcome])
		}
		if f[keyJob] == "monthly-refresh" {
			sawMonthly = true
			if f[keyTarget] != "2026-10" || !f[keyFiredAt].(time.Time).Equal(now) {
				t.Errorf("monthly fire log = %v", f)
			}
		}
	}
	if !sawMonthly {
		t.Error("no fire log for monthly-refresh")
	}
	if n := r.logs.FilterMessage("scheduled").Len(); n != 2 {
		t.Errorf("%d 'scheduled' lines at start, want one per job (2)", n)
	}
}

func TestMissedFire(t *testing.T) {
	sched, err := cron.ParseStandard("CRON_TZ=UTC 0 6 20 * *")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, now, last string // last "" = no record
		wantDue         bool
		wantAt          string
	}{
		{"MissedTwoMonthsRunsLatestOnly", "2026-11-21T00:00:00Z", "2026-09-20T06:00:00Z", true, "2026-11-20T06:00:00Z"},
		{"NoRecordCatchesUpOnce", "2026-11-21T00:00:00Z", "", true, "2026-11-20T06:00:00Z"},
		{"RecentFire", "2026-11-21T00:00:00Z", "2026-11-20T06:00:00Z", false, ""},
		{"RecordedAfterFireTime", "2026-11-21T00:00:00Z", "2026-11-20T06:03:12Z", false, ""},
		{"BeforeThisMonthsFire", "2026-11-19T12:00:00Z", "2026-09-20T06:00:00Z", true, "2026-10-20T06:00:00Z"},
		{"AtTheFireInstant", "2026-11-20T06:00:00Z", "2026-10-20T06:00:00Z", true, "2026-11-20T06:00:00Z"},
		{"JanuaryLooksBackIntoDecember", "2027-01-05T00:00:00Z", "2026-11-20T06:00:00Z", true, "2026-12-20T06:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var last time.Time
			if tc.last != "" {
				last = date(tc.last)
			}
			at, due := missedFire(sched, date(tc.now), last, tc.last != "")
			if due != tc.wantDue {
				t.Fatalf("due = %v, want %v", due, tc.wantDue)
			}
			if due && !at.Equal(date(tc.wantAt)) {
				t.Errorf("missed fire = %s, want %s", at.Format(time.RFC3339), tc.wantAt)
			}
		})
	}
}

// TestDaemon_CatchUp: at start a missed monthly fire is run exactly once, for the month the missed
// fire would have targeted; a recent fire is not repeated; skilling jobs are never caught up.
func TestDaemon_CatchUp(t *testing.T) {
	tests := []struct {
		name       string
		now        string
		last       map[string]time.Time
		wantCalls  []monthlyCall
		wantRecord []string
	}{
		{"MissedFire", "2026-11-21T00:00:00Z",
			map[string]time.Time{"monthly-refresh": date("2026-09-20T06:00:00Z")},
			[]monthlyCall{{"2026-10", date("2026-11-20T06:00:00Z")}},
			[]string{"monthly-refresh@2026-11-20T06:00:00Z"}},
		{"NoRecord", "2026-11-21T00:00:00Z", nil,
			[]monthlyCall{{"2026-10", date("2026-11-20T06:00:00Z")}},
			[]string{"monthly-refresh@2026-11-20T06:00:00Z"}},
		{"BeforeThisMonthsFire", "2026-11-19T12:00:00Z",
			map[string]time.Time{"monthly-refresh": date("2026-09-20T06:00:00Z")},
			[]monthlyCall{{"2026-09", date("2026-10-20T06:00:00Z")}},
			[]string{"monthly-refresh@2026-10-20T06:00:00Z"}},
		{"RecentFire", "2026-11-21T00:00:00Z",
			map[string]time.Time{"monthly-refresh": date("2026-11-20T06:00:00Z")}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load("") // the real schedules; they do not fire during the test
			if err != nil {
				t.Fatal(err)
			}
			jobs, hist := newFakeJobs(), newFakeHistory(tc.last)
			r := startDaemon(t, cfg, jobs, hist, fixedClock(date(tc.now)))
			// cron logs "start" after the catch-up decisions; Run waits for catch-ups on stop.
			r.waitLog(t, "start", 1, 2*time.Second)
			if len(tc.wantCalls) > 0 {
				jobs.waitCalls(t, len(tc.wantCalls), 2*time.Second)
			}
			if err := r.stop(t); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := jobs.monthlyCalls(); fmt.Sprint(got) != fmt.Sprint(tc.wantCalls) {
				t.Errorf("monthly calls = %v, want %v", got, tc.wantCalls)
			}
			if got := jobs.skillingCalls(); len(got) != 0 {
				t.Errorf("skilling calls = %v, want none (never caught up)", got)
			}
			if got := hist.records(); fmt.Sprint(got) != fmt.Sprint(tc.wantRecord) {
				t.Errorf("records = %v, want %v", got, tc.wantRecord)
			}
			if len(tc.wantCalls) > 0 {
				e := r.logs.FilterMessage("fire done").AllUntimed()
				if len(e) != 1 || e[0].ContextMap()[keyCatchUp] != true {
					t.Errorf("fire logs = %v, want one with catch_up=true", e)
				}
			}
		})
	}
}

// TestDaemon_SkipsOverlappingFire: a job still running when its next fires come is not started
// again; the skipped fires are logged with the job's name.
func TestDaemon_SkipsOverlappingFire(t *testing.T) {
	t.Parallel()
	now := date("2026-11-20T06:00:00Z")
	release := make(chan struct{})
	jobs := newFakeJobs()
	jobs.onMonthly = func(context.Context, int) error { <-release; return nil }
	hist := newFakeHistory(map[string]time.Time{"monthly-refresh": now})
	r := startDaemon(t, testConfig(monthlyJob(everySecond)), jobs, hist,
		fixedClock(now), WithCronOptions(cron.WithSeconds()))
	jobs.waitCalls(t, 1, 3*time.Second)
	r.waitLog(t, "skip", 2, 3500*time.Millisecond) // two more fires came while the first ran
	r.cancel()                                     // stop firing before the job is let go
	close(release)
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := len(jobs.monthlyCalls()); n != 1 {
		t.Errorf("job ran %d times, want 1", n)
	}
	for _, e := range r.logs.FilterMessage("skip").AllUntimed() {
		if e.ContextMap()[keyJob] != "monthly-refresh" {
			t.Errorf("skip log %v does not name the job", e.ContextMap())
		}
	}
}

// TestDaemon_ShutdownCancelsRunningJob: cancelling Run's context cancels the running job's context,
// and Run returns nil only after the job has finished; the interrupted fire is not recorded.
func TestDaemon_ShutdownCancelsRunningJob(t *testing.T) {
	t.Parallel()
	now := date("2026-11-20T06:00:00Z")
	var finished atomic.Bool
	var jobErr atomic.Value
	jobs := newFakeJobs()
	jobs.onMonthly = func(ctx context.Context, _ int) error {
		<-ctx.Done()
		time.Sleep(100 * time.Millisecond) // clean up after observing the cancellation
		jobErr.Store(ctx.Err())
		finished.Store(true)
		return fmt.Errorf("refresh: %w", ctx.Err())
	}
	hist := newFakeHistory(map[string]time.Time{"monthly-refresh": now})
	r := startDaemon(t, testConfig(monthlyJob(everySecond)), jobs, hist,
		fixedClock(now), WithCronOptions(cron.WithSeconds()))
	jobs.waitCalls(t, 1, 3*time.Second)
	if finished.Load() {
		t.Fatal("job finished before cancel")
	}
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !finished.Load() {
		t.Fatal("Run returned before the running job finished")
	}
	if err, _ := jobErr.Load().(error); !errors.Is(err, context.Canceled) {
		t.Errorf("job context error = %v, want context.Canceled", err)
	}
	if n := len(jobs.monthlyCalls()); n != 1 {
		t.Errorf("job ran %d times, want 1", n)
	}
	if got := hist.records(); len(got) != 0 {
		t.Errorf("records = %v, want none for an interrupted fire", got)
	}
	e := r.logs.FilterMessage("fire done").AllUntimed()
	if len(e) != 1 || e[0].ContextMap()[keyOutcome] != outcomeCanceled {
		t.Errorf("fire logs = %v, want one with outcome canceled", e)
	}
}

// TestDaemon_RecoversPanic: a panicking job is recovered and logged with its stack, and the daemon
// goes on firing it (the panic must not leave SkipIfStillRunning holding its token).
func TestDaemon_RecoversPanic(t *testing.T) {
	t.Parallel()
	now := date("2026-11-20T06:00:00Z")
	jobs := newFakeJobs()
	jobs.onMonthly = func(_ context.Context, n int) error {
		if n == 1 {
			panic("boom")
		}
		return nil
	}
	hist := newFakeHistory(map[string]time.Time{"monthly-refresh": now})
	r := startDaemon(t, testConfig(monthlyJob(everySecond)), jobs, hist,
		fixedClock(now), WithCronOptions(cron.WithSeconds()))
	jobs.waitCalls(t, 2, 4*time.Second)
	r.waitLog(t, "fire done", 2, 2*time.Second)
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	done := r.logs.FilterMessage("fire done").AllUntimed()
	first := done[0].ContextMap()
	if first[keyOutcome] != outcomePanic || first["stack"] == nil || first["error"] != `job "monthly-refresh": panic: boom` {
		t.Errorf("first fire log = %v, want outcome panic with error and stack", first)
	}
	if second := done[1].ContextMap(); second[keyOutcome] != outcomeOK {
		t.Errorf("second fire log = %v, want outcome ok", second)
	}
	if recs := hist.records(); len(recs) == 0 {
		t.Error("the fire after the panic was not recorded")
	}
}

// TestDaemon_RetriesNotReady: ErrSourceNotReady is retried with doubling backoff until the deadline.
func TestDaemon_RetriesNotReady(t *testing.T) {
	firedAt := date("2026-11-20T06:00:00Z")
	newDaemon := func(t *testing.T, readiness Readiness, jobs Jobs, hist History) (*Daemon, *observer.ObservedLogs) {
		core, logs := observer.New(zap.InfoLevel)
		cfg := testConfig(monthlyJob("0 6 20 * *"))
		cfg.Readiness = readiness
		d := NewDaemon(cfg, jobs, hist, zap.New(core))
		if d.err != nil {
			t.Fatal(d.err)
		}
		return d, logs
	}

	t.Run("ReadyOnThirdAttempt", func(t *testing.T) {
		var times []time.Time
		jobs := newFakeJobs()
		jobs.onMonthly = func(_ context.Context, n int) error {
			times = append(times, time.Now())
			if n < 3 {
				return fmt.Errorf("partners: %w", pipeline.ErrSourceNotReady)
			}
			return nil
		}
		hist := newFakeHistory(nil)
		d, logs := newDaemon(t, Readiness{Deadline: "2s", InitialBackoff: "20ms", MaxBackoff: "30ms"}, jobs, hist)
		if err := d.fire(context.Background(), d.cfg.Jobs[0], firedAt, false); err != nil {
			t.Fatal(err)
		}
		if len(times) != 3 {
			t.Fatalf("%d attempts, want 3", len(times))
		}
		if gap := times[1].Sub(times[0]); gap < 20*time.Millisecond {
			t.Errorf("first wait %s, want >= 20ms", gap)
		}
		if gap := times[2].Sub(times[1]); gap < 30*time.Millisecond {
			t.Errorf("second wait %s, want >= 30ms (doubled, capped)", gap)
		}
		if n := logs.FilterMessage("source not ready; retrying").Len(); n != 2 {
			t.Errorf("%d retry log lines, want 2", n)
		}
		if got := fmt.Sprint(hist.records()); got != "[monthly-refresh@2026-11-20T06:00:00Z]" {
			t.Errorf("records = %s", got)
		}
	})

	t.Run("GivesUpAtDeadline", func(t *testing.T) {
		jobs := newFakeJobs()
		jobs.onMonthly = func(context.Context, int) error { return pipeline.ErrSourceNotReady }
		hist := newFakeHistory(nil)
		d, logs := newDaemon(t, Readiness{Deadline: "100ms", InitialBackoff: "20ms", MaxBackoff: "40ms"}, jobs, hist)
		start := time.Now()
		err := d.fire(context.Background(), d.cfg.Jobs[0], firedAt, false)
		if !errors.Is(err, pipeline.ErrSourceNotReady) {
			t.Fatalf("err = %v, want ErrSourceNotReady", err)
		}
		if el := time.Since(start); el < 100*time.Millisecond {
			t.Errorf("gave up after %s, before the 100ms deadline", el)
		}
		// Attempts at 0, 20, 60 and 100ms (the last one at the deadline) on an idle machine; a busy
		// one may fire the timers late and fit fewer. Either way the error counts them all.
		n := len(jobs.monthlyCalls())
		if want := fmt.Sprintf("still not ready after %d attempts over 100ms", n); n < 2 || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v after %d attempts, want %q (a first attempt and one at the deadline at least)", err, n, want)
		}
		if len(hist.records()) != 0 {
			t.Error("a fire that never became ready was recorded")
		}
		e := logs.FilterMessage("fire done").AllUntimed()
		if len(e) != 1 || e[0].ContextMap()[keyOutcome] != outcomeNotReady {
			t.Errorf("fire logs = %v, want outcome not_ready", e)
		}
	})

	t.Run("ShutdownWhileWaiting", func(t *testing.T) {
		jobs := newFakeJobs()
		jobs.onMonthly = func(context.Context, int) error { return pipeline.ErrSourceNotReady }
		d, logs := newDaemon(t, Readiness{Deadline: "1h", InitialBackoff: "1m", MaxBackoff: "1m"}, jobs, newFakeHistory(nil))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := d.fire(ctx, d.cfg.Jobs[0], firedAt, false)
		// The wait ended by the context, not by its 1m timer: an attempt after the timer would
		// have returned the source's ErrSourceNotReady instead.
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, pipeline.ErrSourceNotReady) ||
			!strings.Contains(err.Error(), "waiting for source data") || len(jobs.monthlyCalls()) != 1 {
			t.Fatalf("err = %v after %d attempts, want the context's error while waiting, after the one attempt",
				err, len(jobs.monthlyCalls()))
		}
		if e := logs.FilterMessage("fire done").AllUntimed(); len(e) != 1 || e[0].ContextMap()[keyOutcome] != outcomeFailed {
			// DeadlineExceeded is not a shutdown (Canceled); only cancellation is "canceled".
			t.Errorf("fire logs = %v", e)
		}
	})
}

func TestDaemon_WiringErrors(t *testing.T) {
	good := testConfig(monthlyJob("0 6 20 * *"))
	tests := []struct {
		name string
		cfg  *Config
		jobs Jobs
		want string
	}{
		{"NoConfig", nil, newFakeJobs(), "schedules: no config"},
		{"NoJobs", good, nil, "schedules: no Jobs implementation"},
		{"BadSpec", testConfig(monthlyJob("0 6 20 *")), newFakeJobs(),
			`schedules: job "monthly-refresh": cron "0 6 20 *": expected exactly 5 fields, found 4: [0 6 20 *]`},
		{"SecondsSpecWithoutWithSeconds", testConfig(monthlyJob(everySecond)), newFakeJobs(),
			`schedules: job "monthly-refresh": cron "*/1 * * * * *": expected exactly 5 fields, found 6: [*/1 * * * * *]`},
		{"KindTargetMismatch", testConfig(JobConfig{Name: "x", Cron: "0 6 20 * *", Kind: KindMonthlyRefresh, Target: TargetLatestPublished}), newFakeJobs(),
			`schedules: job "x": job "monthly_refresh" with target "latest_published" cannot be run`},
		{"BadReadiness", &Config{Jobs: good.Jobs, Readiness: Readiness{Deadline: "x", InitialBackoff: "1m", MaxBackoff: "1m"}}, newFakeJobs(),
			`schedules: readiness.deadline "x": time: invalid duration "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := NewDaemon(tc.cfg, tc.jobs, nil, nil).Run(context.Background())
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
	t.Run("RunTwice", func(t *testing.T) {
		d := NewDaemon(good, newFakeJobs(), nil, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := d.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if err := d.Run(ctx); err == nil || err.Error() != "schedules: daemon already ran" {
			t.Errorf("second Run: %v", err)
		}
	})
}

func TestLastFire(t *testing.T) {
	parse := func(spec string, p cron.Parser) cron.Schedule {
		s, err := p.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	std := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)
	sec := cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)
	now := date("2026-11-21T10:15:30Z")
	tests := []struct {
		name  string
		sched cron.Schedule
		want  string // "" = none
	}{
		{"Monthly", parse("CRON_TZ=UTC 0 6 20 * *", std), "2026-11-20T06:00:00Z"},
		{"Daily", parse("CRON_TZ=UTC 0 7 * * *", std), "2026-11-21T07:00:00Z"},
		{"EverySecondIsNow", parse("CRON_TZ=UTC */1 * * * * *", sec), "2026-11-21T10:15:30Z"},
		{"InZone", parse("CRON_TZ=Asia/Tokyo 0 9 * * *", std), "2026-11-21T00:00:00Z"},
		{"YearlyOutsideWindow", parse("CRON_TZ=UTC 0 0 1 1 *", std), ""},
		{"NeverMatches", parse("CRON_TZ=UTC 0 0 30 2 *", std), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := lastFire(tc.sched, now, catchUpWindow)
			if tc.want == "" {
				if !got.IsZero() {
					t.Errorf("got %s, want none", got.Format(time.RFC3339))
				}
				return
			}
			if !got.Equal(date(tc.want)) || got.Location() != time.UTC {
				t.Errorf("got %s, want %s in UTC", got, tc.want)
			}
		})
	}
}
