package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/rubric"
	"github.com/capscore/capscore/whatif"
)

// simulateJSON runs refresh simulate --json on the demo month 2026-10 of out (published from the
// demo fixtures) with extra arguments and returns the result.
func simulateJSON(t *testing.T, out string, extra ...string) simResult {
	t.Helper()
	args := append([]string{"simulate", "--input", absPath(t, demoInput), "--out", out, "--month", "2026-10",
		"--skip-readiness", "--threads", "2", "--log-level", "warn", "--json"}, extra...)
	code, stdout, stderr := refreshInProcess(args...)
	if code != exitOK {
		t.Fatalf("%v: exit %d: %s", extra, code, stderr)
	}
	var r simResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v: %v\n%s", extra, err, stdout)
	}
	return r
}

// simArea finds an area of a result.
func (r simResult) area(t *testing.T, a string) simArea {
	t.Helper()
	for _, x := range r.Areas {
		if x.Area == a {
			return x
		}
	}
	t.Fatalf("%s: no area %s in the result", r.Partner.ID, a)
	return simArea{}
}

// TestSimulateUnchangedEveryPartner: simulate with no change runs the month on each demo partner's
// slice of the input and finds the published scores of all six areas: track, total, status,
// qualified, qualified_in_window and every metric's points.
func TestSimulateUnchangedEveryPartner(t *testing.T) {
	out := explainOut(t)
	for i := 1; i <= 14; i++ {
		p := "P" + twoDigits(i)
		r := simulateJSON(t, out, "--partner", p)
		if len(r.Areas) != len(rubric.Areas) {
			t.Errorf("%s: %d areas, want %d", p, len(r.Areas), len(rubric.Areas))
		}
		for _, a := range r.Areas {
			if a.Changed || !a.Before.sameAs(a.After) || a.TotalDeltaPoints != "+0.00" {
				t.Errorf("%s %s: the unchanged slice scores %+v, published %+v", p, a.Area, a.After, a.Before)
			}
			if len(a.Before.Metrics) < 4 || len(a.After.Metrics) != len(a.Before.Metrics) {
				t.Errorf("%s %s: %d metrics published, %d simulated", p, a.Area, len(a.Before.Metrics), len(a.After.Metrics))
			}
			if !a.Affected {
				t.Errorf("%s %s: without a change every area is shown", p, a.Area)
			}
		}
		if r.Slice.RowsRead == 0 || r.Slice.RowsRejected != 0 {
			t.Errorf("%s: slice read %d rows, rejected %d", p, r.Slice.RowsRead, r.Slice.RowsRejected)
		}
	}
}

// TestSimulateApplyPath: carrying out P02's published path in Data & AI (one more person in the
// scoring step) qualifies the area at 72.00; the other areas do not move.
func TestSimulateApplyPath(t *testing.T) {
	out := explainOut(t)
	r := simulateJSON(t, out, "--partner", "P02", "--apply-path", "data_ai")
	a := r.area(t, "data_ai")
	if a.Before.TotalPoints != "68.00" || a.After.TotalPoints != "72.00" || !a.After.Qualified || a.After.Status != "qualified" ||
		!a.After.QualifiedInWindow || a.TotalDeltaPoints != "+4.00" || !a.Changed || !a.Affected {
		t.Errorf("P02 data_ai with its path: %+v -> %+v (%s)", a.Before, a.After, a.TotalDeltaPoints)
	}
	if got := a.After.points("intermediate_certifications"); got != "12.00" {
		t.Errorf("P02 data_ai intermediate certifications after the path: %s, want 12.00", got)
	}
	for _, x := range r.Areas {
		if x.Area != "data_ai" && (x.Changed || x.Affected) {
			t.Errorf("P02 %s moved or is shown: %+v -> %+v", x.Area, x.Before, x.After)
		}
	}
	if len(r.Changes) != 1 || r.Changes[0].Rows["certifications"] != 1 {
		t.Errorf("changes: %+v, want one adding 1 certifications row", r.Changes)
	}
	code, stdout, _ := refreshInProcess("simulate", "--input", absPath(t, demoInput), "--out", out, "--month", "2026-10",
		"--skip-readiness", "--threads", "2", "--log-level", "warn", "--partner", "P02", "--apply-path", "data_ai")
	if code != exitOK || !strings.Contains(stdout, "Data & AI (Azure)") || strings.Contains(stdout, "Security    ") {
		t.Errorf("text: exit %d\n%s", code, stdout)
	}
	checkWidth(t, "simulate P02 --apply-path data_ai", stdout)
}

