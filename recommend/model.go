// Package recommend plans what a partner can do next in an area: the smallest set of actions
// (certify people, add customers, grow usage, deploy services) that qualifies it, and the points an
// expiring certification takes with it. It works on the state the month's metric SQL left behind
// (loaded by Load), re-scores that state under a change with the rubric's rules (linear, gated steps,
// prerequisites, track selection), and never changes a published score: every plan is checked by
// re-running the month with the translator's rows (package whatif).
package recommend

import "math"

// Metric is one metric of one track as the planner models it.
type Metric struct {
	Name      string
	Rule      string  // linear, gated_steps, best_of_options, sum_capped
	Max       float64 // max points on the track
	Threshold float64 // linear threshold
	Points    float64 // the published points (kept as they are for metrics no lever moves)
	Value     *float64

	// lever says which change moves the metric: "skill" (certified people), "nca", "growth" and
	// "deploy" (Azure customer levers); "" keeps the published points.
	lever string
	steps []*Step // skill: the metric's steps (one step 0 with role count for linear metrics)
	// requires names the metrics that need a counted person before this one scores.
	requires []string

	// Azure and Business Applications figures.
	tenantsNow, tenantsBase float64 // nca and Business Applications deployments: counts now and a year earlier
	floor                   float64 // nca: ACR floor of a customer
	revenueFloor, mcvFloor  float64 // Business Applications floors
	acrNow, acrBase         float64 // growth: exact sums
	baseMinimum             float64 // growth
	services                []string
	// Security: the TTM security ACR a tenant needs to count (net customer adds) and the band of a
	// deployment's TTM (deployments).
	ttmMin float64
	ttm    band
	// Modern Work net customer adds: the band of paid licences a tenant must be in.
	lic band
	// Modern Work usage growth and deployments: the association options, the best one scores.
	options []mwOption
}

// mwOption is one association option of a Modern Work best-of-options metric: its threshold and
// the users (usage growth) or deployments now and at the base.
type mwOption struct {
	name                 string
	threshold, now, base float64
}

// band is a range of amounts with optional, inclusive or exclusive ends (nil: no band).
type band struct {
	lo, hi         *float64
	loExcl, hiExcl bool
}

// set reports whether the band has an end.
func (b band) set() bool { return b.lo != nil || b.hi != nil }

// contains reports whether v is in the band (false for a band with no end).
func (b band) contains(v float64) bool {
	if !b.set() {
		return false
	}
	if b.lo != nil && (v < *b.lo || (b.loExcl && v == *b.lo)) {
		return false
	}
	if b.hi != nil && (v > *b.hi || (b.hiExcl && v == *b.hi)) {
		return false
	}
	return true
}

// least is the least whole amount in the band (0 for a band with no lower end).
func (b band) least() float64 {
	if b.lo == nil {
		return 0
	}
	v := math.Ceil(*b.lo)
	if b.loExcl && v == *b.lo {
		v++
	}
	return v
}

// Step is one certification step of a skilling metric.
type Step struct {
	N         int
	Role      string // gate, gate_and_points, scoring, count
	MinPeople int
	Points    float64
	PerPerson float64
	People    int
	Requires  []int
}

// Track is one track of an area: its applicable metrics in output order.
type Track struct {
	Name    string
	Metrics []*Metric
}

// Azure holds what the customer levers of an Azure area need.
type Azure struct {
	AssociationType string
	Segment         string
	// Tenant is the existing tenant more usage goes on ("" when none fits); AcrS and AcrS1 its ACR in
	// S and S-1 (whether it already counts as a customer).
	Tenant      string
	AcrS, AcrS1 float64
	// NeutralService is a service that counts for usage but not for deployments.
	NeutralService string
	// NewServices are ordinary services the partner does not deploy yet, by name.
	NewServices []string
}

// BizApps holds what the customer levers of Business Applications need: the workload and
// association type of a new customer (revenue at the floor, no rate card) and of a new deployment
// (active users at the MCV floor of the rate-card workload DeployRate).
type BizApps struct {
	Segment                         string
	NcaAssociationType, NcaWorkload string
	DeployAssociationType           string
	DeployWorkload                  string
	DeployRate                      float64
}

