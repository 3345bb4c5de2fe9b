package stages

import (
	"fmt"
	"strings"
)

// Reason is one code of the closed list that customer_eligibility and skilling_eligibility use to
// say why a row does not count (or counts but adds nothing to the value). Codes are stable across
// releases: a code is never renamed or reused for another meaning; new codes are appended.
type Reason struct {
	// Code is the value written in the reason columns.
	Code string
	// Table is the output table the code appears in.
	Table string
	// Message is the text written beside the code.
	Message string
}

// Reasons is the one list of reason codes. The eligibility SQL writes codes only through the
// rc('...') macro; a test checks that every code it writes is here, and the eligibility stage
// fails a run that produces a code missing from this list.
var Reasons = []Reason{
	// customer_eligibility
	{"below_floor", "customer_eligibility", "attributed usage is below the metric's floor in the months read"},
	{"association_not_active", "customer_eligibility", "no association of an accepted type is active in the month read"},
	{"association_type_not_eligible", "customer_eligibility", "reached only through association types this metric does not accept for the workload"},
	{"service_not_covered", "customer_eligibility", "the partner's associations cover other services or workloads of the tenant, not the ones with the usage"},
	{"sovereign_cloud", "customer_eligibility", "the tenant is in a sovereign cloud; only public-cloud tenants count"},
	{"outside_licence_band", "customer_eligibility", "paid licences are outside the track's licence band in the month"},
	{"outside_acr_band", "customer_eligibility", "trailing-twelve-month security ACR is outside the metric's band"},
	{"below_active_share", "customer_eligibility", "active users are below the required share of paid licences"},
	{"already_deployed_when_associated", "customer_eligibility", "first covered after S-12 and already deployed in its first covered month"},
	{"excluded_service", "customer_eligibility", "the service does not count as a deployment"},
	{"no_positive_usage", "customer_eligibility", "attributed usage over the months read is not above zero"},
	{"service_counted_on_other_tenant", "customer_eligibility", "the service counts once per partner, on another tenant's row"},
	// skilling_eligibility
	{"earned_after_as_of", "skilling_eligibility", "earned after the as-of date"},
	{"cert_expired", "skilling_eligibility", "expired before the as-of date"},
	{"earned_after_retirement", "skilling_eligibility", "earned on or after the exam's retirement date"},
	{"retired_past_grace", "skilling_eligibility", "the exam retired and its grace period ended before the as-of date"},
	{"person_already_counted_in_step", "skilling_eligibility", "the person already counts for this step through another certification"},
	{"gate_step_no_points", "skilling_eligibility", "counts toward a gate step, which is a prerequisite and adds nothing to the value"},
	{"step_gate_not_met", "skilling_eligibility", "the step has fewer counted people than it requires"},
	{"required_step_not_met", "skilling_eligibility", "a step this scoring step requires is not met"},
	{"step_credit_on_other_row", "skilling_eligibility", "the step's credit of 1 is carried by the row of its first counted person"},
}

// ReasonMessage returns the message of code, and false when the code is not in the list.
func ReasonMessage(code string) (string, bool) {
	for _, r := range Reasons {
		if r.Code == code {
			return r.Message, true
		}
	}
	return "", false
}

// ReasonsMarkdown renders the reason list as docs/reason-codes.md.
func ReasonsMarkdown() string {
	var b strings.Builder
	b.WriteString("# Reason codes of customer_eligibility and skilling_eligibility\n\n")
	b.WriteString("<!-- Generated from stages.Reasons (stages/reasons.go); TestReasonsDocumented keeps it in step. -->\n\n")
	b.WriteString("A closed list. A code is never renamed or given another meaning; new codes are added at the end.\n")
	b.WriteString("The message column beside each code carries the text below.\n\n")
	b.WriteString("| code | table | message |\n|---|---|---|\n")
	for _, r := range Reasons {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.Code, r.Table, r.Message)
	}
	return b.String()
}
