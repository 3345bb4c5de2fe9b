package rubric

import (
	"fmt"
	"strings"
	"testing"
)

func TestDefaultLoads(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != DefaultID {
		t.Errorf("id %q, want %q", r.ID, DefaultID)
	}
	// Published weights, enterprise track (SMB has the same maxima).
	want := map[string][5]float64{ // nca, intermediate, advanced, usage growth, deployments (0 = not applicable)
		"data_ai":                {30, 40, 0, 20, 10},
		"infrastructure":         {30, 20, 20, 20, 10},
		"digital_app_innovation": {30, 20, 20, 20, 10},
		"business_applications":  {15, 20, 15, 30, 20},
		"modern_work":            {20, 10, 15, 30, 25},
		"security":               {20, 40, 0, 20, 20},
	}
	for area, w := range want {
		for _, track := range []string{TrackEnterprise, TrackSMB} {
			for i, mn := range Metrics {
				m := r.Areas[area].Tracks[track].Metrics[mn]
				got := 0.0
				if m.IsApplicable() {
					got = float64(m.MaxPoints)
				}
				if got != w[i] {
					t.Errorf("%s %s %s: max %g, want %g", area, track, mn, got, w[i])
				}
			}
		}
	}
	// 40/6 stays exact: three Security step-3 people earn 20.00, not 20.01.
	p := float64(r.Areas["security"].Tracks[TrackEnterprise].Metrics["intermediate_certifications"].Steps[2].PointsPerPerson)
	if got := 3 * p; got < 19.999999 || got > 20.000001 {
		t.Errorf("3 x points_per_person = %v, want 20", got)
	}
}

// mutate applies a text replacement to the default rubric and parses it.
func mutate(t *testing.T, old, new string) error {
	t.Helper()
	src := string(defaultRubric)
	if !strings.Contains(src, old) {
		t.Fatalf("default rubric has no %q", old)
	}
	_, err := Parse([]byte(strings.Replace(src, old, new, 1)), "test.yaml")
	return err
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown key", "  qualifying_score: 70\n", "  qualifying_score: 70\n  qualifying_scor: 71\n",
			"field qualifying_scor not found"},
		{"weights do not sum to 100",
			"          net_customer_adds: {max_points: 20, rule: linear, threshold: 5, paid_licenses: &mw_ent",
			"          net_customer_adds: {max_points: 25, rule: linear, threshold: 5, paid_licenses: &mw_ent",
			"solution_areas.modern_work.tracks.enterprise: max_points sum to 105, want 100"},
		{"unknown certification", "{step: 1, role: gate, min_people: 2, certs: [AZ-104]}", "{step: 1, role: gate, min_people: 2, certs: [AZ-999]}",
			`solution_areas.data_ai.tracks.enterprise.metrics.intermediate_certifications.steps[0].certs: unknown certification "AZ-999" (not in catalogues.certifications)`},
		{"unknown association type", "  assoc: &azure_assoc [CSP_T1, CSP_T2, DPOR, PAL]", "  assoc: &azure_assoc [CSP_T1, CSP_T2, DPOR, PAL, MPN]",
			`solution_areas.data_ai.tracks.enterprise.metrics.net_customer_adds.association_types: unknown association type "MPN"`},
		{"unknown rule", "  deployments: &azure_dep {max_points: 10, rule: linear,", "  deployments: &azure_dep {max_points: 10, rule: stepwise,",
			`solution_areas.data_ai.tracks.enterprise.metrics.deployments.rule: unknown rule "stepwise"`},
		{"unknown area", "  security:\n    name: Security", "  securty:\n    name: Security",
			"solution_areas.security: missing"},
		{"65 association types", "association_types: [CSP_T1, CSP_T2, DPOR, PAL, CPOR]", "association_types: [CSP_T1, CSP_T2, DPOR, PAL, CPOR" + manyTypes(60) + "]",
			"association_types: 65 types, at most 64"},
		{"bad fraction", "points_per_person: 40/6", "points_per_person: 40/0", `"40/0" is not a number or fraction`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := mutate(t, tc.old, tc.new)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "rubric test.yaml: ") {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

// manyTypes is ", T1, T2, ..., Tn": n more association types for a rubric's list.
func manyTypes(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, ", T%d", i)
	}
	return b.String()
}

// A rubric may list 64 association types; TestValidateRejects refuses 65.
func TestSixtyFourAssociationTypes(t *testing.T) {
	if err := mutate(t, "association_types: [CSP_T1, CSP_T2, DPOR, PAL, CPOR]",
		"association_types: [CSP_T1, CSP_T2, DPOR, PAL, CPOR"+manyTypes(MaxAssociationTypes-5)+"]"); err != nil {
		t.Fatal(err)
	}
}
