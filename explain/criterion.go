package explain

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/capscore/capscore/rubric"
)

// criterion words one metric of a track from the rubric the month was scored with: what is
// measured (from the metric's parameters: floors, bands, association types, certifications, steps,
// options, components) and how it scores (the metric's rule). Nothing in it is written per area:
// the area's family only says what the usage is measured in.
func criterion(r *rubric.Rubric, area string, m *rubric.Metric, metric string) string {
	a := r.Areas[area]
	var s []string
	switch metric {
	case "net_customer_adds":
		s = append(s, netAddsMeasure(a, m))
	case "usage_growth":
		s = append(s, growthMeasure(a, m))
	case "deployments":
		s = append(s, deploymentsMeasure(r, a, m))
	default:
		s = append(s, skillingMeasure(m))
	}
	if m.StickySMB {
		s = append(s, "A customer that grew past the band stays eligible for a year.")
	}
	switch m.Rule {
	case "linear":
		s = append(s, fmt.Sprintf("Full %s points at %s, in proportion below.", fmtNum(float64(m.MaxPoints)), fmtNum(float64(m.Threshold))))
	default:
		s = append(s, fmt.Sprintf("At most %s points.", fmtNum(float64(m.MaxPoints))))
	}
	if m.BaseMinimum != nil {
		s = append(s, fmt.Sprintf("0 points unless the base reaches %s.", money(float64(*m.BaseMinimum))))
	}
	if len(m.RequiresPeopleIn) > 0 {
		labels := make([]string, len(m.RequiresPeopleIn))
		for i, x := range m.RequiresPeopleIn {
			labels[i] = strings.ToLower(metricLabel(x))
		}
		s = append(s, fmt.Sprintf("Scores only when %s each count at least one person.", orList(labels, "and")))
	}
	return strings.Join(s, " ")
}

// netAddsMeasure words what a net-customer-adds metric counts.
func netAddsMeasure(a *rubric.Area, m *rubric.Metric) string {
	switch {
	case m.ACRFloorUSD != nil:
		return fmt.Sprintf("Customers whose ACR attributed through %s is at least %s in S or S-1, minus those that reached it in S-12 or S-13.",
			orList(m.AssociationTypes, "or"), money(float64(*m.ACRFloorUSD)))
	case m.RevenueFloorUSD != nil:
		return fmt.Sprintf("Customer-workload pairs with revenue of at least %s in S through %s, minus the same in S-12.",
			money(float64(*m.RevenueFloorUSD)), orList(m.AssociationTypes, "or"))
	case m.ACRTTMMinUSD != nil:
		return fmt.Sprintf("Customers with trailing-12-month security ACR of at least %s through %s, plus customers with %s paid licences of a %s workload "+
			"through %s in a month of S-11..S, minus the same a year earlier.", money(float64(*m.ACRTTMMinUSD)), orList(m.AzureAssociationTypes, "or"),
			band(m.Licenses, false), a.Name, orList(m.M365AssociationTypes, "or"))
	case m.Licenses != nil:
		return fmt.Sprintf("Customers with %s paid licences of a %s workload, covered through %s in S, minus the same in S-12.",
			band(m.Licenses, false), a.Name, orList(m.AssociationTypes, "or"))
	}
	return "Customers added in S against S-12."
}

// growthMeasure words what a usage-growth metric measures.
func growthMeasure(a *rubric.Area, m *rubric.Metric) string {
	switch m.Rule {
	case "best_of_options":
		return fmt.Sprintf("Growth in active users, S over the base (S-12 or the first covered month), of customers with %s paid licences, "+
			"per association option: %s. The best option scores.", band(m.Licenses, false), optionList(m))
	case "sum_capped":
		parts := make([]string, len(m.Components))
		for i, c := range m.Components {
			var who string
			switch {
			case c.ACRTTM != nil:
				who = fmt.Sprintf("customers with trailing-12-month security ACR %s", band(c.ACRTTM, true))
			case c.Licenses != nil:
				who = fmt.Sprintf("customers with %s paid licences", band(c.Licenses, false))
			}
			parts[i] = fmt.Sprintf("%s, 1 point per %s of growth for %s (at most %s)", c.Name, fmtNum(float64(c.UnitsPerPoint)), who, fmtNum(float64(c.MaxPoints)))
		}
		return fmt.Sprintf("Sum of components through %s (Azure) and %s (Microsoft 365): %s.",
			orList(m.AzureAssociationTypes, "or"), orList(m.M365AssociationTypes, "or"), strings.Join(parts, "; "))
	}
	what := "ACR"
	if len(a.AssociationGroups) > 0 {
		what = "monthly consumption value (active users x rate card) of customer-workload pairs"
	}
	return fmt.Sprintf("Growth in %% of %s attributed through %s, S over the base (S-12, or the first covered month after it).",
		what, orList(m.AssociationTypes, "or"))
}

