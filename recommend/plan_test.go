package recommend

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/capscore/capscore/whatif"
)

// fixed is a metric no lever moves, at the given points.
func fixed(name string, max, points float64) *Metric {
	return &Metric{Name: name, Rule: "linear", Max: max, Threshold: 1, Points: points}
}

// dataAI is a Data & AI track: net customer adds 30, usage growth 20, deployments 10 (fixed at the
// given points) and intermediate certifications as gated steps 1 and 2 (gates) and 3 (4 points a
// person, behind both gates), max 40.
func dataAI(track string, nca, growth, deploy float64, gateRole string, gateMin, gatePts float64, people [3]int) *Area {
	skill := &Metric{Name: "intermediate_certifications", Rule: "gated_steps", Max: 40, lever: "skill", steps: []*Step{
		{N: 1, Role: gateRole, MinPeople: int(gateMin), Points: gatePts, People: people[0]},
		{N: 2, Role: gateRole, MinPeople: int(gateMin), Points: gatePts, People: people[1]},
		{N: 3, Role: "scoring", PerPerson: 4, People: people[2], Requires: []int{1, 2}},
	}}
	t := &Track{Name: track, Metrics: []*Metric{fixed("net_customer_adds", 30, nca), skill,
		fixed("usage_growth", 20, growth), fixed("deployments", 10, deploy)}}
	return &Area{PartnerID: "P", Area: "data_ai", Selected: track, Tracks: []*Track{t}, Codes: map[string][]StepRef{
		"AZ-104": {{track, "intermediate_certifications", 1}},
		"AZ-305": {{track, "intermediate_certifications", 2}},
		"DP-100": {{track, "intermediate_certifications", 3}},
		"DP-203": {{track, "intermediate_certifications", 3}},
	}}
}