// TestSimulateEqualsFullRun: a what-if equals a full run of the month on a copy of the input that
// holds the same rows: two more people certified AZ-104 (the translator's rows, whatif.WriteInput),
// $6,000 more ACR on P03's customer T03A (which moves usage growth in the three Azure areas), and
// one certification of P01 taken out.
func TestSimulateEqualsFullRun(t *testing.T) {
	out := explainOut(t)
	m, _ := pipeline.ParseMonth("2026-10")
	asOf := pipeline.DefaultAsOf(m)
	cases := []struct {
		name, partner string
		args          []string
		steps         []whatif.Step
		edit          func(t *testing.T, dir string)
		moved         []string
	}{
		{name: "add-certification", partner: "P14", args: []string{"--add-certification", "AZ-104=2"},
			steps: []whatif.Step{{PartnerID: "P14", SolutionArea: simSource, Step: 1, Lever: whatif.LeverCertify, Count: 2, Certification: "AZ-104"}},
			moved: []string{"data_ai", "infrastructure", "digital_app_innovation"}},
		{name: "grow-usage", partner: "P03", args: []string{"--grow-usage", "infrastructure=+6000", "--tenant", "T03A"},
			steps: []whatif.Step{{PartnerID: "P03", SolutionArea: simSource, Step: 1, Lever: whatif.LeverGrowUsage, TenantID: "T03A",
				Service: "Virtual Machines", USD: 6000}},
			moved: []string{"data_ai", "infrastructure", "digital_app_innovation"}},
		{name: "remove-certification", partner: "P01", args: []string{"--remove-certification", "p01-01:AZ-104"},
			edit: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "certifications", "certifications.csv")
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				var keep []string
				for _, l := range strings.SplitAfter(string(b), "\n") {
					if !strings.Contains(l, "p01-01,AZ-104") {
						keep = append(keep, l)
					}
				}
				if len(keep) == len(strings.SplitAfter(string(b), "\n")) {
					t.Fatal("no row of p01-01 AZ-104 in the demo certifications")
				}
				if err := os.WriteFile(p, []byte(strings.Join(keep, "")), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			moved: []string{"data_ai"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := simulateJSON(t, out, append([]string{"--partner", tc.partner}, tc.args...)...)
			in := filepath.Join(t.TempDir(), "in")
			rows, err := whatif.Rows(whatif.Context{Month: m, AsOf: asOf}, tc.steps)
			if err != nil {
				t.Fatal(err)
			}
			if err := whatif.WriteInput(absPath(t, demoInput), in, rows); err != nil {
				t.Fatal(err)
			}
			if tc.edit != nil {
				tc.edit(t, in)
			}
			full := copyOut(t, out)
			code, _, stderr := refreshInProcess("run", "--month", "2026-10", "--input", in, "--out", full, "--skip-readiness",
				"--accept-drift", "--threads", "2", "--log-level", "warn")
			if code != exitOK {
				t.Fatalf("full run: exit %d: %s", code, stderr)
			}
			pub, err := openPublished(context.Background(), full, m, 2, zap.NewNop())
			if err != nil {
				t.Fatal(err)
			}
			defer pub.Close()
			want, _, err := pub.scores(context.Background(), tc.partner)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range r.Areas {
				if !a.After.sameAs(want[a.Area]) {
					t.Errorf("%s %s: simulated %+v, full run %+v", tc.partner, a.Area, a.After, want[a.Area])
				}
			}
			var moved []string
			for _, a := range r.Areas {
				if a.Changed {
					moved = append(moved, a.Area)
				}
			}
			if strings.Join(moved, ",") != strings.Join(tc.moved, ",") {
				t.Errorf("areas moved: %v, want %v", moved, tc.moved)
			}
		})
	}
}

// TestSimulateGrowUsage: more active users raise the customer's usage row in place (Modern Work:
// P07's CSP option overtakes CPOR, 8.40 -> 11.40), and more Azure ACR adds a usage row on the
// customer with the most ACR counted in usage growth.
func TestSimulateGrowUsage(t *testing.T) {
	out := explainOut(t)
	r := simulateJSON(t, out, "--partner", "P07", "--grow-usage", "modern_work=+400")
	a := r.area(t, "modern_work")
	if a.Before.points("usage_growth") != "8.40" || a.After.points("usage_growth") != "11.40" || a.After.TotalPoints != "47.90" {
		t.Errorf("P07 modern_work +400 users: %+v -> %+v", a.Before, a.After)
	}
	if len(r.Changes) != 1 || !strings.Contains(r.Changes[0].Text, "Teams on T07E") || len(r.Changes[0].Rows) != 0 {
		t.Errorf("change: %+v", r.Changes)
	}
	r = simulateJSON(t, out, "--partner", "P03", "--grow-usage", "data_ai=+2500")
	if len(r.Changes) != 1 || r.Changes[0].Rows["azure_consumption"] != 1 || !strings.Contains(r.Changes[0].Text, "Virtual Machines") {
		t.Errorf("change: %+v", r.Changes)
	}
}

