// Package schedules holds the refresh daemon's schedule definitions (data, in YAML) and the daemon
// that wires them into robfig/cron: it fires the monthly refresh and the daily skilling re-score,
// retries a month whose source data has not landed, and catches up a fire missed during downtime.
package schedules

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // time zones resolve the same on hosts and containers without a zoneinfo database

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

//go:embed default.yaml
var defaultYAML []byte

// JobKind names the work a scheduled job does.
type JobKind string

// The job kinds a schedule can fire.
const (
	// KindMonthlyRefresh builds and publishes one snapshot month (Jobs.MonthlyRefresh).
	KindMonthlyRefresh JobKind = "monthly_refresh"
	// KindSkillingRefresh re-scores the latest published month with skilling counted as of the
	// fire date (Jobs.SkillingRefresh).
	KindSkillingRefresh JobKind = "skilling_refresh"
)

// Target names which month a fire works on.
type Target string

// The targets a job can name.
const (
	// TargetPreviousMonth is the last complete calendar month before the fire time in UTC.
	TargetPreviousMonth Target = "previous_month"
	// TargetLatestPublished is the newest published snapshot month; the Jobs implementation
	// resolves it, the daemon passes only the as-of date.
	TargetLatestPublished Target = "latest_published"
)

// targetOf is the one target each job kind supports.
var targetOf = map[JobKind]Target{
	KindMonthlyRefresh:  TargetPreviousMonth,
	KindSkillingRefresh: TargetLatestPublished,
}

// Default readiness settings, used for keys a config file leaves out.
const (
	DefaultDeadline       = "6h"
	DefaultInitialBackoff = "1m"
	DefaultMaxBackoff     = "30m"
)

// Config is a set of schedule definitions and the settings they share.
type Config struct {
	// Readiness is how long and how often a fire retries while its source data is not ready.
	Readiness Readiness `yaml:"readiness" json:"readiness"`
	// Jobs are the scheduled jobs, each fired on its own cron expression.
	Jobs []JobConfig `yaml:"jobs" json:"jobs"`
}

// JobConfig is one scheduled job.
type JobConfig struct {
	// Name identifies the job in logs and in the fire history; unique within a config.
	Name string `yaml:"name" json:"name"`
	// Cron is a standard 5-field expression (minute hour day-of-month month day-of-week); no
	// descriptors (@monthly, @every) and no TZ prefix.
	Cron string `yaml:"cron" json:"cron"`
	// Timezone is the IANA zone Cron is read in ("" = UTC). In zones with daylight saving time,
	// fires that fall in the skipped hour do not happen.
	Timezone string `yaml:"timezone" json:"timezone"`
	// Kind is the work the job does.
	Kind JobKind `yaml:"job" json:"job"`
	// Target is the month the job works on; each kind supports exactly one target.
	Target Target `yaml:"target" json:"target"`
}

// Readiness holds the retry settings, as Go duration strings ("6h", "1m").
type Readiness struct {
	// Deadline is how long after a fire the job keeps retrying a not-ready source.
	Deadline string `yaml:"deadline" json:"deadline"`
	// InitialBackoff is the wait before the first retry; each later wait doubles.
	InitialBackoff string `yaml:"initial_backoff" json:"initial_backoff"`
	// MaxBackoff caps the wait between retries.
	MaxBackoff string `yaml:"max_backoff" json:"max_backoff"`
}

// Backoff is Readiness parsed.
type Backoff struct {
	Deadline, Initial, Max time.Duration
}

// Load reads and validates a schedule file; path "" means the built-in default.yaml. Unknown keys
// are errors. Readiness keys left out take their defaults, and an empty timezone becomes UTC.
func Load(path string) (*Config, error) {
	data, src := defaultYAML, "default.yaml (built in)"
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("schedules: %w", err)
		}
		data, src = b, path
	}
	cfg, err := parse(data)
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		return nil, fmt.Errorf("schedules: %s: %w", src, err)
	}
	return cfg, nil
}

// parse decodes one YAML document strictly and fills defaults.
func parse(data []byte) (*Config, error) {
	cfg := &Config{Readiness: Readiness{
		Deadline:       DefaultDeadline,
		InitialBackoff: DefaultInitialBackoff,
		MaxBackoff:     DefaultMaxBackoff,
	}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty config")
		}
		return nil, err
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document")
	}
	for i := range cfg.Jobs {
		if cfg.Jobs[i].Timezone == "" {
			cfg.Jobs[i].Timezone = "UTC"
		}
	}
	return cfg, nil
}