// deployUsers is the active users a new deployment needs to reach the MCV floor.
func (b *BizApps) deployUsers(floor float64) int {
	return int(math.Ceil(floor/b.DeployRate - 1e-9))
}

// Security holds what the customer lever of Security needs: a new customer's Azure part, a tenant
// associated from S by AssociationType with usage of the security service Service in S only. Its
// TTM security ACR is that month's, and its growth base is S, so it moves net customer adds and the
// deployments of the track whose band holds the amount, and no usage growth.
type Security struct {
	AssociationType, Service string
}

// ModernWork holds what the customer lever of Modern Work needs: a new tenant associated from S by
// AssociationType with one m365_usage row in S of Workload (a Modern Work workload Security does not
// read), paid licences at the low end of the selected track's band and no active users. It counts
// for net customer adds on that track; its usage growth base is S and it is not deployed, so it
// moves no other metric.
type ModernWork struct {
	AssociationType, Workload string
	// ActivationWorkload is the workload of the rows that add active users to existing customers
	// (one usage growth and deployments read and nothing else); Tenants are those customers, fewest
	// users first: each becomes a deployment with its users.
	ActivationWorkload string
	Tenants            []*MWTenant
	// Grow is the customer more active users go on for usage growth alone (nil: none): one that no
	// number of users makes a deployment.
	Grow *MWTenant
}

// MWTenant is an existing Modern Work customer that Users more active users in S make a deployment:
// per track, the deployment options it then counts in and the usage growth options the users add to.
type MWTenant struct {
	ID     string
	Users  int
	deploy map[string][]string
	growth map[string][]string
}

// in reports whether the tenant counts in option of the track's metric (lever mw_deploy or
// mw_growth).
func (t *MWTenant) in(lever, track, option string) bool {
	opts := t.deploy[track]
	if lever == "mw_growth" {
		opts = t.growth[track]
	}
	for _, o := range opts {
		if o == option {
			return true
		}
	}
	return false
}

// Area is one partner-area: the tracks a change can select and what the levers need.
type Area struct {
	PartnerKey int32
	PartnerID  string
	Area       string
	// BestTotal is true where the higher total selects the track (otherwise Selected stays).
	BestTotal  bool
	Selected   string
	Status     string
	Total      float64
	Tracks     []*Track
	Azure      *Azure
	BizApps    *BizApps
	Security   *Security
	ModernWork *ModernWork
	// Codes maps each certification the area counts to the (track, metric, step) it serves.
	Codes map[string][]StepRef
	// certify are the certify levers of Codes (shared by the areas that share Codes; nil: computed
	// when planning).
	certify []lever
	// Expiring are the area's certifications that stop counting soon.
	Expiring []*Expiring
}

// StepRef names one step of one metric of one track.
type StepRef struct {
	Track, Metric string
	Step          int
}

// Expiring is a counted certification that stops counting within the warning horizon, with the
// steps the person drops out of without it.
type Expiring struct {
	PersonID, Certification string
	EarnedOn, StopsCounting string
	Drops                   []StepRef
}

// Change is a hypothetical change of an area's input: what each lever adds.
type Change struct {
	// People adds certified people per step (negative removes them).
	People map[StepRef]int
	// Customers new tenants, each with CustomerACR in S (at the floor); Modern Work's with
	// CustomerLicenses paid licences and no active users.
	Customers        int
	CustomerACR      float64
	CustomerLicenses int
	// Grow is extra ACR in S on the Azure tenant (Modern Work: more active users on its growth
	// tenant).
	Grow float64
	// Deploy new services with DeployACR each in S, on the Azure tenant or (none fitting) on a new one.
	Deploy    int
	DeployACR float64
}

// Score is an area re-scored under a change: per track (in the area's track order, at most two)
// the total, whether it qualifies and how many metrics are at 0, and the selected track.
type Score struct {
	n         int
	names     [2]string
	totals    [2]float64
	qualified [2]bool
	zeros     [2]int
	sel       int
	// Selected is the track the area selects under the change.
	Selected string
}

// Total is the selected track's total.
func (s Score) Total() float64 { return s.totals[s.sel] }

