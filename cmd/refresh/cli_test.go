package main

// End-to-end tests of the command line as operators and the container use it: the binary is built
// (with `go build`, and once with scripts/build.sh as the Dockerfile builds it) and run as a separate
// process. `go test -short` skips them.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/capscore/capscore/pipeline"
)

// The version stamped into the binary that scripts/build.sh builds for these tests.
const (
	stampVersion  = "v9.9.9-test"
	stampRevision = "0123456789abcdef0123456789abcdef01234567"
)

var (
	stampOnce sync.Once
	stampPath string
	stampErr  error
)

// stampedBinary builds the binary once with scripts/build.sh, the build the Dockerfile runs, with
// the version and revision given as the image build gives them.
func stampedBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the refresh binary")
	}
	stampOnce.Do(func() {
		stampPath = filepath.Join(e2eDir, "stamped", "refresh")
		cmd := exec.Command("../../scripts/build.sh", stampPath)
		cmd.Env = append(os.Environ(), "VERSION="+stampVersion, "REVISION="+stampRevision, "MODIFIED=false")
		if out, err := cmd.CombinedOutput(); err != nil {
			stampErr = fmt.Errorf("scripts/build.sh %s: %v\n%s", stampPath, err, out)
		}
	})
	if stampErr != nil {
		t.Fatal(stampErr)
	}
	return stampPath
}

// execResult is the outcome of one run of the binary.
type execResult struct {
	code           int
	stdout, stderr string
}

// execBinary runs bin with args and exactly the REFRESH_* variables in vars (none from the caller).
func execBinary(t *testing.T, bin string, vars map[string]string, args ...string) execResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv(vars)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("refresh %v: %v", args, err)
	}
	return execResult{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
}

