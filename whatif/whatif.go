// Package whatif turns the steps of a recommended path to qualification into input rows: new
// customer tenants with their associations and Azure usage, more usage on an existing tenant, and
// newly certified people. WriteInput copies an input folder and adds those rows as one extra CSV
// file (whatif.csv) per table folder, so that a run on the copy shows what the steps would score.
//
// The rows follow fixed rules. A new tenant is `WHATIF-<partner_id>-<area>-<step>-<i>` (cloud
// public, the step's segment), associated with the partner by the step's association type from
// the first day of the snapshot month S, with no end and no workload. Usage rows are in month S on
// offer Pay-As-You-Go. A new person is `WHATIF-<partner_id>-<area>-<step>-<i>` with the step's
// certification earned on the as-of date and no expiry. A Business Applications step names a
// workload: its new tenants get one bizapps_usage row each in S (revenue at the floor for a new
// customer; active users at the MCV floor for a new deployment). A Modern Work step names a workload
// and paid licences: its new tenants get one m365_usage row each in S with no active users; a Modern
// Work deploy step names existing tenants and the active users each gets, in one m365_usage row in S
// of the step's workload with no paid licences.
package whatif

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/capscore/capscore/pipeline"
)

// Input tables the translator writes rows for (folder names of the input contract).
const (
	Tenants          = "tenants"
	Associations     = "associations"
	AzureConsumption = "azure_consumption"
	Certifications   = "certifications"
	M365Usage        = "m365_usage"
	BizappsUsage     = "bizapps_usage"
)

// Levers of a path step.
const (
	// LeverCertify certifies Count new people with Certification.
	LeverCertify = "certify"
	// LeverAddCustomers adds Count new tenants, each with ACRUSD of usage of Service in S.
	LeverAddCustomers = "add_customers"
	// LeverGrowUsage adds USD of usage of Service in S on the existing tenant TenantID.
	LeverGrowUsage = "grow_usage"
	// LeverDeploy adds one usage row of ACRUSD in S per service of Services, on TenantID or, when
	// TenantID is empty, on one new tenant.
	LeverDeploy = "deploy"
)

// Offer is the offer of every usage row the translator writes.
const Offer = "Pay-As-You-Go"

// FileName is the name of the file WriteInput adds to each table folder that receives rows.
const FileName = "whatif.csv"

// header lists the columns of each table the translator writes, in the order of the data contract.
var header = map[string][]string{
	Tenants:          {"tenant_id", "segment", "cloud"},
	Associations:     {"partner_id", "tenant_id", "association_type", "workload", "start_date", "end_date"},
	AzureConsumption: {"tenant_id", "month", "service", "offer", "acr_usd"},
	Certifications:   {"partner_id", "person_id", "certification", "earned_on", "expires_on"},
	M365Usage:        {"tenant_id", "month", "workload", "paid_licenses", "active_users"},
	BizappsUsage:     {"tenant_id", "month", "workload", "revenue_usd", "active_users"},
}

// TableNames lists the tables the translator writes rows for, in ingest order.
var TableNames = []string{Tenants, Associations, AzureConsumption, M365Usage, BizappsUsage, Certifications}

// Header returns the columns of a table the translator writes, in file order; nil for any other
// table.
func Header(table string) []string {
	h := header[table]
	if h == nil {
		return nil
	}
	return append([]string(nil), h...)
}

