package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// env is a fake environment for Resolve.
func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "refresh.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestResolvePrecedence sets threads from all four sources at once, then removes them one by one
// from the top: flag > environment > file > default, with the source recorded each time.
func TestResolvePrecedence(t *testing.T) {
	file := writeFile(t, "threads: 3\nout: /from/file\nmemory_limit: 2GB\n")
	tests := []struct {
		name       string
		flags, env map[string]string
		want       int
		wantFrom   string
	}{
		{"Flag", map[string]string{"threads": "1"}, map[string]string{"REFRESH_THREADS": "2"}, 1, "flag --threads"},
		{"Env", nil, map[string]string{"REFRESH_THREADS": "2"}, 2, "env REFRESH_THREADS"},
		{"File", nil, nil, 3, "file " + file + ":1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			flags := map[string]string{"config": file}
			for k, v := range tc.flags {
				flags[k] = v
			}
			s, err := Resolve(flags, nil, env(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if s.Threads != tc.want || s.From[Threads].String() != tc.wantFrom {
				t.Errorf("threads = %d from %s, want %d from %s", s.Threads, s.From[Threads], tc.want, tc.wantFrom)
			}
			if s.Out != "/from/file" || s.MemoryLimit != "2GB" {
				t.Errorf("out %q, memory_limit %q: want the file's", s.Out, s.MemoryLimit)
			}
		})
	}
	t.Run("Default", func(t *testing.T) {
		s, err := Resolve(nil, nil, env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if s.Threads != 0 || s.From[Threads].String() != "default" || s.MaxRejectRate != 0.001 || s.MaxDrift != 0.5 ||
			s.LogFormat != "console" || s.LogLevel != "info" || s.File != "" {
			t.Errorf("defaults: %+v", s)
		}
		if len(s.Schedule.Jobs) != 2 || s.ScheduleFrom.Kind != "default" {
			t.Errorf("schedule %+v from %s, want the built-in two jobs", s.Schedule, s.ScheduleFrom)
		}
	})
	t.Run("ConfigFromEnv", func(t *testing.T) {
		s, err := Resolve(nil, nil, env(map[string]string{ConfigEnv: file}))
		if err != nil {
			t.Fatal(err)
		}
		if s.Threads != 3 || s.FileFrom.String() != "env REFRESH_CONFIG" {
			t.Errorf("threads %d, file from %s", s.Threads, s.FileFrom)
		}
	})
}

// TestResolveEverySetting: every key is read from the file and from its environment variable.
func TestResolveEverySetting(t *testing.T) {
	rubric, err := filepath.Abs("../rubric/ms-pcs-2026-05.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, `input: /in
out: /out
rubric: `+rubric+`
memory_limit: 3GB
threads: 2
temp_dir: /spill
max_reject_rate: 0
max_drift: 0.25
max_qualified_drift: 0
accept_drift: true
skip_readiness: true
wait: true
log_format: json
log_level: debug
min_qualified_move: 3
optional_tables: bizapps_usage, certifications
metrics_file: /metrics/capscore.prom
heartbeat_file: /run/capscore.beat
failure_hook: https://alerts.example/capscore
`)
	want := Settings{Input: "/in", Out: "/out", Rubric: rubric, MemoryLimit: "3GB", Threads: 2, TempDir: "/spill",
		MaxRejectRate: 0, MaxDrift: 0.25, MaxQualifiedDrift: 0, AcceptDrift: true, SkipReadiness: true, Wait: true, LogFormat: "json", LogLevel: "debug",
		MinQualifiedMove: 3, OptionalTables: "bizapps_usage, certifications", MetricsFile: "/metrics/capscore.prom",
		HeartbeatFile: "/run/capscore.beat", FailureHook: "https://alerts.example/capscore"}
	check := func(t *testing.T, s Settings, kind string) {
		t.Helper()
		got := s
		got.Values, got.From, got.File, got.FileFrom, got.Schedule, got.ScheduleFrom = nil, nil, "", Source{}, nil, Source{}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}
		for _, spec := range Specs {
			if s.From[spec.Key].Kind != kind {
				t.Errorf("%s from %s, want %s", spec.Key, s.From[spec.Key], kind)
			}
		}
	}
	s, err := Resolve(map[string]string{"config": file}, nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	check(t, s, "file")

	vars := map[string]string{}
	for _, spec := range Specs {
		vars[spec.Env()] = s.Values[spec.Key]
	}
	s, err = Resolve(nil, nil, env(vars))
	if err != nil {
		t.Fatal(err)
	}
	check(t, s, "env")
}

// TestResolveInvalid: every invalid value is reported with its source, and all of them at once: type
// errors found while reading, range errors found by pipeline.Config.Validate.
func TestResolveInvalid(t *testing.T) {
	file := writeFile(t, "threads: many\nlog_level: verbose\nmax_reject_rate: 2\noptional_tables: partners, bizapps_usage\nfailure_hook: ftp://host/x\n")
	_, err := Resolve(map[string]string{"config": file, "max_drift": "lots"}, map[string]string{"max_drift": "--max-drift"},
		env(map[string]string{"REFRESH_LOG_FORMAT": "xml", "REFRESH_WAIT": "maybe", "REFRESH_MEMORY_LIMIT": "0", "REFRESH_RUBRIC": "/dev/zero",
			"REFRESH_MIN_QUALIFIED_MOVE": "-1"}))
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	for _, want := range []string{
		`file ` + file + `:1: threads "many": want a whole number`,
		`flag --max-drift: max_drift "lots": want a number such as 0.05`,
		`env REFRESH_WAIT: wait "maybe": want true or false`,
		`env REFRESH_LOG_FORMAT: log_format "xml": want one of console, json`,
		`file ` + file + `:2: log_level "verbose": want one of debug, info, warn, error`,
		// Ranges are pipeline.Config.Validate's, with the source in front.
		`file ` + file + `:3: max-reject-rate 2: want a share between 0 and 1`,
		`env REFRESH_MEMORY_LIMIT: memory-limit: memory limit "0": missing unit`,
		`env REFRESH_RUBRIC: `,
		`env REFRESH_MIN_QUALIFIED_MOVE: min-qualified-move -1: want 0 or more partner-areas`,
		`file ` + file + `:4: optional-tables: "partners" is not a table a program may lack; name any of azure_consumption, m365_usage, bizapps_usage, certifications, enrollments`,
		`file ` + file + `:5: failure_hook: "ftp://host/x": only http:// and https:// URLs are posted to`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestReadFile covers the file format: a schedule-only file of the schedule format loads as a
// config file, settings and schedule mix, and mistakes name the file and line.
func TestReadFile(t *testing.T) {
	t.Run("ScheduleOnlyFile", func(t *testing.T) {
		s, err := Resolve(map[string]string{"config": "../schedules/default.yaml"}, nil, env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if s.ScheduleFrom.Kind != "file" || len(s.Schedule.Jobs) != 2 || s.Schedule.Jobs[0].Name != "monthly-refresh" ||
			s.Schedule.Readiness.Deadline != "6h" {
			t.Errorf("schedule %+v from %s", s.Schedule, s.ScheduleFrom)
		}
	})
	t.Run("SettingsAndJobs", func(t *testing.T) {
		file := writeFile(t, "out: /o\njobs:\n  - name: m\n    cron: \"0 6 20 * *\"\n    job: monthly_refresh\n    target: previous_month\n")
		s, err := Resolve(map[string]string{"config": file}, nil, env(nil))
		if err != nil {
			t.Fatal(err)
		}
		j := s.Schedule.Jobs
		if s.Out != "/o" || len(j) != 1 || j[0].Timezone != "UTC" || s.Schedule.Readiness.MaxBackoff != "30m" {
			t.Errorf("out %q, schedule %+v: want one job in UTC with default readiness", s.Out, s.Schedule)
		}
	})
	tests := []struct{ name, text, want string }{
		{"UnknownKey", "out: /o\nthreds: 2\n", `line 2: unknown key "threds" (keys: input, out,`},
		{"NotAMapping", "- out\n", "line 1: want key: value lines"},
		{"ListValue", "out: [a, b]\n", "line 1: out: want a single value"},
		{"Empty", "", "empty file"},
		{"TwoDocuments", "out: a\n---\nout: b\n", "more than one YAML document"},
		{"BadJob", "jobs:\n  - name: m\n    cron: \"0 6 20 *\"\n    job: monthly_refresh\n    target: previous_month\n",
			`schedule: job "m": cron "0 6 20 *": expected exactly 5 fields`},
		{"UnknownJobKey", "jobs:\n  - name: m\n    crontab: \"0 6 20 * *\"\n", "field crontab not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, tc.text)
			_, err := Resolve(map[string]string{"config": file}, nil, env(nil))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "flag --config: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant ErrInvalid naming --config and containing %q", err, tc.want)
			}
		})
	}
	t.Run("Missing", func(t *testing.T) {
		_, err := Resolve(nil, nil, env(map[string]string{ConfigEnv: "/nonexistent/refresh.yaml"}))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "env REFRESH_CONFIG: open /nonexistent/refresh.yaml") {
			t.Errorf("err = %v", err)
		}
	})
}
