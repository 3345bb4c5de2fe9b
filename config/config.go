// Package config resolves refresh's settings from their four sources, in one order for every
// subcommand and the daemon: command-line flag, then environment variable (REFRESH_<KEY>), then the
// YAML config file (--config FILE or REFRESH_CONFIG), then the default. It remembers where each
// value came from, so `refresh config` can show it and an invalid value is reported with its source.
package config

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/schedules"
)

// Setting keys: the config file's keys; the flag is the key with dashes (--max-reject-rate) and the
// environment variable REFRESH_ and the key in capitals (REFRESH_MAX_REJECT_RATE).
const (
	Input         = "input"
	Out           = "out"
	Rubric        = "rubric"
	MemoryLimit   = "memory_limit"
	Threads       = "threads"
	TempDir       = "temp_dir"
	MaxRejectRate = "max_reject_rate"
	MaxDrift      = "max_drift"
	// MaxQualifiedDrift is the drift guard's limit on the count of qualified partner-areas.
	MaxQualifiedDrift = "max_qualified_drift"
	// MinQualifiedMove is the drift guard's floor: smaller moves of the qualified count are not drift.
	MinQualifiedMove = "min_qualified_move"
	// OptionalTables lists the input tables this program may lack, comma-separated.
	OptionalTables = "optional_tables"
	// MetricsFile is the Prometheus text file each run writes.
	MetricsFile = "metrics_file"
	// HeartbeatFile is the file the daemon beats in and `refresh status` reads.
	HeartbeatFile = "heartbeat_file"
	// FailureHook is a command or an http(s) URL the daemon calls on every failed scheduled job.
	FailureHook   = "failure_hook"
	AcceptDrift   = "accept_drift"
	SkipReadiness = "skip_readiness"
	Wait          = "wait"
	LogFormat     = "log_format"
	LogLevel      = "log_level"
)

// ConfigEnv names the config file when --config is not given.
const ConfigEnv = "REFRESH_CONFIG"

// Log formats and levels that log_format and log_level accept.
var (
	LogFormats = []string{"console", "json"}
	LogLevels  = []string{"debug", "info", "warn", "error"}
)

// kind is how a setting's text is read.
type kind int

const (
	kindString kind = iota
	kindInt
	kindFloat
	kindBool
	kindEnum
)

// Spec describes one setting.
type Spec struct {
	// Key is the config file key.
	Key string
	// Help is the one-line description flags and `refresh config` show.
	Help string
	// Default is the value when no source sets it, as text.
	Default string
	// Meta names the value in help ("DIR", "N").
	Meta string
	kind kind
	enum []string
}

// Flag is the setting's command-line flag name, without dashes.
func (s Spec) Flag() string { return strings.ReplaceAll(s.Key, "_", "-") }

// Env is the setting's environment variable.
func (s Spec) Env() string { return "REFRESH_" + strings.ToUpper(s.Key) }

// IsBool reports whether the setting is a switch (a flag without a value).
func (s Spec) IsBool() bool { return s.kind == kindBool }

