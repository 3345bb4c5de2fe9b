package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/rubric"
	"github.com/capscore/capscore/whatif"
)

// simChange is one change a flag asks for, in words, with the input rows it adds per table.
type simChange struct {
	Flag  string         `json:"flag"`
	Value string         `json:"value"`
	Text  string         `json:"text"`
	Rows  map[string]int `json:"rows_added"`
	steps []whatif.Step
}

// simPlan is what the change flags turn into: the translator's steps (rows added through the
// overlay), the certifications the slice leaves out and the usage rows it raises, the changes in
// words, the areas the flags name, and notes.
type simPlan struct {
	steps   []whatif.Step
	drops   []pipeline.PersonCertification
	raises  []pipeline.UsageRaise
	changes []simChange
	named   map[string]bool
	notes   []string
}

// simSource is the translator's solution-area label of the steps simulate makes itself (new people
// WHATIF-<partner>-sim-<step>-<i>); the steps of an applied path keep their area.
const simSource = "sim"

// planner turns the change flags into a simPlan, reading what it needs of the published month.
type planner struct {
	pub     *published
	rb      *rubric.Rubric
	partner string
	month   pipeline.Month
	asOf    time.Time
	before  map[string]*simScore
	f       *simFlags
	own     int
	plan    simPlan
}

