package main

// Operating the refresh, end to end on the real binary: refresh status's health and exit statuses
// after each kind of trouble, abandoned runs, the daemon's heartbeat and failure hook (against a
// local HTTP server and as a command), the metrics file (parsed with the Prometheus parser),
// refresh validate's report and exit statuses, optional tables, the drift guard's floor, and the
// README's 12-month backfill with default flags.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/capscore/capscore/monitor"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/schedules"
	"github.com/capscore/capscore/stages"
)

// copyDemo copies the demo fixtures into a fresh folder and lets edit change the copy.
func copyDemo(t *testing.T, edit func(dir string)) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(absPath(t, demoInput))); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(dir)
	}
	return dir
}

// writeTestFile writes text to dir/name and returns the path.
func writeTestFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// statusJSON runs `refresh status --json` with extra arguments and returns the exit status and
// the report.
func statusJSON(t *testing.T, out string, extra ...string) (int, monitor.Report, string) {
	t.Helper()
	code, stdout, stderr := runRefresh(t, append([]string{"status", "--out", out, "--json"}, extra...)...)
	var rep monitor.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("status --json: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	return code, rep, stderr
}

// kinds lists the kinds of a report's findings.
func kinds(rep monitor.Report) []string {
	var ks []string
	for _, f := range rep.Attention {
		ks = append(ks, string(f.Kind))
	}
	return ks
}

// waitFor polls cond every 100ms until it holds or the generous deadline passes.
func waitFor(t *testing.T, what string, deadline time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("%s: not seen within %s", what, deadline)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestStatusExitStatuses: refresh status exits 0 when all is well and 10..14 by the kind of
// trouble; runs and status on a missing OUT are errors; refresh status changes nothing.
func TestStatusExitStatuses(t *testing.T) {
	input := absPath(t, demoInput)

	t.Run("MissingOut", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "no-such-folder")
		for _, cmd := range []string{"status", "runs"} {
			code, _, stderr := runRefresh(t, cmd, "--out", missing)
			if code != exitFailure || !strings.Contains(stderr, "no-such-folder") || !strings.Contains(stderr, "check --out") {
				t.Errorf("%s on a missing OUT: exit %d, stderr:\n%s", cmd, code, stderr)
			}
			if _, err := os.Stat(missing); !os.IsNotExist(err) {
				t.Errorf("%s created the missing OUT", cmd)
			}
		}
	})

	t.Run("Healthy", func(t *testing.T) {
		out := t.TempDir()
		if code, stdout, _ := runRefresh(t, "status", "--out", out); code != 0 || !strings.Contains(stdout, "no published months") {
			t.Errorf("status of an empty OUT: exit %d\n%s", code, stdout)
		}
		mustPublish(t, "2026-10", input, out)
		code, stdout, stderr := runRefresh(t, "status", "--out", out)
		if code != 0 || !strings.Contains(stdout, "attention: nothing") || !strings.Contains(stdout, "run in progress: none") {
			t.Errorf("status after a run: exit %d\n%s%s", code, stdout, stderr)
		}
	})

	t.Run("FailedRunUntilLaterSuccess", func(t *testing.T) {
		out := t.TempDir()
		mustPublish(t, "2026-10", input, out)
		noPartners := copyDemo(t, func(dir string) { os.RemoveAll(filepath.Join(dir, "partners")) })
		if code, _, stderr := runRefresh(t, runArgs("2026-09", noPartners, out)...); code != exitBadInput {
			t.Fatalf("run without partners: exit %d, want %d\n%s", code, exitBadInput, stderr)
		}
		code, rep, stderr := statusJSON(t, out)
		if code != exitAttentionFailed || len(rep.Attention) != 1 || rep.Attention[0].Kind != monitor.KindFailed ||
			rep.Attention[0].Month != "2026-09" || !strings.Contains(rep.Attention[0].Message, "partners") {
			t.Fatalf("status after a failed run: exit %d, attention %+v\n%s", code, rep.Attention, stderr)
		}
		if !strings.Contains(stderr, `"exit_code": 10`) {
			t.Errorf("the error record does not carry exit 10:\n%s", stderr)
		}
		// A quarantined ledger line as well: the smaller status, 10, wins.
		f, err := os.OpenFile(filepath.Join(out, "_runs", "ledger.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("not a record\n")
		f.Close()
		if code, rep, _ := statusJSON(t, out); code != exitAttentionFailed || strings.Join(kinds(rep), ",") != "failed_run,quarantined_bookkeeping" {
			t.Errorf("failed run and quarantine: exit %d, kinds %v", code, kinds(rep))
		}
		// The failure counts until a later run of 2026-09 publishes it; the quarantine stays.
		mustPublish(t, "2026-09", input, out)
		if code, rep, _ := statusJSON(t, out); code != exitAttentionQuarantine || strings.Join(kinds(rep), ",") != "quarantined_bookkeeping" {
			t.Errorf("after a later success: exit %d, kinds %v", code, kinds(rep))
		}
	})

	t.Run("OverdueByConfigSchedule", func(t *testing.T) {
		// A monthly job firing every minute targets the month before now; its readiness deadline
		// (1s) has passed for the previous fire, and the empty OUT holds no month.
		out := t.TempDir()
		cfg := writeTestFile(t, t.TempDir(), "refresh.yaml", "readiness:\n  deadline: 1s\n  initial_backoff: 1s\n  max_backoff: 1s\n"+
			"jobs:\n  - name: every-minute\n    cron: \"* * * * *\"\n    job: monthly_refresh\n    target: previous_month\n")
		code, rep, stderr := statusJSON(t, out, "--config", cfg)
		if code != exitAttentionOverdue || len(rep.Attention) != 1 || rep.Attention[0].Kind != monitor.KindOverdue ||
			rep.Attention[0].Month != pipeline.PreviousMonth(time.Now()).String() || rep.OverdueFrom != "config file" {
			t.Errorf("overdue: exit %d, report %+v\n%s", code, rep, stderr)
		}
		// Without jobs in a config file or a heartbeat, no schedule is known: nothing is overdue.
		if code, rep, _ := statusJSON(t, out); code != 0 || rep.OverdueFrom != "" {
			t.Errorf("no schedule: exit %d, overdue checked against %q", code, rep.OverdueFrom)
		}
	})

	t.Run("StaleHeartbeat", func(t *testing.T) {
		out := t.TempDir()
		mustPublish(t, "2026-10", input, out)
		old := time.Now().Add(-time.Hour).UTC()
		b, _ := json.Marshal(schedules.Heartbeat{PID: 1, Host: "elsewhere", Started: old, Beat: old})
		writeTestFile(t, out, "_runs/heartbeat.json", string(b))
		code, stdout, _ := runRefresh(t, "status", "--out", out)
		if code != exitAttentionDaemon || !strings.Contains(stdout, "daemon: NOT beating") || !strings.Contains(stdout, "[daemon_not_beating, exit 12]") {
			t.Errorf("stale heartbeat: exit %d\n%s", code, stdout)
		}
		// A heartbeat elsewhere (heartbeat_file) is read from there; a clean stop needs no attention.
		other := filepath.Join(t.TempDir(), "beat.json")
		b, _ = json.Marshal(schedules.Heartbeat{PID: 1, Host: "elsewhere", Started: old, Beat: old, Stopped: old})
		writeTestFile(t, filepath.Dir(other), "beat.json", string(b))
		if code, stdout, _ := runRefresh(t, "status", "--out", out, "--heartbeat-file", other); code != 0 || !strings.Contains(stdout, "daemon: stopped at") {
			t.Errorf("stopped daemon: exit %d\n%s", code, stdout)
		}
	})

	t.Run("RunInProgressThenKilledThenAbandoned", func(t *testing.T) {
		out := t.TempDir()
		mustPublish(t, "2026-09", input, out)
		p := startRefreshEnv(t, []string{"CAPSCORE_TEST_PAUSE_AT=journal"}, "paused for a kill test", runArgs("2026-10", input, out)...)
		select {
		case <-p.stderr.seen:
		case <-p.done:
			t.Fatalf("the run ended before its pause:\n%s", p.stderr)
		case <-time.After(120 * time.Second):
			t.Fatalf("the run did not pause in 120s:\n%s", p.stderr)
		}
		code, rep, stderr := statusJSON(t, out)
		if code != 0 || rep.Lock.Holder == nil || !rep.Lock.Alive || rep.Lock.Holder.PID != p.cmd.Process.Pid ||
			len(rep.Running) != 1 || rep.Running[0].Month != "2026-10" {
			t.Errorf("status during a run: exit %d, lock %+v, running %+v\n%s", code, rep.Lock, rep.Running, stderr)
		}
		if _, stdout, _ := runRefresh(t, "status", "--out", out); !strings.Contains(stdout, "being published by run") ||
			!strings.Contains(stdout, "run in progress: pid") {
			t.Errorf("status text during a run:\n%s", stdout)
		}
		killed := rep.Running[0].RunID
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		if _, sig := p.wait(t); sig != syscall.SIGKILL {
			t.Fatalf("not killed: %v", sig)
		}
		before := treeListing(t, out)
		code, rep, _ = statusJSON(t, out)
		if code != exitAttentionInterrupted || rep.Lock.Alive || strings.Join(kinds(rep), ",") != "interrupted_run,interrupted_run" ||
			!strings.Contains(rep.Attention[0].Message, "died holding") || !strings.Contains(rep.Attention[1].Message, "half-published by run "+killed) {
			t.Errorf("status after SIGKILL: exit %d, attention %+v", code, rep.Attention)
		}
		if after := treeListing(t, out); len(after) != len(before) {
			t.Errorf("refresh status changed OUT")
		}
		// The next run takes the lock over, marks the killed run abandoned and rolls its month forward.
		code, _, stderr = runRefresh(t, runArgs("2026-09", input, out)...)
		if code != 0 || !strings.Contains(stderr, "runs marked abandoned") {
			t.Fatalf("the next run: exit %d\n%s", code, stderr)
		}
		var abandoned *pipeline.Record
		for _, r := range ledgerRecords(t, out) {
			if r.RunID == killed && r.Status == pipeline.StatusAbandoned {
				abandoned = &r
			}
		}
		if abandoned == nil || !strings.Contains(abandoned.Reason, "the process died") || abandoned.Finished.IsZero() {
			t.Fatalf("no abandoned record of run %s: %+v", killed, ledgerRecords(t, out))
		}
		// Its publication was rolled forward: the ledger then records it published, which refresh
		// runs shows (the latest record of each run), with how.
		recs := ledgerRecords(t, out)
		i := slices.IndexFunc(recs, func(r pipeline.Record) bool { return r.RunID == killed && r.Status == pipeline.StatusAbandoned })
		if i+1 >= len(recs) || recs[i+1].RunID != killed || recs[i+1].Status != pipeline.StatusPublished ||
			!strings.Contains(recs[i+1].Reason, "rolled the publication forward") {
			t.Errorf("after the abandoned record, want the roll-forward's published record of %s; ledger %+v", killed, recs)
		}
		if _, stdout, _ := runRefresh(t, "runs", "--out", out, "--month", "2026-10"); !strings.Contains(stdout, killed) ||
			!strings.Contains(stdout, "published") || !strings.Contains(stdout, "rolled the publication forward") {
			t.Errorf("refresh runs does not show the rolled-forward run:\n%s", stdout)
		}
		// 2026-10 is now wholly the killed run's (its manifest names it): that run did publish.
		if code, rep, _ := statusJSON(t, out); code != 0 || len(rep.Attention) != 0 {
			t.Errorf("after roll-forward: exit %d, attention %+v", code, rep.Attention)
		}
	})
}

// hookConfig writes a config file for a daemon whose one job fires every minute (and is caught up
// at start) on an input without partners, so that every fire fails at once.
func hookConfig(t *testing.T, out, hook string) string {
	t.Helper()
	input := copyDemo(t, func(dir string) { os.RemoveAll(filepath.Join(dir, "partners")) })
	return writeTestFile(t, t.TempDir(), "refresh.yaml", "input: "+input+"\nout: "+out+"\nfailure_hook: "+hook+"\n"+
		"readiness:\n  deadline: 1s\n  initial_backoff: 1s\n  max_backoff: 1s\n"+
		"jobs:\n  - name: every-minute\n    cron: \"* * * * *\"\n    job: monthly_refresh\n    target: previous_month\n")
}

// TestDaemonHeartbeatAndHTTPFailureHook: the daemon beats in OUT/_runs/heartbeat.json (pid, jobs,
// schedule), POSTs a JSON body to the failure hook on a failed scheduled job, writes the metrics
// file after the job, and marks its clean stop; refresh status reads all of it.
func TestDaemonHeartbeatAndHTTPFailureHook(t *testing.T) {
	posts := make(chan schedules.Failure, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var f schedules.Failure
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &f) != nil {
			http.Error(w, "want a JSON POST", http.StatusBadRequest)
			return
		}
		select {
		case posts <- f:
		default:
		}
	}))
	defer srv.Close()
	out := t.TempDir()
	cfg := hookConfig(t, out, srv.URL+"/hooks/capscore")
	p := startRefresh(t, "", "schedule", "--config", cfg)

	var f schedules.Failure
	select {
	case f = <-posts:
	case <-p.done:
		t.Fatalf("the daemon ended:\n%s", p.stderr)
	case <-time.After(180 * time.Second):
		t.Fatalf("no failure hook POST in 180s:\n%s", p.stderr)
	}
	target := pipeline.PreviousMonth(f.FiredAt).String()
	if f.Event != "job_failed" || f.Job != "every-minute" || f.Kind != schedules.KindMonthlyRefresh || f.Outcome != "failed" ||
		f.Target != target || !strings.Contains(f.Error, "partners") || f.PID != p.cmd.Process.Pid {
		t.Errorf("hook body %+v", f)
	}

	beat := filepath.Join(out, "_runs", "heartbeat.json")
	var hb schedules.Heartbeat
	waitFor(t, "heartbeat", 180*time.Second, func() bool {
		h, ok, err := schedules.ReadHeartbeat(beat)
		hb = h
		return err == nil && ok
	})
	if hb.PID != p.cmd.Process.Pid || hb.Schedule == nil || len(hb.Schedule.Jobs) != 1 || hb.Schedule.Jobs[0].Name != "every-minute" || !hb.Stopped.IsZero() {
		t.Errorf("heartbeat %+v", hb)
	}
	// The metrics file is written after the failed job: its last run did not succeed.
	metrics := filepath.Join(out, "_runs", "metrics.prom")
	waitFor(t, "metrics file", 180*time.Second, func() bool { _, err := os.Stat(metrics); return err == nil })
	if v := gaugeValue(t, parseMetrics(t, metrics), monitor.MetricLastRunSuccess, nil); v != 0 {
		t.Errorf("%s = %v after a failed job, want 0", monitor.MetricLastRunSuccess, v)
	}

	// The failed month needs attention (10); it is also overdue by the daemon's schedule (11).
	code, rep, _ := statusJSON(t, out)
	if code != exitAttentionFailed || rep.Daemon == nil || rep.Daemon.Stale || rep.OverdueFrom != "heartbeat" ||
		len(rep.Attention) == 0 || rep.Attention[0].Month != target {
		t.Errorf("status with a live daemon: exit %d, report %+v", code, rep)
	}
	if _, stdout, _ := runRefresh(t, "status", "--out", out); !strings.Contains(stdout, "daemon: beating, pid") {
		t.Errorf("status text:\n%s", stdout)
	}

	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if code, sig := p.wait(t); code != 0 || sig != 0 {
		t.Fatalf("daemon after SIGTERM: exit %d, signal %v\n%s", code, sig, p.stderr)
	}
	hb, _, _ = schedules.ReadHeartbeat(beat)
	if hb.Stopped.IsZero() {
		t.Errorf("the heartbeat does not record the stop: %+v", hb)
	}
	if _, stdout, _ := runRefresh(t, "status", "--out", out); !strings.Contains(stdout, "daemon: stopped at") {
		t.Errorf("status after the stop:\n%s", stdout)
	}
}