// Specs lists every setting in the order `refresh config` shows them.
var Specs = []Spec{
	{Key: Input, Meta: "DIR", Help: "input folder with one sub-folder per table"},
	{Key: Out, Meta: "DIR", Help: "output root the months are published under"},
	{Key: Rubric, Meta: "FILE", Help: "rubric file (default: the embedded rubric)"},
	{Key: MemoryLimit, Meta: "SIZE", Help: "DuckDB memory_limit, e.g. 3GB (default: 60% of the memory the process may use, container limit included)"},
	{Key: Threads, Meta: "N", Default: "0", kind: kindInt, Help: "DuckDB threads (0: number of CPUs)"},
	{Key: TempDir, Meta: "DIR", Help: "DuckDB spill folder (default: OUT/_tmp)"},
	{Key: MaxRejectRate, Meta: "SHARE", Default: strconv.FormatFloat(pipeline.DefaultMaxRejectRate, 'g', -1, 64), kind: kindFloat,
		Help: "fail when a table rejects a larger share of its rows"},
	{Key: MaxDrift, Meta: "SHARE", Default: strconv.FormatFloat(pipeline.DefaultMaxDrift, 'g', -1, 64), kind: kindFloat,
		Help: "share a table's rows may move against the previous month (0: any move stops the run)"},
	{Key: MaxQualifiedDrift, Meta: "SHARE", Default: strconv.FormatFloat(pipeline.DefaultMaxQualifiedDrift, 'g', -1, 64), kind: kindFloat,
		Help: "share the count of qualified partner-areas may move against the previous month"},
	{Key: MinQualifiedMove, Meta: "N", Default: strconv.Itoa(pipeline.DefaultMinQualifiedMove), kind: kindInt,
		Help: "the drift guard ignores a move of the qualified count smaller than N partner-areas (0: compare every move)"},
	{Key: AcceptDrift, Default: "false", kind: kindBool, Help: "publish even when the drift guard trips"},
	{Key: SkipReadiness, Default: "false", kind: kindBool, Help: "score even when a usage table has no rows for S or S-12"},
	{Key: Wait, Default: "false", kind: kindBool, Help: "wait for another run holding OUT instead of failing"},
	{Key: OptionalTables, Meta: "TABLES", Help: "input tables this program may lack, comma-separated (of " + strings.Join(pipeline.OptionalTableNames, ", ") +
		"): an absent folder reads as empty and readiness does not wait for them"},
	{Key: MetricsFile, Meta: "FILE", Help: "Prometheus text file each run writes for node_exporter's textfile collector (default: OUT/_runs/metrics.prom)"},
	{Key: HeartbeatFile, Meta: "FILE", Help: "file the daemon beats in every 30s and refresh status reads (default: OUT/_runs/heartbeat.json)"},
	{Key: FailureHook, Meta: "COMMAND|URL", Help: "on every failed scheduled job: POST a JSON body to this http(s) URL, or run this shell command with the JSON on stdin"},
	{Key: LogFormat, Meta: "FORMAT", Default: "console", kind: kindEnum, enum: LogFormats, Help: "log format: console or json"},
	{Key: LogLevel, Meta: "LEVEL", Default: "info", kind: kindEnum, enum: LogLevels, Help: "log level: debug, info, warn or error"},
}

// Lookup returns the spec of key.
func Lookup(key string) (Spec, bool) {
	i := slices.IndexFunc(Specs, func(s Spec) bool { return s.Key == key })
	if i < 0 {
		return Spec{}, false
	}
	return Specs[i], true
}

// Source is where a setting's value came from.
type Source struct {
	// Kind is one of "flag", "env", "file", "default".
	Kind string
	// Name is the flag (--threads), variable (REFRESH_THREADS) or file path; "" for a default.
	Name string
	// Line is the config file line, when Kind is "file".
	Line int
}

// String is the source as messages and `refresh config` show it: "flag --threads",
// "env REFRESH_THREADS", "file refresh.yaml:4", "default".
func (s Source) String() string {
	switch s.Kind {
	case "file":
		if s.Line > 0 {
			return fmt.Sprintf("file %s:%d", s.Name, s.Line)
		}
		return "file " + s.Name
	case "", "default":
		return "default"
	default:
		return s.Kind + " " + s.Name
	}
}

// Error is an invalid setting value, naming its source.
type Error struct {
	Source Source
	Key    string
	Value  string
	Reason string
	// Checked is set when Reason comes from pipeline.Config.Validate, which names the setting and
	// value itself.
	Checked bool
}

func (e *Error) Error() string {
	if e.Checked {
		return fmt.Sprintf("%s: %s", e.Source, e.Reason)
	}
	return fmt.Sprintf("%s: %s %q: %s", e.Source, e.Key, e.Value, e.Reason)
}

// ErrInvalid is wrapped by every error Resolve returns: a setting or the config file is unusable.
var ErrInvalid = errors.New("invalid settings")

