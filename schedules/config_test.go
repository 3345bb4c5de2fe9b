package schedules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoad_Default(t *testing.T) {
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	want := []JobConfig{
		{Name: "monthly-refresh", Cron: "0 6 20 * *", Timezone: "UTC", Kind: KindMonthlyRefresh, Target: TargetPreviousMonth},
		{Name: "daily-skilling", Cron: "0 7 * * *", Timezone: "UTC", Kind: KindSkillingRefresh, Target: TargetLatestPublished},
	}
	if len(cfg.Jobs) != len(want) {
		t.Fatalf("got %d jobs, want %d: %+v", len(cfg.Jobs), len(want), cfg.Jobs)
	}
	for i := range want {
		if cfg.Jobs[i] != want[i] {
			t.Errorf("job %d: got %+v, want %+v", i, cfg.Jobs[i], want[i])
		}
	}
	b, err := cfg.Readiness.Backoff()
	if err != nil {
		t.Fatal(err)
	}
	if b != (Backoff{Deadline: 6 * time.Hour, Initial: time.Minute, Max: 30 * time.Minute}) {
		t.Errorf("backoff = %+v", b)
	}
}

func TestLoad_File(t *testing.T) {
	t.Run("DefaultsFilled", func(t *testing.T) {
		cfg, err := Load(writeFile(t, `
readiness:
  deadline: 2h
jobs:
  - name: m
    cron: "30 5 21 * *"
    job: monthly_refresh
    target: previous_month
`))
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.Jobs[0].Timezone; got != "UTC" {
			t.Errorf("timezone = %q, want UTC", got)
		}
		want := Readiness{Deadline: "2h", InitialBackoff: DefaultInitialBackoff, MaxBackoff: DefaultMaxBackoff}
		if cfg.Readiness != want {
			t.Errorf("readiness = %+v, want %+v", cfg.Readiness, want)
		}
	})
	tests := []struct {
		name, yaml, want string
	}{
		{"UnknownKey", "jobs:\n  - name: m\n    cron: \"0 6 20 * *\"\n    jobb: monthly_refresh\n",
			"yaml: unmarshal errors:\n  line 4: field jobb not found in type schedules.JobConfig"},
		{"UnknownTopKey", "job: []\n", "yaml: unmarshal errors:\n  line 1: field job not found in type schedules.Config"},
		{"Empty", "", "empty config"},
		{"TwoDocuments", "jobs: []\n---\njobs: []\n", "more than one YAML document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.yaml)
			_, err := Load(path)
			want := "schedules: " + path + ": " + tc.want
			if err == nil || err.Error() != want {
				t.Errorf("got error %v\nwant %s", err, want)
			}
		})
	}
	t.Run("Missing", func(t *testing.T) {
		_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
		if err == nil || !strings.Contains(err.Error(), "nope.yaml: no such file") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("InvalidNamesFile", func(t *testing.T) {
		path := writeFile(t, "jobs: []\n")
		_, err := Load(path)
		if want := "schedules: " + path + ": jobs: none defined"; err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	})
}

func TestConfig_Validate(t *testing.T) {
	good := func() JobConfig {
		return JobConfig{Name: "m", Cron: "0 6 20 * *", Timezone: "UTC", Kind: KindMonthlyRefresh, Target: TargetPreviousMonth}
	}
	okReadiness := Readiness{Deadline: "6h", InitialBackoff: "1m", MaxBackoff: "30m"}
	tests := []struct {
		name      string
		jobs      func() []JobConfig
		readiness Readiness
		want      string
	}{
		{"Valid", func() []JobConfig {
			s := JobConfig{Name: "s", Cron: "0 7 * * 1-5", Timezone: "Europe/Paris", Kind: KindSkillingRefresh, Target: TargetLatestPublished}
			return []JobConfig{good(), s}
		}, okReadiness, ""},
		{"EmptyTimezoneIsUTC", func() []JobConfig { j := good(); j.Timezone = ""; return []JobConfig{j} }, okReadiness, ""},
		{"NoJobs", func() []JobConfig { return nil }, okReadiness, "jobs: none defined"},
		{"BadCronFieldCount", func() []JobConfig { j := good(); j.Cron = "0 6 20 *"; return []JobConfig{j} }, okReadiness,
			`job "m": cron "0 6 20 *": expected exactly 5 fields, found 4: [0 6 20 *]`},
		{"BadCronRange", func() []JobConfig { j := good(); j.Cron = "0 25 20 * *"; return []JobConfig{j} }, okReadiness,
			`job "m": cron "0 25 20 * *": end of range (25) above maximum (23): 25`},
		{"BadCronSeconds", func() []JobConfig { j := good(); j.Cron = "0 0 6 20 * *"; return []JobConfig{j} }, okReadiness,
			`job "m": cron "0 0 6 20 * *": expected exactly 5 fields, found 6: [0 0 6 20 * *]`},
		{"CronMissing", func() []JobConfig { j := good(); j.Cron = " "; return []JobConfig{j} }, okReadiness,
			`job "m": cron: required`},
		{"CronTZPrefix", func() []JobConfig { j := good(); j.Cron = "CRON_TZ=UTC 0 6 20 * *"; return []JobConfig{j} }, okReadiness,
			`job "m": cron "CRON_TZ=UTC 0 6 20 * *": no TZ prefix here; set the timezone key`},
		{"CronDescriptor", func() []JobConfig { j := good(); j.Cron = "@monthly"; return []JobConfig{j} }, okReadiness,
			`job "m": cron "@monthly": descriptors are not accepted; write the 5 fields`},
		{"UnknownKind", func() []JobConfig { j := good(); j.Kind = "weekly_refresh"; return []JobConfig{j} }, okReadiness,
			`job "m": job "weekly_refresh": unknown kind (want monthly_refresh or skilling_refresh)`},
		{"KindMissing", func() []JobConfig { j := good(); j.Kind = ""; return []JobConfig{j} }, okReadiness,
			`job "m": job: required (monthly_refresh or skilling_refresh)`},
		{"UnknownTarget", func() []JobConfig { j := good(); j.Target = "current_month"; return []JobConfig{j} }, okReadiness,
			`job "m": target "current_month": unknown target (want previous_month or latest_published)`},
		{"TargetMissing", func() []JobConfig { j := good(); j.Target = ""; return []JobConfig{j} }, okReadiness,
			`job "m": target: required (previous_month or latest_published)`},
		{"TargetNotForKind", func() []JobConfig { j := good(); j.Target = TargetLatestPublished; return []JobConfig{j} }, okReadiness,
			`job "m": target "latest_published": not supported by job monthly_refresh (want previous_month)`},
		{"UnknownTimezone", func() []JobConfig { j := good(); j.Timezone = "Mars/Olympus"; return []JobConfig{j} }, okReadiness,
			`job "m": timezone "Mars/Olympus": unknown time zone Mars/Olympus`},
		{"LocalTimezone", func() []JobConfig { j := good(); j.Timezone = "Local"; return []JobConfig{j} }, okReadiness,
			`job "m": timezone "Local": depends on the host; name a zone such as UTC`},
		{"DuplicateName", func() []JobConfig { return []JobConfig{good(), good()} }, okReadiness,
			`job "m": name: duplicate of job #1`},
		{"NameMissing", func() []JobConfig { j := good(); j.Name = ""; return []JobConfig{good(), j} }, okReadiness,
			`job #2: name: required`},
		{"BadDuration", func() []JobConfig { return []JobConfig{good()} },
			Readiness{Deadline: "6 hours", InitialBackoff: "1m", MaxBackoff: "30m"},
			`readiness.deadline "6 hours": time: unknown unit " hours" in duration "6 hours"`},
		{"DurationWithoutUnit", func() []JobConfig { return []JobConfig{good()} },
			Readiness{Deadline: "6h", InitialBackoff: "60", MaxBackoff: "30m"},
			`readiness.initial_backoff "60": time: missing unit in duration "60"`},
		{"DurationNotPositive", func() []JobConfig { return []JobConfig{good()} },
			Readiness{Deadline: "6h", InitialBackoff: "1m", MaxBackoff: "0s"},
			`readiness.max_backoff "0s": must be positive`},
		{"DurationMissing", func() []JobConfig { return []JobConfig{good()} },
			Readiness{InitialBackoff: "1m", MaxBackoff: "30m"},
			`readiness.deadline: required`},
		{"InitialOverMax", func() []JobConfig { return []JobConfig{good()} },
			Readiness{Deadline: "6h", InitialBackoff: "1h", MaxBackoff: "30m"},
			`readiness.initial_backoff "1h": longer than max_backoff "30m"`},
		{"EveryProblemReported", func() []JobConfig {
			a := good()
			a.Cron, a.Target = "61 * * * *", "nope"
			b := good()
			b.Kind, b.Timezone = "x", "Nowhere/Land"
			return []JobConfig{a, b}
		}, Readiness{Deadline: "soon", InitialBackoff: "1m", MaxBackoff: "-1m"}, strings.Join([]string{
			`job "m": cron "61 * * * *": end of range (61) above maximum (59): 61`,
			`job "m": target "nope": unknown target (want previous_month or latest_published)`,
			`job "m": name: duplicate of job #1`,
			`job "m": timezone "Nowhere/Land": unknown time zone Nowhere/Land`,
			`job "m": job "x": unknown kind (want monthly_refresh or skilling_refresh)`,
			`readiness.deadline "soon": time: invalid duration "soon"`,
			`readiness.max_backoff "-1m": must be positive`,
		}, "\n")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &Config{Jobs: tc.jobs(), Readiness: tc.readiness}
			err := cfg.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestJobConfig_NextFires(t *testing.T) {
	from := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		job  JobConfig
		want []string
	}{
		{"MonthlyUTC", JobConfig{Cron: "0 6 20 * *", Timezone: "UTC"},
			[]string{"2026-12-20T06:00:00Z", "2027-01-20T06:00:00Z", "2027-02-20T06:00:00Z"}},
		{"DailyInZone", JobConfig{Cron: "0 7 * * *", Timezone: "Europe/Paris"},
			[]string{"2026-11-21T06:00:00Z", "2026-11-22T06:00:00Z", "2026-11-23T06:00:00Z"}},
		{"NeverMatches", JobConfig{Cron: "0 0 30 2 *", Timezone: "UTC"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fires, err := tc.job.NextFires(from, 3)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fires {
				got = append(got, f.Format(time.RFC3339))
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "schedule.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