// Qualified reports whether the selected track qualifies.
func (s Score) Qualified() bool { return s.qualified[s.sel] }

// Zeros is the number of metrics at 0 points on the selected track.
func (s Score) Zeros() int { return s.zeros[s.sel] }

// TotalOf is the total of the named track (0 for a track the area does not model).
func (s Score) TotalOf(track string) float64 {
	for i := 0; i < s.n; i++ {
		if s.names[i] == track {
			return s.totals[i]
		}
	}
	return 0
}

// round2 rounds like the score SQL (half away from zero, 2 decimals).
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// linear is a linear metric's points for value v.
func linear(max, threshold, v float64) float64 {
	return round2(max * math.Min(1, math.Max(0, v)/threshold))
}

// Rescore scores the area under the change c with the rubric's rules and the qualifying score.
func (a *Area) Rescore(c Change, qualifying float64) Score {
	var s Score
	for i, t := range a.Tracks {
		if i == len(s.names) {
			break
		}
		s.n++
		s.names[i] = t.Name
		// Points are summed in cents, as exact as the SQL's decimal sums.
		var cents int64
		for _, m := range t.Metrics {
			p := a.metricPoints(t, m, c)
			cents += int64(math.Round(p * 100))
			if p <= 0 {
				s.zeros[i]++
			}
		}
		s.totals[i] = float64(cents) / 100
		s.qualified[i] = s.totals[i] >= qualifying && s.zeros[i] == 0
		if t.Name == a.Selected {
			s.sel = i
		}
	}
	if a.BestTotal {
		for i := 0; i < s.n; i++ {
			if better(s, i, s.sel) {
				s.sel = i
			}
		}
	}
	s.Selected = s.names[s.sel]
	return s
}

// better reports whether track x is selected over y: the higher total, then the one that qualifies,
// then enterprise.
func better(s Score, x, y int) bool {
	if x == y {
		return false
	}
	if s.totals[x] != s.totals[y] {
		return s.totals[x] > s.totals[y]
	}
	if s.qualified[x] != s.qualified[y] {
		return s.qualified[x]
	}
	return s.names[x] == "enterprise"
}

// metricPoints is one metric's points under the change.
func (a *Area) metricPoints(t *Track, m *Metric, c Change) float64 {
	switch m.lever {
	case "skill":
		return a.skillPoints(t, m, c)
	case "nca":
		now := m.tenantsNow + float64(c.Customers)
		if az := a.Azure; az != nil && az.Tenant != "" && az.AcrS < m.floor && az.AcrS1 < m.floor &&
			az.AcrS+c.Grow+a.deployOnTenant(c) >= m.floor {
			now++ // the tenant's usage crosses the floor
		}
		return linear(m.Max, m.Threshold, now-m.tenantsBase)
	case "growth":
		now := m.acrNow + float64(c.Customers)*c.CustomerACR + c.Grow + float64(c.Deploy)*c.DeployACR
		base := m.acrBase + float64(c.Customers)*c.CustomerACR
		if a.Azure == nil || a.Azure.Tenant == "" {
			base += float64(c.Deploy) * c.DeployACR // deployed on a new tenant: its base is S
		}
		if base <= 0 || base < m.baseMinimum {
			return 0
		}
		return linear(m.Max, m.Threshold, (now-base)*100/base)
	case "deploy":
		return linear(m.Max, m.Threshold, float64(len(m.services)+c.Deploy))
	case "sec_nca":
		if c.Customers > 0 && c.CustomerACR >= m.ttmMin {
			return linear(m.Max, m.Threshold, m.value()+float64(c.Customers))
		}
		return linear(m.Max, m.Threshold, m.value())
	case "sec_deploy":
		if c.Customers > 0 && m.ttm.contains(c.CustomerACR) {
			return linear(m.Max, m.Threshold, m.value()+float64(c.Customers))
		}
		return linear(m.Max, m.Threshold, m.value())
	case "mw_nca":
		if c.Customers > 0 && m.lic.contains(float64(c.CustomerLicenses)) {
			return linear(m.Max, m.Threshold, m.value()+float64(c.Customers))
		}
		return linear(m.Max, m.Threshold, m.value())
	case "mw_growth", "mw_deploy":
		return a.mwPoints(t, m, c.Deploy, c.Grow)
	case "ba_nca":
		return linear(m.Max, m.Threshold, m.tenantsNow+float64(c.Customers)-m.tenantsBase)
	case "ba_deploy":
		return linear(m.Max, m.Threshold, m.tenantsNow+float64(c.Deploy)-m.tenantsBase)
	case "ba_growth":
		// A new deployment is a pair covered from S: its MCV joins both sums.
		add := float64(c.Deploy) * a.baDeployMCV()
		now, base := m.acrNow+add, m.acrBase+add
		if base <= 0 || base < m.baseMinimum {
			return 0
		}
		return linear(m.Max, m.Threshold, (now-base)*100/base)
	}
	return m.Points
}

