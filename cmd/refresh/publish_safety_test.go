package main

// End-to-end tests of README "Publication safety": they build the refresh binary once, run it as a
// separate process on the demo fixtures and kill, signal or race it, then read what OUT holds with
// DuckDB and arrow-go (pipeline.VerifyParquet). `go test -short` skips them.

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/capscore/capscore/outputs"
	"github.com/capscore/capscore/pipeline"
)

// demoInput is the demo dataset; go test runs in cmd/refresh.
const demoInput = "../../fixtures/demo"

var (
	e2eDir    string // removed after all tests
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain owns the folder the refresh binary is built into, so it is removed after the run. The
// binary itself is built on first use (refreshBinary), so `go test -run TestRunsCommand` or -short
// does not pay for linking DuckDB again.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "refresh-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	e2eDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// refreshBinary builds ./ (cmd/refresh) once with `go build` and returns the binary's path.
func refreshBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the refresh binary")
	}
	buildOnce.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("go tool not found: %w", err)
			return
		}
		binPath = filepath.Join(e2eDir, "refresh")
		start := time.Now()
		out, err := exec.Command(goBin, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build -o %s .: %v\n%s", binPath, err, out)
			return
		}
		fmt.Fprintf(os.Stderr, "publish_safety_test: built %s in %s\n", binPath, time.Since(start).Round(time.Millisecond))
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// absPath makes p absolute so runs do not depend on the test's working directory.
func absPath(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// watchBuffer collects a process's output and closes seen once the output contains want.
type watchBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	want  string
	seen  chan struct{}
	fired bool
}

func newWatchBuffer(want string) *watchBuffer {
	return &watchBuffer{want: want, seen: make(chan struct{})}
}

func (w *watchBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	if w.want != "" && !w.fired && strings.Contains(w.b.String(), w.want) {
		w.fired = true
		close(w.seen)
	}
	return n, err
}

func (w *watchBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// proc is one refresh process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *watchBuffer
	started        time.Time
	done           chan struct{}
}

// startRefresh starts the binary with args; stderrWatch, if not "", is a string whose appearance on
// stderr closes p.stderr.seen. The process is killed at the end of the test if still running.
func startRefresh(t *testing.T, stderrWatch string, args ...string) *proc {
	t.Helper()
	return startRefreshEnv(t, nil, stderrWatch, args...)
}

// startRefreshEnv is startRefresh with extra environment variables (KEY=VALUE).
func startRefreshEnv(t *testing.T, env []string, stderrWatch string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(refreshBinary(t), args...)
	for _, kv := range os.Environ() { // flags only: no REFRESH_* or CAPSCORE_* from the caller's environment
		if !strings.HasPrefix(kv, "REFRESH_") && !strings.HasPrefix(kv, "CAPSCORE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	p := &proc{cmd: cmd, stdout: newWatchBuffer(""), stderr: newWatchBuffer(stderrWatch), done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", args, err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// runArgs are the arguments of `refresh run` for month on input into out, plus extra flags.
func runArgs(month, input, out string, extra ...string) []string {
	return append([]string{"run", "--month", month, "--input", input, "--out", out}, extra...)
}

// procHangLimit is how long wait lets a process run before it calls it hung: a guard against a
// hang, not a speed check, so it is far above any run's time on a loaded 2-core machine (the demo's
// 12-month backfill took over 90 s beside other test binaries).
const procHangLimit = 8 * time.Minute

// wait waits for the process (at most procHangLimit) and returns its exit status; a process ended
// by a signal gives -1 and the signal.
func (p *proc) wait(t *testing.T) (int, syscall.Signal) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(procHangLimit):
		_ = p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("refresh %v did not finish in %v; stderr:\n%s", p.cmd.Args[1:], procHangLimit, p.stderr)
	}
	ws := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return -1, ws.Signal()
	}
	return ws.ExitStatus(), 0
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// runRefresh runs the binary to the end and returns its exit status, stdout and stderr.
func runRefresh(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	p := startRefresh(t, "", args...)
	code, sig := p.wait(t)
	if sig != 0 {
		t.Fatalf("refresh %v ended by %v; stderr:\n%s", args, sig, p.stderr)
	}
	return code, p.stdout.String(), p.stderr.String()
}

// mustPublish runs `refresh run` and fails the test unless it exits 0. It returns the run id.
func mustPublish(t *testing.T, month, input, out string, extra ...string) string {
	t.Helper()
	code, stdout, stderr := runRefresh(t, runArgs(month, input, out, extra...)...)
	if code != 0 {
		t.Fatalf("refresh run --month %s %v: exit %d; stderr:\n%s", month, extra, code, stderr)
	}
	return runIDFromStdout(t, stdout)
}

var publishedLine = regexp.MustCompile(`published .* \(run ([^)]+)\)`)

func runIDFromStdout(t *testing.T, stdout string) string {
	t.Helper()
	m := publishedLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no `published ... (run ID)` line in stdout %q", stdout)
	}
	return m[1]
}

// hashMonth returns table -> sha256 of the month's file in each table tree, plus "manifest" -> sha256
// of its manifest (missing entries are left out).
func hashMonth(t *testing.T, out, month string) map[string]string {
	t.Helper()
	l := pipeline.NewLayout(out)
	m, err := pipeline.ParseMonth(month)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{}
	add := func(key, path string) {
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		h[key] = hex.EncodeToString(sum[:])
	}
	for _, table := range expectedTables {
		add(table, l.TableFile(table, m))
	}
	add("manifest", l.ManifestPath(m))
	return h
}

