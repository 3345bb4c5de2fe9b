package stages_test

// Eligibility tables on the demo month (fixtures/demo, S = 2026-10, A = 2026-11-20): hand-checked
// rows with the arithmetic of fixtures/demo/README.md, the reconciliation check, and the closed
// list of reason codes.

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
	"github.com/capscore/capscore/stages"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/reason-codes.md from stages.Reasons")

// runDemoMonth runs the demo month through the given stages and returns the output root.
func runDemoMonth(t *testing.T, st []pipeline.Stage) (string, error) {
	t.Helper()
	return runMonthOn(t, filepath.Join("..", "fixtures", "demo"), st)
}

// runMonthOn runs the demo month on the input folder in through the given stages and returns the
// output root.
func runMonthOn(t *testing.T, in string, st []pipeline.Stage) (string, error) {
	t.Helper()
	m, _ := pipeline.ParseMonth(snapshotMonth)
	asOf, _ := time.Parse("2006-01-02", asOfDate)
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	_, err := pipeline.NewRunner(st, zap.NewNop()).RunMonth(ctx, pipeline.Config{
		Month: m, AsOf: asOf, Input: in, Out: out, Threads: 2})
	return out, err
}

// custRow is one customer_eligibility row, as read back from the published file.
type custRow struct {
	types, reasonNow, reasonBase, msgNow string
	countedNow, countedBase              sql.NullBool
	now, base, contribution              float64
}

func readCustomer(t *testing.T, db *sql.DB, out, partner, area, track, metric, part, tenant, workload string) custRow {
	t.Helper()
	var r custRow
	var rn, rb, mn sql.NullString
	err := db.QueryRow(`SELECT association_types, counted_now, reason_now, reason_now_message, counted_base, reason_base,
			now_amount, base_amount, contribution
		FROM read_parquet(?) WHERE partner_id = ? AND solution_area = ? AND track = ? AND metric = ?
			AND part = ? AND tenant_id = ? AND workload = ?`,
		snapshotFile(out, "customer_eligibility"), partner, area, track, metric, part, tenant, workload).
		Scan(&r.types, &r.countedNow, &rn, &mn, &r.countedBase, &rb, &r.now, &r.base, &r.contribution)
	if err != nil {
		t.Fatalf("customer_eligibility %s %s %s %s %s %s %s: %v", partner, area, track, metric, part, tenant, workload, err)
	}
	r.reasonNow, r.reasonBase, r.msgNow = rn.String, rb.String, mn.String
	return r
}

