package recommend

import (
	"math"
	"sort"

	"github.com/capscore/capscore/whatif"
)

// Lever kinds (the translator's), in the order the planner prefers them on a tie.
const (
	LeverCertify      = whatif.LeverCertify
	LeverAddCustomers = whatif.LeverAddCustomers
	LeverDeploy       = whatif.LeverDeploy
	LeverGrowUsage    = whatif.LeverGrowUsage
)

// DeployACR is the ACR each newly deployed service gets in S: enough to count (more than 0) and far
// below any customer floor.
const DeployACR = 10

// lever is one way to change an area: a kind and, for certify, the steps a person of one of the
// codes joins.
type lever struct {
	kind  string
	codes []string  // certify: every code with the same steps, sorted
	steps []StepRef // certify: the steps a person joins
	// rank orders levers on a tie (lower first).
	rank int
}

// Action is one planned step: a lever and how much of it.
type Action struct {
	Lever  string
	Codes  []string
	Steps  []StepRef
	Count  int     // people, customers or services
	USD    float64 // grow_usage: extra ACR in S
	Points float64 // points the step adds to the selected track's total
	Total  float64 // the selected track's total after the step
	Track  string  // the selected track after the step
	// ChangesTrack is true when the step moves the area to another track.
	ChangesTrack bool
}

// Plan is the planner's answer for an area: the steps that qualify it, or why none was found.
type Plan struct {
	Steps []Action
	// NoPath says why no path was found ("" when Steps qualify the area).
	NoPath string
	// Short is the points missing to the qualifying score when no path was found.
	Short float64
	// Blocking are metrics at zero that no lever moves.
	Blocking []string
}

// limits on how much of a lever one step may ask for.
const (
	maxPeople    = 30
	maxCustomers = 30
	maxSteps     = 8
)

// maxNewServices caps the candidate services of a deployment step (no deployments threshold is
// higher).
const maxNewServices = 10

// levers lists the area's levers: one certify lever per distinct set of steps a certification
// serves, and the customer levers where the area has them.
func (a *Area) levers() []lever {
	res := a.certify
	if res == nil {
		res = a.certifyLevers()
	}
	res = append([]lever(nil), res...)
	return a.customerLevers(res)
}

// certifyLevers groups the area's codes by the steps they serve: one lever per group, codes sorted.
func (a *Area) certifyLevers() []lever {
	bySteps := map[string]*lever{}
	var out []*lever
	codes := make([]string, 0, len(a.Codes))
	for c := range a.Codes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		refs := a.Codes[c]
		key := refKey(refs)
		if l, ok := bySteps[key]; ok {
			l.codes = append(l.codes, c)
			continue
		}
		l := &lever{kind: LeverCertify, codes: []string{c}, steps: refs}
		bySteps[key] = l
		out = append(out, l)
	}
	res := []lever{}
	for i, l := range out {
		l.rank = i
		res = append(res, *l)
	}
	return res
}

// customerLevers adds the area's customer levers after the certify levers.
func (a *Area) customerLevers(res []lever) []lever {
	if b := a.BizApps; b != nil {
		n := len(res)
		res = append(res, lever{kind: LeverAddCustomers, rank: n + 1})
		if b.DeployRate > 0 {
			res = append(res, lever{kind: LeverDeploy, rank: n + 2})
		}
	}
	if a.Security != nil || (a.ModernWork != nil && a.ModernWork.AssociationType != "") {
		res = append(res, lever{kind: LeverAddCustomers, rank: len(res) + 1})
	}
	if mw := a.ModernWork; mw != nil && len(mw.Tenants) > 0 {
		res = append(res, lever{kind: LeverDeploy, rank: len(res) + 1})
	}
	if mw := a.ModernWork; mw != nil && mw.Grow != nil {
		res = append(res, lever{kind: LeverGrowUsage, rank: len(res) + 1})
	}
	if a.Azure != nil {
		n := len(res)
		res = append(res, lever{kind: LeverAddCustomers, rank: n + 1})
		if len(a.Azure.NewServices) > 0 {
			res = append(res, lever{kind: LeverDeploy, rank: n + 2})
		}
		if a.Azure.Tenant != "" {
			res = append(res, lever{kind: LeverGrowUsage, rank: n + 3})
		}
	}
	return res
}

