package pipeline

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestManifest_RoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	t0 := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	m := Manifest{
		RunID:         "r1",
		SnapshotMonth: "2026-10",
		AsOf:          "2026-11-20",
		RubricID:      "ms-pcs-2026-05",
		RubricSHA256:  strings.Repeat("ab", 32),
		CodeVersion:   CodeVersion(),
		Started:       t0,
		Finished:      t0.Add(90 * time.Second),
		Inputs: []TableStats{{
			Table:    "partners",
			Files:    []InputFile{{Path: "partners/a.csv", Bytes: 10, SHA256: "00", Rows: 3}},
			Read:     3,
			Accepted: 2,
			Rejected: 1,
		}},
		InputsByMonth: map[string]map[string]int64{"azure_consumption": {"2026-09": 12, "2026-10": 15}, "m365_usage": {}},
		History:       ManifestHistory{MonthsFound: []string{"2026-09", "2026-10"}, MonthsMissing: []string{"2024-11"}},
		Outputs:       []OutputFile{{Name: "area_scores", Path: "area_scores/snapshot_month=2026-10/part-0.parquet", Rows: 600, Bytes: 4096}},
		Warnings:      []string{"usage for 2024-11 missing"},
		Checks:        []CheckResult{{Name: "one_row_per_partner_area", Passed: true}, {Name: "points_in_range", Offending: 2}},
	}
	if err := writeManifestFile(path, m); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifestFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, m)
	}
	if o, ok := got.Output("area_scores"); !ok || o.Rows != 600 {
		t.Errorf("Output(area_scores) = %v, %v", o, ok)
	}
	// A manifest written before the per-month counts reads with none (the drift guard warns).
	oldPath := filepath.Join(t.TempDir(), "old.json")
	if err := os.WriteFile(oldPath, []byte(`{"run_id": "r0", "snapshot_month": "2026-09", "inputs": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if o, err := ReadManifestFile(oldPath); err != nil || o.InputsByMonth != nil {
		t.Errorf("old manifest: InputsByMonth %v, err %v; want nil", o.InputsByMonth, err)
	}
	old := Manifest{Outputs: []OutputFile{{Name: "area_scores.parquet", Rows: 7}}} // old layout's names
	if o, ok := old.Output("area_scores"); !ok || o.Rows != 7 {
		t.Errorf("Output(area_scores) of an old manifest = %v, %v", o, ok)
	}

	// The field names are the contract.
	b, _ := os.ReadFile(path)
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"run_id", "snapshot_month", "as_of", "rubric_id", "rubric_sha256", "code_version",
		"started", "finished", "inputs", "history", "outputs", "warnings", "checks"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("manifest lacks %q", k)
		}
	}
	if h := raw["history"].(map[string]any); h["months_found"] == nil || h["months_missing"] == nil {
		t.Errorf("history = %v", h)
	}
}

func TestWriteManifestFile_EmptyListsAreArrays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	if err := writeManifestFile(path, Manifest{RunID: "r1"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "null") {
		t.Errorf("empty lists written as null:\n%s", b)
	}
}

func TestReadManifest_Missing(t *testing.T) {
	if _, err := NewLayout(t.TempDir()).ReadManifest(Month{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want not-exist", err)
	}
}

func TestCodeVersion(t *testing.T) {
	tests := []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, "devel"},
		{"devel, no vcs", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "devel"},
		{"version only", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, true, "v1.2.0"},
		{"version and vcs", &debug.BuildInfo{
			Main:     debug.Module{Version: "v1.2.0"},
			Settings: []debug.BuildSetting{{Key: "vcs.modified", Value: "true"}, {Key: "GOOS", Value: "linux"}, {Key: "vcs.revision", Value: "4f2a9c"}},
		}, true, "v1.2.0 vcs.revision=4f2a9c vcs.modified=true"},
		{"devel with vcs", &debug.BuildInfo{
			Main:     debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "4f2a9c"}, {Key: "vcs.modified", Value: "false"}},
		}, true, "devel vcs.revision=4f2a9c vcs.modified=false"},
	}
	for _, tc := range tests {
		if got := codeVersion(tc.info, tc.ok); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestCodeVersionPrefersTheStamp: the link-time stamp of scripts/build.sh wins over the build
// info; without one CodeVersion is what the test binary's own build info gives.
func TestCodeVersionPrefersTheStamp(t *testing.T) {
	v, r, m := buildVersion, buildRevision, buildModified
	t.Cleanup(func() { buildVersion, buildRevision, buildModified = v, r, m })
	buildVersion, buildRevision, buildModified = "v9.9.9", "4f2a9c", "false"
	if got, want := CodeVersion(), "v9.9.9 vcs.revision=4f2a9c vcs.modified=false"; got != want {
		t.Errorf("stamped: CodeVersion() = %q, want %q", got, want)
	}
	buildVersion, buildRevision, buildModified = "", "", ""
	info, ok := debug.ReadBuildInfo()
	if got, want := CodeVersion(), codeVersion(info, ok); got != want || !strings.HasPrefix(got, "devel") && !strings.HasPrefix(got, "v") {
		t.Errorf("not stamped: CodeVersion() = %q, want %q from the build info", got, want)
	}
}
