package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/capscore/capscore/rubric"
	"github.com/capscore/capscore/stages"
)

// detailLabels words the keys of metric_scores.detail; a "$" prefix marks an amount in dollars.
// Keys not listed show as their name with spaces.
var detailLabels = map[string]string{
	"tenants_now": "customers now", "tenants_base": "customers a year earlier", "tenants": "customers",
	"acr_floor_usd": "$ACR floor", "acr_now": "$ACR now", "acr_base": "$ACR base",
	"base_minimum_usd": "$base minimum", "base_minimum_mcv": "$base minimum", "base_minimum_met": "base minimum met",
	"pairs_now": "pairs now", "pairs_base": "pairs a year earlier", "pairs": "pairs",
	"revenue_floor_usd": "$revenue floor", "mcv_now": "$MCV now", "mcv_base": "$MCV base", "mcv_floor": "$MCV floor",
	"deployments_now": "deployments now", "deployments_base": "deployments a year earlier",
	"azure_now": "Azure customers now", "azure_base": "Azure customers a year earlier",
	"m365_now": "Microsoft 365 customers now", "m365_base": "Microsoft 365 customers a year earlier",
	"users_now": "users now", "users_base": "users base", "excluded_already_deployed": "already deployed when associated",
	"now": "now", "base": "base", "growth": "growth",
}

// detailWords words metric_scores.detail (JSON): steps with their people, options with their
// measures and points, components, services, and the remaining figures.
func detailWords(detail string, m *rubric.Metric) []string {
	var d map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(detail)))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil || len(d) == 0 {
		return nil
	}
	var out []string
	if steps, ok := d["steps"].([]any); ok {
		for _, x := range steps {
			st, _ := x.(map[string]any)
			out = append(out, stepWords(st))
		}
		delete(d, "steps")
	}
	if held, ok := d["prerequisite_people_held"].(bool); ok && !held && m != nil {
		labels := make([]string, len(m.RequiresPeopleIn))
		for i, x := range m.RequiresPeopleIn {
			labels[i] = strings.ToLower(metricLabel(x))
		}
		out = append(out, fmt.Sprintf("Scores 0: %s must each count at least one person.", orList(labels, "and")))
	}
	delete(d, "prerequisite_people_held")
	if opts, ok := d["options"].([]any); ok {
		winner, _ := d["winner"].(string)
		for _, x := range opts {
			o, _ := x.(map[string]any)
			name, _ := o["option"].(string)
			w := fmt.Sprintf("Option %s: %s of threshold %s -> %s points", name, numText(o["measure"]), numText(o["threshold"]), numText(o["points"]))
			if rest := figures(o, "option", "measure", "threshold", "points"); rest != "" {
				w += " (" + rest + ")"
			}
			if name == winner {
				w += ", the best"
			}
			out = append(out, w+".")
		}
		delete(d, "options")
		delete(d, "winner")
	}
	if comps, ok := d["components"].([]any); ok {
		for _, x := range comps {
			c, _ := x.(map[string]any)
			name, _ := c["component"].(string)
			out = append(out, fmt.Sprintf("%s: growth %s (%s now, %s base), %s per point -> %s points.", name, numText(c["growth"]),
				numText(c["now"]), numText(c["base"]), numText(c["units_per_point"]), numText(c["points"])))
		}
		delete(d, "components")
	}
	if svcs, ok := d["services"].([]any); ok {
		names := make([]string, 0, len(svcs))
		for _, s := range svcs {
			names = append(names, fmt.Sprint(s))
		}
		if len(names) > 0 {
			out = append(out, fmt.Sprintf("Services counted: %s.", strings.Join(names, ", ")))
		}
		delete(d, "services")
	}
	if rest := figures(d); rest != "" {
		out = append(out, strings.ToUpper(rest[:1])+rest[1:]+".")
	}
	return out
}

// stepWords words one step of a certification metric's detail.
func stepWords(st map[string]any) string {
	n, _ := st["step"].(json.Number)
	role, _ := st["role"].(string)
	n1, _ := st["people"].(json.Number)
	w := numText(st["people"]) + map[bool]string{true: " person", false: " people"}[n1.String() == "1"]
	if n.String() != "0" {
		w = fmt.Sprintf("Step %s (%s): %s", n, strings.ReplaceAll(role, "_", " "), w)
	} else {
		w = "People counted: " + numText(st["people"])
	}
	if held, ok := st["held"].(bool); ok {
		w += map[bool]string{true: ", held", false: ", not held"}[held]
	}
	if req, ok := st["requirements_held"].(bool); ok && !req {
		w += ", the steps it needs do not hold"
	}
	if p := numText(st["points"]); p != "0" {
		w += " -> " + p + " points"
	}
	return w + "."
}