// Step is one step of a path to qualification: the detail JSON of a `path_to_qualify`
// recommendation, plus the partner and area of the row it came from.
type Step struct {
	// PartnerID and SolutionArea name the partner-area the step is for (columns of the row).
	PartnerID    string `json:"partner_id,omitempty"`
	SolutionArea string `json:"solution_area,omitempty"`
	// Step is the step's number (1..Steps) on the path.
	Step  int `json:"step"`
	Steps int `json:"steps"`
	// Lever is one of LeverCertify, LeverAddCustomers, LeverGrowUsage, LeverDeploy.
	Lever string `json:"lever"`
	// Count is the number of people (certify), customers (add_customers) or services (deploy);
	// 1 for grow_usage.
	Count int `json:"count"`
	// Certification is the code the new people earn (certify); Certifications lists every code
	// that would do.
	Certification  string   `json:"certification,omitempty"`
	Certifications []string `json:"certifications,omitempty"`
	// ACRUSD is the ACR in S of each new customer (add_customers) or each new service (deploy).
	ACRUSD float64 `json:"acr_usd,omitempty"`
	// USD is the extra ACR in S on TenantID (grow_usage).
	USD float64 `json:"usd,omitempty"`
	// Segment and AssociationType describe new tenants (add_customers, deploy without TenantID).
	Segment         string `json:"segment,omitempty"`
	AssociationType string `json:"association_type,omitempty"`
	// Service is the Azure service of the new usage (add_customers, grow_usage).
	Service string `json:"service,omitempty"`
	// Services are the new services of a deploy step, one usage row each.
	Services []string `json:"services,omitempty"`
	// TenantID is the existing tenant the usage goes on (grow_usage, deploy).
	TenantID string `json:"tenant_id,omitempty"`
	// Workload makes the step a Business Applications one (bizapps_usage rows of that workload) or,
	// with PaidLicenses, a Modern Work one.
	Workload string `json:"workload,omitempty"`
	// Tenants makes a deploy step a Modern Work one: each existing tenant gets one m365_usage row in
	// S of Workload with no paid licences and its active users (more active users on a workload
	// only usage growth and deployments read).
	Tenants []TenantUsers `json:"tenants,omitempty"`
	// PaidLicenses makes an add_customers step a Modern Work one: each new tenant gets one
	// m365_usage row in S of Workload with that many paid licences and no active users.
	PaidLicenses int `json:"paid_licenses,omitempty"`
	// RevenueUSD is the revenue in S of each new customer (Business Applications add_customers).
	RevenueUSD float64 `json:"revenue_usd,omitempty"`
	// ActiveUsers are the active users in S of each new deployment (Business Applications deploy),
	// or the more active users on TenantID (Modern Work grow_usage, a row of Workload).
	ActiveUsers int `json:"active_users,omitempty"`
	// PointsAdded and TotalAfter are the area's points gained by the step and its total after it,
	// on Track; ChangesTrack says the step moves the area to another track.
	PointsAdded  float64 `json:"points_added"`
	TotalAfter   float64 `json:"total_after"`
	Track        string  `json:"track"`
	ChangesTrack bool    `json:"changes_track"`
}

// TenantUsers is an existing tenant and the active users a Modern Work deploy step adds to it.
type TenantUsers struct {
	TenantID    string `json:"tenant_id"`
	ActiveUsers int    `json:"active_users"`
}

// ParseStep reads the detail JSON of a path_to_qualify recommendation of a partner and area.
func ParseStep(partnerID, solutionArea, detail string) (Step, error) {
	var s Step
	if err := json.Unmarshal([]byte(detail), &s); err != nil {
		return Step{}, fmt.Errorf("whatif: step of %s %s: %w", partnerID, solutionArea, err)
	}
	s.PartnerID, s.SolutionArea = partnerID, solutionArea
	return s, nil
}

// Context is the run the rows are written for.
type Context struct {
	// Month is the snapshot month S: usage rows fall in it and associations start on its first day.
	Month pipeline.Month
	// AsOf is the day new people earn their certification (zero: pipeline.DefaultAsOf(Month)).
	AsOf time.Time
}

// Tables holds input rows per table name (Tenants, Associations, ...), each row in the column
// order of Header(table).
type Tables map[string][][]string

// Rows turns steps into input rows, in step order. Steps of several partners and areas may be
// mixed; the same partner, area and step number may appear only once. A step that lacks what its
// lever needs is an error naming the step.
func Rows(c Context, steps []Step) (Tables, error) {
	if c.Month.IsZero() {
		return nil, fmt.Errorf("whatif: no snapshot month")
	}
	asOf := c.AsOf
	if asOf.IsZero() {
		asOf = pipeline.DefaultAsOf(c.Month)
	}
	month, first, earned := c.Month.String(), c.Month.First().Format(time.DateOnly), asOf.Format(time.DateOnly)
	t := Tables{}
	seen := map[string]bool{}
	for _, s := range steps {
		prefix := fmt.Sprintf("WHATIF-%s-%s-%d", s.PartnerID, s.SolutionArea, s.Step)
		if seen[prefix] {
			return nil, fmt.Errorf("whatif: step %d of %s %s appears twice", s.Step, s.PartnerID, s.SolutionArea)
		}
		seen[prefix] = true
		if err := check(s); err != nil {
			return nil, fmt.Errorf("whatif: step %d (%s) of %s %s: %w", s.Step, s.Lever, s.PartnerID, s.SolutionArea, err)
		}
		id := func(i int) string { return prefix + "-" + strconv.Itoa(i) }
		newTenant := func(tenant string) {
			t[Tenants] = append(t[Tenants], []string{tenant, s.Segment, "public"})
			t[Associations] = append(t[Associations], []string{s.PartnerID, tenant, s.AssociationType, "", first, ""})
		}
		bizapps := func(tenant string, revenue float64, users int) {
			t[BizappsUsage] = append(t[BizappsUsage], []string{tenant, month, s.Workload, money(revenue), strconv.Itoa(users)})
		}
		m365 := func(tenant string, paid, users int) {
			t[M365Usage] = append(t[M365Usage], []string{tenant, month, s.Workload, strconv.Itoa(paid), strconv.Itoa(users)})
		}
		usage := func(tenant, service string, usd float64) {
			t[AzureConsumption] = append(t[AzureConsumption], []string{tenant, month, service, Offer, money(usd)})
		}
		switch s.Lever {
		case LeverCertify:
			for i := 1; i <= s.Count; i++ {
				t[Certifications] = append(t[Certifications], []string{s.PartnerID, id(i), s.Certification, earned, ""})
			}
		case LeverAddCustomers:
			for i := 1; i <= s.Count; i++ {
				newTenant(id(i))
				switch {
				case s.PaidLicenses > 0:
					m365(id(i), s.PaidLicenses, 0)
				case s.Workload != "":
					bizapps(id(i), s.RevenueUSD, 0)
				default:
					usage(id(i), s.Service, s.ACRUSD)
				}
			}
		case LeverGrowUsage:
			if s.Workload != "" {
				m365(s.TenantID, 0, s.ActiveUsers)
				break
			}
			usage(s.TenantID, s.Service, s.USD)
		case LeverDeploy:
			if len(s.Tenants) > 0 {
				for _, tu := range s.Tenants {
					m365(tu.TenantID, 0, tu.ActiveUsers)
				}
				break
			}
			if s.Workload != "" {
				for i := 1; i <= s.Count; i++ {
					newTenant(id(i))
					bizapps(id(i), 0, s.ActiveUsers)
				}
				break
			}
			tenant := s.TenantID
			if tenant == "" {
				tenant = id(1)
				newTenant(tenant)
			}
			for _, svc := range s.Services {
				usage(tenant, svc, s.ACRUSD)
			}
		}
	}
	return t, nil
}

