package rubric

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

var (
	families        = []string{"azure", "business_applications", "modern_work", "security"}
	trackSelections = map[string][]string{
		"azure":                 {"azure_classification"},
		"business_applications": {"business_applications_classification"},
		"modern_work":           {"best_total"},
		"security":              {"best_total"},
	}
	rules       = []string{"linear", "gated_steps", "best_of_options", "sum_capped"}
	stepRoles   = []string{"gate", "gate_and_points", "scoring"}
	components  = []string{"azure_security_acr_growth", "m365_protected_users_growth"}
	assocGroups = []string{"dynamics_365", "power_platform_and_customer_insights"}
	m365Sets    = []string{"modern_work", "modern_work_customer_success", "security"}
)

// MaxAssociationTypes is how many association types a rubric may list: the eligibility tables
// hold the types that reach a tenant as one bit each of a 64-bit mask.
const MaxAssociationTypes = 64

// Validate checks the rubric: every area and track present and summing to the area maximum,
// known ids only, references to catalogues and association types resolving, and rule parameters
// complete. Each problem names its key path; all problems are reported together.
func (r *Rubric) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if r.ID == "" {
		bad("rubric_id", "missing")
	}
	if r.SchemaVersion != 1 {
		bad("schema_version", "got %d, this build reads 1", r.SchemaVersion)
	}
	if r.General.QualifyingScore <= 0 {
		bad("general.qualifying_score", "missing or not positive")
	}
	if r.General.MaxPointsPerArea <= 0 {
		bad("general.max_points_per_area", "missing or not positive")
	}
	if len(r.Association) == 0 {
		bad("association_types", "missing")
	}
	if n := len(r.Association); n > MaxAssociationTypes {
		bad("association_types", "%d types, at most %d", n, MaxAssociationTypes)
	}
	certs := map[string]bool{}
	for i, c := range r.Catalogues.Certifications {
		p := fmt.Sprintf("catalogues.certifications[%d]", i)
		if c.Code == "" {
			bad(p+".code", "missing")
		}
		if certs[c.Code] {
			bad(p+".code", "duplicate code %q", c.Code)
		}
		certs[c.Code] = true
	}
	for i, w := range r.Catalogues.M365Workloads {
		for _, s := range w.Sets {
			if !slices.Contains(m365Sets, s) {
				bad(fmt.Sprintf("catalogues.m365_workloads[%d].sets", i), "unknown set %q (known: %v)", s, m365Sets)
			}
		}
	}
	for i, w := range r.Catalogues.BizAppsWorkloads {
		p := fmt.Sprintf("catalogues.bizapps_workloads[%d]", i)
		if (w.MCVRate == nil) != (w.AssociationGroup == "") {
			bad(p, "%q: mcv_rate and association_group go together", w.Name)
		}
		if w.AssociationGroup != "" && !slices.Contains(assocGroups, w.AssociationGroup) {
			bad(p+".association_group", "unknown group %q (known: %v)", w.AssociationGroup, assocGroups)
		}
	}
	checkAssoc := func(path string, types []string) {
		for _, t := range types {
			if !slices.Contains(r.Association, t) {
				bad(path, "unknown association type %q (known: %v)", t, r.Association)
			}
		}
	}
	checkCerts := func(path string, codes []string) {
		if len(codes) == 0 {
			bad(path, "no certifications listed")
		}
		for _, c := range codes {
			if !certs[c] {
				bad(path, "unknown certification %q (not in catalogues.certifications)", c)
			}
		}
	}
	for name := range r.Areas {
		if !slices.Contains(Areas, name) {
			bad("solution_areas."+name, "unknown solution area (known: %v)", Areas)
		}
	}
	for _, name := range Areas {
		a, ok := r.Areas[name]
		ap := "solution_areas." + name
		if !ok || a == nil {
			bad(ap, "missing")
			continue
		}
		if !slices.Contains(families, a.Family) {
			bad(ap+".family", "unknown family %q (known: %v)", a.Family, families)
		} else if !slices.Contains(trackSelections[a.Family], a.TrackSelection) {
			bad(ap+".track_selection", "%q does not fit family %s (want %v)", a.TrackSelection, a.Family, trackSelections[a.Family])
		}
		switch a.TrackSelection {
		case "azure_classification":
			if a.Classification == nil || a.Classification.SMBCustomerShareMin == nil {
				bad(ap+".classification.smb_customer_share_min", "missing")
			}
		case "business_applications_classification":
			if a.Classification == nil || a.Classification.RevenueFloorUSD == nil || a.Classification.MinPairs <= 0 {
				bad(ap+".classification", "needs revenue_floor_usd and min_pairs")
			}
		}
		for g, types := range a.AssociationGroups {
			if !slices.Contains(assocGroups, g) {
				bad(ap+".association_groups."+g, "unknown group (known: %v)", assocGroups)
			}
			checkAssoc(ap+".association_groups."+g, types)
		}
		if a.Family == "business_applications" {
			for _, g := range assocGroups {
				if len(a.AssociationGroups[g]) == 0 {
					bad(ap+".association_groups."+g, "missing")
				}
			}
		}
		for tn := range a.Tracks {
			if tn != TrackEnterprise && tn != TrackSMB {
				bad(ap+".tracks."+tn, "unknown track (known: enterprise, smb)")
			}
		}
		for _, tn := range []string{TrackEnterprise, TrackSMB} {
			t, ok := a.Tracks[tn]
			tp := ap + ".tracks." + tn
			if !ok || t == nil {
				bad(tp, "missing")
				continue
			}
			for mn := range t.Metrics {
				if _, ok := Categories[mn]; !ok {
					bad(tp+".metrics."+mn, "unknown metric (known: %v)", Metrics)
				}
			}
			var sum float64
			for _, mn := range Metrics {
				m, ok := t.Metrics[mn]
				mp := tp + ".metrics." + mn
				if !ok || m == nil {
					bad(mp, "missing (write applicable: false to leave it out)")
					continue
				}
				if !m.IsApplicable() {
					continue
				}
				sum += float64(m.MaxPoints)
				r.validateMetric(mp, a.Family, mn, m, bad, checkAssoc, checkCerts)
			}
			if math.Abs(sum-float64(r.General.MaxPointsPerArea)) > 1e-9 {
				bad(tp, "max_points sum to %g, want %g", sum, float64(r.General.MaxPointsPerArea))
			}
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

func (r *Rubric) validateMetric(mp, family, mn string, m *Metric, bad func(string, string, ...any),
	checkAssoc func(string, []string), checkCerts func(string, []string)) {
	if m.MaxPoints <= 0 {
		bad(mp+".max_points", "missing or not positive")
	}
	if !slices.Contains(rules, m.Rule) {
		bad(mp+".rule", "unknown rule %q (known: %v)", m.Rule, rules)
		return
	}
	skilling := Categories[mn] == "skilling"
	switch m.Rule {
	case "linear":
		if m.Threshold <= 0 {
			bad(mp+".threshold", "missing or not positive")
		}
		if skilling {
			checkCerts(mp+".certs", m.Certs)
		}
	case "gated_steps":
		if !skilling {
			bad(mp+".rule", "gated_steps applies to certification metrics only")
		}
		seen := map[int]string{}
		for i, s := range m.Steps {
			sp := fmt.Sprintf("%s.steps[%d]", mp, i)
			if _, dup := seen[s.Step]; dup {
				bad(sp+".step", "duplicate step %d", s.Step)
			}
			seen[s.Step] = s.Role
			if !slices.Contains(stepRoles, s.Role) {
				bad(sp+".role", "unknown role %q (known: %v)", s.Role, stepRoles)
			}
			switch s.Role {
			case "gate":
				if s.MinPeople <= 0 {
					bad(sp+".min_people", "missing")
				}
			case "gate_and_points":
				if s.MinPeople <= 0 || s.Points <= 0 {
					bad(sp, "gate_and_points needs min_people and points")
				}
			case "scoring":
				if s.PointsPerPerson <= 0 {
					bad(sp+".points_per_person", "missing")
				}
			}
			checkCerts(sp+".certs", s.Certs)
		}
		for i, s := range m.Steps {
			for _, req := range s.RequiresSteps {
				role, ok := seen[req]
				if !ok {
					bad(fmt.Sprintf("%s.steps[%d].requires_steps", mp, i), "unknown step %d", req)
				} else if role == "scoring" {
					bad(fmt.Sprintf("%s.steps[%d].requires_steps", mp, i), "step %d is a scoring step, not a gate", req)
				}
			}
		}
	case "best_of_options":
		if len(m.Options) == 0 {
			bad(mp+".options", "missing")
		}
		for i, o := range m.Options {
			op := fmt.Sprintf("%s.options[%d]", mp, i)
			if o.Name == "" || o.Threshold <= 0 || len(o.AssociationTypes) == 0 {
				bad(op, "needs name, threshold and association_types")
			}
			checkAssoc(op+".association_types", o.AssociationTypes)
		}
	case "sum_capped":
		if len(m.Components) == 0 {
			bad(mp+".components", "missing")
		}
		for i, c := range m.Components {
			cp := fmt.Sprintf("%s.components[%d]", mp, i)
			if !slices.Contains(components, c.Name) {
				bad(cp+".name", "unknown component %q (known: %v)", c.Name, components)
			}
			if c.UnitsPerPoint <= 0 || c.MaxPoints <= 0 {
				bad(cp, "needs units_per_point and max_points")
			}
		}
	}
	for _, req := range m.RequiresPeopleIn {
		if Categories[req] != "skilling" {
			bad(mp+".requires_people_in", "%q is not a certification metric", req)
		}
	}
	checkAssoc(mp+".association_types", m.AssociationTypes)
	checkAssoc(mp+".azure_association_types", m.AzureAssociationTypes)
	checkAssoc(mp+".m365_association_types", m.M365AssociationTypes)
	if skilling {
		return
	}
	// Family-specific parameters the metric SQL needs.
	need := func(ok bool, key string) {
		if !ok {
			bad(mp+"."+key, "missing (required for %s %s)", family, mn)
		}
	}
	switch family {
	case "azure":
		need(len(m.AssociationTypes) > 0, "association_types")
		if mn == "net_customer_adds" {
			need(m.ACRFloorUSD != nil, "acr_floor_usd")
		}
		if mn == "usage_growth" {
			need(m.BaseMinimum != nil, "base_minimum")
		}
	case "business_applications":
		need(len(m.AssociationTypes) > 0, "association_types")
		switch mn {
		case "net_customer_adds":
			need(m.RevenueFloorUSD != nil, "revenue_floor_usd")
		case "usage_growth":
			need(m.BaseMinimum != nil, "base_minimum")
		case "deployments":
			need(m.MCVFloor != nil, "mcv_floor")
		}
	case "modern_work":
		need(m.Licenses != nil, "paid_licenses")
		if mn == "net_customer_adds" {
			need(len(m.AssociationTypes) > 0, "association_types")
		} else {
			need(m.Rule == "best_of_options", "rule (best_of_options)")
		}
		if mn == "deployments" {
			need(m.ActiveShareMin != nil, "active_share_min")
		}
	case "security":
		need(len(m.AzureAssociationTypes) > 0, "azure_association_types")
		need(len(m.M365AssociationTypes) > 0, "m365_association_types")
		switch mn {
		case "net_customer_adds":
			need(m.ACRTTMMinUSD != nil, "azure_acr_ttm_min_usd")
			need(m.Licenses != nil, "paid_licenses")
		case "deployments":
			need(m.ACRTTM != nil, "azure_acr_ttm_usd")
			need(m.Licenses != nil, "paid_licenses")
			need(m.ActiveShareMin != nil, "active_share_min")
		case "usage_growth":
			need(m.Rule == "sum_capped", "rule (sum_capped)")
		}
	}
}