// leftovers lists what a run may leave behind in out: entries of OUT/_staging, old-layout .staging-*
// and .old-* folders, and anything in a table tree other than snapshot_month=*/part-0.parquet.
func leftovers(t *testing.T, out string) []string {
	t.Helper()
	l := pipeline.NewLayout(out)
	var found []string
	staged, err := os.ReadDir(l.StagingRoot())
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range staged {
		found = append(found, "_staging/"+e.Name())
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".staging-") || strings.HasPrefix(e.Name(), ".old-") {
			found = append(found, e.Name())
		}
	}
	found = append(found, strayInTableTrees(t, out)...)
	return found
}

// strayInTableTrees lists every entry of a table tree that is not a snapshot_month=YYYY-MM folder
// holding exactly part-0.parquet.
func strayInTableTrees(t *testing.T, out string) []string {
	t.Helper()
	l := pipeline.NewLayout(out)
	tables, err := l.Tables()
	if err != nil {
		t.Fatal(err)
	}
	var stray []string
	for _, table := range tables {
		months, err := os.ReadDir(l.TableDir(table))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range months {
			if !m.IsDir() || !strings.HasPrefix(m.Name(), pipeline.SnapshotPrefix) {
				stray = append(stray, table+"/"+m.Name())
				continue
			}
			files, err := os.ReadDir(filepath.Join(l.TableDir(table), m.Name()))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if f.Name() != pipeline.PartFile {
					stray = append(stray, table+"/"+m.Name()+"/"+f.Name())
				}
			}
		}
	}
	return stray
}

// openDuck opens an in-memory DuckDB for reading the outputs back.
func openDuck(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// countRows is count(*) of one Parquet file read with DuckDB.
func countRows(t *testing.T, db *sql.DB, path string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM read_parquet(?)", path).Scan(&n); err != nil {
		t.Fatalf("read_parquet(%s): %v", path, err)
	}
	return n
}

// expectedTables are the tables of every month.
var expectedTables = []string{pipeline.TableAreaScores, pipeline.TableMetricScores, pipeline.TableRecommendations, pipeline.TableRejects,
	"customer_eligibility", "skilling_eligibility"}

// checkSnapshot asserts that month is published whole in out: a manifest listing exactly the six
// tables (and score_changes when the month before is published); each table's partition folder holds exactly part-0.parquet, whose rows read back with
// DuckDB and with arrow-go equal the manifest's, in zstd, and whose size equals the manifest's bytes;
// every input table's rows add up. It returns the manifest.
func checkSnapshot(t *testing.T, db *sql.DB, out, month string) pipeline.Manifest {
	t.Helper()
	l := pipeline.NewLayout(out)
	mo, err := pipeline.ParseMonth(month)
	if err != nil {
		t.Fatal(err)
	}
	m, err := l.ReadManifest(mo)
	if err != nil {
		t.Fatalf("month %s: %v", month, err)
	}
	if m.SnapshotMonth != month {
		t.Errorf("manifest of %s says snapshot_month %s", month, m.SnapshotMonth)
	}
	var names []string
	for _, o := range m.Outputs {
		names = append(names, o.Name)
		p := l.TableFile(o.Name, mo)
		if want := l.RelTableFile(o.Name, mo); o.Path != want {
			t.Errorf("manifest of %s: %s path %q, want %q", month, o.Name, o.Path, want)
		}
		if entries, err := os.ReadDir(filepath.Dir(p)); err != nil || len(entries) != 1 {
			t.Errorf("%s: want exactly %s (%v)", filepath.Dir(p), pipeline.PartFile, err)
		}
		if n := countRows(t, db, p); n != o.Rows {
			t.Errorf("%s: manifest says %d rows, DuckDB count(*) = %d", p, o.Rows, n)
		}
		if err := pipeline.VerifyParquet(p, pipeline.FileCheck{Rows: o.Rows}); err != nil {
			t.Errorf("VerifyParquet: %v", err)
		}
		if st, err := os.Stat(p); err != nil {
			t.Error(err)
		} else if st.Size() != o.Bytes {
			t.Errorf("%s: manifest says %d bytes, file has %d", p, o.Bytes, st.Size())
		}
	}
	// score_changes comes with a month whose previous month was published when it ran.
	if i := slices.Index(names, outputs.ScoreChanges); i >= 0 {
		if ok, _ := l.IsPublished(mo.Add(-1)); !ok {
			t.Errorf("manifest of %s lists %s, but %s is not published", month, outputs.ScoreChanges, mo.Add(-1))
		}
		names = slices.Delete(names, i, i+1)
	}
	sort.Strings(names)
	if wantOut := slices.Sorted(slices.Values(expectedTables)); !slices.Equal(names, wantOut) {
		t.Errorf("manifest of %s lists outputs %v, want %v", month, names, wantOut)
	}
	if len(m.Inputs) != 8 {
		t.Errorf("manifest of %s lists %d input tables, want 8", month, len(m.Inputs))
	}
	for _, in := range m.Inputs {
		if in.Read != in.Accepted+in.Rejected+in.OutOfWindow {
			t.Errorf("manifest of %s: %s rows_read %d != accepted %d + rejected %d + out of window %d",
				month, in.Table, in.Read, in.Accepted, in.Rejected, in.OutOfWindow)
		}
		var files int64
		for _, f := range in.Files {
			files += f.Rows
		}
		if files != in.Read {
			t.Errorf("manifest of %s: %s rows_read %d != sum of its files' rows %d", month, in.Table, in.Read, files)
		}
	}
	return m
}