func refKey(refs []StepRef) string {
	s := ""
	for _, r := range refs {
		s += r.Track + "/" + r.Metric + "/" + string(rune('0'+r.Step)) + ";"
	}
	return s
}

// metric finds a metric of the selected track (nil when the track has none of that name).
func (a *Area) metric(track, name string) *Metric {
	for _, t := range a.Tracks {
		if t.Name == track {
			for _, m := range t.Metrics {
				if m.Name == name {
					return m
				}
			}
		}
	}
	return nil
}

// floor is the ACR a new customer needs on the selected track.
func (a *Area) floor() float64 {
	if m := a.metric(a.Selected, "net_customer_adds"); m != nil {
		return m.floor
	}
	return 0
}

// customerACR is the ACR in S of a new customer: the floor (Azure areas); for Security the least
// whole dollars that count for net customer adds and put the tenant in the deployments band of the
// selected track.
func (a *Area) customerACR() float64 {
	if a.Security == nil {
		return a.floor()
	}
	v := 0.0
	if m := a.metric(a.Selected, "net_customer_adds"); m != nil {
		v = math.Ceil(m.ttmMin)
	}
	if m := a.metric(a.Selected, "deployments"); m != nil {
		v = math.Max(v, m.ttm.least())
	}
	return v
}

// customerLicenses is the paid licences of a new Modern Work customer: the least whole number in
// the selected track's band (0 outside Modern Work).
func (a *Area) customerLicenses() int {
	if a.ModernWork == nil || a.ModernWork.AssociationType == "" {
		return 0
	}
	if m := a.metric(a.Selected, "net_customer_adds"); m != nil {
		return int(m.lic.least())
	}
	return 0
}

// apply adds n units of the lever to the change (usd for grow_usage).
func (a *Area) apply(c Change, l lever, n int, usd float64) Change {
	out := Change{People: map[StepRef]int{}, Customers: c.Customers, CustomerACR: a.customerACR(),
		CustomerLicenses: a.customerLicenses(), Grow: c.Grow,
		Deploy: c.Deploy, DeployACR: DeployACR}
	for k, v := range c.People {
		out.People[k] = v
	}
	switch l.kind {
	case LeverCertify:
		for _, r := range l.steps {
			out.People[r] += n
		}
	case LeverAddCustomers:
		out.Customers += n
	case LeverDeploy:
		out.Deploy += n
	case LeverGrowUsage:
		out.Grow += usd
	}
	return out
}

// progress orders scores: fewer metrics at zero on the selected track, then the higher total.
func progress(s Score) float64 {
	return s.Total() - 1000*float64(s.Zeros())
}

// done reports whether the score qualifies the area.
func done(s Score) bool { return s.Qualified() }

// candidate is one lever at one amount, evaluated.
type candidate struct {
	pre    []pick // certify: the gates the lever's scoring step needs, filled first
	l      lever
	n      int
	usd    float64
	score  Score
	finish bool
}

// Plan searches the fewest actions (then the fewest units) that qualify the area: at each step it
// takes the lever that qualifies the area with the least of it, or else the one that moves it
// furthest (fewer metrics at zero, then more points) with the least of it. A greedy search: the
// month re-run with the translator's rows is what proves a plan.
func (a *Area) Plan(qualifying float64) Plan {
	var c Change
	cur := a.Rescore(c, qualifying)
	var picks []pick
	levers := a.levers()
	for len(picks) < maxSteps && !done(cur) {
		best, ok := a.bestStep(levers, c, cur, qualifying)
		if !ok {
			break
		}
		for _, p := range append(best.pre, pick{l: best.l, n: best.n, usd: best.usd}) {
			c = a.apply(c, p.l, p.n, p.usd)
			picks = merge(picks, p)
		}
		cur = best.score
	}
	if !done(cur) {
		return a.noPath(c, qualifying)
	}
	a.shrink(picks, qualifying)
	return Plan{Steps: a.actions(picks, qualifying)}
}