// firstDetail is the step detail of the first path row.
func firstDetail(t *testing.T, rows []Row) StepDetail {
	t.Helper()
	var d StepDetail
	if err := json.Unmarshal([]byte(rows[0].Detail), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

type stepWant struct {
	lever  string
	codes  []string
	count  int
	usd    float64
	points float64
	total  float64
}

func checkPlan(t *testing.T, p Plan, want []stepWant) {
	t.Helper()
	if p.NoPath != "" {
		t.Fatalf("no path: %s (%v)", p.NoPath, p.Blocking)
	}
	var got []stepWant
	for _, s := range p.Steps {
		got = append(got, stepWant{s.Lever, s.Codes, s.Count, s.USD, s.Points, s.Total})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan\n got %+v\nwant %+v", got, want)
	}
}

// SMB track, gates held (one AZ-104 and one AZ-305 person: 4 + 4), nobody in step 3:
// 30 + 20 + 10 + 8 = 68. One person in DP-100 or DP-203 adds 4 points: 72 >= 70.
func TestPlanOnePersonInTheScoringStep(t *testing.T) {
	a := dataAI("smb", 30, 20, 10, "gate_and_points", 1, 4, [3]int{1, 1, 0})
	checkPlan(t, a.Plan(70), []stepWant{{LeverCertify, []string{"DP-100", "DP-203"}, 1, 0, 4, 72}})
}

// Enterprise track, no gate held: 30 + 20 + 10 + 0 = 60 and the skilling metric at 0 blocks.
// Both gates need 2 people (no points by themselves), then 4 points a person in step 3:
// 60 + 4n >= 70 gives n = 3 (72).
func TestPlanFillsTheGatesFirst(t *testing.T) {
	a := dataAI("enterprise", 30, 20, 10, "gate", 2, 0, [3]int{0, 0, 0})
	checkPlan(t, a.Plan(70), []stepWant{
		{LeverCertify, []string{"AZ-104"}, 2, 0, 0, 60},
		{LeverCertify, []string{"AZ-305"}, 2, 0, 0, 60},
		{LeverCertify, []string{"DP-100", "DP-203"}, 3, 0, 12, 72},
	})
}

// Usage growth 20 points at 20 %: base 10,000 USD, now 10,500 (5 % = 5 points). With net customer
// adds 15, skilling 30 and deployments 10 fixed the total is 60; growth must give 15 points, i.e.
// 15 %: now 11,500, so 1,000 USD more on the tenant (999 USD gives 14.99 % = 14.99 points, 69.99).
func TestPlanGrowUsageExactDollars(t *testing.T) {
	growth := &Metric{Name: "usage_growth", Rule: "linear", Max: 20, Threshold: 20, lever: "growth",
		acrNow: 10500, acrBase: 10000, baseMinimum: 1000}
	tr := &Track{Name: "enterprise", Metrics: []*Metric{fixed("net_customer_adds", 30, 15),
		fixed("intermediate_certifications", 40, 30), growth, fixed("deployments", 10, 10)}}
	a := &Area{PartnerID: "P", Area: "infrastructure", Selected: "enterprise", Tracks: []*Track{tr},
		Azure: &Azure{AssociationType: "CSP_T1", Segment: "enterprise", Tenant: "T1", AcrS: 5000, AcrS1: 5000,
			NeutralService: "Virtual Machines"}}
	if s := a.Rescore(Change{}, 70); s.TotalOf("enterprise") != 60 {
		t.Fatalf("start total %v, want 60", s.TotalOf("enterprise"))
	}
	checkPlan(t, a.Plan(70), []stepWant{{LeverGrowUsage, nil, 1, 1000, 10, 70}})
}

// SMB track, gates held by one person each, two people in step 3: 30 + 0 + 10 + (4 + 4 + 8) = 56.
// The AZ-104 person's certification expires: step 1 is no longer held, so it loses its 4 points
// and step 3 its 8 (it requires step 1): 12 points lost, 44 left.
func TestPointsLostWhenAGateExpires(t *testing.T) {
	a := dataAI("smb", 30, 0, 10, "gate_and_points", 1, 4, [3]int{1, 1, 2})
	lost, after := a.PointsLost(&Expiring{PersonID: "p1", Certification: "AZ-104",
		Drops: []StepRef{{"smb", "intermediate_certifications", 1}}}, 70)
	if lost != 12 || after != 44 {
		t.Errorf("lost %v, after %v; want 12 and 44", lost, after)
	}
	// A second AZ-104 person holds the gate: nothing is lost.
	a = dataAI("smb", 30, 0, 10, "gate_and_points", 1, 4, [3]int{2, 1, 2})
	if lost, _ := a.PointsLost(&Expiring{Drops: []StepRef{{"smb", "intermediate_certifications", 1}}}, 70); lost != 0 {
		t.Errorf("lost %v with the gate still held, want 0", lost)
	}
}

// No lever moves usage growth (fixed at 0): no path, and the row names the blocking metric.
func TestNoPathNamesTheBlockingMetric(t *testing.T) {
	a := dataAI("smb", 30, 0, 10, "gate_and_points", 1, 4, [3]int{1, 1, 5})
	p := a.Plan(70)
	if p.NoPath == "" || !reflect.DeepEqual(p.Blocking, []string{"usage_growth"}) {
		t.Errorf("plan %+v, want no path blocked by usage_growth", p)
	}
}

// Two tracks, the higher total selected: enterprise 66 (selected), smb 64. A person certified in a
// code both tracks count adds 4 points on enterprise (70, qualifies) and 10 on smb (74, higher, and
// qualifies): the area moves to smb, and the step says so.
func TestPlanSaysWhenTheTrackChanges(t *testing.T) {
	mk := func(name string, other, perPerson float64) *Track {
		return &Track{Name: name, Metrics: []*Metric{fixed("net_customer_adds", 60, other),
			{Name: "intermediate_certifications", Rule: "gated_steps", Max: 40, lever: "skill",
				steps: []*Step{{N: 0, Role: "scoring", PerPerson: perPerson, People: 1}}}}}
	}
	a := &Area{PartnerID: "P", Area: "modern_work", BestTotal: true, Selected: "enterprise",
		Tracks: []*Track{mk("enterprise", 62, 4), mk("smb", 54, 10)},
		Codes:  map[string][]StepRef{"MS-900": {{"enterprise", "intermediate_certifications", 0}, {"smb", "intermediate_certifications", 0}}}}
	p := a.Plan(70)
	if len(p.Steps) != 1 || p.Steps[0].Track != "smb" || !p.Steps[0].ChangesTrack || p.Steps[0].Total != 74 || p.Steps[0].Points != 8 {
		t.Errorf("plan %+v, want one step moving the area to smb at 74 (+8 over enterprise's 66)", p.Steps)
	}
}

// Modern Work (enterprise): each certification metric needs a counted person in both (the people
// prerequisite), so neither scores alone. Nobody certified: 12 (net customer adds) + 30 (usage
// growth) + 20 (deployments) = 62, two metrics at 0. One intermediate person (10 / 4 = 2.5 points)
// and one advanced person (15 / 2 = 7.5 points) together: 62 + 2.5 + 7.5 = 72 >= 70. The first step
// alone adds nothing (the prerequisite is not met yet), the second adds both metrics' points.
func TestPlanMeetsThePeoplePrerequisite(t *testing.T) {
	both := []string{"intermediate_certifications", "advanced_certifications"}
	tr := &Track{Name: "enterprise", Metrics: []*Metric{fixed("net_customer_adds", 20, 12),
		{Name: "intermediate_certifications", Rule: "linear", Max: 10, Threshold: 4, lever: "skill", requires: both,
			steps: []*Step{{N: 0, Role: "count"}}},
		{Name: "advanced_certifications", Rule: "linear", Max: 15, Threshold: 2, lever: "skill", requires: both,
			steps: []*Step{{N: 0, Role: "count"}}},
		fixed("usage_growth", 30, 30), fixed("deployments", 25, 20)}}
	a := &Area{PartnerID: "P", Area: "modern_work", Selected: "enterprise", Tracks: []*Track{tr},
		Codes: map[string][]StepRef{
			"MS-102": {{"enterprise", "advanced_certifications", 0}},
			"MS-700": {{"enterprise", "intermediate_certifications", 0}},
			"SC-300": {{"enterprise", "intermediate_certifications", 0}},
		}}
	if s := a.Rescore(Change{}, 70); s.Total() != 62 || s.Zeros() != 2 {
		t.Fatalf("start: total %v with %d metrics at 0, want 62 and 2", s.Total(), s.Zeros())
	}
	checkPlan(t, a.Plan(70), []stepWant{
		{LeverCertify, []string{"MS-700", "SC-300"}, 1, 0, 0, 62},
		{LeverCertify, []string{"MS-102"}, 1, 0, 10, 72},
	})
}

// Security (enterprise): net customer adds at -1 (one customer fewer than a year earlier; 20 points
// at 10, 2 a customer) and deployments at 0 (20 points at 6), certifications 40 and usage growth 10:
// 50 points, two metrics at 0. A new customer's Azure part needs TTM security ACR of at least 600 to
// count and more than 12,000 to be an enterprise deployment, so it gets 12,001 USD and moves both:
// n customers give 2(n-1) + round(20n/6, 2) points. n = 4 gives 6 + 13.33 = 69.33 (short);
// n = 5 gives 8 + 16.67 = 24.67, 74.67 in all.
func TestPlanSecurityCustomers(t *testing.T) {
	lo := 12000.0
	val := func(v float64) *float64 { return &v }
	tr := &Track{Name: "enterprise", Metrics: []*Metric{
		{Name: "net_customer_adds", Rule: "linear", Max: 20, Threshold: 10, Value: val(-1), lever: "sec_nca", ttmMin: 600},
		fixed("intermediate_certifications", 40, 40), fixed("usage_growth", 20, 10),
		{Name: "deployments", Rule: "linear", Max: 20, Threshold: 6, Value: val(0), lever: "sec_deploy", ttm: band{lo: &lo, loExcl: true}},
	}}
	a := &Area{PartnerID: "P", Area: "security", Selected: "enterprise", Tracks: []*Track{tr},
		Security: &Security{AssociationType: "CSP_T1", Service: "Key Vault"}}
	if s := a.Rescore(Change{}, 70); s.Total() != 50 || s.Zeros() != 2 {
		t.Fatalf("start: total %v with %d metrics at 0, want 50 and 2", s.Total(), s.Zeros())
	}
	p := a.Plan(70)
	checkPlan(t, p, []stepWant{{LeverAddCustomers, nil, 5, 0, 24.67, 74.67}})
	rows := a.pathRows(p)
	d := firstDetail(t, rows)
	if d.ACRUSD != 12001 || d.AssociationType != "CSP_T1" || d.Service != "Key Vault" || d.Segment != "enterprise" {
		t.Errorf("step detail %+v, want 12,001 USD of Key Vault through CSP_T1 on an enterprise tenant", d)
	}
	// SMB's deployments band is 750..12,000 (both ends in): a new customer gets 750 USD.
	hi := 12000.0
	smbLo := 750.0
	tr.Name, a.Selected = "smb", "smb"
	tr.Metrics[3].ttm = band{lo: &smbLo, hi: &hi}
	if got := a.customerACR(); got != 750 {
		t.Errorf("smb customer ACR %v, want 750", got)
	}
}

// Modern Work (smb): net customer adds at 2 (20 points at 10: 2 a tenant, 4 points), certifications
// 10 + 15, usage growth 20 and deployments 15 fixed: 64 points. A new customer is a tenant with paid
// licences at the low end of the smb band (11 to 300: 11) and no active users; it counts for net
// customer adds only. 3 customers: value 5, 10 points, 70.00 in all.
func TestPlanModernWorkCustomers(t *testing.T) {
	val := func(v float64) *float64 { return &v }
	lo, hi := 11.0, 300.0
	tr := &Track{Name: "smb", Metrics: []*Metric{
		{Name: "net_customer_adds", Rule: "linear", Max: 20, Threshold: 10, Value: val(2), lever: "mw_nca", lic: band{lo: &lo, hi: &hi}},
		fixed("intermediate_certifications", 10, 10), fixed("advanced_certifications", 15, 15),
		fixed("usage_growth", 30, 20), fixed("deployments", 25, 15),
	}}
	a := &Area{PartnerID: "P", Area: "modern_work", Selected: "smb", Tracks: []*Track{tr},
		ModernWork: &ModernWork{AssociationType: "CPOR", Workload: "Exchange Online"}}
	if s := a.Rescore(Change{}, 70); s.Total() != 64 {
		t.Fatalf("start: total %v, want 64", s.Total())
	}
	p := a.Plan(70)
	checkPlan(t, p, []stepWant{{LeverAddCustomers, nil, 3, 0, 6, 70}})
	rows := a.pathRows(p)
	d := firstDetail(t, rows)
	if d.PaidLicenses != 11 || d.Workload != "Exchange Online" || d.AssociationType != "CPOR" || d.Segment != "smb" || d.ACRUSD != 0 {
		t.Errorf("step detail %+v, want 11 paid licences of Exchange Online through CPOR on an smb tenant", d)
	}
	if want := "Add 3 net customers with 11 to 300 paid licences of a Modern Work workload in the month (for example Exchange Online): +6.00 points, 70.00 in all"; rows[0].Action != want {
		t.Errorf("action %q, want %q", rows[0].Action, want)
	}
	// Enterprise's band is more than 300 (no upper end): 301 paid licences; the smb tenant of 11
	// would not count there.
	ent := 300.0
	tr.Name, a.Selected = "enterprise", "enterprise"
	tr.Metrics[0].lic = band{lo: &ent, loExcl: true}
	if got := a.customerLicenses(); got != 301 {
		t.Errorf("enterprise customer licences %d, want 301", got)
	}
	if got := a.licenceText(); got != "more than 300" {
		t.Errorf("enterprise licence text %q", got)
	}
	if pts := a.Rescore(Change{Customers: 1, CustomerLicenses: 11}, 70).Total(); pts != 64 {
		t.Errorf("an 11-licence tenant on enterprise: %v points, want 64 (it is outside the band)", pts)
	}
}

// Modern Work (smb), usage growth and deployments by association option (the best scores):
// usage growth CPOR 1,000 now against 800 (200 of 500: 12 of 30 points), CSP nothing; deployments
// CPOR 3 against 2 (1 of 5: 5 of 25 points), CSP nothing. With net customer adds 20 and
// certifications 10 + 15 fixed: 62. Raising active users on existing customers makes them
// deployments and adds their users to usage growth where the option covers them:
//   - T1 (10 users): CPOR deployment, CPOR growth: deployments 2 -> 10, growth 210 -> 12.60: 67.60;
//   - T2 (40 users): CPOR deployment only: deployments 3 -> 15: 72.60 >= 70.
func TestPlanModernWorkActivation(t *testing.T) {
	opt := func(name string, thr, now, base float64) mwOption { return mwOption{name, thr, now, base} }
	tr := &Track{Name: "smb", Metrics: []*Metric{
		fixed("net_customer_adds", 20, 20), fixed("intermediate_certifications", 10, 10), fixed("advanced_certifications", 15, 15),
		{Name: "usage_growth", Rule: "best_of_options", Max: 30, lever: "mw_growth",
			options: []mwOption{opt("CPOR", 500, 1000, 800), opt("CSP", 2000, 0, 0)}},
		{Name: "deployments", Rule: "best_of_options", Max: 25, lever: "mw_deploy",
			options: []mwOption{opt("CPOR", 5, 3, 2), opt("CSP", 10, 0, 0)}},
	}}
	tn := func(id string, users int, deploy, growth []string) *MWTenant {
		return &MWTenant{ID: id, Users: users, deploy: map[string][]string{"smb": deploy}, growth: map[string][]string{"smb": growth}}
	}
	a := &Area{PartnerID: "P", Area: "modern_work", Selected: "smb", Tracks: []*Track{tr},
		ModernWork: &ModernWork{ActivationWorkload: "Teams Premium", Tenants: []*MWTenant{
			tn("T1", 10, []string{"CPOR"}, []string{"CPOR"}),
			tn("T2", 40, []string{"CPOR"}, nil),
			tn("T3", 100, []string{"CPOR", "CSP"}, []string{"CPOR"}),
		}}}
	if s := a.Rescore(Change{}, 70); s.Total() != 62 {
		t.Fatalf("start: total %v, want 62", s.Total())
	}
	if s := a.Rescore(Change{Deploy: 1}, 70); s.Total() != 67.6 {
		t.Fatalf("T1 raised: total %v, want 67.60", s.Total())
	}
	p := a.Plan(70)
	checkPlan(t, p, []stepWant{{LeverDeploy, nil, 2, 0, 10.6, 72.6}})
	rows := a.pathRows(p)
	d := firstDetail(t, rows)
	want := []whatif.TenantUsers{{TenantID: "T1", ActiveUsers: 10}, {TenantID: "T2", ActiveUsers: 40}}
	if !reflect.DeepEqual(d.Tenants, want) || d.Workload != "Teams Premium" {
		t.Errorf("step detail %+v, want T1 +10 and T2 +40 users of Teams Premium", d)
	}
	if w := "Raise active users on 2 customers to the deployment share of their paid licences (T1: 10 more users, T2: 40 more users): +10.60 points, 72.60 in all"; rows[0].Action != w {
		t.Errorf("action %q\nwant %q", rows[0].Action, w)
	}
}

// Modern Work (smb), usage growth alone: CPOR 1,000 users now against 800 (200 of 500: 12 of 30
// points); with net customer adds 20, certifications 10 + 15 and deployments 10 fixed: 67. More
// active users on the growth tenant (covered by CPOR) raise the CPOR measure: 15 points need 250,
// i.e. 50 more users (70.00); 49 give 249, 14.94 points, 69.94.
func TestPlanModernWorkGrowth(t *testing.T) {
	tr := &Track{Name: "smb", Metrics: []*Metric{
		fixed("net_customer_adds", 20, 20), fixed("intermediate_certifications", 10, 10), fixed("advanced_certifications", 15, 15),
		{Name: "usage_growth", Rule: "best_of_options", Max: 30, lever: "mw_growth",
			options: []mwOption{{"CPOR", 500, 1000, 800}, {"CSP", 2000, 0, 0}}},
		fixed("deployments", 25, 10),
	}}
	a := &Area{PartnerID: "P", Area: "modern_work", Selected: "smb", Tracks: []*Track{tr},
		ModernWork: &ModernWork{ActivationWorkload: "Teams Premium",
			Grow: &MWTenant{ID: "T9", growth: map[string][]string{"smb": {"CPOR"}}}}}
	if s := a.Rescore(Change{}, 70); s.Total() != 67 {
		t.Fatalf("start: total %v, want 67", s.Total())
	}
	if s := a.Rescore(Change{Grow: 49}, 70); s.Total() != 69.94 {
		t.Fatalf("49 more users: total %v, want 69.94", s.Total())
	}
	p := a.Plan(70)
	checkPlan(t, p, []stepWant{{LeverGrowUsage, nil, 1, 50, 3, 70}})
	rows := a.pathRows(p)
	d := firstDetail(t, rows)
	if d.TenantID != "T9" || d.ActiveUsers != 50 || d.Workload != "Teams Premium" || d.USD != 0 {
		t.Errorf("step detail %+v, want 50 users of Teams Premium on T9", d)
	}
	if w := "Grow monthly active users by 50 (for example on tenant T9): +3.00 points, 70.00 in all"; rows[0].Action != w {
		t.Errorf("action %q\nwant %q", rows[0].Action, w)
	}
}

// BenchmarkPlan plans an enterprise Data & AI area that needs both gates and three people.
func BenchmarkPlan(b *testing.B) {
	a := dataAI("enterprise", 30, 20, 10, "gate", 2, 0, [3]int{0, 0, 0})
	for b.Loop() {
		a.Plan(70)
	}
}