// checkAnalystGlob reads each table tree the ways the README tells analysts to (a hive glob and a
// directory read) and asserts area_scores has its 84 demo rows (14 partners x 6 areas) in each of
// the published months and nothing else, and that every table reads without error.
func checkAnalystGlob(t *testing.T, db *sql.DB, out string, months int) {
	t.Helper()
	glob := filepath.Join(out, pipeline.TableAreaScores, "**", "*.parquet")
	var rows, distinct int64
	err := db.QueryRow("SELECT count(*), count(DISTINCT snapshot_month) FROM read_parquet(?, hive_partitioning = true)", glob).
		Scan(&rows, &distinct)
	if err != nil {
		t.Fatalf("read_parquet(%s): %v", glob, err)
	}
	if rows != int64(84*months) || distinct != int64(months) {
		t.Errorf("read_parquet(%s): %d rows in %d months, want %d in %d", glob, rows, distinct, 84*months, months)
	}
	for _, table := range expectedTables {
		dir := pipeline.NewLayout(out).TableDir(table)
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("table tree %s: %v", dir, err)
			continue
		}
		var n int64
		if err := db.QueryRow("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)", dir).Scan(&n); err != nil {
			t.Errorf("read_parquet(%s): %v", dir, err)
		}
		if table == pipeline.TableAreaScores && n != rows {
			t.Errorf("read_parquet(%s) = %d rows, the glob %d", dir, n, rows)
		}
	}
}

