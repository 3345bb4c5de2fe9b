package explain

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/capscore/capscore/rubric"
)

func TestFmtNum(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{{11000, "11,000"}, {53.285714, "53.29"}, {0.2, "0.2"}, {-58.461538, "-58.46"}, {1234567.5, "1,234,567.5"}, {0, "0"}, {-0.001, "0"}, {100, "100"}} {
		if got := fmtNum(tc.f); got != tc.want {
			t.Errorf("fmtNum(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestAddPoints(t *testing.T) {
	// 4.00 + 32.00 + 0.93 = 36.93 exactly; -2.50 + 1.25 = -1.25.
	if got := addPoints(addPoints("4.00", "32.00"), "0.93"); got != "36.93" {
		t.Errorf("got %s, want 36.93", got)
	}
	if got := addPoints("-2.50", "1.25"); got != "-1.25" {
		t.Errorf("got %s, want -1.25", got)
	}
}

func TestNearest(t *testing.T) {
	ids := []string{"P01", "P02", "P10", "P11", "P12"}
	// "P1": P01 is one insertion away; P10, P11, P12 contain it (one edit); ties in list order.
	if got := strings.Join(nearest("P1", ids, 3), ","); got != "P01,P10,P11" {
		t.Errorf("nearest(P1) = %s", got)
	}
	// "xyz" is 3 edits from every id, more than max(2, 3/2): nothing is near.
	if got := nearest("xyz", ids, 3); len(got) != 0 {
		t.Errorf("nearest(xyz) = %v, want none", got)
	}
	// "secrity" is one insertion from security.
	if got := nearest("secrity", rubric.Areas, 1); len(got) != 1 || got[0] != "security" {
		t.Errorf("nearest(secrity) = %v", got)
	}
	if d := editDistance("kitten", "sitting"); d != 3 {
		t.Errorf("editDistance(kitten, sitting) = %d, want 3", d)
	}
}

func TestWrap(t *testing.T) {
	long := strings.Repeat("word ", 40) + strings.Repeat("x", 120) + " é" + strings.Repeat("é", 90)
	out := wrap("    ", "  - ", long)
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := utf8.RuneCountInString(l); n > Width || !utf8.ValidString(l) {
			t.Errorf("line of %d columns (valid UTF-8 %v): %q", n, utf8.ValidString(l), l)
		}
		if !strings.HasPrefix(l, "  - ") && !strings.HasPrefix(l, "    ") {
			t.Errorf("line without its indent: %q", l)
		}
	}
	if got := strings.ReplaceAll(strings.Join(strings.Fields(out), ""), "-", ""); got != strings.ReplaceAll(long, " ", "") {
		t.Error("wrap lost or changed text")
	}
}

// TestCriterionEveryMetric: every applicable metric of the shipped rubric is worded from its
// parameters, with no formatting hole, and the wording carries the rubric's figures.
func TestCriterionEveryMetric(t *testing.T) {
	rb, err := rubric.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rubric.Areas {
		for _, tr := range []string{rubric.TrackEnterprise, rubric.TrackSMB} {
			for _, name := range rubric.Metrics {
				m := rb.Areas[a].Tracks[tr].Metrics[name]
				if !m.IsApplicable() {
					continue
				}
				c := criterion(rb, a, m, name)
				if c == "" || strings.Contains(c, "%!") || strings.Contains(c, "none") {
					t.Errorf("%s/%s/%s: %q", a, tr, name, c)
				}
				if !strings.Contains(c, fmtNum(float64(m.MaxPoints))+" points") {
					t.Errorf("%s/%s/%s: %q lacks the %v max points", a, tr, name, c, m.MaxPoints)
				}
			}
		}
	}
	// Worked examples: the wording follows the rubric's figures.
	dai := rb.Areas["data_ai"].Tracks["smb"].Metrics
	for name, want := range map[string]string{
		"net_customer_adds": "Customers whose ACR attributed through CSP_T1, CSP_T2, DPOR or PAL is at least $500 in S or S-1, " +
			"minus those that reached it in S-12 or S-13. Full 30 points at 3, in proportion below.",
		"intermediate_certifications": "People certified on the as-of date, in steps: step 1: at least 1 person with AZ-104, 4 points; " +
			"step 2: at least 1 person with AZ-305, 4 points; step 3: 4 points a person with one of DP-300, AI-102, DP-100, PL-300, " +
			"DP-420, DP-600, DP-700, X-SQL-AI-DEV, AI-103, X-MLOPS-ENG or X-DATABRICKS-DE, once step 1 and 2 hold. At most 40 points.",
	} {
		if got := criterion(rb, "data_ai", dai[name], name); got != want {
			t.Errorf("data_ai smb %s:\n got  %s\n want %s", name, got, want)
		}
	}
	sec := rb.Areas["security"].Tracks["smb"].Metrics["deployments"]
	if got := criterion(rb, "security", sec, "deployments"); !strings.Contains(got, "trailing-12-month security ACR $750 to $12,000") ||
		!strings.Contains(got, "5 to 300 paid licences of a Security workload and active users at least 15% of them") {
		t.Errorf("security smb deployments: %s", got)
	}
}

func TestDetailWords(t *testing.T) {
	rb, _ := rubric.Default()
	m := rb.Areas["modern_work"].Tracks["enterprise"].Metrics["usage_growth"]
	got := detailWords(`{"winner":"CPOR","options":[{"option":"CPOR","users_now":2100,"users_base":600,"threshold":1000.0,"measure":1500,"points":30.0},`+
		`{"option":"DPOR","users_now":500,"users_base":0,"threshold":4000.0,"measure":500,"points":3.75}]}`, m)
	want := []string{
		"Option CPOR: 1,500 of threshold 1,000 -> 30 points (users now 2,100, users base 600), the best.",
		"Option DPOR: 500 of threshold 4,000 -> 3.75 points (users now 500, users base 0).",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	got = detailWords(`{"steps":[{"step":1,"role":"gate","people":1,"held":false,"requirements_held":true,"points":0.0}],"prerequisite_people_held":null}`, nil)
	if len(got) != 1 || got[0] != "Step 1 (gate): 1 person, not held." {
		t.Errorf("got %q", got)
	}
	if got := detailWords(`{}`, nil); len(got) != 0 {
		t.Errorf("{}: %q", got)
	}
}