// TestDaemonCommandFailureHook: a failure hook that is not a URL runs as a shell command with the
// failure as JSON on stdin.
func TestDaemonCommandFailureHook(t *testing.T) {
	out := t.TempDir()
	got := filepath.Join(t.TempDir(), "hook.json")
	p := startRefresh(t, "", "schedule", "--config", hookConfig(t, out, "'cat > "+got+".tmp && mv "+got+".tmp "+got+"'"))
	var f schedules.Failure
	waitFor(t, "hook command output", 180*time.Second, func() bool {
		b, err := os.ReadFile(got)
		return err == nil && json.Unmarshal(b, &f) == nil
	})
	if f.Event != "job_failed" || f.Job != "every-minute" || !strings.Contains(f.Error, "partners") {
		t.Errorf("hook command got %+v", f)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if code, _ := p.wait(t); code != 0 {
		t.Errorf("daemon exit %d", code)
	}
}

// parseMetrics parses a metrics file with the Prometheus text parser.
func parseMetrics(t *testing.T, path string) map[string]*dto.MetricFamily {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("metrics file %s does not parse: %v", path, err)
	}
	return fams
}

// gaugeValue is the value of the gauge name whose labels include labels; NaN when there is none.
func gaugeValue(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	fam, ok := fams[name]
	if !ok {
		t.Errorf("metric %s missing", name)
		return -1
	}
	for _, m := range fam.GetMetric() {
		match := true
		for k, v := range labels {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == k && lp.GetValue() == v {
					found = true
				}
			}
			match = match && found
		}
		if match {
			return m.GetGauge().GetValue()
		}
	}
	t.Errorf("metric %s has no series %v", name, labels)
	return -1
}