// check says what a step lacks for its lever.
func check(s Step) error {
	if s.PartnerID == "" || s.SolutionArea == "" {
		return fmt.Errorf("no partner or solution area")
	}
	if s.Step < 1 {
		return fmt.Errorf("step number %d, want 1 or more", s.Step)
	}
	need := func(what, v string) error {
		if v == "" {
			return fmt.Errorf("no %s", what)
		}
		return nil
	}
	positive := func(what string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s %v, want a positive amount", what, v)
		}
		return nil
	}
	newTenant := func() error {
		if err := need("segment", s.Segment); err != nil {
			return err
		}
		return need("association_type", s.AssociationType)
	}
	switch s.Lever {
	case LeverCertify:
		if s.Count < 1 {
			return fmt.Errorf("count %d, want 1 or more", s.Count)
		}
		return need("certification", s.Certification)
	case LeverAddCustomers:
		if s.Count < 1 {
			return fmt.Errorf("count %d, want 1 or more", s.Count)
		}
		if err := newTenant(); err != nil {
			return err
		}
		if s.PaidLicenses < 0 {
			return fmt.Errorf("paid_licenses %d, want a positive number", s.PaidLicenses)
		}
		if s.PaidLicenses > 0 {
			return need("workload", s.Workload)
		}
		if s.Workload != "" {
			return positive("revenue_usd", s.RevenueUSD)
		}
		if err := need("service", s.Service); err != nil {
			return err
		}
		return positive("acr_usd", s.ACRUSD)
	case LeverGrowUsage:
		if s.Count > 1 {
			return fmt.Errorf("count %d, want 1", s.Count)
		}
		if err := need("tenant_id", s.TenantID); err != nil {
			return err
		}
		if s.Workload != "" {
			if s.ActiveUsers < 1 {
				return fmt.Errorf("active_users %d, want 1 or more", s.ActiveUsers)
			}
			return nil
		}
		if err := need("service", s.Service); err != nil {
			return err
		}
		return positive("usd", s.USD)
	case LeverDeploy:
		if len(s.Tenants) > 0 {
			if s.Count != len(s.Tenants) {
				return fmt.Errorf("count %d but %d tenants", s.Count, len(s.Tenants))
			}
			for _, tu := range s.Tenants {
				if tu.TenantID == "" || tu.ActiveUsers < 1 {
					return fmt.Errorf("tenant %q with %d active users, want a tenant and 1 or more", tu.TenantID, tu.ActiveUsers)
				}
			}
			return need("workload", s.Workload)
		}
		if s.Workload != "" {
			if s.Count < 1 || s.ActiveUsers < 1 {
				return fmt.Errorf("count %d and active_users %d, want 1 or more of each", s.Count, s.ActiveUsers)
			}
			return newTenant()
		}
		if len(s.Services) == 0 {
			return fmt.Errorf("no services")
		}
		if s.Count != 0 && s.Count != len(s.Services) {
			return fmt.Errorf("count %d but %d services", s.Count, len(s.Services))
		}
		for _, svc := range s.Services {
			if svc == "" {
				return fmt.Errorf("an empty service name")
			}
		}
		if s.TenantID == "" {
			if err := newTenant(); err != nil {
				return err
			}
		}
		return positive("acr_usd", s.ACRUSD)
	}
	return fmt.Errorf("unknown lever %q", s.Lever)
}

// money writes an amount in the fewest digits that read back as the same number.
func money(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