func TestEligibilityDemo(t *testing.T) {
	out, err := runDemoMonth(t, stages.All())
	if err != nil {
		t.Fatal(err)
	}
	db := openDuck(t)
	tests := []struct {
		name                                                 string
		partner, area, track, metric, part, tenant, workload string
		countedNow, countedBase                              sql.NullBool
		reasonNow, reasonBase                                string
		now, base, contribution                              float64
		types                                                string
	}{
		// P01 Data & AI net adds (floor 1,000): T01C has 1,200 in S-1 only -> counts now; nothing in
		// S-12/S-13 -> not at the base (below the floor).
		{"T01C counts on S-1", "P01", "data_ai", "enterprise", "net_customer_adds", "", "T01C", "",
			valid(true), valid(false), "", "below_floor", 1, 0, 1, "PAL"},
		// P03: T03B's DPOR ended 2026-03-31, so its 3,000 in S is not attributed (not counted now,
		// association not active) while its 3,000 in S-12 counts at the base: contribution -1.
		{"T03B association ended", "P03", "data_ai", "enterprise", "net_customer_adds", "", "T03B", "",
			valid(false), valid(true), "association_not_active", "", 0, 1, -1, "DPOR"},
		// P03: T03C 200 in S < 1,000 (below the floor), 1,500 in S-12 counts: -1.
		{"T03C below floor now", "P03", "data_ai", "enterprise", "net_customer_adds", "", "T03C", "",
			valid(false), valid(true), "below_floor", "", 0, 1, -1, "CSP_T2"},
		// P03 usage growth: T03B is in the growth base (covered in S-12): now 0, base 3,000.
		{"T03B lost customer in growth", "P03", "data_ai", "enterprise", "usage_growth", "", "T03B", "",
			valid(false), valid(true), "association_not_active", "", 0, 3000, -3000, "DPOR"},
		// P11: T11G is a sovereign-cloud tenant; its 70,000 never counts.
		{"T11G sovereign", "P11", "data_ai", "enterprise", "net_customer_adds", "", "T11G", "",
			valid(false), valid(false), "sovereign_cloud", "sovereign_cloud", 0, 0, 0, "CSP_T1"},
		// P01 deployments: Virtual Machines is excluded (800 over S-11..S); Synapse 2,700 counts once.
		{"VMs excluded", "P01", "data_ai", "enterprise", "deployments", "", "T01B", "Virtual Machines",
			valid(false), null(), "excluded_service", "", 0, 0, 0, "DPOR"},
		{"Synapse counts", "P01", "data_ai", "enterprise", "deployments", "", "T01B", "Azure Synapse Analytics",
			valid(true), null(), "", "", 1, 0, 1, "DPOR"},
		// P13 usage growth: T13B's CSP_T1 starts 2026-03-15, so its base is its 2026-03 usage 5,000
		// (not the 4,000 of 2025-10); now 6,000.
		{"T13B base from association start", "P13", "digital_app_innovation", "enterprise", "usage_growth", "", "T13B", "",
			valid(true), valid(true), "", "", 6000, 5000, 1000, "CSP_T1"},
		// P04 Business Applications usage growth: T04C Customer Service is reached only through PAL,
		// which Dynamics 365 customer success does not accept; MCV 30 x 200 = 6,000 is left out.
		{"T04C CS PAL only", "P04", "business_applications", "enterprise", "usage_growth", "", "T04C", "Customer Service",
			valid(false), valid(false), "association_type_not_eligible", "association_type_not_eligible", 0, 0, 0, "PAL"},
		// P04 usage growth: T04C Sales is reached through CPOR for Sales and PAL for every workload,
		// so the row lists both; MCV 20 x 200 = 4,000 in S, no Sales in S-12.
		{"T04C Sales CPOR for Sales and PAL", "P04", "business_applications", "enterprise", "usage_growth", "", "T04C", "Sales",
			valid(true), valid(true), "", "", 4000, 0, 4000, "CPOR,PAL"},
		// P04 net customer adds accept CPOR but not PAL: T04C Sales (revenue 1,800 >= 1,500) is
		// reached through its Sales-only CPOR alone.
		{"T04C Sales CPOR only for net adds", "P04", "business_applications", "enterprise", "net_customer_adds", "", "T04C", "Sales",
			valid(true), valid(false), "", "below_floor", 1, 0, 1, "CPOR"},
		// P04 deployments (MCV floor 10,000): Field Service 35 x 200 = 7,000 in S, 6,000 in S-12.
		{"Field Service below MCV floor", "P04", "business_applications", "enterprise", "deployments", "", "T04A", "Field Service",
			valid(false), valid(false), "below_floor", "below_floor", 0, 0, 0, "CSP_T1"},
		// P06 Modern Work deployments, CPOR option: T06A 1,400 / 2,000 = 70% >= 40% in S, 600 / 2,000
		// = 30% in S-12 -> +1.
		{"T06A deployed now only", "P06", "modern_work", "enterprise", "deployments", "CPOR", "T06A", "",
			valid(true), valid(false), "", "below_active_share", 1, 0, 1, "CPOR"},
		// P07 enterprise: T07C has 200 paid licences (not > 300), outside the enterprise band.
		{"T07C outside band", "P07", "modern_work", "enterprise", "net_customer_adds", "", "T07C", "",
			valid(false), valid(false), "outside_licence_band", "outside_licence_band", 0, 0, 0, "CPOR"},
		// P08 Security usage growth, Azure component: T08A security ACR 3,500 in S vs 1,000 in S-12.
		{"T08A security ACR growth", "P08", "security", "enterprise", "usage_growth", "azure_security_acr_growth", "T08A", "",
			valid(true), valid(true), "", "", 3500, 1000, 2500, "PAL"},
		// P08: T08C's TTM 700 is outside the enterprise deployment band (> 12,000).
		{"T08C outside ACR band", "P08", "security", "enterprise", "deployments", "azure", "T08C", "",
			valid(false), valid(false), "outside_acr_band", "outside_acr_band", 0, 0, 0, "CSP_T2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := readCustomer(t, db, out, tc.partner, tc.area, tc.track, tc.metric, tc.part, tc.tenant, tc.workload)
			if r.countedNow != tc.countedNow || r.countedBase != tc.countedBase || r.reasonNow != tc.reasonNow ||
				r.reasonBase != tc.reasonBase || r.now != tc.now || r.base != tc.base || r.contribution != tc.contribution || r.types != tc.types {
				t.Errorf("got %+v, want counted %v/%v reasons %q/%q amounts %v/%v contribution %v types %q", r,
					tc.countedNow, tc.countedBase, tc.reasonNow, tc.reasonBase, tc.now, tc.base, tc.contribution, tc.types)
			}
			if msg, ok := stages.ReasonMessage(tc.reasonNow); tc.reasonNow != "" && (!ok || msg != r.msgNow) {
				t.Errorf("reason_now_message %q, want %q", r.msgNow, msg)
			}
		})
	}

	// Skilling (P09, Infrastructure enterprise intermediate): AZ-104 of p09-01 expired 2026-05-01;
	// p09-08 holds AZ-800 and AZ-801 and counts once in step 2; AZ-700 of p09-09 is earned
	// 2026-12-05, after A. Value 1 = p09-08's one row.
	skill := []struct {
		person, cert, reason string
		counted              bool
		contribution         float64
	}{
		{"p09-01", "AZ-104", "cert_expired", false, 0},
		{"p09-02", "AZ-104", "gate_step_no_points", true, 0},
		{"p09-08", "AZ-800", "", true, 1},
		{"p09-08", "AZ-801", "person_already_counted_in_step", false, 0},
		{"p09-09", "AZ-700", "earned_after_as_of", false, 0},
	}
	for _, s := range skill {
		var counted bool
		var reason sql.NullString
		var contribution float64
		if err := db.QueryRow(`SELECT counted, reason, contribution FROM read_parquet(?)
			WHERE partner_id = 'P09' AND solution_area = 'infrastructure' AND track = 'enterprise'
			AND metric = 'intermediate_certifications' AND person_id = ? AND certification = ?`,
			snapshotFile(out, "skilling_eligibility"), s.person, s.cert).Scan(&counted, &reason, &contribution); err != nil {
			t.Fatalf("%s %s: %v", s.person, s.cert, err)
		}
		if counted != s.counted || reason.String != s.reason || contribution != s.contribution {
			t.Errorf("%s %s: counted %v reason %q contribution %v, want %v %q %v", s.person, s.cert, counted, reason.String, contribution,
				s.counted, s.reason, s.contribution)
		}
	}
	// P09 Data & AI enterprise: only p09-04 holds AZ-305, the step-2 gate needs 2 -> not met, so
	// DP-100 (retired 2026-06-01, in grace until 2027-06-01) adds nothing.
	var reason string
	var until time.Time
	if err := db.QueryRow(`SELECT reason, counts_until FROM read_parquet(?) WHERE partner_id = 'P09'
		AND solution_area = 'data_ai' AND track = 'enterprise' AND certification = 'DP-100'`,
		snapshotFile(out, "skilling_eligibility")).Scan(&reason, &until); err != nil {
		t.Fatal(err)
	}
	if reason != "required_step_not_met" || until.Format("2006-01-02") != "2027-06-01" {
		t.Errorf("DP-100: reason %q counts_until %s, want required_step_not_met 2027-06-01", reason, until.Format("2006-01-02"))
	}

	// The published tables re-aggregate to every metric value (the check also ran in the pipeline).
	var checks string
	month, _ := pipeline.ParseMonth(snapshotMonth)
	b, err := os.ReadFile(pipeline.NewLayout(out).ManifestPath(month))
	if err != nil {
		t.Fatal(err)
	}
	checks = string(b)
	if !strings.Contains(checks, `"eligibility_reconciles"`) {
		t.Errorf("manifest has no eligibility_reconciles check")
	}
	// Sorted by partner_id: the file's row order equals the sorted order.
	var unsorted int
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT partner_id, lag(partner_id) OVER () AS prev
		FROM read_parquet(?)) WHERE partner_id < prev`, snapshotFile(out, "customer_eligibility")).Scan(&unsorted); err != nil {
		t.Fatal(err)
	}
	if unsorted != 0 {
		t.Errorf("customer_eligibility: %d rows out of partner_id order", unsorted)
	}
}

// TestDeploymentsTieGoesToLowestTenant gives T01A the Synapse usage T01B has (1,500 in S-1 and
// 1,200 in S: 2,700 attributed over S-11..S each, both covered all year), so two tenants of P01 tie
// for the service. The service counts once (the metric value stays 1 for it: the run's blocking
// reconciliation passes), carried by the lower tenant key, T01A (keys follow tenant_id order);
// T01B's row says the service is counted on another tenant, and both rows show the service's
// total, 2,700 + 2,700 = 5,400.
func TestDeploymentsTieGoesToLowestTenant(t *testing.T) {
	in, add := demoCopy(t)
	add("azure_consumption/part-1.csv", "T01A,2026-09,Azure Synapse Analytics,Enterprise Agreement,1500")
	add("azure_consumption/part-1.csv", "T01A,2026-10,Azure Synapse Analytics,Enterprise Agreement,1200")
	out, err := runMonthOn(t, in, stages.All())
	if err != nil {
		t.Fatal(err)
	}
	db := openDuck(t)
	for _, c := range []struct {
		tenant     string
		counted    bool
		reason     string
		contribute float64
	}{
		{"T01A", true, "", 1},
		{"T01B", false, "service_counted_on_other_tenant", 0},
	} {
		r := readCustomer(t, db, out, "P01", "data_ai", "enterprise", "deployments", "", c.tenant, "Azure Synapse Analytics")
		if r.countedNow != valid(c.counted) || r.reasonNow != c.reason || r.contribution != c.contribute {
			t.Errorf("%s: counted %v reason %q contribution %v, want %v %q %v", c.tenant, r.countedNow, r.reasonNow, r.contribution,
				c.counted, c.reason, c.contribute)
		}
		var acr, total float64
		if err := db.QueryRow(`SELECT json_extract(figures, '$.acr_ttm')::DOUBLE, json_extract(figures, '$.service_acr_ttm')::DOUBLE
			FROM read_parquet(?) WHERE partner_id = 'P01' AND solution_area = 'data_ai' AND track = 'enterprise'
				AND metric = 'deployments' AND tenant_id = ? AND workload = 'Azure Synapse Analytics'`,
			snapshotFile(out, "customer_eligibility"), c.tenant).Scan(&acr, &total); err != nil {
			t.Fatal(err)
		}
		if acr != 2700 || total != 5400 {
			t.Errorf("%s: acr_ttm %v, service_acr_ttm %v, want 2700 and 5400", c.tenant, acr, total)
		}
	}
}

func valid(b bool) sql.NullBool { return sql.NullBool{Bool: b, Valid: true} }
func null() sql.NullBool        { return sql.NullBool{} }

// tamper changes one eligibility row between the eligibility stage and the reconciliation.
type tamper struct{ stmt string }

func (tamper) Name() string { return "tamper" }
func (x tamper) Run(ctx context.Context, r *pipeline.Run) error {
	_, err := r.DB.SQL().ExecContext(ctx, x.stmt)
	return err
}

// TestReconcileFailsOnTamperedRow: one row's contribution changed (P01's T01C stops counting as
// a net customer add: 4 - 1 = 3 becomes 2) makes the run fail with ErrChecksFailed, naming the
// metric; nothing is published. The same for a skilling row.
func TestReconcileFailsOnTamperedRow(t *testing.T) {
	cases := []struct{ name, stmt, want string }{
		{"customer", `UPDATE customer_eligibility SET contribution = 0
			WHERE partner_key = (SELECT partner_key FROM partners WHERE partner_id = 'P01')
			AND tenant_key = (SELECT tenant_key FROM tenants WHERE tenant_id = 'T01C')
			AND solution_area = 'data_ai' AND track = 'enterprise' AND metric = 'net_customer_adds'`,
			"partner_id=P01, solution_area=data_ai, track=enterprise, metric=net_customer_adds, value=3, reconciled=2"},
		{"skilling", `UPDATE skilling_eligibility SET contribution = 1
			WHERE partner_key = (SELECT partner_key FROM partners WHERE partner_id = 'P09') AND person_id = 'p09-09'
			AND solution_area = 'infrastructure' AND track = 'enterprise'`,
			"partner_id=P09, solution_area=infrastructure, track=enterprise, metric=intermediate_certifications, value=1, reconciled=2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var st []pipeline.Stage
			for _, s := range stages.All() {
				if s.Name() == "reconcile" {
					st = append(st, tamper{tc.stmt})
				}
				st = append(st, s)
			}
			out, err := runDemoMonth(t, st)
			if !errors.Is(err, pipeline.ErrChecksFailed) || !strings.Contains(err.Error(), "eligibility_reconciles: 1 metric values differ") ||
				!strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrChecksFailed naming %s", err, tc.want)
			}
			month, _ := pipeline.ParseMonth(snapshotMonth)
			if _, err := os.Stat(pipeline.NewLayout(out).ManifestPath(month)); !os.IsNotExist(err) {
				t.Errorf("a failed reconciliation published the month (stat: %v)", err)
			}
		})
	}
}

// TestReasonCodesClosedList: every code the eligibility SQL writes (always through rc('...')) is
// in stages.Reasons, every listed code is written somewhere, and codes are unique.
func TestReasonCodesClosedList(t *testing.T) {
	re := regexp.MustCompile(`rc\('([^']*)'\)`)
	used := map[string]bool{}
	for _, n := range sqlfiles.Names() {
		if !strings.HasPrefix(n, "eligibility_") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(sqlfiles.Text(n), -1) {
			used[m[1]] = true
			if _, ok := stages.ReasonMessage(m[1]); !ok {
				t.Errorf("%s.sql writes reason code %q, missing from stages.Reasons", n, m[1])
			}
		}
	}
	seen := map[string]bool{}
	for _, r := range stages.Reasons {
		if seen[r.Code] {
			t.Errorf("reason code %q listed twice", r.Code)
		}
		seen[r.Code] = true
		if !used[r.Code] {
			t.Errorf("reason code %q is listed but no eligibility SQL writes it", r.Code)
		}
		if !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(r.Code) || r.Message == "" {
			t.Errorf("reason %q: code must be snake_case with a message", r.Code)
		}
	}
}