// ledgerRecords reads OUT/_runs/ledger.jsonl.
func ledgerRecords(t *testing.T, out string) []pipeline.Record {
	t.Helper()
	recs, err := pipeline.OpenLedger(out).Records()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestPublishSafetyKill SIGKILLs a re-run of a published month at several points and checks that
// the published folder is never damaged, that analysts can always read OUT, and that the next run
// cleans up.
func TestPublishSafetyKill(t *testing.T) {
	input, out := absPath(t, demoInput), t.TempDir()
	db := openDuck(t)
	const month = "2026-10"
	firstRun := mustPublish(t, month, input, out)
	want := hashMonth(t, out, month)
	wantRun := firstRun
	checkSnapshot(t, db, out, month)

	// Fixed delays over the ~1.5s run, then kills on log lines so that some land in the checks and
	// in export whatever the machine's speed.
	type kill struct {
		delay   time.Duration
		trigger string
	}
	var kills []kill
	for _, ms := range []int{100, 300, 600, 900, 1200, 1500} {
		kills = append(kills, kill{delay: time.Duration(ms) * time.Millisecond})
	}
	kills = append(kills, kill{trigger: `"stage": "recommend"`}, kill{trigger: "file written"})
	killedMidRun := 0
	for _, k := range kills {
		p := startRefresh(t, k.trigger, runArgs("2026-10", input, out)...)
		if k.trigger != "" {
			select {
			case <-p.done:
			case <-p.stderr.seen:
			case <-time.After(60 * time.Second):
			}
		} else {
			select {
			case <-p.done:
			case <-time.After(k.delay):
			}
		}
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		delay := fmt.Sprintf("%v (%s)", time.Since(p.started).Round(time.Millisecond), cmp.Or(k.trigger, k.delay.String()))
		code, sig := p.wait(t)
		got := hashMonth(t, out, month)
		outcome := fmt.Sprintf("exit %d", code)
		if sig != 0 {
			outcome = "killed"
			killedMidRun++
		}
		if maps.Equal(got, want) {
			t.Logf("SIGKILL after %v: %s, published month unchanged (run %s), leftovers %v", delay, outcome, wantRun, leftovers(t, out))
		} else {
			// Only allowed if this run got as far as publishing: then each table is whole, and once the
			// next run rolled a half-published month forward, the month is the new run's.
			m := checkSnapshot(t, db, out, month)
			if m.RunID == wantRun {
				t.Fatalf("SIGKILL after %v (%s): files of run %s changed but its manifest did not: %v -> %v", delay, outcome, wantRun, want, got)
			}
			t.Logf("SIGKILL after %v: %s, run %s had published a complete new month", delay, outcome, m.RunID)
			want, wantRun = got, m.RunID
		}
		if code != 0 && sig == 0 {
			t.Errorf("SIGKILL after %v: exit %d, stderr:\n%s", delay, code, p.stderr)
		}
		checkAnalystGlob(t, db, out, 1)
	}
	if killedMidRun == 0 {
		t.Errorf("every run finished before its SIGKILL: the test killed nothing mid-run")
	}

	before := leftovers(t, out)
	code, _, stderr := runRefresh(t, runArgs("2026-10", input, out)...)
	if code != 0 {
		t.Fatalf("run after the kills: exit %d; stderr:\n%s", code, stderr)
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("after a normal run OUT still holds %v", l)
	}
	if len(before) > 0 && !strings.Contains(stderr, "removed leftovers of an earlier run") {
		t.Errorf("the run after the kills found %v but did not log removing them; stderr:\n%s", before, stderr)
	}
	checkSnapshot(t, db, out, month)
	checkAnalystGlob(t, db, out, 1)
	if tmp, _ := os.ReadDir(filepath.Join(out, "_tmp")); len(tmp) > 0 {
		var names []string
		for _, e := range tmp {
			names = append(names, e.Name())
		}
		t.Logf("note: OUT/_tmp keeps %d spill folder(s) of killed runs: %v", len(names), names)
	}
}

// TestPublishSafetyConcurrent starts two runs on one OUT at once: one publishes, the other exits 4
// naming the holder; with --wait both publish, one after the other.
func TestPublishSafetyConcurrent(t *testing.T) {
	input, out := absPath(t, demoInput), t.TempDir()
	db := openDuck(t)
	holderPID := regexp.MustCompile(`another run \(pid (\d+), run id (\S+), started `)

	t.Run("NoWait", func(t *testing.T) {
		for attempt := 1; ; attempt++ {
			nrec := len(ledgerRecords(t, out))
			a := startRefresh(t, "", runArgs("2026-10", input, out)...)
			b := startRefresh(t, "", runArgs("2026-10", input, out)...)
			ca, sa := a.wait(t)
			cb, sb := b.wait(t)
			if sa != 0 || sb != 0 {
				t.Fatalf("a run died by a signal: %v %v", sa, sb)
			}
			if ca == 0 && cb == 0 && attempt < 3 {
				t.Logf("attempt %d: both runs published (one started after the other ended); again", attempt)
				continue
			}
			winner, loser, lcode := a, b, cb
			if ca != 0 {
				winner, loser, lcode = b, a, ca
			}
			if wc, _ := winner.wait(t); wc != 0 {
				t.Fatalf("exit statuses %d and %d, want 0 and 4; stderr:\n%s\n---\n%s", ca, cb, a.stderr, b.stderr)
			}
			if lcode != exitLocked {
				t.Fatalf("the second run exited %d, want %d; stderr:\n%s", lcode, exitLocked, loser.stderr)
			}
			m := holderPID.FindStringSubmatch(loser.stderr.String())
			if m == nil {
				t.Fatalf("stderr of the locked-out run lacks `another run (pid N, run id R, started ...)`:\n%s", loser.stderr)
			}
			if pid, _ := strconv.Atoi(m[1]); pid != winner.cmd.Process.Pid {
				t.Errorf("locked-out run names pid %d, the holder was %d", pid, winner.cmd.Process.Pid)
			}
			winnerRun := runIDFromStdout(t, winner.stdout.String())
			if m[2] != winnerRun {
				t.Errorf("locked-out run names run id %s, the holder was %s", m[2], winnerRun)
			}
			if !strings.Contains(loser.stderr.String(), "--wait") {
				t.Errorf("locked-out run does not suggest --wait:\n%s", loser.stderr)
			}
			if s := loser.stdout.String(); s != "" {
				t.Errorf("locked-out run printed %q", s)
			}
			// The locked-out run wrote nothing to the ledger: just the winner's two records.
			recs := ledgerRecords(t, out)[nrec:]
			if len(recs) != 2 || recs[0].RunID != winnerRun || recs[1].RunID != winnerRun || recs[1].Status != pipeline.StatusPublished {
				t.Errorf("ledger records of this attempt: %+v, want the winner's running and published", recs)
			}
			break
		}
		if m := checkSnapshot(t, db, out, "2026-10"); m.RunID == "" {
			t.Error("manifest without run id")
		}
	})

	t.Run("Wait", func(t *testing.T) {
		nrec := len(ledgerRecords(t, out))
		a := startRefresh(t, "", runArgs("2026-10", input, out, "--wait")...)
		b := startRefresh(t, "", runArgs("2026-10", input, out, "--wait")...)
		ca, _ := a.wait(t)
		cb, _ := b.wait(t)
		if ca != 0 || cb != 0 {
			t.Fatalf("with --wait: exit statuses %d and %d, want 0 and 0; stderr:\n%s\n---\n%s", ca, cb, a.stderr, b.stderr)
		}
		if !strings.Contains(a.stderr.String()+b.stderr.String(), "waiting for lock") {
			t.Errorf("neither run logged waiting for the lock")
		}
		// Sequential: the ledger shows one run's running+published, then the other's.
		recs := ledgerRecords(t, out)[nrec:]
		if len(recs) != 4 {
			t.Fatalf("ledger has %d new records, want 4: %+v", len(recs), recs)
		}
		first, second := recs[0].RunID, recs[2].RunID
		if first == second || recs[1].RunID != first || recs[3].RunID != second ||
			recs[0].Status != pipeline.StatusRunning || recs[1].Status != pipeline.StatusPublished ||
			recs[2].Status != pipeline.StatusRunning || recs[3].Status != pipeline.StatusPublished {
			t.Errorf("ledger records overlap or are not published: %+v", recs)
		}
		m := checkSnapshot(t, db, out, "2026-10")
		if m.RunID != second {
			t.Errorf("published run %s, want the later run %s", m.RunID, second)
		}
		if l := leftovers(t, out); len(l) > 0 {
			t.Errorf("OUT holds %v", l)
		}
	})
}

// copyDemoWithOneTenantAzure copies the demo input into a new folder, replacing azure_consumption by
// one CSV with only tenant T01A's rows (6 of 51).
func copyDemoWithOneTenantAzure(t *testing.T) string {
	t.Helper()
	src := absPath(t, demoInput)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if filepath.Base(filepath.Dir(p)) == "azure_consumption" || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(src, "azure_consumption", "part-1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	sc := bufio.NewScanner(f)
	kept := 0
	for i := 0; sc.Scan(); i++ {
		if i == 0 || strings.HasPrefix(sc.Text(), "T01A,") {
			b.WriteString(sc.Text() + "\n")
			if i > 0 {
				kept++
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if kept == 0 || kept > 10 {
		t.Fatalf("kept %d azure rows of T01A; the demo changed", kept)
	}
	if err := os.WriteFile(filepath.Join(dst, "azure_consumption", "t01a.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestPublishSafetyDriftGuard: a month whose azure_consumption lost most rows of an earlier month is stopped by the drift
// guard with exit 3 and publishes nothing; --accept-drift publishes it with a warning.
func TestPublishSafetyDriftGuard(t *testing.T) {
	input, out := absPath(t, demoInput), t.TempDir()
	db := openDuck(t)
	mustPublish(t, "2026-09", input, out, "--skip-readiness")
	sepHashes := hashMonth(t, out, "2026-09")
	small := copyDemoWithOneTenantAzure(t)

	code, stdout, stderr := runRefresh(t, runArgs("2026-10", small, out)...)
	if code != exitChecksFailed {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitChecksFailed, stderr)
	}
	for _, want := range []string{"drift_guard", "azure_consumption rows for ", "--accept-drift"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if stdout != "" {
		t.Errorf("stdout %q", stdout)
	}
	if h := hashMonth(t, out, "2026-10"); len(h) > 0 {
		t.Errorf("2026-10 has %v after a failed check", slices.Sorted(maps.Keys(h)))
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("OUT holds %v", l)
	}
	if got := hashMonth(t, out, "2026-09"); !maps.Equal(got, sepHashes) {
		t.Errorf("the failed run changed snapshot_month=2026-09")
	}
	recs := ledgerRecords(t, out)
	if last := recs[len(recs)-1]; last.Status != pipeline.StatusFailed || !strings.Contains(last.Reason, "drift_guard") {
		t.Errorf("last ledger record %+v, want failed naming drift_guard", last)
	}
	checkAnalystGlob(t, db, out, 1)

	mustPublish(t, "2026-10", small, out, "--accept-drift")
	m := checkSnapshot(t, db, out, "2026-10")
	warned := false
	for _, w := range m.Warnings {
		if strings.Contains(w, "drift") && strings.Contains(w, "azure_consumption") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("manifest warnings %q lack the accepted drift", m.Warnings)
	}
	for _, c := range m.Checks {
		if c.Name == "drift_guard" && (!c.Passed || c.Offending == 0) {
			t.Errorf("manifest check %+v, want drift_guard passed (accepted) with offending moves", c)
		}
	}
	checkAnalystGlob(t, db, out, 2)
}

// TestPublishSafetySIGTERM cancels runs at several points: the run exits 5 (or 0 if it had already
// published), leaves no staging folder, records "canceled" in the ledger and leaves the published
// month as it was.
func TestPublishSafetySIGTERM(t *testing.T) {
	input, out := absPath(t, demoInput), t.TempDir()
	db := openDuck(t)
	const month = "2026-10"
	mustPublish(t, month, input, out)
	want := hashMonth(t, out, month)

	// sigterm starts a run, sends SIGTERM after delay or when stderr shows trigger, and checks the
	// outcome. It returns the exit status.
	sigterm := func(t *testing.T, delay time.Duration, trigger string) int {
		t.Helper()
		p := startRefresh(t, trigger, runArgs("2026-10", input, out)...)
		if trigger != "" {
			select {
			case <-p.stderr.seen:
			case <-p.done:
			case <-time.After(60 * time.Second):
			}
		} else {
			select {
			case <-p.done:
			case <-time.After(delay):
			}
		}
		at := time.Since(p.started)
		finishedFirst := p.exited()
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		code, sig := p.wait(t)
		t.Logf("SIGTERM at %v (trigger %q): exit %d", at.Round(time.Millisecond), trigger, code)
		if sig != 0 {
			t.Fatalf("run ended by signal %v instead of exiting 5; stderr:\n%s", sig, p.stderr)
		}
		if l := leftovers(t, out); len(l) > 0 {
			t.Errorf("after SIGTERM OUT holds %v", l)
		}
		recs := ledgerRecords(t, out)
		last := recs[len(recs)-1]
		switch code {
		case exitCanceled:
			if last.Status != pipeline.StatusCanceled {
				t.Errorf("last ledger record %+v, want status canceled", last)
			}
			if i := slices.IndexFunc(recs, func(r pipeline.Record) bool { return r.RunID == last.RunID }); recs[i].Status != pipeline.StatusRunning {
				t.Errorf("first record of run %s is %+v, want running", last.RunID, recs[i])
			}
			if _, err := os.Stat(filepath.Join(out, "_tmp", last.RunID)); !os.IsNotExist(err) {
				t.Errorf("the canceled run left its spill folder _tmp/%s", last.RunID)
			}
			if got := hashMonth(t, out, month); !maps.Equal(got, want) {
				t.Errorf("the canceled run changed the published month")
			}
			if s := p.stdout.String(); s != "" {
				t.Errorf("the canceled run printed %q", s)
			}
			if !strings.Contains(p.stderr.String(), "cancel") {
				t.Errorf("stderr does not say the run was canceled:\n%s", p.stderr)
			}
		case exitOK:
			if !finishedFirst {
				t.Logf("the run published though SIGTERM came before it exited")
			}
			if last.Status != pipeline.StatusPublished {
				t.Errorf("exit 0 but last ledger record %+v", last)
			}
			if m := checkSnapshot(t, db, out, month); m.RunID != last.RunID {
				t.Errorf("exit 0 but the published month is run %s, not %s", m.RunID, last.RunID)
			}
			want = hashMonth(t, out, month)
		default:
			t.Errorf("exit %d, want %d (or 0); stderr:\n%s", code, exitCanceled, p.stderr)
		}
		checkAnalystGlob(t, db, out, 1)
		return code
	}

	t.Run("AfterDelay", func(t *testing.T) {
		// ~300ms is mid-run on the demo (~1.5s); on a fast machine the run may finish first, so retry
		// sooner.
		for _, d := range []time.Duration{300 * time.Millisecond, 150 * time.Millisecond, 80 * time.Millisecond} {
			if sigterm(t, d, "") == exitCanceled {
				return
			}
		}
		t.Error("no run was canceled: each had published before SIGTERM")
	})
	t.Run("DuringMetrics", func(t *testing.T) {
		// After ingest's "stage done" line the run is in the metrics SQL: DuckDB must be interrupted.
		if code := sigterm(t, 0, `"stage": "ingest"`); code != exitCanceled {
			t.Errorf("SIGTERM during metrics: exit %d, want %d", code, exitCanceled)
		}
	})
	t.Run("DuringExport", func(t *testing.T) {
		// During export or publication: either outcome is fine, but never a mix.
		sigterm(t, 0, "file written")
	})
}

// TestPublishSafetyRerunReplacesWhole re-runs a published month: each table's month folder is replaced
// whole (a file that was in it is gone), the manifest matches the files read back with DuckDB, and every input
// table's rows add up.
func TestPublishSafetyRerunReplacesWhole(t *testing.T) {
	input, out := absPath(t, demoInput), t.TempDir()
	db := openDuck(t)
	const month = "2026-10"
	first := mustPublish(t, month, input, out)
	if m := checkSnapshot(t, db, out, month); m.RunID != first {
		t.Errorf("manifest run id %s, want %s", m.RunID, first)
	}
	mo, _ := pipeline.ParseMonth(month)
	areaFile := pipeline.NewLayout(out).TableFile(pipeline.TableAreaScores, mo)
	stray := filepath.Join(filepath.Dir(areaFile), "stray.txt")
	if err := os.WriteFile(stray, []byte("not part of any run"), 0o644); err != nil {
		t.Fatal(err)
	}

	second := mustPublish(t, month, input, out)
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("the re-run kept %s: the month was not replaced whole (stat: %v)", stray, err)
	}
	m := checkSnapshot(t, db, out, month)
	if m.RunID != second || m.SnapshotMonth != "2026-10" {
		t.Errorf("manifest run %s month %s, want %s 2026-10", m.RunID, m.SnapshotMonth, second)
	}
	var runIDs []string
	rows, err := db.Query("SELECT DISTINCT run_id FROM read_parquet(?)", areaFile)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		runIDs = append(runIDs, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if !slices.Equal(runIDs, []string{second}) {
		t.Errorf("area_scores run_id values %v, want only %s", runIDs, second)
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("OUT holds %v", l)
	}
	published := 0
	for _, r := range ledgerRecords(t, out) {
		if r.Status == pipeline.StatusPublished && r.Month == "2026-10" {
			published++
		}
	}
	if published != 2 {
		t.Errorf("ledger has %d published records for 2026-10, want 2", published)
	}
	checkAnalystGlob(t, db, out, 1)
}

// treeListing returns every path under dir (folders too) -> sha256 of files, "dir" for folders,
// except the lock file: a full picture to check that a command changed nothing.
func treeListing(t *testing.T, dir string) map[string]string {
	t.Helper()
	h := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Name() == pipeline.LockFile:
		case d.IsDir():
			h[rel] = "dir"
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			h[rel] = hex.EncodeToString(sum[:])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// areaRunIDs returns the distinct run_id values of area_scores of month.
func areaRunIDs(t *testing.T, db *sql.DB, out, month string) []string {
	t.Helper()
	m, _ := pipeline.ParseMonth(month)
	rows, err := db.Query("SELECT DISTINCT run_id FROM read_parquet(?) ORDER BY 1", pipeline.NewLayout(out).TableFile(pipeline.TableAreaScores, m))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s)
	}
	return ids
}

// TestPublishSafetyKillAtEachSwap re-publishes a month and SIGKILLs the run at each step of the
// publication: journal written, after each table's swap, manifest in place, journal removed. After
// each kill every table reads whole (old or new), nothing else is in a table tree, the manifest
// still names the previous run until the new one is complete, `refresh status` reports the
// half-published month without changing anything, and the next run (of another month) rolls the
// publication forward: the month is then wholly the killed run's.
func TestPublishSafetyKillAtEachSwap(t *testing.T) {
	input, out := absPath(t, demoInput), t.TempDir()
	db := openDuck(t)
	const month = "2026-10"
	prev := mustPublish(t, month, input, out)
	months := 1
	steps := []string{"journal"}
	for _, table := range expectedTables { // the order publication swaps them in (staging folder order)
		steps = append(steps, "swap:"+table)
	}
	steps = append(steps, "manifest", "cleaned")
	slices.Sort(steps[1 : 1+len(expectedTables)])
	for i, step := range steps {
		p := startRefreshEnv(t, []string{"CAPSCORE_TEST_PAUSE_AT=" + step}, "paused for a kill test", runArgs(month, input, out)...)
		select {
		case <-p.stderr.seen:
		case <-p.done:
		case <-time.After(60 * time.Second):
		}
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		if _, sig := p.wait(t); sig != syscall.SIGKILL {
			t.Fatalf("%s: the run was not killed at the step (signal %v); stderr:\n%s", step, sig, p.stderr)
		}
		killed := ""
		for _, r := range ledgerRecords(t, out) {
			killed = r.RunID // the killed run's "running" record is the last one
		}
		if killed == prev {
			t.Fatalf("%s: no ledger record of the killed run", step)
		}
		// Readers see whole tables and only published-or-being-published data.
		if stray := strayInTableTrees(t, out); len(stray) > 0 {
			t.Errorf("%s: table trees hold %v", step, stray)
		}
		checkAnalystGlob(t, db, out, months)
		mo, _ := pipeline.ParseMonth(month)
		for _, table := range expectedTables {
			f := pipeline.NewLayout(out).TableFile(table, mo)
			if n := countRows(t, db, f); n < 0 {
				t.Errorf("%s: %s unreadable", step, f)
			}
		}
		wantArea := prev
		if i >= slices.Index(steps, "swap:"+pipeline.TableAreaScores) {
			wantArea = killed
		}
		if ids := areaRunIDs(t, db, out, month); !slices.Equal(ids, []string{wantArea}) {
			t.Errorf("%s: area_scores run ids %v, want %s", step, ids, wantArea)
		}
		man, err := pipeline.NewLayout(out).ReadManifest(mo)
		wantMan := prev
		if i >= slices.Index(steps, "manifest") {
			wantMan = killed
		}
		if err != nil || man.RunID != wantMan {
			t.Errorf("%s: manifest run %s (%v), want %s", step, man.RunID, err, wantMan)
		}

		// status reports and changes nothing; a run that died holding OUT needs attention (13).
		before := treeListing(t, out)
		code, stdout, stderr := runRefresh(t, "status", "--out", out)
		if code != exitAttentionInterrupted || !strings.Contains(stdout, "died holding") {
			t.Errorf("%s: status exit %d, want %d naming the dead run: %s%s", step, code, exitAttentionInterrupted, stdout, stderr)
		}
		wantHalf := step != "cleaned"
		if half := strings.Contains(stdout, "half-published by run "+killed); half != wantHalf {
			t.Errorf("%s: status reports half-published = %v, want %v:\n%s", step, half, wantHalf, stdout)
		}
		if after := treeListing(t, out); !maps.Equal(before, after) {
			t.Errorf("%s: refresh status changed OUT", step)
		}

		// The next lock holder rolls forward.
		code, _, stderr = runRefresh(t, runArgs("2026-09", input, out, "--skip-readiness")...)
		if code != 0 {
			t.Fatalf("%s: the next run: exit %d; stderr:\n%s", step, code, stderr)
		}
		months = 2
		if wantHalf && !strings.Contains(stderr, `"rolled_forward": ["2026-10"]`) {
			t.Errorf("%s: the next run did not log rolling 2026-10 forward; stderr:\n%s", step, stderr)
		}
		if l := leftovers(t, out); len(l) > 0 {
			t.Errorf("%s: after the next run OUT holds %v", step, l)
		}
		if m := checkSnapshot(t, db, out, month); m.RunID != killed {
			t.Errorf("%s: after roll-forward the month is run %s, want the killed run %s", step, m.RunID, killed)
		}
		if ids := areaRunIDs(t, db, out, month); !slices.Equal(ids, []string{killed}) {
			t.Errorf("%s: after roll-forward area_scores run ids %v, want %s", step, ids, killed)
		}
		checkAnalystGlob(t, db, out, months)
		t.Logf("SIGKILL at %s: tables whole, status reported it, the next run rolled run %s forward", step, killed)
		prev = killed
	}
}

// oldLayoutDemo is a 3-month backfill of the demo fixtures in the old layout.
const oldLayoutDemo = "../../fixtures/testdata/old-layout-demo"

// TestMigrateCommand: on an OUT of the old layout, run, backfill and status stop naming
// `refresh migrate --out DIR` and change nothing; migrate converts it keeping the ledger; runs
// then publish beside the converted months.
func TestMigrateCommand(t *testing.T) {
	input := absPath(t, demoInput)
	out := t.TempDir()
	if err := os.CopyFS(out, os.DirFS(absPath(t, oldLayoutDemo))); err != nil {
		t.Fatal(err)
	}
	db := openDuck(t)
	oldLedger, _ := os.ReadFile(filepath.Join(out, "_runs", "ledger.jsonl"))
	before := treeListing(t, out)
	hint := "convert it to one folder tree per table with: refresh migrate --out " + out
	for _, args := range [][]string{
		runArgs("2026-10", input, out),
		{"backfill", "--from", "2026-08", "--to", "2026-10", "--input", input, "--out", out, "--dry-run"},
		{"status", "--out", out},
	} {
		code, stdout, stderr := runRefresh(t, args...)
		if code != exitFailure || !strings.Contains(stderr, hint) || !strings.Contains(stderr, "snapshot_month=2026-08") {
			t.Errorf("%v on the old layout: exit %d, stdout %q, stderr:\n%s", args[0], code, stdout, stderr)
		}
	}
	if after := treeListing(t, out); !maps.Equal(before, after) {
		t.Errorf("commands refused on the old layout changed OUT")
	}

	code, stdout, stderr := runRefresh(t, "migrate", "--out", out)
	if code != 0 {
		t.Fatalf("migrate: exit %d; stderr:\n%s", code, stderr)
	}
	// Months of the old layout hold the four tables published before the eligibility tables.
	saved := expectedTables
	expectedTables = []string{pipeline.TableAreaScores, pipeline.TableMetricScores, pipeline.TableRecommendations, pipeline.TableRejects}
	for _, m := range []string{"2026-08", "2026-09", "2026-10"} {
		if !strings.Contains(stdout, "migrated "+m) {
			t.Errorf("migrate stdout lacks %s:\n%s", m, stdout)
		}
		checkSnapshot(t, db, out, m)
	}
	checkAnalystGlob(t, db, out, 3)
	expectedTables = saved
	if code, stdout, _ := runRefresh(t, "migrate", "--out", out); code != 0 || !strings.Contains(stdout, "nothing to migrate") {
		t.Errorf("second migrate: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runRefresh(t, "status", "--out", out)
	if code != 0 || strings.Count(stdout, "ms-pcs-2026-05") != 3 {
		t.Errorf("status after migrate: exit %d\n%s", code, stdout)
	}
	run := mustPublish(t, "2026-10", input, out)
	if m := checkSnapshot(t, db, out, "2026-10"); m.RunID != run {
		t.Errorf("2026-10 after a run is %s, want %s", m.RunID, run)
	}
	checkAnalystGlob(t, db, out, 3)
	ledger, _ := os.ReadFile(filepath.Join(out, "_runs", "ledger.jsonl"))
	if !bytes.HasPrefix(ledger, oldLedger) || len(ledger) == len(oldLedger) {
		t.Errorf("the ledger lost its history or the run was not appended")
	}
}

// liveObservation is one reader query on a table tree during a run.
type liveObservation struct {
	table, month string
	rows         int64
	runIDs       string // area_scores only
}

// TestPublishSafetyLiveQueries loops the analysts' table-tree queries (hive glob and folder read,
// every table) while a run publishes a new month and then re-publishes it. No query may fail, and
// every month a query counts must be a month whose publication completed, with exactly the rows
// (and, for area_scores, the one run id) of a run that published it: never a row of a staging
// folder, a half-written file or a mix of two runs within a table.
//
// It runs on the demo fixtures; CAPSCORE_LIVE_INPUT=DIR runs it on another input, e.g. one made by
// `refresh generate --scale small --out DIR`.
func TestPublishSafetyLiveQueries(t *testing.T) {
	input := cmp.Or(os.Getenv("CAPSCORE_LIVE_INPUT"), demoInput)
	input, out := absPath(t, input), t.TempDir()
	mustPublish(t, "2026-09", input, out, "--skip-readiness")
	l := pipeline.NewLayout(out)
	// month -> run id -> table -> rows, from the manifests of completed publications.
	published := map[string]map[string]map[string]int64{}
	notePublished := func(month string) {
		mo, _ := pipeline.ParseMonth(month)
		m, err := l.ReadManifest(mo)
		if err != nil {
			t.Fatal(err)
		}
		if published[month] == nil {
			published[month] = map[string]map[string]int64{}
		}
		published[month][m.RunID] = map[string]int64{}
		for _, o := range m.Outputs {
			published[month][m.RunID][o.Name] = o.Rows
		}
	}
	notePublished("2026-09")

	db := openDuck(t)
	stop := make(chan struct{})
	var (
		mu      sync.Mutex
		obs     []liveObservation
		errs    []string
		queries int
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for iter := 0; ; iter++ {
			select {
			case <-stop:
				return
			default:
			}
			for _, table := range expectedTables {
				src := filepath.Join(l.TableDir(table), "**", "*.parquet")
				if iter%2 == 1 {
					src = l.TableDir(table) // the folder itself
				}
				runIDs := "''"
				if table == pipeline.TableAreaScores {
					runIDs = "string_agg(DISTINCT run_id, ',' ORDER BY run_id)"
				}
				rows, err := db.Query("SELECT snapshot_month, count(*), "+runIDs+" FROM read_parquet(?, hive_partitioning = true) GROUP BY ALL", src)
				var got []liveObservation
				for err == nil && rows.Next() {
					o := liveObservation{table: table}
					err = rows.Scan(&o.month, &o.rows, &o.runIDs)
					got = append(got, o)
				}
				if err == nil {
					err = rows.Err()
				}
				if rows != nil {
					rows.Close()
				}
				mu.Lock()
				queries++
				if err != nil {
					errs = append(errs, fmt.Sprintf("%s: %v", src, err))
				}
				obs = append(obs, got...)
				mu.Unlock()
			}
			if stray := strayInTableTrees(t, out); len(stray) > 0 {
				mu.Lock()
				errs = append(errs, fmt.Sprintf("table trees hold %v", stray))
				mu.Unlock()
			}
		}
	}()
	for _, phase := range []string{"new month", "re-publication"} {
		mu.Lock()
		q0 := queries
		mu.Unlock()
		mustPublish(t, "2026-10", input, out, "--accept-drift")
		notePublished("2026-10")
		mu.Lock()
		t.Logf("%s: %d table-tree queries while the run ran", phase, queries-q0)
		mu.Unlock()
	}
	close(stop)
	wg.Wait()

	if len(errs) > 0 {
		t.Errorf("%d of %d queries failed or saw stray files, e.g. %s", len(errs), queries, errs[0])
	}
	bad := 0
	seen := map[string]int{}
	for _, o := range obs {
		runs, ok := published[o.month]
		match := false
		for runID, tables := range runs {
			if tables[o.table] == o.rows && (o.table != pipeline.TableAreaScores || o.runIDs == runID) {
				match = true
			}
		}
		if !ok || !match {
			if bad++; bad <= 5 {
				t.Errorf("a query counted %d %s rows of %s (run ids %q): not a completed publication %v", o.rows, o.table, o.month, o.runIDs, runs)
			}
		}
		seen[o.table+" "+o.month]++
	}
	if queries < 8 {
		t.Errorf("only %d queries ran", queries)
	}
	t.Logf("%d queries, %d month counts checked: %v", queries, len(obs), seen)
}