// Settings are the resolved settings with the source of each.
type Settings struct {
	Input, Out, Rubric, MemoryLimit, TempDir string
	Threads, MinQualifiedMove                int
	MaxRejectRate, MaxDrift                  float64
	MaxQualifiedDrift                        float64
	// OptionalTables is the setting's text: table names, comma-separated (Pipeline splits it).
	OptionalTables                          string
	MetricsFile, HeartbeatFile, FailureHook string
	AcceptDrift, SkipReadiness, Wait        bool
	LogFormat, LogLevel                     string

	// Values holds every setting as text, by key, and From where each came from.
	Values map[string]string
	From   map[string]Source

	// File is the config file read ("" = none) and FileFrom where its name came from.
	File     string
	FileFrom Source
	// Schedule is the daemon's schedule: the file's jobs, or the built-in schedule when the file
	// has none (ScheduleFrom says which).
	Schedule     *schedules.Config
	ScheduleFrom Source
}

// Pipeline is the run configuration the settings give (without month and as-of date).
func (s Settings) Pipeline() pipeline.Config {
	floor := s.MinQualifiedMove
	return pipeline.Config{
		MinQualifiedMove: &floor, OptionalTables: SplitList(s.OptionalTables),
		Input: s.Input, Out: s.Out, RubricPath: s.Rubric, MaxRejectRate: pipeline.Share(s.MaxRejectRate),
		MemoryLimit: s.MemoryLimit, Threads: s.Threads, TempDir: s.TempDir,
		WaitForLock: s.Wait, SkipReadiness: s.SkipReadiness, AcceptDrift: s.AcceptDrift,
		MaxDrift: pipeline.Share(s.MaxDrift), MaxQualifiedDrift: pipeline.Share(s.MaxQualifiedDrift),
	}
}

// SplitList splits a comma-separated setting into its trimmed, non-empty items.
func SplitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// Resolve resolves every setting. flags holds the values given on the command line by key (the
// config file path under "config"), flagNames the flag each was given as (for messages); lookupEnv
// reads the environment (os.LookupEnv). Every invalid value is reported, each with its source; the
// error wraps ErrInvalid.
func Resolve(flags, flagNames map[string]string, lookupEnv func(string) (string, bool)) (Settings, error) {
	s := Settings{Values: map[string]string{}, From: map[string]Source{}}
	if p, ok := flags["config"]; ok {
		s.File, s.FileFrom = p, Source{Kind: "flag", Name: "--config"}
	} else if p, ok := lookupEnv(ConfigEnv); ok && p != "" {
		s.File, s.FileFrom = p, Source{Kind: "env", Name: ConfigEnv}
	}
	var file *fileSettings
	var problems []error
	if s.File != "" {
		// A file that does not read is reported, and the other sources still resolve (the log
		// format of the error record among them).
		f, err := readFile(s.File)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", s.FileFrom, err))
		}
		file = f
	}

	for _, spec := range Specs {
		val, src := spec.Default, Source{Kind: "default"}
		if v, ok := flags[spec.Key]; ok {
			name := flagNames[spec.Key]
			if name == "" {
				name = "--" + spec.Flag()
			}
			val, src = v, Source{Kind: "flag", Name: name}
		} else if v, ok := lookupEnv(spec.Env()); ok {
			val, src = v, Source{Kind: "env", Name: spec.Env()}
		} else if fv, ok := file.value(spec.Key); ok {
			val, src = fv.text, Source{Kind: "file", Name: s.File, Line: fv.line}
		}
		if err := s.set(spec, val); err != nil {
			problems = append(problems, &Error{Source: src, Key: spec.Key, Value: val, Reason: err.Error()})
		} else if src.Kind != "default" {
			if err := s.validate(spec.Key); err != nil {
				problems = append(problems, &Error{Source: src, Key: spec.Key, Value: val, Reason: err.Error(), Checked: true})
			}
		}
		s.Values[spec.Key], s.From[spec.Key] = val, src
	}

	if file != nil && file.schedule != nil {
		s.Schedule, s.ScheduleFrom = file.schedule, Source{Kind: "file", Name: s.File}
	} else {
		sched, err := schedules.Load("")
		if err != nil {
			problems = append(problems, err)
		}
		s.Schedule, s.ScheduleFrom = sched, Source{Kind: "default"}
	}
	if len(problems) > 0 {
		return s, fmt.Errorf("%w: %w", ErrInvalid, errors.Join(problems...))
	}
	return s, nil
}