// deploymentsMeasure words what a deployments metric counts.
func deploymentsMeasure(r *rubric.Rubric, a *rubric.Area, m *rubric.Metric) string {
	switch {
	case m.MCVFloor != nil:
		return fmt.Sprintf("Customer-workload pairs with monthly consumption value of at least %s in S through %s, minus the same in S-12.",
			money(float64(*m.MCVFloor)), orList(m.AssociationTypes, "or"))
	case m.Rule == "best_of_options":
		return fmt.Sprintf("Customers with %s paid licences covered by an association option whose active users are at least %s of paid licences, "+
			"in S minus in S-12, per option: %s. The best option scores.", band(m.Licenses, false), percent(m.ActiveShareMin), optionList(m))
	case m.ACRTTM != nil || m.Licenses != nil:
		return fmt.Sprintf("Customers with trailing-12-month security ACR %s through %s, plus customers with %s paid licences of a %s workload "+
			"and active users at least %s of them through %s, in S minus the same a year earlier.", band(m.ACRTTM, true),
			orList(m.AzureAssociationTypes, "or"), band(m.Licenses, false), a.Name, percent(m.ActiveShareMin), orList(m.M365AssociationTypes, "or"))
	}
	var excluded []string
	for _, s := range r.Catalogues.AzureServices {
		if s.ExcludedFromDeployments {
			excluded = append(excluded, s.Name)
		}
	}
	out := fmt.Sprintf("Distinct Azure services with ACR attributed through %s above 0 over S-11..S", orList(m.AssociationTypes, "or"))
	if len(excluded) > 0 {
		out += " (" + orList(excluded, "and") + " excluded)"
	}
	return out + "."
}

// skillingMeasure words a certification metric: the certifications that count, or its steps.
func skillingMeasure(m *rubric.Metric) string {
	if m.Rule != "gated_steps" {
		return fmt.Sprintf("People holding one of %s on the as-of date.", orList(m.Certs, "or"))
	}
	parts := make([]string, len(m.Steps))
	for i, st := range m.Steps {
		certs := "one of " + orList(st.Certs, "or")
		if len(st.Certs) == 1 {
			certs = st.Certs[0]
		}
		var p string
		switch st.Role {
		case "gate":
			p = fmt.Sprintf("step %d, a gate: at least %d %s with %s", st.Step, st.MinPeople, people(st.MinPeople), certs)
		case "gate_and_points":
			p = fmt.Sprintf("step %d: at least %d %s with %s, %s points", st.Step, st.MinPeople, people(st.MinPeople), certs, fmtNum(float64(st.Points)))
		default:
			p = fmt.Sprintf("step %d: %s points a person with %s", st.Step, fmtNum(float64(st.PointsPerPerson)), certs)
		}
		if len(st.RequiresSteps) > 0 {
			req := make([]string, len(st.RequiresSteps))
			for j, x := range st.RequiresSteps {
				req[j] = strconv.Itoa(x)
			}
			p += fmt.Sprintf(", once step %s %s", orList(req, "and"), map[bool]string{true: "holds", false: "hold"}[len(req) == 1])
		}
		parts[i] = p
	}
	return "People certified on the as-of date, in steps: " + strings.Join(parts, "; ") + "."
}

// optionList words the options of a best-of-options metric.
func optionList(m *rubric.Metric) string {
	parts := make([]string, len(m.Options))
	for i, o := range m.Options {
		parts[i] = fmt.Sprintf("%s (through %s, full points at %s)", o.Name, orList(o.AssociationTypes, "or"), fmtNum(float64(o.Threshold)))
	}
	return strings.Join(parts, ", ")
}

// band words a numeric band: "more than 300", "11 to 300", "more than $0 and at most $12,000".
func band(b *rubric.Band, dollars bool) string {
	f := fmtNum
	if dollars {
		f = money
	}
	var lo, hi string
	if b != nil && b.Min != nil {
		lo = map[bool]string{true: "more than ", false: "at least "}[b.MinExclusive] + f(float64(*b.Min))
	}
	if b != nil && b.Max != nil {
		hi = map[bool]string{true: "less than ", false: "at most "}[b.MaxExclusive] + f(float64(*b.Max))
	}
	switch {
	case lo != "" && hi != "" && !b.MinExclusive && !b.MaxExclusive:
		return f(float64(*b.Min)) + " to " + f(float64(*b.Max))
	case lo != "" && hi != "":
		return lo + " and " + hi
	case lo != "":
		return lo
	case hi != "":
		return hi
	}
	return "any number of"
}

// orList joins items as "a, b or c" (conj "or" or "and").
func orList(items []string, conj string) string {
	switch len(items) {
	case 0:
		return "none"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

func people(n int) string {
	if n == 1 {
		return "person"
	}
	return "people"
}

// metricLabel is a metric id in words: net_customer_adds -> "Net customer adds".
func metricLabel(id string) string {
	s := strings.ReplaceAll(id, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// percent words a share: 0.4 -> "40%".
func percent(n *rubric.Number) string {
	if n == nil {
		return "0%"
	}
	return fmtNum(float64(*n)*100) + "%"
}

// money words an amount in US dollars: $1,000.
func money(f float64) string {
	if f < 0 {
		return "-$" + fmtNum(-f)
	}
	return "$" + fmtNum(f)
}

// fmtNum writes a number for people: thousands separated, at most 2 decimals, no trailing zeros:
// 11000 -> 11,000; 53.2857 -> 53.29; 0.2 -> 0.2.
func fmtNum(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	s := strconv.FormatFloat(math.Round(f*100)/100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