// build reads every change flag in a fixed order: certifications added and removed, customers
// added, usage grown, paths applied.
func (p *planner) build(ctx context.Context) (*simPlan, error) {
	p.plan.named = map[string]bool{}
	for _, v := range p.f.addCert {
		if err := p.addCertification(v); err != nil {
			return nil, err
		}
	}
	for _, v := range p.f.removeCert {
		if err := p.removeCertification(v); err != nil {
			return nil, err
		}
	}
	for _, v := range p.f.addCustomers {
		if err := p.addCustomers(v); err != nil {
			return nil, err
		}
	}
	for _, v := range p.f.growUsage {
		if err := p.growUsage(ctx, v); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	for _, v := range p.f.applyPath {
		if seen[v] {
			continue
		}
		seen[v] = true
		if err := p.applyPath(ctx, v); err != nil {
			return nil, err
		}
	}
	if (p.f.acr != "" || p.f.segment != "") && len(p.f.addCustomers) == 0 {
		return nil, usagef("--acr and --segment describe the customers of --add-customers, which is not given")
	}
	if p.f.tenant != "" && len(p.f.growUsage) == 0 {
		return nil, usagef("--tenant names the customer of --grow-usage, which is not given")
	}
	for i := range p.plan.changes {
		c := &p.plan.changes[i]
		t, err := whatif.Rows(whatif.Context{Month: p.month, AsOf: p.asOf}, c.steps)
		if err != nil {
			return nil, usagef("%s %s: %v", c.Flag, c.Value, err)
		}
		c.Rows = t.Count()
		p.plan.steps = append(p.plan.steps, c.steps...)
	}
	return &p.plan, nil
}

// area checks an area id given to flag.
func (p *planner) area(flag, a string) error {
	if p.rb.Areas[a] == nil {
		return usagef("%s: unknown solution area %q (areas: %s)", flag, a, strings.Join(rubric.Areas, ", "))
	}
	return nil
}

// certification finds a code in the rubric's catalogue (any case).
func (p *planner) certification(flag, code string) (rubric.Certification, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	var near []string
	for _, c := range p.rb.Catalogues.Certifications {
		if c.Code == code {
			return c, nil
		}
		if prefix, _, _ := strings.Cut(code, "-"); prefix != "" && strings.HasPrefix(c.Code, prefix+"-") {
			near = append(near, c.Code)
		}
	}
	hint := fmt.Sprintf("the rubric %s lists %d certifications", p.rb.ID, len(p.rb.Catalogues.Certifications))
	if len(near) > 0 {
		hint = "codes like it: " + strings.Join(near, ", ")
	}
	return rubric.Certification{}, usagef("%s: %q is not a certification of rubric %s (%s)", flag, code, p.rb.ID, hint)
}

// certAreas lists the areas with a metric (either track) that counts code.
func (p *planner) certAreas(code string) []string {
	var out []string
	for _, a := range rubric.Areas {
		area := p.rb.Areas[a]
		if area == nil {
			continue
		}
		found := false
		for _, t := range area.Tracks {
			for _, m := range t.Metrics {
				if slices.Contains(m.Certs, code) {
					found = true
				}
				for _, s := range m.Steps {
					if slices.Contains(s.Certs, code) {
						found = true
					}
				}
			}
		}
		if found {
			out = append(out, a)
		}
	}
	return out
}

// countValue reads KEY=N with N a whole number of at least 1.
func countValue(flag, v string) (string, int, error) {
	k, n, ok := strings.Cut(v, "=")
	k = strings.TrimSpace(k)
	c, err := strconv.Atoi(strings.TrimSpace(n))
	if !ok || k == "" || err != nil || c < 1 {
		return "", 0, usagef("%s %q: want KEY=N with N a whole number of 1 or more", flag, v)
	}
	return k, c, nil
}

// addCertification: --add-certification CODE=N, N more people certified CODE on the as-of date.
func (p *planner) addCertification(v string) error {
	code, n, err := countValue("--add-certification", v)
	if err != nil {
		return err
	}
	c, err := p.certification("--add-certification", code)
	if err != nil {
		return err
	}
	if c.RetiresOn != nil && !c.RetiresOn.After(p.asOf) {
		p.plan.notes = append(p.plan.notes, fmt.Sprintf("%s retired on %s: a certification earned on %s does not count",
			c.Code, c.RetiresOn.Format(time.DateOnly), p.asOf.Format(time.DateOnly)))
	}
	p.own++
	step := whatif.Step{PartnerID: p.partner, SolutionArea: simSource, Step: p.own, Lever: whatif.LeverCertify, Count: n, Certification: c.Code}
	p.name(p.certAreas(c.Code)...)
	p.plan.changes = append(p.plan.changes, simChange{Flag: "--add-certification", Value: v, steps: []whatif.Step{step},
		Text: fmt.Sprintf("%d more %s certified %s on %s", n, plural(n, "person", "people"), c.Code, p.asOf.Format(time.DateOnly))})
	return nil
}

// removeCertification: --remove-certification PERSON:CODE, every row of that person's CODE left out.
func (p *planner) removeCertification(v string) error {
	i := strings.LastIndex(v, ":")
	if i <= 0 || i == len(v)-1 || strings.TrimSpace(v[:i]) == "" {
		return usagef("--remove-certification %q: want PERSON:CODE, e.g. p01-03:AZ-305", v)
	}
	person := strings.TrimSpace(v[:i])
	c, err := p.certification("--remove-certification", v[i+1:])
	if err != nil {
		return err
	}
	p.plan.drops = append(p.plan.drops, pipeline.PersonCertification{PersonID: person, Certification: c.Code})
	p.name(p.certAreas(c.Code)...)
	p.plan.changes = append(p.plan.changes, simChange{Flag: "--remove-certification", Value: v,
		Text: fmt.Sprintf("%s's %s left out (every row of it)", person, c.Code)})
	return nil
}

// neutralService is the first service of the rubric that counts for usage but not for deployments.
func (p *planner) neutralService() string {
	var names []string
	for _, s := range p.rb.Catalogues.AzureServices {
		if s.ExcludedFromDeployments {
			names = append(names, s.Name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// securityService is the first Azure security service of the rubric, by name.
func (p *planner) securityService() string {
	var names []string
	for _, s := range p.rb.Catalogues.AzureServices {
		if s.Security {
			names = append(names, s.Name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// azureAreas lists the areas of the Azure family.
func (p *planner) azureAreas() []string {
	var out []string
	for _, a := range rubric.Areas {
		if x := p.rb.Areas[a]; x != nil && x.Family == "azure" {
			out = append(out, a)
		}
	}
	return out
}

// addCustomers: --add-customers AREA=N, N new customers of an Azure area through an eligible
// association, each with --acr of usage in S and none a year earlier.
func (p *planner) addCustomers(v string) error {
	a, n, err := countValue("--add-customers", v)
	if err != nil {
		return err
	}
	if err := p.area("--add-customers", a); err != nil {
		return err
	}
	if p.rb.Areas[a].Family != "azure" {
		return usagef("--add-customers %s: new customers are made for the Azure areas only (%s)", a, strings.Join(p.azureAreas(), ", "))
	}
	segment := p.f.segment
	if segment == "" {
		if b := p.before[a]; b != nil {
			segment = b.Track
		}
	}
	if segment != rubric.TrackSMB && segment != rubric.TrackEnterprise {
		return usagef("--segment %q: want smb or enterprise", segment)
	}
	track := p.rb.Areas[a].Tracks[segment]
	if track == nil || track.Metrics["net_customer_adds"] == nil {
		return usagef("--add-customers %s: the %s track has no net customer adds", a, segment)
	}
	m := track.Metrics["net_customer_adds"]
	types := append([]string(nil), m.AssociationTypes...)
	sort.Strings(types)
	if len(types) == 0 {
		return usagef("--add-customers %s: net customer adds of the %s track name no association type", a, segment)
	}
	acr := 0.0
	if m.ACRFloorUSD != nil {
		acr = float64(*m.ACRFloorUSD)
	}
	if p.f.acr != "" {
		x, err := strconv.ParseFloat(strings.TrimSpace(p.f.acr), 64)
		if err != nil || !(x > 0) || math.IsInf(x, 0) {
			return usagef("--acr %q: want a positive amount of USD", p.f.acr)
		}
		acr = x
	}
	if !(acr > 0) {
		return usagef("--add-customers %s: pass --acr USD (the track has no ACR floor)", a)
	}
	service := p.f.service
	if service == "" {
		service = p.neutralService()
	}
	if service == "" {
		return usagef("--add-customers %s: pass --service NAME (the rubric lists no service excluded from deployments)", a)
	}
	p.own++
	step := whatif.Step{PartnerID: p.partner, SolutionArea: simSource, Step: p.own, Lever: whatif.LeverAddCustomers, Count: n,
		Segment: segment, AssociationType: types[0], Service: service, ACRUSD: acr}
	p.name(a)
	p.plan.changes = append(p.plan.changes, simChange{Flag: "--add-customers", Value: v, steps: []whatif.Step{step},
		Text: fmt.Sprintf("%d new %s %s associated through %s from %s, each with %s ACR of %s in %s and none a year earlier",
			n, segment, plural(n, "customer", "customers"), types[0], p.month.First().Format(time.DateOnly), usd(acr), service, p.month)})
	return nil
}

// growUsage: --grow-usage AREA=+N, more usage in S on the partner's customer: USD of ACR for the
// Azure areas and Security (a usage row added), active users for Modern Work and Business
// Applications (the customer's usage row raised in place).
func (p *planner) growUsage(ctx context.Context, v string) error {
	a, amt, ok := strings.Cut(v, "=")
	a = strings.TrimSpace(a)
	x, err := strconv.ParseFloat(strings.TrimPrefix(strings.TrimSpace(amt), "+"), 64)
	if !ok || a == "" || err != nil || !(x > 0) || math.IsInf(x, 0) {
		return usagef("--grow-usage %q: want AREA=+N with N a positive amount (USD of ACR for %s and security; active users for modern_work and business_applications)",
			v, strings.Join(p.azureAreas(), ", "))
	}
	if err := p.area("--grow-usage", a); err != nil {
		return err
	}
	family := p.rb.Areas[a].Family
	azure := family == "azure" || family == "security"
	if family == "modern_work" && x != math.Trunc(x) {
		return usagef("--grow-usage %s: %v active users; want a whole number", a, x)
	}
	b := p.before[a]
	if b == nil {
		return usagef("--grow-usage %s: %s has no published row of the area in %s", a, p.partner, p.month)
	}
	tenant, workload, now, err := p.pub.growthTenant(ctx, p.partner, a, b.Track, azure, p.f.tenant)
	if err != nil {
		return err
	}
	p.name(a)
	if azure {
		service := p.f.service
		if service == "" && family == "security" {
			service = p.securityService()
		} else if service == "" {
			service = p.neutralService()
		}
		if service == "" {
			return usagef("--grow-usage %s: pass --service NAME", a)
		}
		p.own++
		step := whatif.Step{PartnerID: p.partner, SolutionArea: simSource, Step: p.own, Lever: whatif.LeverGrowUsage,
			TenantID: tenant, Service: service, USD: x}
		p.plan.changes = append(p.plan.changes, simChange{Flag: "--grow-usage", Value: v, steps: []whatif.Step{step},
			Text: fmt.Sprintf("%s more ACR of %s in %s on %s (ACR %s in %s, counted in the area's usage growth)",
				usd(x), service, p.month, tenant, usd(now), p.month)})
		return nil
	}
	table, counted := "m365_usage", fmt.Sprintf("%s active users in %s", num(now), p.month)
	if family == "business_applications" {
		table, counted = "bizapps_usage", fmt.Sprintf("MCV %s in %s", usd(now), p.month)
		for _, w := range p.rb.Catalogues.BizAppsWorkloads {
			if w.Name == workload && w.MCVRate != nil {
				counted += fmt.Sprintf(", at %s a user", usd(float64(*w.MCVRate)))
			}
		}
	}
	p.plan.raises = append(p.plan.raises, pipeline.UsageRaise{Table: table, TenantID: tenant, Month: p.month, Workload: workload, ActiveUsers: x})
	p.plan.changes = append(p.plan.changes, simChange{Flag: "--grow-usage", Value: v,
		Text: fmt.Sprintf("%s more monthly active users of %s on %s in %s, its %s row raised in place (%s, counted in the area's usage growth)",
			num(x), workload, tenant, p.month, table, counted)})
	return nil
}

// applyPath: --apply-path AREA, the steps of the area's published path_to_qualify.
func (p *planner) applyPath(ctx context.Context, a string) error {
	if err := p.area("--apply-path", a); err != nil {
		return err
	}
	steps, err := p.pub.pathSteps(ctx, p.partner, a)
	if err != nil {
		return err
	}
	var words []string
	for _, s := range steps {
		words = append(words, describeStep(s))
	}
	p.name(a)
	p.plan.changes = append(p.plan.changes, simChange{Flag: "--apply-path", Value: a, steps: steps,
		Text: fmt.Sprintf("the published path of %s, %d %s: %s", a, len(steps), plural(len(steps), "step", "steps"), strings.Join(words, "; "))})
	return nil
}

// describeStep words one step of a path.
func describeStep(s whatif.Step) string {
	switch s.Lever {
	case whatif.LeverCertify:
		return fmt.Sprintf("certify %d %s in %s", s.Count, plural(s.Count, "person", "people"), s.Certification)
	case whatif.LeverAddCustomers:
		customers := fmt.Sprintf("add %d %s %s", s.Count, s.Segment, plural(s.Count, "customer", "customers"))
		switch {
		case s.PaidLicenses > 0:
			return fmt.Sprintf("%s with %s paid licences of %s", customers, num(float64(s.PaidLicenses)), s.Workload)
		case s.Workload != "":
			return fmt.Sprintf("%s with %s revenue of %s", customers, usd(s.RevenueUSD), s.Workload)
		}
		return fmt.Sprintf("%s with %s ACR of %s", customers, usd(s.ACRUSD), s.Service)
	case whatif.LeverGrowUsage:
		if s.Workload != "" {
			return fmt.Sprintf("%s more monthly active users of %s on %s", num(float64(s.ActiveUsers)), s.Workload, s.TenantID)
		}
		return fmt.Sprintf("%s more ACR of %s on %s", usd(s.USD), s.Service, s.TenantID)
	case whatif.LeverDeploy:
		if len(s.Tenants) > 0 {
			var on []string
			for _, t := range s.Tenants {
				on = append(on, fmt.Sprintf("%s on %s", num(float64(t.ActiveUsers)), t.TenantID))
			}
			return fmt.Sprintf("more monthly active users of %s: %s", s.Workload, strings.Join(on, ", "))
		}
		if s.Workload != "" {
			return fmt.Sprintf("deploy %s on %d new %s %s with %s active users each", s.Workload, s.Count, s.Segment,
				plural(s.Count, "customer", "customers"), num(float64(s.ActiveUsers)))
		}
		on := s.TenantID
		if on == "" {
			on = "a new customer"
		}
		return fmt.Sprintf("deploy %s on %s with %s ACR each", strings.Join(s.Services, ", "), on, usd(s.ACRUSD))
	}
	return s.Lever
}

// name marks areas as named by a flag.
func (p *planner) name(areas ...string) {
	for _, a := range areas {
		p.plan.named[a] = true
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// usd writes an amount of dollars with thousands separators: $1,500, $12.50.
func usd(x float64) string { return "$" + num(x) }

// num writes a number with thousands separators and no decimals when it is whole.
func num(x float64) string {
	s := strconv.FormatFloat(math.Abs(x), 'f', -1, 64)
	if x != math.Trunc(x) {
		s = strconv.FormatFloat(math.Abs(x), 'f', 2, 64)
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	if x < 0 {
		return "-" + b.String()
	}
	return b.String()
}
