package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/capscore/capscore/schedules"
)

// maxFileBytes bounds the config file read: a settings file is a few hundred bytes.
const maxFileBytes = 1 << 20

// fileValue is one setting as the config file spells it.
type fileValue struct {
	text string
	line int
}

// fileSettings is a parsed config file.
type fileSettings struct {
	values map[string]fileValue
	// schedule is the file's readiness and jobs; nil when it has neither.
	schedule *schedules.Config
}

// value returns the file's value for key; a nil file has none.
func (f *fileSettings) value(key string) (fileValue, bool) {
	if f == nil {
		return fileValue{}, false
	}
	v, ok := f.values[key]
	return v, ok
}

// readFile reads a config file: one YAML mapping whose keys are setting keys, plus the schedule
// keys readiness and jobs of a schedule file (so a schedule-only file is a config file too).
// Unknown keys, non-scalar setting values and bad schedules are errors naming the line.
func readFile(path string) (*fileSettings, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("larger than %d bytes; not a config file", maxFileBytes)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file")
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: want key: value lines (keys: %s)", root.Line, knownKeys())
	}
	fs := &fileSettings{values: map[string]fileValue{}}
	hasSchedule := false
	var problems []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value == "readiness" || k.Value == "jobs" {
			hasSchedule = true
			continue
		}
		if _, ok := Lookup(k.Value); !ok {
			problems = append(problems, fmt.Errorf("line %d: unknown key %q (keys: %s)", k.Line, k.Value, knownKeys()))
			continue
		}
		if v.Kind != yaml.ScalarNode {
			problems = append(problems, fmt.Errorf("line %d: %s: want a single value", v.Line, k.Value))
			continue
		}
		text := v.Value
		if v.Tag == "!!null" {
			text = ""
		}
		fs.values[k.Value] = fileValue{text: text, line: v.Line}
	}
	if hasSchedule {
		sched, err := parseSchedule(data)
		if err != nil {
			problems = append(problems, err)
		}
		fs.schedule = sched
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return fs, nil
}

// parseSchedule decodes the readiness and jobs keys strictly (unknown keys inside them are errors),
// fills the defaults a schedule file may leave out and validates the schedule.
func parseSchedule(data []byte) (*schedules.Config, error) {
	var doc struct {
		Readiness schedules.Readiness   `yaml:"readiness"`
		Jobs      []schedules.JobConfig `yaml:"jobs"`
		Settings  map[string]yaml.Node  `yaml:",inline"`
	}
	doc.Readiness = schedules.Readiness{
		Deadline: schedules.DefaultDeadline, InitialBackoff: schedules.DefaultInitialBackoff, MaxBackoff: schedules.DefaultMaxBackoff,
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	cfg := &schedules.Config{Readiness: doc.Readiness, Jobs: doc.Jobs}
	for i := range cfg.Jobs {
		if cfg.Jobs[i].Timezone == "" {
			cfg.Jobs[i].Timezone = "UTC"
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	return cfg, nil
}

// knownKeys lists the keys a config file may hold.
func knownKeys() string {
	keys := make([]string, 0, len(Specs)+2)
	for _, s := range Specs {
		keys = append(keys, s.Key)
	}
	return strings.Join(append(keys, "readiness", "jobs"), ", ")
}
