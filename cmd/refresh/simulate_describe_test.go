package main

import (
	"testing"

	"github.com/capscore/capscore/whatif"
)

// Every kind of path step is worded in the partner's units, and rowsText counts the rows of every
// table the translator writes.
func TestDescribeStep(t *testing.T) {
	cases := []struct {
		step whatif.Step
		want string
	}{
		{whatif.Step{Lever: "certify", Count: 2, Certification: "DP-100"}, "certify 2 people in DP-100"},
		{whatif.Step{Lever: "add_customers", Count: 2, Segment: "smb", ACRUSD: 500, Service: "Virtual Machines"},
			"add 2 smb customers with $500 ACR of Virtual Machines"},
		{whatif.Step{Lever: "add_customers", Count: 1, Segment: "smb", RevenueUSD: 1500, Workload: "Sales"},
			"add 1 smb customer with $1,500 revenue of Sales"},
		{whatif.Step{Lever: "add_customers", Count: 3, Segment: "enterprise", PaidLicenses: 301, Workload: "Exchange Online"},
			"add 3 enterprise customers with 301 paid licences of Exchange Online"},
		{whatif.Step{Lever: "grow_usage", Count: 1, USD: 3200, Service: "Virtual Machines", TenantID: "T1"},
			"$3,200 more ACR of Virtual Machines on T1"},
		{whatif.Step{Lever: "grow_usage", Count: 1, ActiveUsers: 1607, Workload: "Teams Premium", TenantID: "T07A"},
			"1,607 more monthly active users of Teams Premium on T07A"},
		{whatif.Step{Lever: "deploy", Count: 2, Workload: "Teams Premium",
			Tenants: []whatif.TenantUsers{{TenantID: "T1", ActiveUsers: 6}, {TenantID: "T2", ActiveUsers: 40}}},
			"more monthly active users of Teams Premium: 6 on T1, 40 on T2"},
		{whatif.Step{Lever: "deploy", Count: 1, Segment: "smb", Workload: "Sales", ActiveUsers: 12},
			"deploy Sales on 1 new smb customer with 12 active users each"},
		{whatif.Step{Lever: "deploy", Count: 1, TenantID: "T1", Services: []string{"Azure Functions"}, ACRUSD: 10},
			"deploy Azure Functions on T1 with $10 ACR each"},
	}
	for _, c := range cases {
		if got := describeStep(c.step); got != c.want {
			t.Errorf("%s step: %q, want %q", c.step.Lever, got, c.want)
		}
	}
	if got, want := rowsText(map[string]int{"tenants": 2, "m365_usage": 3, "bizapps_usage": 1}),
		"adds 2 tenants rows, 3 m365_usage rows, 1 bizapps_usage row"; got != want {
		t.Errorf("rowsText: %q, want %q", got, want)
	}
}