// Validate reports every problem in the config, one per line, each naming the job and the key:
// a bad cron expression (with the parser's message), an unknown job kind or target, a target the
// kind does not support, an unknown time zone, a duplicate or missing name, a bad duration.
func (c *Config) Validate() error {
	var problems []error
	add := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	if len(c.Jobs) == 0 {
		add("jobs: none defined")
	}
	seen := map[string]int{}
	for i, j := range c.Jobs {
		label := fmt.Sprintf("job %q", j.Name)
		if j.Name == "" {
			label = fmt.Sprintf("job #%d", i+1)
			add("%s: name: required", label)
		} else if first, dup := seen[j.Name]; dup {
			add("%s: name: duplicate of job #%d", label, first)
		} else {
			seen[j.Name] = i + 1
		}
		switch {
		case strings.TrimSpace(j.Cron) == "":
			add("%s: cron: required", label)
		case strings.HasPrefix(j.Cron, "TZ=") || strings.HasPrefix(j.Cron, "CRON_TZ="):
			add("%s: cron %q: no TZ prefix here; set the timezone key", label, j.Cron)
		case strings.HasPrefix(strings.TrimSpace(j.Cron), "@"):
			add("%s: cron %q: descriptors are not accepted; write the 5 fields", label, j.Cron)
		default:
			if _, err := cron.ParseStandard(j.Cron); err != nil {
				add("%s: cron %q: %v", label, j.Cron, err)
			}
		}
		if _, err := j.Location(); err != nil {
			add("%s: %v", label, err)
		}
		want, known := targetOf[j.Kind]
		switch {
		case j.Kind == "":
			add("%s: job: required (monthly_refresh or skilling_refresh)", label)
		case !known:
			add("%s: job %q: unknown kind (want monthly_refresh or skilling_refresh)", label, j.Kind)
		}
		switch {
		case j.Target == "":
			add("%s: target: required (previous_month or latest_published)", label)
		case j.Target != TargetPreviousMonth && j.Target != TargetLatestPublished:
			add("%s: target %q: unknown target (want previous_month or latest_published)", label, j.Target)
		case known && j.Target != want:
			add("%s: target %q: not supported by job %s (want %s)", label, j.Target, j.Kind, want)
		}
	}
	if _, err := c.Readiness.Backoff(); err != nil {
		problems = append(problems, err)
	}
	return errors.Join(problems...)
}

// Location resolves the job's time zone ("" = UTC). "Local" is refused: it would make the
// schedule depend on the host.
func (j JobConfig) Location() (*time.Location, error) {
	switch j.Timezone {
	case "", "UTC":
		return time.UTC, nil
	case "Local":
		return nil, fmt.Errorf("timezone %q: depends on the host; name a zone such as UTC", j.Timezone)
	}
	loc, err := time.LoadLocation(j.Timezone)
	if err != nil {
		return nil, fmt.Errorf("timezone %q: %v", j.Timezone, err)
	}
	return loc, nil
}

// Spec is the expression handed to cron: Cron with its zone as a CRON_TZ= prefix.
func (j JobConfig) Spec() string {
	tz := j.Timezone
	if tz == "" {
		tz = "UTC"
	}
	return "CRON_TZ=" + tz + " " + j.Cron
}

// NextFires returns the job's next n fire times after t, in UTC.
func (j JobConfig) NextFires(t time.Time, n int) ([]time.Time, error) {
	if _, err := j.Location(); err != nil {
		return nil, err
	}
	sched, err := cron.ParseStandard(j.Spec())
	if err != nil {
		return nil, fmt.Errorf("cron %q: %w", j.Cron, err)
	}
	out := make([]time.Time, 0, n)
	for len(out) < n {
		t = sched.Next(t)
		if t.IsZero() {
			break // the expression never matches (e.g. 30 February)
		}
		out = append(out, t.UTC())
	}
	return out, nil
}

// Backoff parses the readiness durations and checks that they are positive and that
// initial_backoff does not exceed max_backoff. The error names every bad key.
func (r Readiness) Backoff() (Backoff, error) {
	var problems []error
	dur := func(key, s string) time.Duration {
		if s == "" {
			problems = append(problems, fmt.Errorf("readiness.%s: required", key))
			return 0
		}
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			problems = append(problems, fmt.Errorf("readiness.%s %q: %v", key, s, err))
		case d <= 0:
			problems = append(problems, fmt.Errorf("readiness.%s %q: must be positive", key, s))
		}
		return d
	}
	b := Backoff{
		Deadline: dur("deadline", r.Deadline),
		Initial:  dur("initial_backoff", r.InitialBackoff),
		Max:      dur("max_backoff", r.MaxBackoff),
	}
	if len(problems) == 0 && b.Initial > b.Max {
		problems = append(problems, fmt.Errorf("readiness.initial_backoff %q: longer than max_backoff %q", r.InitialBackoff, r.MaxBackoff))
	}
	return b, errors.Join(problems...)
}