// TestReasonsDocumented: docs/reason-codes.md is exactly what ReasonsMarkdown generates from the list
// (its own file, so docs/outputs.md stays wholly generated from package outputs).
// Refresh with: go test ./stages -run TestReasonsDocumented -args -update-docs
func TestReasonsDocumented(t *testing.T) {
	path := filepath.Join("..", "docs", "reason-codes.md")
	want := stages.ReasonsMarkdown()
	if *updateDocs {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Fatalf("%s is not what stages.Reasons generates; run go test ./stages -run TestReasonsDocumented -args -update-docs", path)
	}
}

// A row lists the association types that reach its tenant for every workload and for its own
// workload; a row without a workload (Azure net customer adds, usage growth) lists those for any
// workload; only the types its metric accepts. P01's T01C (PAL for every workload, 1,200 of
// Storage in S-1) is given DPOR for Storage, CSP_T1 for Azure Synapse Analytics and CPOR for
// Virtual Machines (Azure metrics accept CSP_T1, CSP_T2, DPOR and PAL, not CPOR).
func TestAssociationTypesByWorkload(t *testing.T) {
	in, add := demoCopy(t)
	add("associations/associations.csv", "P01,T01C,DPOR,Storage,2024-01-01,")
	add("associations/associations.csv", "P01,T01C,CSP_T1,Azure Synapse Analytics,2024-01-01,")
	add("associations/associations.csv", "P01,T01C,CPOR,Virtual Machines,2024-01-01,")
	out, err := runMonthOn(t, in, stages.All())
	if err != nil {
		t.Fatal(err)
	}
	db := openDuck(t)
	for _, c := range []struct{ metric, workload, want string }{
		{"net_customer_adds", "", "CSP_T1,DPOR,PAL"}, // PAL + every workload's DPOR and CSP_T1; CPOR not accepted
		{"usage_growth", "", "CSP_T1,DPOR,PAL"},
		{"deployments", "Storage", "DPOR,PAL"}, // PAL + Storage's DPOR
	} {
		if r := readCustomer(t, db, out, "P01", "data_ai", "enterprise", c.metric, "", "T01C", c.workload); r.types != c.want {
			t.Errorf("%s %q: association_types %q, want %q", c.metric, c.workload, r.types, c.want)
		}
	}
}
