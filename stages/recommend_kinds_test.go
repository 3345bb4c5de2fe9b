package stages_test

// The recommendation kinds built in SQL (sql/recommend.sql) on the demo month (fixtures/demo,
// S = 2026-10, A = 2026-11-20, a fresh OUT, so no earlier month is published): hand-checked rows
// with the arithmetic of fixtures/demo/README.md. The planner's kinds (path_to_qualify, no_path,
// certification_expiring) are left to the planner's tests; here they only have to keep their rank.
//
// Points of a linear metric: round(max x min(1, max(0, value) / threshold), 2).

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/outputs"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

// recRow is one recommendations row without provenance.
type recRow struct {
	area, kind, metric, stake, action, detail string
	priority                                  int
}

func (r recRow) String() string {
	return fmt.Sprintf("%s #%d %s/%s stake=%s %q %s", r.area, r.priority, r.kind, r.metric, r.stake, r.action, r.detail)
}

// readRecs reads the month's recommendations of one partner, by area and priority.
func readRecs(t *testing.T, db *sql.DB, out, partner string) []recRow {
	t.Helper()
	rows, err := db.Query(`SELECT solution_area, kind, coalesce(metric, ''), priority,
			coalesce(CAST(points_at_stake AS VARCHAR), 'NULL'), action, detail
		FROM read_parquet(?) WHERE partner_id = ? ORDER BY solution_area, priority`,
		snapshotFile(out, pipeline.TableRecommendations), partner)
	if err != nil {
		t.Fatalf("read recommendations: %v", err)
	}
	defer rows.Close()
	var got []recRow
	for rows.Next() {
		var r recRow
		if err := rows.Scan(&r.area, &r.kind, &r.metric, &r.priority, &r.stake, &r.action, &r.detail); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// sqlKinds are the kinds sql/recommend.sql builds.
var sqlKinds = []string{"metric_at_zero", "renewal_risk", "customer_below_floor", "get_started"}

func TestRecommendationKindsDemo(t *testing.T) {
	out, err := runDemoMonth(t, stages.All())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	db := openDuck(t)

	// Every partner-area numbers its rows 1..n, in the order of the kinds' ranks; every kind is declared.
	rank := map[string]int{}
	for _, k := range outputs.RecommendationKinds {
		rank[k.Kind] = k.Rank
	}
	for _, p := range []string{"P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10", "P11", "P12", "P13", "P14"} {
		var prev recRow
		for _, r := range readRecs(t, db, out, p) {
			if _, ok := rank[r.kind]; !ok {
				t.Errorf("%s %s: kind not in outputs.RecommendationKinds", p, r)
			}
			if r.area != prev.area {
				prev = recRow{area: r.area}
			}
			if r.priority != prev.priority+1 {
				t.Errorf("%s %s: priority after %d", p, r, prev.priority)
			}
			if prev.kind != "" && rank[r.kind] < rank[prev.kind] {
				t.Errorf("%s %s: ranked after %s", p, r, prev.kind)
			}
			prev = r
		}
	}

	// want lists a partner's rows of the SQL kinds, by area and priority; the priorities are
	// checked only relative to each other, since the planner's rows come before or between them.
	cases := []struct {
		partner string
		areas   []string // the areas compared; nil: every area
		want    []recRow
	}{
		{"P04", nil, []recRow{
			// Business Applications enterprise, deployments (MCV >= 10,000, threshold 5, max 20): value 6 - 3 = 3
			// -> 12. T04A Field Service: 35 users x 200 = 7,000; 10,000 / 200 = 50 users -> 15 more.
			// T04C Sales: 20 x 200 = 4,000 -> 30 more. Either makes 4 -> 20 x 4/5 = 16: 4.00 at stake; T04A first.
			// T04C Customer Service (6,000) has no row: CPOR covers Sales only and PAL does not count.
			{area: "business_applications", kind: "customer_below_floor", metric: "deployments", stake: "4.00",
				action: "Raise active users of Field Service on tenant T04A by 15 (35 now) to reach the 10000 USD MCV floor at 200 USD per user",
				detail: `{"tenant_id":"T04A","part":"","workload":"Field Service","figure":"active_users","value":35.0,"floor":50.0,"missing":15.0,"unit":"active users"}`},
			{area: "business_applications", kind: "customer_below_floor", metric: "deployments", stake: "4.00",
				action: "Raise active users of Sales on tenant T04C by 30 (20 now) to reach the 10000 USD MCV floor at 200 USD per user",
				detail: `{"tenant_id":"T04C","part":"","workload":"Sales","figure":"active_users","value":20.0,"floor":50.0,"missing":30.0,"unit":"active users"}`},
			// Digital & App Innovation: total 0 (not_started); p04-04's PL-400 is in its catalogue.
			{area: "digital_app_innovation", kind: "get_started", stake: "NULL",
				action: "Start earning points in Digital & App Innovation (Azure): 1 person holds a counted certification of the area, but the enterprise track scores 0 points",
				detail: `{"certified_people":1,"metrics_above_zero":[]}`},
		}},
		{"P07", nil, []recRow{
			// Modern Work SMB, deployments (best of options, max 25): CSP 3 of 10 -> 7.5 wins. T07D on CPOR:
			// 10 active of 40 paid, 40% -> 16 needed, 6 more; CPOR 1 -> 2 of 5 -> 25 x 2/5 = 10 > 7.5: 2.50.
			{area: "modern_work", kind: "customer_below_floor", metric: "deployments", stake: "2.50",
				action: "Raise active users on tenant T07D by 6 (10 of 40 paid licences now) to reach the 40% active share (CPOR option)",
				detail: `{"tenant_id":"T07D","part":"CPOR","workload":"","figure":"active_users","value":10.0,"floor":16.0,"missing":6.0,"unit":"active users"}`},
		}},
		{"P08", []string{"data_ai", "modern_work", "security"}, []recRow{
			// Data & AI enterprise (in_progress, 0 + 0 + 20 + 4 = 24): net customer adds and intermediate
			// certifications at zero, but 24 < 70, so the path names them and there is no metric_at_zero row
			// (TestMetricAtZeroOnlyAtQualifyingScore has them at a qualifying score of 20).
			// T08C: 700 USD ACR in S < 1,000 -> 300 more; net adds 0 -> 1 -> 30 x 1/3 = 10.
			{area: "data_ai", kind: "customer_below_floor", metric: "net_customer_adds", stake: "10.00",
				action: "Raise tenant T08C's Azure consumption by 300.00 USD in a month to reach the 1000 USD floor",
				detail: `{"tenant_id":"T08C","part":"","workload":"","figure":"acr_usd","value":700.0,"floor":1000.0,"missing":300.0,"unit":"USD"}`},
			// Modern Work: total 0; p08-06's SC-300 is in its catalogue, intermediate certifications value 1.
			{area: "modern_work", kind: "get_started", stake: "NULL",
				action: "Start earning points in Modern Work: 1 person holds a counted certification of the area and intermediate certifications measures above 0, but the enterprise track scores 0 points",
				detail: `{"certified_people":1,"metrics_above_zero":[{"track":"enterprise","metric":"intermediate_certifications","value":1.0},{"track":"smb","metric":"intermediate_certifications","value":1.0}]}`},
			// Security enterprise, deployments (threshold 6, max 20): 3 -> 10. T08C's security ACR over the TTM
			// is 700, the band is above 12,000 (exclusive): more than 11,300 more; 4 -> 20 x 4/6 = 13.33: 3.33.
			{area: "security", kind: "customer_below_floor", metric: "deployments", stake: "3.33",
				action: "Raise tenant T08C's Azure security consumption over twelve months by more than 11300.00 USD to go above the 12000 USD lower bound of the band",
				detail: `{"tenant_id":"T08C","part":"azure","workload":"","figure":"security_acr_ttm_usd","value":700.0,"floor":12000.0,"missing":11300.0,"unit":"USD"}`},
		}},
		{"P09", []string{"data_ai"}, []recRow{
			// Data & AI: total 0 on enterprise; AZ-104 p09-02, p09-03, AZ-305 p09-04, DP-100 p09-05 count
			// (4 people); the SMB what-if's intermediate value is 3.
			{area: "data_ai", kind: "get_started", stake: "NULL",
				action: "Start earning points in Data & AI (Azure): 4 people hold counted certifications of the area and intermediate certifications measures above 0, but the enterprise track scores 0 points",
				detail: `{"certified_people":4,"metrics_above_zero":[{"track":"smb","metric":"intermediate_certifications","value":3.0}]}`},
		}},
		{"P10", []string{"data_ai"}, []recRow{
			// Data & AI enterprise, enrolled: 10 + 0 + 0 + 2 = 12. Intermediate certifications (max 40) and
			// usage growth (zero base, max 20) at zero, but 12 < 70: no metric_at_zero rows. No earlier month
			// is published, so not qualified in 2026-05..2026-10: 70 - 12 = 58 points short.
			{area: "data_ai", kind: "renewal_risk", stake: "58.00",
				action: "Qualify again in Data & AI (Azure): enrolled, but not qualified in any month of 2026-05..2026-10; the enterprise track is 58.00 points short of 70",
				detail: `{"window_from":"2026-05","window_to":"2026-10","qualified_months":[],"total_points":12.0,"qualifying_score":70.0,"points_short":58.0}`},
		}},
		// P02: T02E's 100 USD is below the SMB floor of 500, but net customer adds is at full points
		// (5 - 2 = 3 of 3), so it would add nothing: no row. P03: T03C's 200 USD would take net adds
		// from -2 to -1, still 0 points: no row. P12 has no activity at all: no row.
		{"P02", nil, nil},
		{"P03", nil, nil},
		{"P12", nil, nil},
	}
	for _, c := range cases {
		var got []recRow
		for _, r := range readRecs(t, db, out, c.partner) {
			if !slices.Contains(sqlKinds, r.kind) || (c.areas != nil && !slices.Contains(c.areas, r.area)) {
				continue
			}
			if c.partner == "P02" || c.partner == "P03" {
				if r.kind != "customer_below_floor" {
					continue // only the absence of customer rows is the point here
				}
			}
			got = append(got, r)
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %d rows of the SQL kinds, want %d:\n%v", c.partner, len(got), len(c.want), got)
			continue
		}
		for i, w := range c.want {
			g := got[i]
			if i > 0 && got[i-1].area == g.area && g.priority <= got[i-1].priority {
				t.Errorf("%s: %s not after %s", c.partner, g, got[i-1])
			}
			g.priority = 0
			if g != w {
				t.Errorf("%s row %d:\n got %s\nwant %s", c.partner, i+1, g, w)
			}
		}
	}
}

// TestMetricAtZeroOnlyAtQualifyingScore: metric_at_zero rows are made where the zero is what blocks,
// that is where the area reaches the qualifying score. The demo has no such area at 70, so the month
// runs with a copy of the rubric whose qualifying score is 20:
//   - P08 Data & AI enterprise: 0 + 0 + 20 + 4 = 24 >= 20, net customer adds (max 30) and intermediate
//     certifications (max 40) at 0 -> two rows, in the rubric's metric order;
//   - P10 Data & AI enterprise: 10 + 0 + 0 + 2 = 12 < 20 -> none, though two metrics are at 0.
func TestMetricAtZeroOnlyAtQualifyingScore(t *testing.T) {
	out := runDemoWithRubricEdit(t, "qualifying_score: 70", "qualifying_score: 20")
	db := openDuck(t)
	zeros := func(partner string) []recRow {
		var got []recRow
		for _, r := range readRecs(t, db, out, partner) {
			if r.kind == "metric_at_zero" && r.area == "data_ai" {
				r.priority = 0
				got = append(got, r)
			}
		}
		return got
	}
	want := []recRow{
		{area: "data_ai", kind: "metric_at_zero", metric: "net_customer_adds", stake: "30.00",
			action: "Earn points in net customer adds: the area has 24.00 points, but every metric needs more than 0 points to qualify",
			detail: `{"value":0.0,"threshold":3.0,"max_points":30.0,"points":0.0}`},
		{area: "data_ai", kind: "metric_at_zero", metric: "intermediate_certifications", stake: "40.00",
			action: "Earn points in intermediate certifications: the area has 24.00 points, but every metric needs more than 0 points to qualify",
			detail: `{"value":0.0,"threshold":null,"max_points":40.0,"points":0.0}`},
	}
	if got := zeros("P08"); !slices.Equal(got, want) {
		t.Errorf("P08 data_ai metric_at_zero rows:\n got %v\nwant %v", got, want)
	}
	if got := zeros("P10"); len(got) != 0 {
		t.Errorf("P10 data_ai (12 points < 20): want no metric_at_zero rows, got %v", got)
	}
}

// TestNoActivationWorkload: a rubric whose Modern Work customer-success workloads are all net
// customer adds workloads too leaves no workload to add active users on, so Modern Work gets no
// step that raises active users, and the month still runs. P07's Modern Work (44.90 on smb, net
// customer adds 4 of 20: fixtures/demo/README.md) then has the customer lever only: net customer
// adds at full points (+16.00) give 60.90, 9.10 points short of 70, and no step is left.
func TestNoActivationWorkload(t *testing.T) {
	out := runDemoWithRubricEdit(t, "{name: Teams Premium, sets: [modern_work_customer_success]}",
		"{name: Teams Premium, sets: [modern_work, modern_work_customer_success]}")
	db := openDuck(t)
	var mw []recRow
	for _, r := range readRecs(t, db, out, "P07") {
		if r.area == "modern_work" && (r.kind == "path_to_qualify" || r.kind == "no_path") {
			mw = append(mw, r)
		}
	}
	if len(mw) != 1 || mw[0].kind != "no_path" || !strings.Contains(mw[0].action, "(9.10 points short)") {
		t.Errorf("P07 modern_work: %v; want one no_path row 9.10 points short", mw)
	}
}

// runDemoWithRubricEdit runs the demo month with a copy of the default rubric in which the line
// part from is replaced by to, and returns the output folder.
func runDemoWithRubricEdit(t *testing.T, from, to string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "rubric", "ms-pcs-2026-05.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(raw), from, to, 1)
	if edited == string(raw) {
		t.Fatalf("the rubric has no %q to replace", from)
	}
	rubricFile := filepath.Join(t.TempDir(), "rubric.yaml")
	if err := os.WriteFile(rubricFile, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	m, _ := pipeline.ParseMonth(snapshotMonth)
	asOf, _ := time.Parse("2006-01-02", asOfDate)
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := pipeline.NewRunner(stages.All(), zap.NewNop()).RunMonth(ctx, pipeline.Config{
		Month: m, AsOf: asOf, Input: filepath.Join("..", "fixtures", "demo"), Out: out, Threads: 2,
		RubricPath: rubricFile}); err != nil {
		t.Fatalf("run: %v", err)
	}
	return out
}