// merge adds p to the picks: the same lever twice is one action with more of it.
func merge(picks []pick, p pick) []pick {
	for i := range picks {
		if picks[i].l.kind == p.l.kind && refKey(picks[i].l.steps) == refKey(p.l.steps) {
			if p.l.kind == LeverGrowUsage {
				picks[i].usd += p.usd // one amount of usage, not a count
			} else {
				picks[i].n += p.n
			}
			return picks
		}
	}
	return append(picks, p)
}

// gates returns the picks a certify lever's steps need under the change c before they score: for
// each gate its scoring steps require that is short of people, and for each step of a metric its
// metric requires people in (the people prerequisite, as Modern Work's two certification metrics
// require each other) that has nobody, the certify lever that serves that step alone (or with the
// fewest other steps), with the people missing.
func (a *Area) gates(l lever, c Change, levers []lever) []pick {
	if l.kind != LeverCertify {
		return nil
	}
	var out []pick
	seen := map[StepRef]bool{}
	serving := func(g StepRef) *lever {
		var best *lever
		for i := range levers {
			x := &levers[i]
			if x.kind == LeverCertify && hasRef(x.steps, g) && (best == nil || len(x.steps) < len(best.steps)) {
				best = x
			}
		}
		return best
	}
	// added is the people the picks so far put in step g.
	added := func(g StepRef) int {
		n := 0
		for _, p := range out {
			if hasRef(p.l.steps, g) {
				n += p.n
			}
		}
		return n
	}
	for _, r := range l.steps {
		m := a.metric(r.Track, r.Metric)
		if m == nil {
			continue
		}
		for _, st := range m.steps {
			if st.N != r.Step {
				continue
			}
			for _, req := range st.Requires {
				g := StepRef{r.Track, r.Metric, req}
				if seen[g] {
					continue
				}
				seen[g] = true
				for _, gs := range m.steps {
					if gs.N != req {
						continue
					}
					short := gs.MinPeople - (gs.People + c.People[g] + added(g))
					if short <= 0 {
						continue
					}
					if best := serving(g); best != nil {
						out = append(out, pick{l: *best, n: short})
					}
				}
			}
		}
	}
	for _, r := range l.steps {
		m := a.metric(r.Track, r.Metric)
		if m == nil {
			continue
		}
		for _, req := range m.requires {
			rm := a.metric(r.Track, req)
			if rm == nil {
				continue
			}
			for _, st := range rm.steps {
				g := StepRef{r.Track, req, st.N}
				if seen[g] || hasRef(l.steps, g) {
					continue
				}
				seen[g] = true
				if st.People+c.People[g]+added(g) > 0 {
					continue
				}
				if best := serving(g); best != nil {
					out = append(out, pick{l: *best, n: 1})
				}
			}
		}
	}
	return out
}

func hasRef(refs []StepRef, r StepRef) bool {
	for _, x := range refs {
		if x == r {
			return true
		}
	}
	return false
}

// pick is a lever and how much of it the plan takes.
type pick struct {
	l   lever
	n   int
	usd float64
}

// changeOf is the change the picks make together.
func (a *Area) changeOf(picks []pick) Change {
	var c Change
	for _, p := range picks {
		c = a.apply(c, p.l, p.n, p.usd)
	}
	return c
}

// shrink takes, step by step, the least of each lever with which the whole plan still qualifies
// (the greedy search may have taken more than the later steps leave necessary).
func (a *Area) shrink(picks []pick, qualifying float64) {
	ok := func() bool { return done(a.Rescore(a.changeOf(picks), qualifying)) }
	for i := range picks {
		if picks[i].l.kind == LeverGrowUsage {
			lo, hi := 0.0, picks[i].usd
			for hi-lo > 1 {
				mid := math.Floor((lo + hi) / 2)
				picks[i].usd = mid
				if ok() {
					hi = mid
				} else {
					lo = mid
				}
			}
			picks[i].usd = hi
			continue
		}
		p := &picks[i]
		p.n = least(p.n, func(n int) bool {
			keep := p.n
			p.n = n
			good := ok()
			p.n = keep
			return good
		})
	}
}