// cleanEnv is the test's environment without REFRESH_* variables, plus vars.
func cleanEnv(vars map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "REFRESH_") {
			env = append(env, kv)
		}
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// TestCLIHelp: every way of asking for help prints it on stdout and exits 0, in one style: a
// synopsis, what the command does, an example, the flags.
func TestCLIHelp(t *testing.T) {
	bin := refreshBinary(t)
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		r := execBinary(t, bin, nil, args...)
		if r.code != 0 || r.stderr != "" || !strings.HasPrefix(r.stdout, "refresh: the capscore monthly batch refresh") {
			t.Errorf("refresh %v: exit %d, stdout %q, stderr %q; want the help on stdout, exit 0", args, r.code, r.stdout, r.stderr)
		}
		for name, h := range helps {
			if !strings.Contains(r.stdout, "\n  "+name+"  ") || !strings.Contains(r.stdout, h.short) {
				t.Errorf("refresh %v does not list %s", args, name)
			}
		}
	}
	for name, h := range helps {
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {"help", name}} {
			r := execBinary(t, bin, nil, args...)
			want := "Usage: " + h.synopsis + "\n\n" + h.summary + "\n\nExample:\n  " + h.example + "\n\nFlags:\n"
			if r.code != 0 || r.stderr != "" || !strings.HasPrefix(r.stdout, want) {
				t.Errorf("refresh %v: exit %d, stderr %q, stdout:\n%s\nwant exit 0 and stdout starting:\n%s", args, r.code, r.stderr, r.stdout, want)
			}
			if !strings.Contains(r.stdout, "  --log-format FORMAT") || !strings.Contains(r.stdout, "Exit status: 0 done") {
				t.Errorf("refresh %v: help lacks the global flags or the exit statuses:\n%s", args, r.stdout)
			}
		}
	}
	r := execBinary(t, bin, nil, "run", "--help")
	for _, want := range []string{"  --month YYYY-MM ", "  --threads N ", "(env REFRESH_THREADS)", "  --wait ", "(default 0.001)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("refresh run --help lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestCLIVersion: --version names the version and revision scripts/build.sh stamped in.
func TestCLIVersion(t *testing.T) {
	r := execBinary(t, stampedBinary(t), nil, "--version")
	want := fmt.Sprintf("refresh %s vcs.revision=%s vcs.modified=false (%s %s/%s)\n", stampVersion, stampRevision,
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Errorf("--version: exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, want)
	}
}

// finalRecord is the JSON record the process ends with when it fails.
type finalRecord struct {
	Level    string `json:"level"`
	Msg      string `json:"msg"`
	Command  string `json:"command"`
	ExitCode int    `json:"exit_code"`
	Help     string `json:"help"`
}

// lastJSONLine decodes the last line of stderr as the final record.
func lastJSONLine(t *testing.T, stderr string) finalRecord {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	var rec finalRecord
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rec); err != nil {
		t.Fatalf("last stderr line is not JSON (%v):\n%s", err, stderr)
	}
	return rec
}

// TestCLIUsageErrors: every usage mistake exits 2 with nothing on stdout, and the process ends with
// one record at level error carrying the exit status: a JSON line in JSON mode.
func TestCLIUsageErrors(t *testing.T) {
	bin := refreshBinary(t)
	out := t.TempDir()
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	tests := []struct {
		name    string
		vars    map[string]string
		args    []string
		command string // "" for refresh itself
		want    string // in the final record's message
	}{
		{"UnknownCommand", nil, []string{"frobnicate"}, "", `unknown command "frobnicate"`},
		{"UnknownTopFlag", nil, []string{"--bogus", "run"}, "", "flag provided but not defined: -bogus"},
		{"RunBadFlag", nil, []string{"run", "--bogus"}, "run", "flag provided but not defined: -bogus"},
		{"BackfillBadFlag", nil, []string{"backfill", "--bogus"}, "backfill", "flag provided but not defined: -bogus"},
		{"BenchBadFlag", nil, []string{"bench", "--bogus"}, "bench", "flag provided but not defined: -bogus"},
		{"ScheduleBadFlag", nil, []string{"schedule", "--bogus"}, "schedule", "flag provided but not defined: -bogus"},
		{"StatusBadFlag", nil, []string{"status", "--bogus"}, "status", "flag provided but not defined: -bogus"},
		{"GenerateBadFlag", nil, []string{"generate", "--bogus"}, "generate", "flag provided but not defined: -bogus"},
		{"RunExtraArgument", nil, []string{"run", "--month", "2026-10", "extra"}, "run", `unexpected argument "extra"`},
		{"RunMissingMonth", nil, []string{"run", "--input", out, "--out", out + "/o"}, "run", "--month is required"},
		{"RunBadThreadsFlag", nil, []string{"run", "--threads", "abc"}, "run", `flag --threads: threads "abc": want a whole number`},
		{"ThreadsEnv", map[string]string{"REFRESH_THREADS": "abc"}, []string{"run", "--month", "2026-10"}, "run",
			`env REFRESH_THREADS: threads "abc": want a whole number`},
		// An invalid log format cannot be used for the record: it is on the console.
		{"LogFormatFlag", nil, []string{"--log-format", "xml", "status", "--out", out}, "status",
			`flag --log-format: log_format "xml": want one of console, json`},
		{"LogFormatEnv", map[string]string{"REFRESH_LOG_FORMAT": "xml"}, []string{"status", "--out", out}, "status",
			`env REFRESH_LOG_FORMAT: log_format "xml": want one of console, json`},
		{"LogLevelEnv", map[string]string{"REFRESH_LOG_LEVEL": "verbose"}, []string{"runs", "--out", out}, "runs",
			`env REFRESH_LOG_LEVEL: log_level "verbose": want one of debug, info, warn, error`},
		{"ConfigMissing", nil, []string{"config", "--config", missing}, "config", "flag --config: open " + missing},
		{"DaemonMemoryEnv", map[string]string{"REFRESH_MEMORY_LIMIT": "lots", "REFRESH_INPUT": out, "REFRESH_OUT": out + "/o"},
			[]string{"schedule"}, "schedule", `env REFRESH_MEMORY_LIMIT: memory-limit: memory limit "lots"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []string{"console", "json"} {
				vars := map[string]string{"REFRESH_LOG_FORMAT": format}
				for k, v := range tc.vars {
					vars[k] = v
				}
				r := execBinary(t, bin, vars, tc.args...)
				if r.code != exitUsage || r.stdout != "" {
					t.Errorf("%s: exit %d, stdout %q; want 2 and nothing on stdout; stderr:\n%s", format, r.code, r.stdout, r.stderr)
					continue
				}
				prefix := "refresh: "
				if tc.command != "" {
					prefix = "refresh " + tc.command + ": "
				}
				if format == "console" || vars["REFRESH_LOG_FORMAT"] != "json" || strings.Contains(tc.want, "log_format") {
					// Console: "TIME\terror\trefresh run: MESSAGE\t{fields}".
					if !strings.Contains(r.stderr, "\terror\t"+prefix) || !strings.Contains(r.stderr, tc.want) ||
						!strings.Contains(r.stderr, `"exit_code": 2`) {
						t.Errorf("%s: stderr lacks an error record %q with %q and exit_code 2:\n%s", format, prefix, tc.want, r.stderr)
					}
					continue
				}
				rec := lastJSONLine(t, r.stderr)
				if rec.Level != "error" || rec.ExitCode != 2 || rec.Command != tc.command ||
					!strings.HasPrefix(rec.Msg, prefix) || !strings.Contains(rec.Msg, tc.want) || !strings.HasSuffix(rec.Help, "--help") {
					t.Errorf("json: final record %+v; want level error, exit_code 2, command %q, message with %q", rec, tc.command, tc.want)
				}
				if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
					t.Errorf("json: stderr has %d lines, want the one record:\n%s", n+1, r.stderr)
				}
			}
		})
	}
	t.Run("NoArguments", func(t *testing.T) {
		r := execBinary(t, bin, nil)
		if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "Usage: refresh [global flags] <command>") {
			t.Errorf("exit %d, stdout %q, stderr %q; want 2 with the help on stderr", r.code, r.stdout, r.stderr)
		}
	})
}

// configRow is one line of `refresh config`'s table.
type configRow struct{ value, source string }

var configLine = regexp.MustCompile(`^(\S+)\s{2,}(.+?)\s{2,}(\S.*)$`)

// parseConfig reads the SETTING / VALUE / SOURCE table of `refresh config`.
func parseConfig(t *testing.T, stdout string) map[string]configRow {
	t.Helper()
	rows := map[string]configRow{}
	sc := bufio.NewScanner(strings.NewReader(stdout))
	in := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "SETTING"):
			in = true
		case in && line == "":
			return rows
		case in:
			m := configLine.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("config line %q does not parse", line)
			}
			rows[m[1]] = configRow{m[2], m[3]}
		}
	}
	t.Fatalf("no settings table in:\n%s", stdout)
	return nil
}

// TestConfigPrecedence sets settings from all four sources at once and reads back, with `refresh
// config`, which one won and where it came from: flag > environment > config file > default. The
// same resolution feeds status (out from the file) and the daemon (jobs from the file).
func TestConfigPrecedence(t *testing.T) {
	bin := refreshBinary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "refresh.yaml")
	fileOut := filepath.Join(dir, "file-out")
	if err := os.Mkdir(fileOut, 0o755); err != nil {
		t.Fatal(err)
	}
	yaml := `# settings and a schedule in one file
threads: 3
out: ` + fileOut + `
memory_limit: 2GB
max_drift: 0.2
log_level: warn
jobs:
  - name: nightly
    cron: "30 2 * * *"
    job: skilling_refresh
    target: latest_published
`
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"REFRESH_CONFIG": file, "REFRESH_THREADS": "2", "REFRESH_MAX_DRIFT": "0.3", "REFRESH_INPUT": "/env/in"}

	r := execBinary(t, bin, vars, "config", "--threads", "1")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("refresh config: exit %d, stderr %s", r.code, r.stderr)
	}
	rows := parseConfig(t, r.stdout)
	want := map[string]configRow{
		"threads":             {"1", "flag --threads"},            // flag over env and file
		"max_drift":           {"0.3", "env REFRESH_MAX_DRIFT"},   // env over file
		"input":               {"/env/in", "env REFRESH_INPUT"},   // env only
		"out":                 {fileOut, "file " + file + ":3"},   // file only
		"memory_limit":        {"2GB", "file " + file + ":4"},     // file only
		"log_level":           {"warn", "file " + file + ":6"},    // file only
		"max_reject_rate":     {"0.001", "default"},               // nowhere
		"temp_dir":            {"- (OUT/_tmp)", "default"},        // nowhere, meaning spelled out
		"log_format":          {"console", "default"},             // nowhere
		"wait":                {"false", "default"},               // nowhere
		"rubric":              {"- (embedded rubric)", "default"}, // nowhere
		"skip_readiness":      {"false", "default"},               // nowhere
		"accept_drift":        {"false", "default"},               // nowhere
		"max_qualified_drift": {"0.5", "default"},                 // nowhere
	}
	for k, w := range want {
		if got := rows[k]; got != w {
			t.Errorf("%s = %q from %q, want %q from %q", k, got.value, got.source, w.value, w.source)
		}
	}
	if !strings.HasPrefix(r.stdout, "config file "+file+" (from env REFRESH_CONFIG)\n") ||
		!strings.Contains(r.stdout, "schedule (from file "+file+")") || !strings.Contains(r.stdout, `nightly  cron "30 2 * * *" UTC`) {
		t.Errorf("refresh config does not show the file and its schedule:\n%s", r.stdout)
	}

	// --config on the command line wins over REFRESH_CONFIG.
	other := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(other, []byte("threads: 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = execBinary(t, bin, map[string]string{"REFRESH_CONFIG": file}, "--config", other, "config")
	if rows := parseConfig(t, r.stdout); rows["threads"] != (configRow{"4", "file " + other + ":1"}) || rows["out"].source != "default" {
		t.Errorf("--config before the command: threads %+v, out %+v; want 4 from %s and out by default", rows["threads"], rows["out"], other)
	}

	// The same settings reach the other commands: status reads out from the file ...
	r = execBinary(t, bin, map[string]string{"REFRESH_CONFIG": file}, "status")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "no published months in "+fileOut+"\n") {
		t.Errorf("status with out from the file: exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	// ... and the daemon runs the file's jobs.
	r = execBinary(t, bin, map[string]string{"REFRESH_CONFIG": file}, "schedule", "--print")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "nightly\n  cron \"30 2 * * *\" (UTC), job skilling_refresh") {
		t.Errorf("schedule --print with the file's jobs: exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	// A schedule-only file of the schedule format is a config file too.
	r = execBinary(t, bin, nil, "schedule", "--print", "--config", "../../schedules/default.yaml")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "monthly-refresh\n") {
		t.Errorf("schedule --print --config schedules/default.yaml: exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	// An invalid value in the file is a usage error naming the file and line, for every command.
	if err := os.WriteFile(other, []byte("out: /x\nthreads: 100000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"config", "status", "run", "schedule"} {
		r = execBinary(t, bin, map[string]string{"REFRESH_CONFIG": other}, cmd)
		if r.code != exitUsage || !strings.Contains(r.stderr, "file "+other+":2: threads 100000: want 1..") {
			t.Errorf("%s with threads 100000 in the file: exit %d, stderr %s", cmd, r.code, r.stderr)
		}
	}
}

// TestContainerSignals starts the binary built by scripts/build.sh directly, as the Dockerfile's
// exec-form entrypoint does (no shell, no `go run`, settings from the environment the compose file
// sets), so SIGTERM reaches refresh itself: a run stops with exit 5, leaves no staging, spill or
// half-published month and ends with a JSON error record; the idle daemon stops with exit 0. The
// month it publishes carries the stamped version.
func TestContainerSignals(t *testing.T) {
	bin := stampedBinary(t)
	input, out, spill := absPath(t, demoInput), t.TempDir(), t.TempDir()
	vars := map[string]string{"REFRESH_INPUT": input, "REFRESH_OUT": out, "REFRESH_TEMP_DIR": spill,
		"REFRESH_MEMORY_LIMIT": "1GB", "REFRESH_LOG_FORMAT": "json"}

	r := execBinary(t, bin, vars, "run", "--month", "2026-10")
	if r.code != 0 {
		t.Fatalf("first run: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	month, err := pipeline.ParseMonth("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	m, err := pipeline.NewLayout(out).ReadManifest(month)
	if err != nil {
		t.Fatal(err)
	}
	if want := stampVersion + " vcs.revision=" + stampRevision + " vcs.modified=false"; m.CodeVersion != want {
		t.Errorf("manifest code_version %q, want %q", m.CodeVersion, want)
	}
	before := hashMonth(t, out, "2026-10")

	t.Run("RunGetsSIGTERM", func(t *testing.T) {
		p := startStamped(t, bin, vars, `"stage":"ingest"`, "run", "--month", "2026-10")
		select {
		case <-p.stderr.seen:
		case <-p.done:
			t.Fatalf("the run ended before ingest finished; stderr:\n%s", p.stderr)
		case <-time.After(60 * time.Second):
			t.Fatalf("no ingest log line in 60s; stderr:\n%s", p.stderr)
		}
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		code, sig := p.wait(t)
		if sig != 0 || code != exitCanceled {
			t.Fatalf("after SIGTERM: exit %d, signal %v; want exit %d; stderr:\n%s", code, sig, exitCanceled, p.stderr)
		}
		rec := lastJSONLine(t, p.stderr.String())
		if rec.Level != "error" || rec.ExitCode != exitCanceled || rec.Command != "run" || !strings.Contains(rec.Msg, "cancel") {
			t.Errorf("final record %+v; want level error, exit_code 5, a message saying canceled", rec)
		}
		if l := leftovers(t, out); len(l) > 0 {
			t.Errorf("staging left in OUT: %v", l)
		}
		if files := regularFiles(t, spill); len(files) > 0 {
			t.Errorf("spill files left in the temp dir: %v", files)
		}
		if after := hashMonth(t, out, "2026-10"); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the canceled run changed the published month")
		}
	})
	t.Run("IdleDaemonGetsSIGTERM", func(t *testing.T) {
		p := startStamped(t, bin, vars, `"msg":"scheduled"`, "schedule")
		select {
		case <-p.stderr.seen:
		case <-p.done:
			t.Fatalf("the daemon ended on its own; stderr:\n%s", p.stderr)
		case <-time.After(30 * time.Second):
			t.Fatalf("the daemon did not log its schedule in 30s; stderr:\n%s", p.stderr)
		}
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if code, sig := p.wait(t); sig != 0 || code != 0 {
			t.Errorf("daemon after SIGTERM: exit %d, signal %v; want 0; stderr:\n%s", code, sig, p.stderr)
		}
		if !strings.Contains(p.stderr.String(), `"msg":"stopped"`) {
			t.Errorf("the daemon did not log that it stopped:\n%s", p.stderr)
		}
	})
}

// startStamped starts bin directly with exactly vars as its REFRESH_* environment.
func startStamped(t *testing.T, bin string, vars map[string]string, stderrWatch string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv(vars)
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
		if !p.exited() {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// regularFiles lists the regular files under dir.
func regularFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