// figures words the remaining keys of a detail object, sorted, skipping the given ones:
// "customers now 4, $ACR floor" -> "ACR floor $1,000".
func figures(d map[string]any, skip ...string) string {
	keys := make([]string, 0, len(d))
	for k := range d {
		if !contains(skip, k) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return labelRank(keys[i]) < labelRank(keys[j]) || (labelRank(keys[i]) == labelRank(keys[j]) && keys[i] < keys[j])
	})
	var parts []string
	for _, k := range keys {
		label, ok := detailLabels[k]
		if !ok {
			label = strings.ReplaceAll(k, "_", " ")
		}
		v := d[k]
		switch x := v.(type) {
		case nil:
			parts = append(parts, label+" none")
		case bool:
			parts = append(parts, label+map[bool]string{true: " yes", false: " no"}[x])
		case json.Number:
			f, _ := x.Float64()
			if dollars := strings.HasPrefix(label, "$"); dollars {
				parts = append(parts, label[1:]+" "+money(f))
			} else {
				parts = append(parts, label+" "+fmtNum(f))
			}
		default:
			parts = append(parts, fmt.Sprintf("%s %v", strings.TrimPrefix(label, "$"), x))
		}
	}
	return strings.Join(parts, ", ")
}

// labelRank orders the figures of a detail: "now" before "base"/"a year earlier", then the rest.
func labelRank(k string) int {
	switch {
	case strings.HasSuffix(k, "_now"):
		return 0
	case strings.HasSuffix(k, "_base"):
		return 1
	}
	return 2
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// numText words a JSON number (or nil) for people.
func numText(v any) string {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return fmtNum(f)
	case float64:
		return fmtNum(x)
	case nil:
		return "none"
	}
	return fmt.Sprint(v)
}

// reasonText is the message of a reason code (stages.Reasons), the code itself when unknown.
func reasonText(code string) string {
	if m, ok := stages.ReasonMessage(code); ok {
		return m
	}
	return code
}

// customerText words a customer row: for a count (net adds, deployments) whether it counts now
// and a year earlier, for usage growth its usage now against the base; and why it does not count.
func customerText(r row) string {
	now, base := r.bool("counted_now"), r.bool("counted_base")
	var w string
	switch {
	case r.str("metric") == "usage_growth":
		w = fmt.Sprintf("%s now vs %s base", fmtNum(r.num("now_amount")), fmtNum(r.num("base_amount")))
	case now && base:
		w = "counts now and a year earlier"
	case now:
		w = "counts now"
	case base:
		w = "counted a year earlier, not now"
	default:
		w = "not counted"
	}
	if c := r.num("contribution"); c != 0 {
		w = signedNum(c) + ": " + w
	}
	if msg := r.str("reason_now_message"); msg != "" && !now {
		w += ": " + msg
	}
	return w
}

// personText words a certification row.
func personText(r row) string {
	c := r.num("contribution")
	var w string
	if c != 0 {
		w = signedNum(c)
	}
	if msg := r.str("reason_message"); msg != "" {
		w = strings.TrimPrefix(w+"; "+msg, "; ")
	}
	if u := r.str("counts_until"); u != "" && r.bool("counted") {
		w = strings.TrimPrefix(w+"; counts until "+u, "; ")
	}
	return w
}

func signedNum(f float64) string {
	if f > 0 {
		return "+" + fmtNum(f)
	}
	return fmtNum(f)
}

func firstOf(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

// driverText words one entry of score_changes.drivers.
func driverText(e map[string]any) string {
	s := func(k string) string {
		if v, ok := e[k].(string); ok {
			return v
		}
		switch v := e[k].(type) {
		case json.Number:
			return v.String()
		case float64: // an entry read back from --json output
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	what := strings.ToLower(metricLabel(s("metric")))
	if p := s("part"); p != "" {
		what += " (" + p + ")"
	}
	who := s("tenant_id")
	if w := s("workload"); w != "" {
		who += " " + w
	}
	cert := s("person_id") + " " + s("certification")
	if st := s("step"); st != "" && st != "0" {
		what += " step " + st
	}
	reason := ""
	if r := s("reason"); r != "" {
		reason = ": " + reasonText(r)
	}
	subject := who
	if strings.HasPrefix(s("kind"), "certification_") {
		subject = cert
	}
	switch k := s("kind"); k {
	case "track_change":
		return fmt.Sprintf("The track changed from %s to %s.", s("from"), s("to"))
	case "rubric_change":
		return fmt.Sprintf("Scored with rubric %s (SHA-256 %.12s), the month before with %s (%.12s).", s("to"), s("to_sha256"), s("from"), s("from_sha256"))
	case "customer_started", "certification_started":
		if reason != "" {
			reason = "; last month" + reason
		}
		return fmt.Sprintf("%s now counts in %s%s.", subject, what, reason)
	case "customer_stopped", "certification_stopped":
		if reason == "" {
			reason = ": no row this month"
		}
		return fmt.Sprintf("%s no longer counts in %s%s.", subject, what, reason)
	case "base_customer_started":
		return fmt.Sprintf("%s now counts a year earlier (the base) in %s.", who, what)
	case "base_customer_stopped":
		return fmt.Sprintf("%s no longer counts a year earlier (the base) in %s.", who, what)
	case "certification_earned":
		return fmt.Sprintf("%s earned on %s counts in %s.", cert, s("earned_on"), what)
	case "certification_expired":
		return fmt.Sprintf("%s expired: no longer counts in %s.", cert, what)
	case "certification_retired":
		return fmt.Sprintf("%s retired past its grace: no longer counts in %s.", cert, what)
	default:
		b, _ := json.Marshal(e)
		return k + ": " + string(b)
	}
}

// atoiPtr parses an integer column, nil when empty.
func atoiPtr(s string) *int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil
	}
	return &n
}
