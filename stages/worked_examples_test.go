package stages_test

// Worked examples of the rubric's published scoring rules, rebuilt from raw input rows.
//
// Every example writes the few rows it needs into t.TempDir() (one CSV per table; tables it does
// not need get a header-only file), runs snapshot month S = 2026-10 with as-of 2026-11-20 through
// the public entry point, and reads metric_scores.parquet back with DuckDB. The arithmetic behind
// every expectation is written beside it, following docs/scoring.md.
//
// Month names used below: S = 2026-10, S-1 = 2026-09, S-12 = 2025-10, S-13 = 2025-09.
// Associations start on 2024-01-01 (before the 24-month window) unless said otherwise, so every
// tenant is covered in S and in S-12 and the growth base is its S-12 usage.

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

const (
	snapshotMonth = "2026-10"
	asOfDate      = "2026-11-20"
	assocStart    = "2024-01-01" // before S-23: covered in every month of the window
	earned        = "2026-01-15" // certification earned on (before A, no expiry)
)

// headers are the contract columns of each input table, in the order the helpers write them.
var headers = map[string]string{
	"partners":          "partner_id,partner_name,country",
	"tenants":           "tenant_id,segment,cloud",
	"associations":      "partner_id,tenant_id,association_type,workload,start_date,end_date",
	"azure_consumption": "tenant_id,month,service,offer,acr_usd",
	"m365_usage":        "tenant_id,month,workload,paid_licenses,active_users",
	"bizapps_usage":     "tenant_id,month,workload,revenue_usd,active_users",
	"certifications":    "partner_id,person_id,certification,earned_on,expires_on",
	"enrollments":       "partner_id,solution_area,enrolled_on,ended_on",
}

// input is an input folder in the contract layout, built row by row.
type input struct {
	t    *testing.T
	dir  string
	rows map[string][]string // table -> CSV lines (without header), written to <table>/<table>.csv
	own  map[string]bool     // tables written by hand with file()
}

func newInput(t *testing.T) *input {
	t.Helper()
	return &input{t: t, dir: filepath.Join(t.TempDir(), "in"), rows: map[string][]string{}, own: map[string]bool{}}
}

// add appends CSV lines (in the column order of headers) to a table.
func (in *input) add(table string, lines ...string) *input {
	in.t.Helper()
	if _, ok := headers[table]; !ok {
		in.t.Fatalf("unknown table %q", table)
	}
	in.rows[table] = append(in.rows[table], lines...)
	return in
}

// partners adds partners by id.
func (in *input) partners(ids ...string) *input {
	for _, id := range ids {
		in.add("partners", id+",Partner "+id+",US")
	}
	return in
}

// tenant adds a public tenant of a segment.
func (in *input) tenant(id, segment string) *input {
	return in.add("tenants", id+","+segment+",public")
}

// assoc adds an association covering every workload, active from assocStart.
func (in *input) assoc(partner, tenant, typ string) *input {
	return in.add("associations", fmt.Sprintf("%s,%s,%s,,%s,", partner, tenant, typ, assocStart))
}

// cert adds one certification earned on `earned`, not expiring.
func (in *input) cert(partner, person, code string) *input {
	return in.add("certifications", fmt.Sprintf("%s,%s,%s,%s,", partner, person, code, earned))
}

// m365 adds one Microsoft 365 usage row.
func (in *input) m365(tenant, month, workload string, paid, active int) *input {
	return in.add("m365_usage", fmt.Sprintf("%s,%s,%s,%d,%d", tenant, month, workload, paid, active))
}

// file writes one file of a table by hand (any header, any name) and returns its path.
func (in *input) file(table, name, header string, lines ...string) string {
	in.t.Helper()
	path := filepath.Join(in.dir, table, name)
	writeLines(in.t, path, append([]string{header}, lines...))
	in.own[table] = true
	return path
}

// write puts every table on disk; a table with no rows gets a header-only file.
func (in *input) write() string {
	in.t.Helper()
	for table, header := range headers {
		if in.own[table] && len(in.rows[table]) == 0 {
			continue
		}
		writeLines(in.t, filepath.Join(in.dir, table, table+".csv"), append([]string{header}, in.rows[table]...))
	}
	return in.dir
}