// validate checks one run setting with pipeline.Config.Validate, the one settings validation every
// run goes through: the setting alone, in a configuration that is otherwise valid, so the error
// belongs to this setting and its source. Settings that are not part of a run pass.
func (s *Settings) validate(key string) error {
	probe := pipeline.Config{Month: pipeline.MinMonth, Input: "input", Out: "out"}
	full := s.Pipeline()
	switch key {
	case Input:
		probe.Input = full.Input
	case Out:
		probe.Out = full.Out
	case Rubric:
		probe.RubricPath = full.RubricPath
	case MemoryLimit:
		probe.MemoryLimit = full.MemoryLimit
	case Threads:
		probe.Threads = full.Threads
	case TempDir:
		probe.TempDir = full.TempDir
	case MaxRejectRate:
		probe.MaxRejectRate = full.MaxRejectRate
	case MaxDrift:
		probe.MaxDrift = full.MaxDrift
	case MaxQualifiedDrift:
		probe.MaxQualifiedDrift = full.MaxQualifiedDrift
	case MinQualifiedMove:
		probe.MinQualifiedMove = full.MinQualifiedMove
	case OptionalTables:
		probe.OptionalTables = full.OptionalTables
	case FailureHook:
		if _, err := schedules.ParseFailureHook(s.FailureHook); err != nil {
			return fmt.Errorf("failure_hook: %w", err)
		}
		return nil
	default:
		return nil
	}
	if err := probe.Validate(); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), pipeline.ErrInvalidConfig.Error()+": "))
	}
	return nil
}

// set parses val as spec's kind into its field.
func (s *Settings) set(spec Spec, val string) error {
	val = strings.TrimSpace(val)
	switch spec.kind {
	case kindInt:
		n, err := strconv.Atoi(val)
		if err != nil {
			return errors.New("want a whole number")
		}
		*s.intField(spec.Key) = n
	case kindFloat:
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return errors.New("want a number such as 0.05")
		}
		*s.floatField(spec.Key) = f
	case kindBool:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return errors.New("want true or false")
		}
		*s.boolField(spec.Key) = b
	case kindEnum:
		if !slices.Contains(spec.enum, val) {
			return fmt.Errorf("want one of %s", strings.Join(spec.enum, ", "))
		}
		*s.stringField(spec.Key) = val
	default:
		*s.stringField(spec.Key) = val
	}
	return nil
}

func (s *Settings) stringField(key string) *string {
	switch key {
	case Input:
		return &s.Input
	case Out:
		return &s.Out
	case Rubric:
		return &s.Rubric
	case MemoryLimit:
		return &s.MemoryLimit
	case TempDir:
		return &s.TempDir
	case LogFormat:
		return &s.LogFormat
	case LogLevel:
		return &s.LogLevel
	case OptionalTables:
		return &s.OptionalTables
	case MetricsFile:
		return &s.MetricsFile
	case HeartbeatFile:
		return &s.HeartbeatFile
	case FailureHook:
		return &s.FailureHook
	}
	panic("config: no text setting " + key)
}

func (s *Settings) intField(key string) *int {
	switch key {
	case Threads:
		return &s.Threads
	case MinQualifiedMove:
		return &s.MinQualifiedMove
	}
	panic("config: no integer setting " + key)
}

func (s *Settings) floatField(key string) *float64 {
	switch key {
	case MaxRejectRate:
		return &s.MaxRejectRate
	case MaxDrift:
		return &s.MaxDrift
	case MaxQualifiedDrift:
		return &s.MaxQualifiedDrift
	}
	panic("config: no number setting " + key)
}

func (s *Settings) boolField(key string) *bool {
	switch key {
	case AcceptDrift:
		return &s.AcceptDrift
	case SkipReadiness:
		return &s.SkipReadiness
	case Wait:
		return &s.Wait
	}
	panic("config: no switch setting " + key)
}
