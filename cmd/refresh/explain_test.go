package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/capscore/capscore/explain"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/rubric"
)

var (
	explainOnce sync.Once
	explainDir  string
	explainErr  string
)

// explainOut publishes 2026-09 and 2026-10 of the demo fixtures (a backfill, in this process) once
// per test binary and returns the output folder; tests that change it work on a copy.
func explainOut(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("publishes two demo months")
	}
	explainOnce.Do(func() {
		dir, err := os.MkdirTemp(e2eDir, "explain-")
		if err != nil {
			explainErr = err.Error()
			return
		}
		out := filepath.Join(dir, "out")
		// The demo's usage starts in 2025-10: S-12 of 2026-09 has not landed, so readiness is skipped.
		code, _, stderr := refreshInProcess("backfill", "--from", "2026-09", "--to", "2026-10", "--input", absPath(t, demoInput),
			"--out", out, "--skip-readiness", "--log-level", "warn")
		if code != 0 {
			explainErr = "backfill: " + stderr
			return
		}
		explainDir = out
	})
	if explainErr != "" {
		t.Fatal(explainErr)
	}
	return explainDir
}

// copyOut copies a published output folder for a test that changes it.
func copyOut(t *testing.T, out string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "out")
	if err := os.CopyFS(dst, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// checkWidth fails for a line longer than explain.Width columns.
func checkWidth(t *testing.T, name, text string) {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if n := utf8.RuneCountInString(l); n > explain.Width {
			t.Errorf("%s line %d has %d columns: %q", name, i+1, n, l)
		}
	}
}

// TestExplainGolden runs refresh explain on the demo's 2026-09/2026-10 and compares the text and
// JSON with testdata/explain (rewrite with go test ./cmd/refresh -run TestExplainGolden -update).
// The JSON read back and rendered as text gives the text output: both carry the same content.
func TestExplainGolden(t *testing.T) {
	out := explainOut(t)
	cases := []struct {
		name string
		args []string
	}{
		// Business Applications: track change smb -> enterprise, customers pulling down, recommendations.
		{"p04", []string{"--partner", "P04"}},
		// Data & AI chosen with --area: gained qualification since 2026-09.
		{"p01-data_ai", []string{"--partner", "P01", "--area", "data_ai"}},
		// Security: Azure and Microsoft 365 parts, capped components, gates.
		{"p08", []string{"--partner", "P08"}},
		// Modern Work: best of options.
		{"p06", []string{"--partner", "P06"}},
		// 2026-09: no score_changes (2026-08 is not published); certifications expired, earned after
		// the as-of date and counted twice; a gate not met.
		{"p09-infrastructure-2026-09", []string{"--partner", "P09", "--area", "infrastructure", "--month", "2026-09", "--limit", "3"}},
	}
	// Points per card in rubric order, and the move since 2026-09, from fixtures/demo/README.md (2026-10)
	// and fixtures/score_changes_test.go (2026-09).
	want := map[string]struct {
		points []string
		since  string
	}{
		// Data & AI: 30 + 28 + 20 + 10 = 88; 56 -> 88.
		"p01-data_ai": {[]string{"30.00", "28.00", "20.00", "10.00"}, "56.00 -> 88.00 gained"},
		// Business Applications enterprise: 6 + 6 + 4.29 + 25 + 12 = 53.29; 35 (smb) -> 53.29.
		"p04": {[]string{"6.00", "6.00", "4.29", "25.00", "12.00"}, "35.00 -> 53.29 none"},
		// Security enterprise: 4 + 20 + 10 + 10 = 44.
		"p08": {[]string{"4.00", "20.00", "10.00", "10.00"}, "39.33 -> 44.00 none"},
		// Modern Work enterprise: 8 + 10 + 15 + 30 + 10 = 73.
		"p06": {[]string{"8.00", "10.00", "15.00", "30.00", "10.00"}, "25.00 -> 73.00 gained"},
		// Infrastructure enterprise, 2026-09: gate of 2 AZ-104 met, 1 step-2 person -> 4.
		"p09-infrastructure-2026-09": {[]string{"0.00", "4.00", "0.00", "0.00", "0.00"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"explain", "--out", out}, tc.args...)
			code, text, stderr := refreshInProcess(args...)
			if code != 0 {
				t.Fatalf("%v: exit %d\n%s", args, code, stderr)
			}
			checkWidth(t, tc.name, text)
			code, js, stderr := refreshInProcess(append(args, "--json")...)
			if code != 0 {
				t.Fatalf("%v --json: exit %d\n%s", args, code, stderr)
			}
			var e explain.Explanation
			if err := json.Unmarshal([]byte(js), &e); err != nil {
				t.Fatalf("--json output does not read back: %v", err)
			}
			var pts []string
			for _, c := range e.Area.Metrics {
				pts = append(pts, string(c.Points))
			}
			since := ""
			if c := e.Area.SinceLastMonth; c != nil {
				since = string(*c.PreviousTotalPoints) + " -> " + string(*c.TotalPoints) + " " + c.QualificationChange
			}
			if w := want[tc.name]; strings.Join(pts, " ") != strings.Join(w.points, " ") || since != w.since {
				t.Errorf("cards %v since %q, want %v since %q", pts, since, w.points, w.since)
			}
			var again bytes.Buffer
			if err := explain.WriteText(&again, &e); err != nil {
				t.Fatal(err)
			}
			if again.String() != text {
				t.Errorf("the JSON rendered as text differs from the text output:\n%s\n---\n%s", again.String(), text)
			}
			for ext, got := range map[string]string{".txt": text, ".json": js} {
				golden := filepath.Join("testdata", "explain", tc.name+ext)
				if *updateAnalyst {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if string(want) != got {
					t.Errorf("%s differs from %s; diff them or rerun with -update if the change is intended:\n%s", tc.name+ext, golden, got)
				}
			}
		})
	}
}