// TestMetricsFile: a run writes the configured metrics file; parsed with the Prometheus parser it
// holds the demo month's hand-checked figures.
func TestMetricsFile(t *testing.T) {
	out, dir := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "capscore.prom")
	before := time.Now()
	mustPublish(t, "2026-10", absPath(t, demoInput), out, "--metrics-file", path)
	after := time.Now()
	fams := parseMetrics(t, path)
	// Qualified partner-areas of the demo (fixtures/demo/README.md): P01 Data & AI (88), P02
	// Infrastructure (80), P06 Modern Work (73), P13 Digital & App Innovation (72); none in
	// Business Applications or Security.
	for area, want := range map[string]float64{"data_ai": 1, "infrastructure": 1, "modern_work": 1, "digital_app_innovation": 1,
		"business_applications": 0, "security": 0} {
		if got := gaugeValue(t, fams, monitor.MetricQualified, map[string]string{"solution_area": area}); got != want {
			t.Errorf("qualified %s = %v, want %v", area, got, want)
		}
	}
	// azure_consumption: 51 hand-checked rows + 24 of the history tenant T00Z = 75 read, of which 2
	// are out of the window (T13A 2024-10 and 2026-11), none rejected.
	for outcome, want := range map[string]float64{"read": 75, "accepted": 73, "rejected": 0, "out_of_window": 2} {
		if got := gaugeValue(t, fams, monitor.MetricInputRows, map[string]string{"table": "azure_consumption", "outcome": outcome}); got != want {
			t.Errorf("azure_consumption %s = %v, want %v", outcome, got, want)
		}
	}
	// 14 partners x 6 areas.
	if got := gaugeValue(t, fams, monitor.MetricOutputRows, map[string]string{"table": "area_scores"}); got != 84 {
		t.Errorf("area_scores rows = %v, want 84", got)
	}
	for _, st := range stages.All() {
		if got := gaugeValue(t, fams, monitor.MetricStageDuration, map[string]string{"stage": st.Name()}); got < 0 {
			t.Errorf("stage %s duration %v", st.Name(), got)
		}
	}
	if got := gaugeValue(t, fams, monitor.MetricLastRunSuccess, nil); got != 1 {
		t.Errorf("last run success = %v", got)
	}
	if got := gaugeValue(t, fams, monitor.MetricLastSuccess, nil); got < float64(before.Unix()-1) || got > float64(after.Unix()+1) {
		t.Errorf("last success %v not within the run (%d..%d)", got, before.Unix(), after.Unix())
	}
	if got := gaugeValue(t, fams, monitor.MetricSnapshotInfo, map[string]string{"snapshot_month": "2026-10"}); got != 1 {
		t.Errorf("snapshot info = %v", got)
	}
	if _, err := os.Stat(filepath.Join(out, "_runs", "metrics.prom")); !os.IsNotExist(err) {
		t.Errorf("with --metrics-file the default file was written too: %v", err)
	}
}