// actions turns the picks into steps with the points each adds and the total after it.
func (a *Area) actions(picks []pick, qualifying float64) []Action {
	var out []Action
	prev := a.Rescore(Change{}, qualifying)
	for i, p := range picks {
		s := a.Rescore(a.changeOf(picks[:i+1]), qualifying)
		out = append(out, Action{Lever: p.l.kind, Codes: p.l.codes, Steps: p.l.steps, Count: p.n, USD: p.usd,
			Points: round2(s.Total() - prev.Total()),
			Total:  s.Total(), Track: s.Selected, ChangesTrack: s.Selected != prev.Selected})
		prev = s
	}
	return out
}

// bestStep evaluates every lever and picks the next step.
func (a *Area) bestStep(levers []lever, c Change, cur Score, qualifying float64) (candidate, bool) {
	var cands []candidate
	for _, l := range levers {
		if l.kind == LeverGrowUsage {
			grow := a.growCandidate
			if a.ModernWork != nil {
				grow = a.mwGrowCandidate
			}
			if x, ok := grow(l, c, cur, qualifying); ok {
				cands = append(cands, x)
			}
			continue
		}
		limit := maxPeople
		switch l.kind {
		case LeverAddCustomers:
			limit = maxCustomers
		case LeverDeploy:
			limit = maxCustomers
			if a.Azure != nil {
				limit = len(a.Azure.NewServices) - c.Deploy
			}
			if mw := a.ModernWork; mw != nil {
				limit = len(mw.Tenants) - c.Deploy
			}
		}
		pre := a.gates(l, c, levers)
		c0 := c
		for _, p := range pre {
			c0 = a.apply(c0, p.l, p.n, p.usd)
		}
		if limit < 1 {
			continue
		}
		// The levers add points the more of them there is (up to a cap): the most of a lever shows
		// what it can do, and a binary search finds the least of it that does as much.
		at := func(n int) Score { return a.Rescore(a.apply(c0, l, n, 0), qualifying) }
		top := at(limit)
		switch {
		case done(top):
			n := least(limit, func(n int) bool { return done(at(n)) })
			cands = append(cands, candidate{pre: pre, l: l, n: n, score: at(n), finish: true})
		case progress(top) > progress(cur)+1e-9:
			n := least(limit, func(n int) bool { return progress(at(n)) >= progress(top)-1e-9 })
			cands = append(cands, candidate{pre: pre, l: l, n: n, score: at(n)})
		}
	}
	if len(cands) == 0 {
		return candidate{}, false
	}
	sort.SliceStable(cands, func(i, j int) bool {
		x, y := cands[i], cands[j]
		if x.finish != y.finish {
			return x.finish
		}
		if len(x.pre) != len(y.pre) {
			return len(x.pre) < len(y.pre)
		}
		if x.finish {
			// Qualifies: the least of a lever, certify before customers before deployments before usage.
			if x.n != y.n && x.l.kind == y.l.kind {
				return x.n < y.n
			}
			return x.l.rank < y.l.rank
		}
		px, py := progress(x.score), progress(y.score)
		if math.Abs(px-py) > 1e-9 {
			return px > py
		}
		return x.l.rank < y.l.rank
	})
	return cands[0], true
}

