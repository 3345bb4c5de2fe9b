package rubric

import (
	"slices"
	"sort"
)

// Table is the rows of one rb_* table (created by sql/rubric_tables.sql) in column order.
type Table struct {
	Name string
	Rows [][]any
}

func band(b *Band) []any {
	if b == nil {
		return []any{nil, false, nil, false}
	}
	return []any{num(b.Min), b.MinExclusive, num(b.Max), b.MaxExclusive}
}

func num(n *Number) any {
	if n == nil {
		return nil
	}
	return float64(*n)
}

// Tables renders the rubric as the rows of the rb_* tables, in a deterministic order.
func (r *Rubric) Tables() []Table {
	t := map[string]*Table{}
	add := func(name string, row ...any) {
		if t[name] == nil {
			t[name] = &Table{Name: name}
		}
		t[name].Rows = append(t[name].Rows, row)
	}
	add("rb_general", r.ID, float64(r.General.QualifyingScore), float64(r.General.MaxPointsPerArea),
		r.General.RetiredGraceMonths, r.General.ExpiryWarningDays)
	for _, a := range r.Association {
		add("rb_association_type", a)
	}
	for _, o := range r.General.ExcludedAzureOffers {
		add("rb_excluded_offer", o)
	}
	for _, c := range r.Catalogues.Certifications {
		var ret any
		if c.RetiresOn != nil {
			ret = c.RetiresOn.Time
		}
		add("rb_cert", c.Code, c.Name, c.Level, c.Area, ret)
	}
	for _, s := range r.Catalogues.AzureServices {
		add("rb_service", s.Name, s.Security, s.ExcludedFromDeployments)
	}
	for _, w := range r.Catalogues.M365Workloads {
		for _, s := range w.Sets {
			add("rb_m365_workload", w.Name, s)
		}
	}
	for _, w := range r.Catalogues.BizAppsWorkloads {
		var group any
		if w.AssociationGroup != "" {
			group = w.AssociationGroup
		}
		var rg any
		if w.RateGroup != "" {
			rg = w.RateGroup
		}
		add("rb_bizapps_workload", w.Name, w.NetCustomerAdds, rg, num(w.MCVRate), group)
	}
	for ai, an := range Areas {
		a := r.Areas[an]
		var share, floor any
		minPairs := 0
		if c := a.Classification; c != nil {
			share, floor, minPairs = num(c.SMBCustomerShareMin), num(c.RevenueFloorUSD), c.MinPairs
		}
		add("rb_area", an, ai, a.Name, a.Family, a.TrackSelection, share, floor, minPairs)
		groups := make([]string, 0, len(a.AssociationGroups))
		for g := range a.AssociationGroups {
			groups = append(groups, g)
		}
		sort.Strings(groups)
		for _, g := range groups {
			for _, at := range a.AssociationGroups[g] {
				add("rb_assoc_group", an, g, at)
			}
		}
		for _, tn := range []string{TrackEnterprise, TrackSMB} {
			for mi, mn := range Metrics {
				m := a.Tracks[tn].Metrics[mn]
				row := []any{an, tn, mn, mi, Categories[mn], m.IsApplicable(), nilIfEmpty(m.Rule), float64(m.MaxPoints), float64(m.Threshold),
					num(m.ACRFloorUSD), num(m.BaseMinimum), num(m.RevenueFloorUSD), num(m.MCVFloor)}
				row = append(row, band(m.Licenses)...)
				row = append(row, m.StickySMB, num(m.ActiveShareMin))
				row = append(row, band(m.ACRTTM)...)
				row = append(row, num(m.ACRTTMMinUSD))
				add("rb_metric", row...)
				if !m.IsApplicable() {
					continue
				}
				for _, at := range m.AssociationTypes {
					add("rb_metric_assoc", an, tn, mn, "", "", at)
				}
				for _, at := range m.AzureAssociationTypes {
					add("rb_metric_assoc", an, tn, mn, "azure", "", at)
				}
				for _, at := range m.M365AssociationTypes {
					add("rb_metric_assoc", an, tn, mn, "m365", "", at)
				}
				for oi, o := range m.Options {
					add("rb_option", an, tn, mn, o.Name, oi, float64(o.Threshold))
					for _, at := range o.AssociationTypes {
						add("rb_metric_assoc", an, tn, mn, "", o.Name, at)
					}
				}
				for _, c := range m.Components {
					row := []any{an, tn, mn, c.Name, float64(c.UnitsPerPoint), float64(c.MaxPoints)}
					row = append(row, band(c.ACRTTM)...)
					row = append(row, band(c.Licenses)...)
					add("rb_component", row...)
				}
				if m.Rule == "linear" && len(m.Certs) > 0 {
					add("rb_step", an, tn, mn, 0, "count", 0, 0.0, 0.0)
					for _, c := range dedupe(m.Certs) {
						add("rb_step_cert", an, tn, mn, 0, c)
					}
				}
				for _, s := range m.Steps {
					add("rb_step", an, tn, mn, s.Step, s.Role, s.MinPeople, float64(s.Points), float64(s.PointsPerPerson))
					for _, req := range s.RequiresSteps {
						add("rb_step_requires", an, tn, mn, s.Step, req)
					}
					for _, c := range dedupe(s.Certs) {
						add("rb_step_cert", an, tn, mn, s.Step, c)
					}
				}
				for _, req := range m.RequiresPeopleIn {
					add("rb_requires_people", an, tn, mn, req)
				}
			}
		}
	}
	names := make([]string, 0, len(t))
	for n := range t {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Table, 0, len(names))
	for _, n := range names {
		out = append(out, *t[n])
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func dedupe(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}