// TestSimulateErrors: usage mistakes exit 2 with a message naming the valid values.
func TestSimulateErrors(t *testing.T) {
	out := explainOut(t)
	in := absPath(t, demoInput)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--partner", "P1"}, exitUsage, `partner "P1" is not in 2026-10 as published in ` + out + ` (14 partners, P01..P14)`},
		{[]string{"--partner", "P02", "--month", "2026-12"}, exitUsage, "month 2026-12 is not published in " + out + " (published: 2026-09, 2026-10)"},
		{[]string{"--month", "2026-10"}, exitUsage, "--partner is required"},
		{[]string{"--partner", "P02", "--apply-path", "security"}, exitUsage, "--apply-path security: P02 has no path_to_qualify for security in 2026-10; areas with one: data_ai, digital_app_innovation"},
		{[]string{"--partner", "P02", "--apply-path", "dataai"}, exitUsage, `--apply-path: unknown solution area "dataai" (areas: data_ai, infrastructure, `},
		{[]string{"--partner", "P02", "--add-certification", "AZ-999=2"}, exitUsage, `"AZ-999" is not a certification of rubric ms-pcs-2026-05 (codes like it: AZ-104,`},
		{[]string{"--partner", "P02", "--add-certification", "AZ-104"}, exitUsage, `--add-certification "AZ-104": want KEY=N`},
		{[]string{"--partner", "P02", "--add-customers", "modern_work=2"}, exitUsage, "new customers are made for the Azure areas only (data_ai, infrastructure, digital_app_innovation)"},
		{[]string{"--partner", "P02", "--add-customers", "data_ai=2", "--segment", "mid"}, exitUsage, `--segment "mid": want smb or enterprise`},
		{[]string{"--partner", "P02", "--grow-usage", "modern_work=+10"}, exitUsage, "P02 has no customer counted in the usage growth of modern_work"},
		{[]string{"--partner", "P02", "--grow-usage", "data_ai=-10"}, exitUsage, `--grow-usage "data_ai=-10": want AREA=+N`},
		{[]string{"--partner", "P02", "--grow-usage", "data_ai=+10", "--tenant", "T99"}, exitUsage, "--tenant T99: no row of it in the usage growth of data_ai (smb track) for P02 in 2026-10; P02's customers: T02A,"},
		{[]string{"--partner", "P02", "--remove-certification", "AZ-104"}, exitUsage, "want PERSON:CODE"},
		{[]string{"--partner", "P02", "--remove-certification", "nobody:AZ-104"}, exitUsage, "P02 has no certification row of nobody:AZ-104 in the input"},
		{[]string{"--partner", "P02", "--acr", "1500"}, exitUsage, "--acr and --segment describe the customers of --add-customers"},
		{[]string{"--partner", "P02", "--temp-dir", filepath.Join(out, "tmp")}, exitUsage, "is inside OUT"},
		{[]string{"--partner", "P02", "--skip-readiness=false"}, exitSourceMissing, "readiness applies to P02's slice"},
	} {
		args := append([]string{"simulate", "--input", in, "--out", out, "--month", "2026-10", "--skip-readiness", "--threads", "2", "--log-level", "warn"}, tc.args...)
		code, stdout, stderr := refreshInProcess(args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// TestSimulatePublishesNothing: a what-if leaves OUT byte for byte as it was (no lock, ledger,
// staging or spill folder), and removes its own work folder.
func TestSimulatePublishesNothing(t *testing.T) {
	out := copyOut(t, explainOut(t))
	tmp := t.TempDir()
	before := treeHash(t, out)
	code, _, stderr := refreshInProcess("simulate", "--input", absPath(t, demoInput), "--out", out, "--month", "2026-10", "--skip-readiness",
		"--threads", "2", "--log-level", "warn", "--temp-dir", tmp, "--partner", "P02", "--apply-path", "data_ai", "--grow-usage", "data_ai=+100")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if after := treeHash(t, out); after != before {
		t.Errorf("simulate changed OUT")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in --temp-dir: %v", left)
	}
}

// treeHash hashes every file's path, mode and content under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		line := p + " " + info.Mode().String()
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			line += " " + hex.EncodeToString(sum[:]) + " " + info.ModTime().Format(time.RFC3339Nano)
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}