// mwPoints scores a Modern Work best-of-options metric with the first n activation tenants and grow
// more users on the growth tenant: per option, the measure (now - base) plus their users (usage
// growth) or their count (deployments) where they count in the option; the best option's points.
func (a *Area) mwPoints(t *Track, m *Metric, n int, grow float64) float64 {
	var tenants []*MWTenant
	var growOn *MWTenant
	if mw := a.ModernWork; mw != nil {
		tenants = mw.Tenants[:min(n, len(mw.Tenants))]
		growOn = mw.Grow
	}
	best := 0.0
	for _, o := range m.options {
		measure := o.now - o.base
		for _, tn := range tenants {
			if tn.in(m.lever, t.Name, o.name) {
				if m.lever == "mw_growth" {
					measure += float64(tn.Users)
				} else {
					measure++
				}
			}
		}
		if grow > 0 && growOn != nil && growOn.in(m.lever, t.Name, o.name) {
			measure += grow
		}
		best = math.Max(best, linear(m.Max, o.threshold, measure))
	}
	return best
}

// value is the metric's published value (0 when it has none).
func (m *Metric) value() float64 {
	if m.Value == nil {
		return 0
	}
	return *m.Value
}

// baDeployMCV is the MCV of one new Business Applications deployment.
func (a *Area) baDeployMCV() float64 {
	m := a.metric(a.Selected, "deployments")
	if a.BizApps == nil || m == nil {
		return 0
	}
	return float64(a.BizApps.deployUsers(m.mcvFloor)) * a.BizApps.DeployRate
}

// deployOnTenant is the ACR the change's deployments put on the existing tenant.
func (a *Area) deployOnTenant(c Change) float64 {
	if a.Azure == nil || a.Azure.Tenant == "" {
		return 0
	}
	return float64(c.Deploy) * c.DeployACR
}

// skillPoints scores a certification metric from its people per step under the change: gates,
// gate-and-points steps, scoring steps behind their gates, linear counts, and the people
// prerequisite (each required metric needs a counted person in every step).
func (a *Area) skillPoints(t *Track, m *Metric, c Change) float64 {
	people := func(metric string, st *Step) int {
		n := st.People + c.People[StepRef{t.Name, metric, st.N}]
		return max(n, 0)
	}
	for _, r := range m.requires {
		rm := a.metric(t.Name, r)
		if rm == nil {
			continue
		}
		for _, st := range rm.steps {
			if people(r, st) <= 0 {
				return 0
			}
		}
	}
	held := func(n int) bool {
		for _, st := range m.steps {
			if st.N == n {
				return (st.Role == "gate" || st.Role == "gate_and_points") && people(m.Name, st) >= st.MinPeople
			}
		}
		return false
	}
	var raw, credits float64
	for _, st := range m.steps {
		n := float64(people(m.Name, st))
		reqs := true
		for _, r := range st.Requires {
			reqs = reqs && held(r)
		}
		switch st.Role {
		case "gate_and_points":
			if held(st.N) {
				raw += st.Points
				credits++
			}
		case "scoring":
			if reqs {
				raw += st.PerPerson * n
				credits += n
			}
		case "count":
			credits += n
		}
	}
	if m.Rule == "gated_steps" {
		return round2(math.Min(m.Max, math.Max(0, raw)))
	}
	return linear(m.Max, m.Threshold, credits)
}