func writeLines(t *testing.T, path string, lines []string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runMonth runs snapshot month S on the input and returns the output root and the run's outcome.
func runMonth(t *testing.T, in *input, tweak func(*pipeline.Config)) (string, *pipeline.Result, error) {
	t.Helper()
	m, err := pipeline.ParseMonth(snapshotMonth)
	if err != nil {
		t.Fatal(err)
	}
	asOf, err := time.Parse("2006-01-02", asOfDate)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	// SkipReadiness: a minimal example has no usage rows in some tables for S or S-12.
	cfg := pipeline.Config{Month: m, AsOf: asOf, Input: in.write(), Out: out, Threads: 2, SkipReadiness: true}
	if tweak != nil {
		tweak(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	runner := pipeline.NewRunner(stages.All(), zap.NewNop())
	res, err := runner.RunMonth(ctx, cfg)
	return out, res, err
}

// mustRun runs the month and fails the test when the run fails.
func mustRun(t *testing.T, in *input) string {
	t.Helper()
	out, _, err := runMonth(t, in, nil)
	if err != nil {
		t.Fatalf("run %s: %v", snapshotMonth, err)
	}
	return out
}

// snapshotFile is the path of one published table's file of month S.
func snapshotFile(out, table string) string {
	m, _ := pipeline.ParseMonth(snapshotMonth)
	return pipeline.NewLayout(out).TableFile(table, m)
}

// openDuck opens an in-memory DuckDB database for reading results.
func openDuck(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// metricRow is one row of metric_scores.
type metricRow struct {
	value    sql.NullFloat64
	points   float64
	selected bool
	detail   sql.NullString
}

// readMetric reads the one metric_scores row of (partner, area, track, metric).
func readMetric(t *testing.T, out, partner, area, track, metric string) metricRow {
	t.Helper()
	db := openDuck(t)
	q := fmt.Sprintf(`SELECT CAST(value AS DOUBLE), CAST(points AS DOUBLE), selected, CAST(detail AS VARCHAR)
		FROM read_parquet(%s)
		WHERE partner_id = ? AND solution_area = ? AND track = ? AND metric = ?`,
		quote(snapshotFile(out, pipeline.TableMetricScores)))
	rows, err := db.Query(q, partner, area, track, metric)
	if err != nil {
		t.Fatalf("read metric_scores: %v", err)
	}
	defer rows.Close()
	var got []metricRow
	for rows.Next() {
		var r metricRow
		if err := rows.Scan(&r.value, &r.points, &r.selected, &r.detail); err != nil {
			t.Fatalf("scan metric_scores: %v", err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("metric_scores has %d rows for %s/%s/%s/%s, want 1", len(got), partner, area, track, metric)
	}
	return got[0]
}

// want is an expected (value, points) pair; noValue means value must be NULL.
type want struct {
	value   float64
	points  float64
	noValue bool
}

const eps = 1e-6

// expectMetric asserts the value and points of one metric_scores row.
func expectMetric(t *testing.T, out, partner, area, track, metric string, w want) {
	t.Helper()
	r := readMetric(t, out, partner, area, track, metric)
	where := fmt.Sprintf("%s %s/%s/%s", partner, area, track, metric)
	switch {
	case w.noValue && r.value.Valid:
		t.Errorf("%s: value = %v, want NULL (detail %s)", where, r.value.Float64, r.detail.String)
	case !w.noValue && !r.value.Valid:
		t.Errorf("%s: value = NULL, want %v (detail %s)", where, w.value, r.detail.String)
	case !w.noValue && math.Abs(r.value.Float64-w.value) > eps:
		t.Errorf("%s: value = %v, want %v (detail %s)", where, r.value.Float64, w.value, r.detail.String)
	}
	if math.Abs(r.points-w.points) > eps {
		t.Errorf("%s: points = %v, want %v (detail %s)", where, r.points, w.points, r.detail.String)
	}
}

// --- Skilling: gated certification steps and their prerequisites ---------------------------------

// certCase is one worked example of gated steps: the certifications held (person -> codes) and the
// expected (value, points) on each track. value = 1 per gate_and_points step held + the people of
// the scoring step when its required steps hold (docs/scoring.md, Skilling).
type certCase struct {
	name  string
	certs map[string][]string
	ent   want
	smb   want
}

func runCertCases(t *testing.T, area string, cases []certCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := newInput(t).partners("P1").tenant("T1", "enterprise")
			people := make([]string, 0, len(tc.certs))
			for p := range tc.certs {
				people = append(people, p)
			}
			sort.Strings(people)
			for _, p := range people {
				for _, code := range tc.certs[p] {
					in.cert("P1", p, code)
				}
			}
			out := mustRun(t, in)
			expectMetric(t, out, "P1", area, "enterprise", "intermediate_certifications", tc.ent)
			expectMetric(t, out, "P1", area, "smb", "intermediate_certifications", tc.smb)
		})
	}
}

func TestWorkedExample_DataAIIntermediate(t *testing.T) {
	// Data & AI, intermediate (max 40). Enterprise: step 1 gate >= 2 AZ-104, step 2 gate >= 2
	// AZ-305 (0 points each), step 3 4 points per person. SMB: step 1 >= 1 AZ-104 -> 4, step 2
	// >= 1 AZ-305 -> 4, step 3 4 per person, only when steps 1 and 2 hold.
	runCertCases(t, "data_ai", []certCase{
		{
			// Enterprise example 1: gates met + 3 step-3 people -> 3 x 4 = 12; value = 3 people.
			// Same rows on SMB: 4 + 4 + 3 x 4 = 20; value = 1 + 1 + 3 = 5.
			name: "enterprise gates met and 3 step-3 people",
			certs: map[string][]string{
				"a1": {"AZ-104"}, "a2": {"AZ-104"},
				"b1": {"AZ-305"}, "b2": {"AZ-305"},
				"c1": {"DP-300"}, "c2": {"DP-600"}, "c3": {"PL-300"},
			},
			ent: want{value: 3, points: 12},
			smb: want{value: 5, points: 20},
		},
		{
			// Enterprise example 2: the same 2 people hold AZ-104, AZ-305 and a step-3 cert:
			// gates met (2 and 2), step 3 = 2 people x 4 = 8; value 2.
			// SMB: 4 + 4 + 2 x 4 = 16; value 1 + 1 + 2 = 4.
			name: "enterprise gates met by the same 2 people who are also at step 3",
			certs: map[string][]string{
				"a1": {"AZ-104", "AZ-305", "DP-300"},
				"a2": {"AZ-104", "AZ-305", "DP-700"},
			},
			ent: want{value: 2, points: 8},
			smb: want{value: 4, points: 16},
		},
		{
			// Enterprise example 3: step 2 missing (no AZ-305) -> step 3 does not score -> 0.
			// SMB: step 1 holds (>= 1 AZ-104) -> 4; step 2 missing -> step 3 blocked; value 1.
			name: "enterprise step 2 missing",
			certs: map[string][]string{
				"a1": {"AZ-104"}, "a2": {"AZ-104"},
				"c1": {"DP-300"}, "c2": {"DP-600"}, "c3": {"PL-300"},
			},
			ent: want{value: 0, points: 0},
			smb: want{value: 1, points: 4},
		},
		{
			// Enterprise example 4: only one AZ-104 -> step 1 gate (>= 2) fails -> 0.
			// SMB: one AZ-104 is enough: 4 + 4 (two AZ-305) + 3 x 4 = 20; value 5.
			name: "enterprise only one AZ-104",
			certs: map[string][]string{
				"a1": {"AZ-104"},
				"b1": {"AZ-305"}, "b2": {"AZ-305"},
				"c1": {"DP-300"}, "c2": {"DP-600"}, "c3": {"PL-300"},
			},
			ent: want{value: 0, points: 0},
			smb: want{value: 5, points: 20},
		},
		{
			// SMB example 1: 2 x AZ-104 + 2 x AZ-305 + 3 step-3 people -> 4 + 4 + 3 x 4 = 20;
			// value 1 + 1 + 3 = 5. Enterprise: both gates hold (2, 2) -> 3 x 4 = 12; value 3.
			name: "smb 2 AZ-104, 2 AZ-305, 3 step-3 people",
			certs: map[string][]string{
				"a1": {"AZ-104"}, "a2": {"AZ-104"},
				"b1": {"AZ-305"}, "b2": {"AZ-305"},
				"c1": {"DP-100"}, "c2": {"AI-103"}, "c3": {"DP-420"},
			},
			ent: want{value: 3, points: 12},
			smb: want{value: 5, points: 20},
		},
		{
			// SMB example 2: step 2 missing -> step 1 only = 4; step 3 blocked; value 1.
			// Enterprise: step 2 gate fails -> 0.
			name: "smb step 2 missing",
			certs: map[string][]string{
				"a1": {"AZ-104"}, "a2": {"AZ-104"},
				"c1": {"DP-300"}, "c2": {"DP-600"}, "c3": {"PL-300"},
			},
			ent: want{value: 0, points: 0},
			smb: want{value: 1, points: 4},
		},
		{
			// SMB example 3: nothing at steps 1-2 (step-3 certs only) -> 0 on both tracks.
			name: "smb nothing at steps 1 and 2",
			certs: map[string][]string{
				"c1": {"DP-300"}, "c2": {"DP-600"}, "c3": {"PL-300"},
			},
			ent: want{value: 0, points: 0},
			smb: want{value: 0, points: 0},
		},
	})
}

func TestWorkedExample_InfrastructureIntermediate(t *testing.T) {
	// Infrastructure, intermediate (max 20). Enterprise: step 1 gate >= 2 AZ-104 (0 points), step 2
	// 4 points per person with AZ-700/AZ-800/AZ-801. SMB: step 1 >= 1 AZ-104 -> 4, step 2 4 per person.
	runCertCases(t, "infrastructure", []certCase{
		{
			// Enterprise example: gate (2 AZ-104) + 2 step-2 people -> 2 x 4 = 8; value 2.
			// SMB: 4 + 2 x 4 = 12; value 1 + 2 = 3.
			name: "enterprise gate and 2 step-2 people",
			certs: map[string][]string{
				"a1": {"AZ-104"}, "a2": {"AZ-104"},
				"n1": {"AZ-700"}, "n2": {"AZ-801"},
			},
			ent: want{value: 2, points: 8},
			smb: want{value: 3, points: 12},
		},
		{
			// SMB example: 1 AZ-104 + 2 step-2 people -> 4 + 2 x 4 = 12; value 3.
			// Enterprise: one AZ-104 < 2 -> gate fails -> 0.
			name: "smb 1 AZ-104 and 2 step-2 people",
			certs: map[string][]string{
				"a1": {"AZ-104"},
				"n1": {"AZ-700"}, "n2": {"AZ-800"},
			},
			ent: want{value: 0, points: 0},
			smb: want{value: 3, points: 12},
		},
		{
			// Step 1 missing -> 0 on both tracks (step 2 requires step 1).
			name: "step 1 missing",
			certs: map[string][]string{
				"n1": {"AZ-700"}, "n2": {"AZ-800"},
			},
			ent: want{value: 0, points: 0},
			smb: want{value: 0, points: 0},
		},
	})
}

func TestWorkedExample_SecurityIntermediate(t *testing.T) {
	// Security, intermediate (max 40). Enterprise: step 1 gate >= 2 AZ-500/SC-500, step 2 gate >= 2
	// SC-200, step 3 40/6 points per person (SC-100, SC-300, SC-400, SC-401). SMB: step 1 >= 1 -> 4,
	// step 2 >= 1 -> 4, step 3 8 per person; step 3 needs steps 1 and 2.
	runCertCases(t, "security", []certCase{
		{
			// Enterprise: 3 step-3 people -> round(3 x 40/6, 2) = 20; value 3.
			// SMB: 4 + 4 + 3 x 8 = 32; value 1 + 1 + 3 = 5.
			name: "enterprise 3 step-3 people",
			certs: map[string][]string{
				"s1": {"SC-500"}, "s2": {"SC-500"},
				"o1": {"SC-200"}, "o2": {"SC-200"},
				"x1": {"SC-100"}, "x2": {"SC-300"}, "x3": {"SC-401"},
			},
			ent: want{value: 3, points: 20},
			smb: want{value: 5, points: 32},
		},
		{
			// Enterprise: 2 step-3 people -> round(2 x 40/6, 2) = round(13.333..., 2) = 13.33; value 2.
			// SMB: 4 + 4 + 2 x 8 = 24; value 4.
			name: "enterprise 2 step-3 people",
			certs: map[string][]string{
				"s1": {"SC-500"}, "s2": {"SC-500"},
				"o1": {"SC-200"}, "o2": {"SC-200"},
				"x1": {"SC-100"}, "x2": {"SC-401"},
			},
			ent: want{value: 2, points: 13.33},
			smb: want{value: 4, points: 24},
		},
		{
			// SMB: 1 step-1 + 1 step-2 + 3 step-3 people -> 4 + 4 + 3 x 8 = 32; value 5.
			// Enterprise: gates need 2 people each -> 0.
			name: "smb 4 + 4 + 3 x 8",
			certs: map[string][]string{
				"s1": {"SC-500"},
				"o1": {"SC-200"},
				"x1": {"SC-100"}, "x2": {"SC-300"}, "x3": {"SC-401"},
			},
			ent: want{value: 0, points: 0},
			smb: want{value: 5, points: 32},
		},
		{
			// SMB missing step 2 -> step 1 only = 4; value 1. Enterprise 0.
			name: "smb missing step 2",
			certs: map[string][]string{
				"s1": {"SC-500"},
				"x1": {"SC-100"}, "x2": {"SC-300"}, "x3": {"SC-401"},
			},
			ent: want{value: 0, points: 0},
			smb: want{value: 1, points: 4},
		},
	})
}

// --- Modern Work: usage growth and deployments, best of association options (§5) -----------------

func TestWorkedExample_ModernWorkUsageGrowthEnterprise(t *testing.T) {
	// Enterprise usage growth: options CPOR (threshold 1,000) and DPOR (4,000); per option
	// value = sum(active users in S) - sum(active users in S-12) over (tenant, workload) pairs of
	// tenants in the enterprise band in S (a Modern Work workload with > 300 paid licences).
	//   TD (Teams, 5,000 paid): active 1,000 in S-12 -> 3,000 in S: +2,000, reached through DPOR.
	//   TC (Exchange Online, 3,000 paid): active 500 in S-12 -> 2,000 in S: +1,500, through CPOR.
	// PD holds only the DPOR association; PB holds both.
	in := newInput(t).partners("PD", "PB").
		tenant("TD", "enterprise").tenant("TC", "enterprise").
		assoc("PD", "TD", "DPOR").
		assoc("PB", "TD", "DPOR").assoc("PB", "TC", "CPOR").
		m365("TD", "2025-10", "Teams", 5000, 1000).
		m365("TD", "2026-10", "Teams", 5000, 3000).
		m365("TC", "2025-10", "Exchange Online", 3000, 500).
		m365("TC", "2026-10", "Exchange Online", 3000, 2000)
	out := mustRun(t, in)
	// PD: DPOR 2,000 -> round(30 x min(1, 2,000 / 4,000), 2) = 15; CPOR 0 -> 0; best DPOR: value 2,000.
	expectMetric(t, out, "PD", "modern_work", "enterprise", "usage_growth", want{value: 2000, points: 15})
	// PB: DPOR 2,000 -> 15; CPOR 1,500 -> 30 x min(1, 1,500 / 1,000) = 30 (45 capped); best CPOR:
	// value 1,500, points 30.
	expectMetric(t, out, "PB", "modern_work", "enterprise", "usage_growth", want{value: 1500, points: 30})
}

func TestWorkedExample_ModernWorkUsageGrowthSMB(t *testing.T) {
	// SMB usage growth: options CPOR (threshold 500) and CSP (2,000). Tenants are in the SMB band
	// (Teams with 280 paid licences, inside 11..300) and grow from 30 to 280 active users: +250 each.
	//   K1..K4 reached through CSP (K1, K2 CSP_T1; K3, K4 CSP_T2): 4 x 250 = 1,000.
	//   R1..R4 reached through CPOR: 4 x 250 = 1,000.
	// PC holds only the CSP associations; PB holds both.
	in := newInput(t).partners("PC", "PB")
	for i, typ := range []string{"CSP_T1", "CSP_T1", "CSP_T2", "CSP_T2"} {
		k := fmt.Sprintf("K%d", i+1)
		in.tenant(k, "smb").assoc("PC", k, typ).assoc("PB", k, typ).
			m365(k, "2025-10", "Teams", 280, 30).m365(k, "2026-10", "Teams", 280, 280)
	}
	for i := 1; i <= 4; i++ {
		r := fmt.Sprintf("R%d", i)
		in.tenant(r, "smb").assoc("PB", r, "CPOR").
			m365(r, "2025-10", "Teams", 280, 30).m365(r, "2026-10", "Teams", 280, 280)
	}
	out := mustRun(t, in)
	// PC: CSP 1,000 -> round(30 x 1,000 / 2,000, 2) = 15; CPOR none -> 0; value 1,000.
	expectMetric(t, out, "PC", "modern_work", "smb", "usage_growth", want{value: 1000, points: 15})
	// PB: CSP 1,000 -> 15; CPOR 1,000 -> 30 x min(1, 1,000 / 500) = 30 (60 capped); best CPOR:
	// value 1,000, points 30.
	expectMetric(t, out, "PB", "modern_work", "smb", "usage_growth", want{value: 1000, points: 30})
}

func TestWorkedExample_ModernWorkDeploymentsEnterprise(t *testing.T) {
	// Enterprise deployments: options CPOR (threshold 5) and DPOR (10), max 25. A deployment in m =
	// tenant in band in m, covered by the option, active/paid >= 40%. Every tenant has Teams with
	// 1,000 paid licences: 100 active in S-12 (10%, no deployment) and 500 in S (50%, deployment),
	// so each counts +1 in S - S-12.
	//   D1..D4 through DPOR; C1..C3 through CPOR. PD holds only D1..D4; PB holds all seven.
	in := newInput(t).partners("PD", "PB")
	for i := 1; i <= 4; i++ {
		d := fmt.Sprintf("D%d", i)
		in.tenant(d, "enterprise").assoc("PD", d, "DPOR").assoc("PB", d, "DPOR").
			m365(d, "2025-10", "Teams", 1000, 100).m365(d, "2026-10", "Teams", 1000, 500)
	}
	for i := 1; i <= 3; i++ {
		c := fmt.Sprintf("C%d", i)
		in.tenant(c, "enterprise").assoc("PB", c, "CPOR").
			m365(c, "2025-10", "Teams", 1000, 100).m365(c, "2026-10", "Teams", 1000, 500)
	}
	out := mustRun(t, in)
	// PD: DPOR 4 - 0 = 4 -> round(25 x 4 / 10, 2) = 10; value 4.
	expectMetric(t, out, "PD", "modern_work", "enterprise", "deployments", want{value: 4, points: 10})
	// PB: DPOR 4 -> 10; CPOR 3 -> 25 x 3 / 5 = 15; best CPOR: value 3, points 15.
	expectMetric(t, out, "PB", "modern_work", "enterprise", "deployments", want{value: 3, points: 15})
}

func TestWorkedExample_ModernWorkDeploymentsSMB(t *testing.T) {
	// SMB deployments: options CPOR (threshold 5) and CSP (10), max 25. Every tenant has Teams with
	// 200 paid licences (SMB band 11..300): 20 active in S-12 (10%) and 100 in S (50%): +1 each.
	//   K1..K4 through CSP_T1/CSP_T2; R1..R4 through CPOR. PC holds only K1..K4; PB holds all eight.
	in := newInput(t).partners("PC", "PB")
	for i, typ := range []string{"CSP_T1", "CSP_T2", "CSP_T1", "CSP_T2"} {
		k := fmt.Sprintf("K%d", i+1)
		in.tenant(k, "smb").assoc("PC", k, typ).assoc("PB", k, typ).
			m365(k, "2025-10", "Teams", 200, 20).m365(k, "2026-10", "Teams", 200, 100)
	}
	for i := 1; i <= 4; i++ {
		r := fmt.Sprintf("R%d", i)
		in.tenant(r, "smb").assoc("PB", r, "CPOR").
			m365(r, "2025-10", "Teams", 200, 20).m365(r, "2026-10", "Teams", 200, 100)
	}
	out := mustRun(t, in)
	// PC: CSP 4 -> round(25 x 4 / 10, 2) = 10; value 4.
	expectMetric(t, out, "PC", "modern_work", "smb", "deployments", want{value: 4, points: 10})
	// PB: CSP 4 -> 10; CPOR 4 -> 25 x 4 / 5 = 20; best CPOR: value 4, points 20.
	expectMetric(t, out, "PB", "modern_work", "smb", "deployments", want{value: 4, points: 20})
}

// --- Business Applications: MCV (§4.2) -------------------------------------------------------------

func TestWorkedExample_BusinessApplicationsMCV(t *testing.T) {
	// L-BA: 10 Business Central MAU x 1000 + 50,000 Customer Insights profiles x 0.2 = 20,000 MCV.
	//
	// MCV is not published by itself, so the example is made the growth of usage growth, the metric
	// that sums MCV over (tenant, workload) pairs: tenant T1 has Business Central 80 MAU in S-12
	// (80,000 MCV) and 90 MAU in S (90,000), and Customer Insights (no row in S-12, 50,000 profiles in
	// S: 10,000). Growth = the worked example's 10 x 1000 + 50,000 x 0.2 = 20,000 MCV.
	// Business Central is a Dynamics 365 workload (counted through DPOR); Customer Insights counts
	// only through PAL, so P1 holds both associations.
	in := newInput(t).partners("P1").tenant("T1", "enterprise").
		assoc("P1", "T1", "DPOR").assoc("P1", "T1", "PAL").
		add("bizapps_usage",
			"T1,2025-10,Business Central,4000,80",
			"T1,2026-10,Business Central,4500,90",
			"T1,2026-10,Customer Insights,1000,50000",
		)
	out := mustRun(t, in)
	// Usage growth: base (S-12) = 80 x 1000 = 80,000 MCV (the CI pair is covered in S-12 with no
	// usage: base 0); current (S) = 90 x 1000 + 50,000 x 0.2 = 90,000 + 10,000 = 100,000.
	// value = (100,000 - 80,000) x 100 / 80,000 = 25 (%); base 80,000 >= 50,000 (enterprise) and
	// >= 25,000 (SMB), so points = round(30 x min(1, 25 / 30), 2) = 25 on both tracks.
	// Track: no pair has revenue > 5,000 -> smb is the selected one; enterprise is the what-if.
	expectMetric(t, out, "P1", "business_applications", "smb", "usage_growth", want{value: 25, points: 25})
	expectMetric(t, out, "P1", "business_applications", "enterprise", "usage_growth", want{value: 25, points: 25})
	if r := readMetric(t, out, "P1", "business_applications", "smb", "usage_growth"); !r.selected {
		t.Errorf("business_applications: smb track not selected (no pair with revenue > 5,000)")
	}
	// Deployments check each pair of the example on its own: (T1, Business Central) 90,000 MCV in
	// S and 80,000 in S-12 (a deployment in both); (T1, Customer Insights) 50,000 x 0.2 = 10,000 MCV
	// in S, exactly the enterprise floor (>= 10,000), none in S-12.
	// value = 2 - 1 = 1 -> round(20 x 1 / 5, 2) = 4 (enterprise floor 10,000 and SMB floor 5,000 alike).
	expectMetric(t, out, "P1", "business_applications", "enterprise", "deployments", want{value: 1, points: 4})
	expectMetric(t, out, "P1", "business_applications", "smb", "deployments", want{value: 1, points: 4})
}

// --- FAQ example (§1): 1 of 3 customer adds -> 10 of 30 points ------------------------------------

func TestWorkedExample_FAQNetCustomerAdds(t *testing.T) {
	// Azure net customer adds: threshold 3, max 30. T1 (enterprise) has 1,500 ACR in S and nothing a
	// year earlier: eligible (>= 1,000) in S or S-1 -> 1; eligible in S-12 or S-13 -> 0; net = 1.
	in := newInput(t).partners("P1").tenant("T1", "enterprise").
		assoc("P1", "T1", "CSP_T1").
		add("azure_consumption", "T1,2026-10,Azure SQL Database,Pay-As-You-Go,1500")
	out := mustRun(t, in)
	// points = round(30 x min(1, 1 / 3), 2) = 10 in each Azure area, on both tracks (the SMB
	// floor 500 is met too). The only customer is enterprise -> enterprise is selected.
	for _, area := range []string{"data_ai", "infrastructure", "digital_app_innovation"} {
		expectMetric(t, out, "P1", area, "enterprise", "net_customer_adds", want{value: 1, points: 10})
		expectMetric(t, out, "P1", area, "smb", "net_customer_adds", want{value: 1, points: 10})
		if r := readMetric(t, out, "P1", area, "enterprise", "net_customer_adds"); !r.selected {
			t.Errorf("%s: enterprise track not selected (0%% of customers are smb)", area)
		}
	}
}

func TestAzureWorkloadAssociation(t *testing.T) {
	// An association with a workload covers only that service of the tenant (docs/inputs.md: empty
	// workload = every workload). T1 has, in S, 600 ACR on Azure SQL Database and 900 on Azure
	// Monitor. P1 is associated for Azure SQL Database only: attributed ACR 600. P2 is associated for
	// every service: attributed 600 + 900 = 1,500.
	in := newInput(t).partners("P1", "P2").tenant("T1", "enterprise").
		add("associations", fmt.Sprintf("P1,T1,CSP_T1,Azure SQL Database,%s,", assocStart)).
		assoc("P2", "T1", "CSP_T1").
		add("azure_consumption",
			"T1,2026-10,Azure SQL Database,Pay-As-You-Go,600",
			"T1,2026-10,Azure Monitor,Pay-As-You-Go,900")
	out := mustRun(t, in)
	for _, area := range []string{"data_ai", "infrastructure", "digital_app_innovation"} {
		// P1: 600 < the enterprise floor 1,000 -> 0 customers; >= the SMB floor 500 -> 1 customer,
		// points = round(30 x 1 / 3, 2) = 10.
		expectMetric(t, out, "P1", area, "enterprise", "net_customer_adds", want{value: 0, points: 0})
		expectMetric(t, out, "P1", area, "smb", "net_customer_adds", want{value: 1, points: 10})
		// P2: 1,500 >= 1,000 -> 1 customer on both tracks.
		expectMetric(t, out, "P2", area, "enterprise", "net_customer_adds", want{value: 1, points: 10})
	}
	// Deployments count the services with attributed ACR over S-11..S: P1 one (its workload), P2 two.
	if r := readMetric(t, out, "P1", "infrastructure", "enterprise", "deployments"); !r.value.Valid || r.value.Float64 != 1 {
		t.Errorf("P1 deployments = %v, want 1 (detail %s)", r.value, r.detail.String)
	}
	if r := readMetric(t, out, "P2", "infrastructure", "enterprise", "deployments"); !r.value.Valid || r.value.Float64 != 2 {
		t.Errorf("P2 deployments = %v, want 2 (detail %s)", r.value, r.detail.String)
	}
}

func TestBackfillSeesOnlyTheMonthsWindow(t *testing.T) {
	// The SMB Modern Work band (11..300 paid licences) is sticky: a tenant above it in a month counts
	// when it was in it twelve months earlier. T1 is in the band in S-24 (100) and above it in S-12
	// and S (400). A single run of S reads S-23..S, so S-24 is out of window: T1 is eligible in
	// neither month and net customer adds = 0 - 0 = 0. A backfill of S-1..S reads S-24..S for the
	// pair of months; month S must still not see S-24 (else T1 would count in S-12: 0 - 1 = -1).
	in := newInput(t).partners("P1").tenant("T1", "smb").assoc("P1", "T1", "CPOR").
		m365("T1", "2024-10", "Teams", 100, 50).
		m365("T1", "2025-10", "Teams", 400, 200).
		m365("T1", "2026-10", "Teams", 400, 200)
	single := mustRun(t, in)
	expectMetric(t, single, "P1", "modern_work", "smb", "net_customer_adds", want{value: 0, points: 0})

	from, _ := pipeline.ParseMonth("2026-09")
	to, _ := pipeline.ParseMonth(snapshotMonth)
	asOf, _ := time.Parse("2006-01-02", asOfDate)
	out := filepath.Join(t.TempDir(), "out")
	cfg := pipeline.Config{AsOf: asOf, Input: in.dir, Out: out, Threads: 2, SkipReadiness: true, AcceptDrift: true}
	results, err := pipeline.NewRunner(stages.All(), zap.NewNop()).RunRange(context.Background(), cfg,
		pipeline.Window{From: from, To: to}.Months(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Month, r.Err)
		}
	}
	expectMetric(t, out, "P1", "modern_work", "smb", "net_customer_adds", want{value: 0, points: 0})
}
