package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
)

// Manifest tells a reader of a published month how it was made: which run, rubric, code and inputs,
// what history was found, what was written, and what the checks said.
type Manifest struct {
	// RunID is the run that made the snapshot.
	RunID string `json:"run_id"`
	// SnapshotMonth is the month, YYYY-MM.
	SnapshotMonth string `json:"snapshot_month"`
	// AsOf is the skilling as-of date, YYYY-MM-DD.
	AsOf string `json:"as_of"`
	// RubricID names the rubric scored with.
	RubricID string `json:"rubric_id"`
	// RubricSHA256 is the hex SHA-256 of the rubric file's bytes.
	RubricSHA256 string `json:"rubric_sha256"`
	// RubricFile is the rubric published with the month, relative to OUT
	// (_manifests/snapshot_month=YYYY-MM.rubric.yaml); its SHA-256 is RubricSHA256. Months published
	// before rubrics were published with them have none.
	RubricFile string `json:"rubric_file,omitempty"`
	// CodeVersion is CodeVersion() of the binary that ran.
	CodeVersion string `json:"code_version"`
	// Started is when the run started.
	Started time.Time `json:"started"`
	// Finished is when the snapshot was complete, just before publication.
	Finished time.Time `json:"finished"`
	// Inputs is the row accounting of each input table.
	Inputs []TableStats `json:"inputs"`
	// InputsByMonth counts, per usage table and usage month of the window (YYYY-MM), the rows the
	// metrics use: the drift guard of a later month compares like with like against it. A manifest
	// written before it was added has none (nil after reading).
	InputsByMonth map[string]map[string]int64 `json:"inputs_by_month"`
	// History says which months of the history window had usage data.
	History ManifestHistory `json:"history"`
	// Outputs lists the tables published for the month, one file each.
	Outputs []OutputFile `json:"outputs"`
	// Warnings are what a reader of the snapshot should know.
	Warnings []string `json:"warnings"`
	// Checks are the outcomes of the checks run on the snapshot.
	Checks []CheckResult `json:"checks"`
	// Stages are the wall times of the stages that built the month, in order. The stages shared by a
	// backfill's months (rubric, ingest) are listed with every month of the range, each with the time
	// it took once for the whole range.
	Stages []StageTiming `json:"stages,omitempty"`
}

// StageTiming is one stage's wall time.
type StageTiming struct {
	// Name is the stage's name, as in the logs.
	Name string `json:"name"`
	// DurationSeconds is how long the stage ran.
	DurationSeconds float64 `json:"duration_seconds"`
}

// ManifestHistory lists which usage months of the history window were found in the input.
type ManifestHistory struct {
	// MonthsFound are the months with data, YYYY-MM.
	MonthsFound []string `json:"months_found"`
	// MonthsMissing are the months without data, YYYY-MM.
	MonthsMissing []string `json:"months_missing"`
}

// CheckResult is the outcome of one check.
type CheckResult struct {
	// Name identifies the check.
	Name string `json:"name"`
	// Passed is true when no row broke the check.
	Passed bool `json:"passed"`
	// Offending counts the rows that broke it.
	Offending int64 `json:"offending"`
}

// Output returns the output of a table, by name with or without an extension (Output("area_scores")
// also finds "area_scores.parquet" of an old-layout manifest).
func (m Manifest) Output(name string) (OutputFile, bool) {
	for _, o := range m.Outputs {
		if o.Name == name || strings.TrimSuffix(o.Name, filepath.Ext(o.Name)) == name {
			return o, true
		}
	}
	return OutputFile{}, false
}

// writeManifestFile writes m as path, fsynced. Publication writes it into the staging folder and
// renames it into OUT/_manifests last, so a reader never sees a half-written manifest.
func writeManifestFile(path string, m Manifest) error {
	// Empty lists as [] rather than null, for readers.
	m.Inputs = append([]TableStats{}, m.Inputs...) // a copy: Files is filled in below
	m.Outputs = nonNil(m.Outputs)
	m.Warnings = nonNil(m.Warnings)
	m.Checks = nonNil(m.Checks)
	if m.InputsByMonth == nil {
		m.InputsByMonth = map[string]map[string]int64{}
	}
	m.History.MonthsFound = nonNil(m.History.MonthsFound)
	m.History.MonthsMissing = nonNil(m.History.MonthsMissing)
	for i := range m.Inputs {
		m.Inputs[i].Files = nonNil(m.Inputs[i].Files)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write manifest %s: %w", path, err)
	}
	b = append(b, '\n')
	if err := writeFileSync(path, b); err != nil {
		return fmt.Errorf("write manifest %s: %w", path, err)
	}
	return nil
}

// writeFileSync writes b to a new or truncated file and fsyncs it before closing.
func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// nonNil returns s, or an empty slice when s is nil.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ReadManifestFile reads a manifest file (Layout.ManifestPath of a month).
func ReadManifestFile(path string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("read manifest %s: %w", path, err)
	}
	return m, nil
}

// CodeVersion identifies the running binary: the version stamped by scripts/build.sh when there is
// one, else from its build info: the module version, then vcs.revision=… and vcs.modified=… when the
// build recorded them, e.g. "v1.2.0 vcs.revision=4f2a… vcs.modified=false". Without a version it
// starts with "devel"; without build info it is "devel".
func CodeVersion() string {
	if v := stampedVersion(buildVersion, buildRevision, buildModified); v != "" {
		return v
	}
	info, ok := debug.ReadBuildInfo()
	return codeVersion(info, ok)
}

// codeVersion is CodeVersion over given build info.
func codeVersion(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "devel"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	parts := []string{v}
	for _, key := range []string{"vcs.revision", "vcs.modified"} {
		for _, s := range info.Settings {
			if s.Key == key && s.Value != "" {
				parts = append(parts, key+"="+s.Value)
			}
		}
	}
	return strings.Join(parts, " ")
}