// TestExplainEveryPartner: every demo partner's default area and every area of three partners
// load and fit in 80 columns.
func TestExplainEveryPartner(t *testing.T) {
	out := explainOut(t)
	var opts []explain.Options
	for i := 1; i <= 14; i++ {
		opts = append(opts, explain.Options{Out: out, Partner: "P" + twoDigits(i)})
	}
	for _, p := range []string{"P02", "P05", "P14"} {
		for _, a := range rubric.Areas {
			opts = append(opts, explain.Options{Out: out, Partner: p, Area: a})
		}
	}
	for _, o := range opts {
		e, err := explain.Load(context.Background(), o)
		if err != nil {
			t.Errorf("%s %s: %v", o.Partner, o.Area, err)
			continue
		}
		if len(e.Areas) != 6 || len(e.Area.Metrics) < 4 {
			t.Errorf("%s %s: %d areas, %d metric cards; want 6 areas and 4 or 5 cards", o.Partner, o.Area, len(e.Areas), len(e.Area.Metrics))
		}
		var b bytes.Buffer
		if err := explain.WriteText(&b, e); err != nil {
			t.Fatal(err)
		}
		checkWidth(t, o.Partner+" "+o.Area, b.String())
	}
}

func twoDigits(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

// TestExplainErrors: an unknown partner, area or month is a usage error (exit 2) that names it and
// the nearest valid values; an OUT with nothing published says so (exit 1).
func TestExplainErrors(t *testing.T) {
	out := explainOut(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--partner", "P1"}, exitUsage, `partner "P1" is not in 2026-10; nearest: P01 Contoso Data, P10 Lamna Enrolled, P11 Margie Sovereign (14 partners, P01..P14)`},
		{[]string{"--partner", "contoso"}, exitUsage, `partner "contoso" is not in 2026-10; nearest: P01 Contoso Data (14 partners, P01..P14)`},
		{[]string{"--partner", "P01", "--area", "secrity"}, exitUsage, `solution area "secrity" is not an area of rubric ms-pcs-2026-05; nearest: security ` +
			`(areas: data_ai, infrastructure, digital_app_innovation, business_applications, modern_work, security)`},
		{[]string{"--partner", "P01", "--month", "2026-12"}, exitUsage, `month "2026-12" is not published in ` + out + `; nearest: 2026-10, 2026-09 (published: 2026-09, 2026-10)`},
		{[]string{"--partner", "P01", "--month", "2026-8"}, exitUsage, `--month: month "2026-8": want YYYY-MM`},
		{[]string{"--area", "data_ai"}, exitUsage, "--partner is required"},
		{[]string{"--partner", "P01", "--limit", "0"}, exitUsage, "--limit 0: want at least 1"},
	} {
		code, stdout, stderr := refreshInProcess(append([]string{"explain", "--out", out}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit %d and %q", tc.args, code, stderr, stdout, tc.code, tc.want)
		}
	}
	empty := t.TempDir()
	code, _, stderr := refreshInProcess("explain", "--out", empty, "--partner", "P01")
	if code != exitFailure || !strings.Contains(stderr, "no published month in "+empty) {
		t.Errorf("empty OUT: exit %d, stderr %q", code, stderr)
	}
}

// TestExplainRubric: explain words the criteria with the rubric the month was scored with. A month
// scored with --rubric FILE publishes FILE beside its manifest and explain uses it; a month without
// a published rubric (published before rubrics were) falls back to the built-in rubric only when its
// SHA-256 is the month's, and otherwise says what to do; a changed rubric file is refused.
func TestExplainRubric(t *testing.T) {
	base := explainOut(t)
	l := func(out string) pipeline.Layout { return pipeline.NewLayout(out) }
	oct, _ := pipeline.ParseMonth("2026-10")

	// A custom rubric: Data & AI enterprise net adds need 4 customers of $1,200.
	b, err := os.ReadFile(filepath.Join("..", "..", "rubric", "ms-pcs-2026-05.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	old := "nca_enterprise: &azure_nca_ent {max_points: 30, rule: linear, threshold: 3, acr_floor_usd: 1000,"
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("the shipped rubric no longer has %q", old)
	}
	custom := bytes.Replace(b, []byte(old), []byte("nca_enterprise: &azure_nca_ent {max_points: 30, rule: linear, threshold: 4, acr_floor_usd: 1200,"), 1)
	rb := filepath.Join(t.TempDir(), "custom.yaml")
	if err := os.WriteFile(rb, custom, 0o644); err != nil {
		t.Fatal(err)
	}
	out := copyOut(t, base)
	code, _, stderr := refreshInProcess("run", "--month", "2026-10", "--input", absPath(t, demoInput), "--out", out, "--rubric", rb,
		"--accept-drift", "--log-level", "warn")
	if code != 0 {
		t.Fatalf("run with --rubric: exit %d\n%s", code, stderr)
	}
	if got, err := os.ReadFile(l(out).RubricPath(oct)); err != nil || !bytes.Equal(got, custom) {
		t.Fatalf("the rubric published with 2026-10 is not the file run with (%v)", err)
	}
	man, err := l(out).ReadManifest(oct)
	if err != nil || man.RubricFile != "_manifests/snapshot_month=2026-10.rubric.yaml" {
		t.Fatalf("manifest rubric_file %q (%v)", man.RubricFile, err)
	}
	code, text, stderr := refreshInProcess("explain", "--out", out, "--partner", "P01", "--area", "data_ai")
	// P01 Data & AI net adds with the custom rubric: T01A 6,000, T01B 2,000, T01D 3,000 reach $1,200 in S
	// (T01C's 1,200 in S-1 too) = 4, minus T01A's 5,000 in S-12 = 3 -> 30 x 3/4 = 22.50.
	for _, want := range []string{"is at least $1,200 in S or S-1", "Full 30 points at 4, in proportion", "Net customer adds (performance): 22.50 of 30.00 points"} {
		if code != 0 || !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("explain with a custom rubric: exit %d, want %q in:\n%s%s", code, want, text, stderr)
		}
	}

	// A month published before rubrics were: no rubric file, no rubric_file; its SHA-256 is the built-in's.
	out = copyOut(t, base)
	if err := os.Remove(l(out).RubricPath(oct)); err != nil {
		t.Fatal(err)
	}
	code, js, stderr := refreshInProcess("explain", "--out", out, "--partner", "P01", "--json")
	var e explain.Explanation
	if code != 0 || json.Unmarshal([]byte(js), &e) != nil || e.Rubric.Source != "built-in" || e.Rubric.ID != rubric.DefaultID {
		t.Errorf("without a published rubric: exit %d, rubric %+v\n%s", code, e.Rubric, stderr)
	}
	// ... scored with another rubric: explain cannot word it and says how to publish it.
	setManifestSHA(t, out, oct, strings.Repeat("ab", 32))
	code, _, stderr = refreshInProcess("explain", "--out", out, "--partner", "P01")
	if code != exitFailure || !strings.Contains(stderr, "2026-10 was scored with rubric ms-pcs-2026-05 (SHA-256 "+strings.Repeat("ab", 32)+
		"), which was not published with the month") || !strings.Contains(stderr, "refresh run --month 2026-10 --rubric FILE") {
		t.Errorf("unknown rubric: exit %d, stderr %q", code, stderr)
	}

	// A published rubric that is not the one the manifest names is refused.
	out = copyOut(t, base)
	f, err := os.OpenFile(l(out).RubricPath(oct), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("# changed\n")
	f.Close()
	code, _, stderr = refreshInProcess("explain", "--out", out, "--partner", "P01")
	if code != exitFailure || !strings.Contains(stderr, "but the manifest of 2026-10 says") {
		t.Errorf("changed rubric file: exit %d, stderr %q", code, stderr)
	}
}

// setManifestSHA rewrites the rubric SHA-256 of a month's manifest.
func setManifestSHA(t *testing.T, out string, m pipeline.Month, sha string) {
	t.Helper()
	path := pipeline.NewLayout(out).ManifestPath(m)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	raw["rubric_sha256"] = sha
	if b, err = json.Marshal(raw); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