// least is the smallest n in 1..hi for which ok holds, given that ok(hi) holds and ok stays true
// once it is.
func least(hi int, ok func(int) bool) int {
	lo := 0 // ok(lo) is false or lo is 0
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if ok(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// mwGrowCandidate finds the least active users on Modern Work's growth tenant that qualify the
// area, or else the least that give as much as the most usage growth can (its full points in every
// option the tenant adds to).
func (a *Area) mwGrowCandidate(l lever, c Change, cur Score, qualifying float64) (candidate, bool) {
	m := a.metric(a.Selected, "usage_growth")
	if m == nil || m.lever != "mw_growth" {
		return candidate{}, false
	}
	// Enough users for full points in every option from any measure the other levers leave.
	top := 0.0
	for _, o := range m.options {
		top = math.Max(top, o.threshold-math.Min(0, o.now-o.base))
	}
	top = math.Ceil(top)
	if top < 1 {
		return candidate{}, false
	}
	at := func(users float64) Score { return a.Rescore(a.apply(c, l, 1, users), qualifying) }
	leastUsers := func(ok func(Score) bool) float64 {
		return float64(least(int(top), func(n int) bool { return ok(at(float64(n))) }))
	}
	if s := at(top); done(s) {
		n := leastUsers(done)
		return candidate{l: l, n: 1, usd: n, score: at(n), finish: true}, true
	} else if progress(s) > progress(cur)+1e-9 {
		want := progress(s)
		n := leastUsers(func(x Score) bool { return progress(x) >= want-1e-9 })
		return candidate{l: l, n: 1, usd: n, score: at(n)}, true
	}
	return candidate{}, false
}

// growCandidate finds the least extra ACR (whole dollars) on the Azure tenant that qualifies the
// area, or else the least that earns the growth metric's full points.
func (a *Area) growCandidate(l lever, c Change, cur Score, qualifying float64) (candidate, bool) {
	m := a.metric(a.Selected, "usage_growth")
	if m == nil || m.lever != "growth" {
		return candidate{}, false
	}
	base := m.acrBase + float64(c.Customers)*a.floor()
	if base <= 0 || base < m.baseMinimum {
		return candidate{}, false
	}
	now := m.acrNow + float64(c.Customers)*a.floor() + c.Grow + float64(c.Deploy)*DeployACR
	full := math.Ceil(base*(1+m.Threshold/100) - now)
	if full < 1 {
		return candidate{}, false // growth already earns its full points
	}
	at := func(usd float64) Score { return a.Rescore(a.apply(c, l, 1, usd), qualifying) }
	if s := at(full); done(s) {
		lo, hi := 0.0, full // done(at(hi)); find the least whole-dollar amount
		for hi-lo > 1 {
			mid := math.Floor((lo + hi) / 2)
			if done(at(mid)) {
				hi = mid
			} else {
				lo = mid
			}
		}
		return candidate{l: l, n: 1, usd: hi, score: at(hi), finish: true}, true
	}
	s := at(full)
	if progress(s) <= progress(cur)+1e-9 {
		return candidate{}, false
	}
	return candidate{l: l, n: 1, usd: full, score: s}, true
}

// noPath explains why the planner found no path: the metrics at zero no lever moves, or the points
// still missing after every lever gave what it can.
func (a *Area) noPath(c Change, qualifying float64) Plan {
	s := a.Rescore(c, qualifying)
	p := Plan{Short: round2(math.Max(0, qualifying-s.Total()))}
	for _, t := range a.Tracks {
		if t.Name != s.Selected {
			continue
		}
		for _, m := range t.Metrics {
			if a.metricPoints(t, m, c) <= 0 {
				p.Blocking = append(p.Blocking, m.Name)
			}
		}
	}
	switch {
	case len(p.Blocking) > 0:
		p.NoPath = "metrics at 0 points that the planned actions cannot raise"
	default:
		p.NoPath = "the planned actions cannot add the missing points"
	}
	return p
}

// PointsLost is what the area's selected total loses when the expiring certification stops
// counting: the area re-scored without it (the track may change), not an estimate.
func (a *Area) PointsLost(e *Expiring, qualifying float64) (lost, after float64) {
	c := Change{People: map[StepRef]int{}}
	for _, r := range e.Drops {
		c.People[r]--
	}
	before := a.Rescore(Change{}, qualifying)
	s := a.Rescore(c, qualifying)
	return round2(before.Total() - s.Total()), s.Total()
}
