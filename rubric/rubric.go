// Package rubric holds the scoring rubric as data: areas, tracks, metrics with their weights,
// thresholds and partial-point rules, and the catalogues (certifications, Azure services, Microsoft
// 365 and Business Applications workloads). A rubric is loaded from YAML, validated, and then
// written into DuckDB tables that the metric SQL joins against.
package rubric

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Ids of solution areas, tracks, categories and metrics used in every file.
const (
	TrackEnterprise = "enterprise"
	TrackSMB        = "smb"
)

// Areas lists the six solution-area ids in their canonical order.
var Areas = []string{"data_ai", "infrastructure", "digital_app_innovation", "business_applications", "modern_work", "security"}

// Metrics lists the five metric ids.
var Metrics = []string{"net_customer_adds", "intermediate_certifications", "advanced_certifications", "usage_growth", "deployments"}

// Categories maps each metric to its category.
var Categories = map[string]string{
	"net_customer_adds":           "performance",
	"intermediate_certifications": "skilling",
	"advanced_certifications":     "skilling",
	"usage_growth":                "customer_success",
	"deployments":                 "customer_success",
}

// Rubric is one versioned scoring rubric.
type Rubric struct {
	ID            string            `yaml:"rubric_id"`
	SchemaVersion int               `yaml:"schema_version"`
	Description   string            `yaml:"description"`
	Sources       map[string]string `yaml:"sources"`
	General       General           `yaml:"general"`
	Association   []string          `yaml:"association_types"`
	Catalogues    Catalogues        `yaml:"catalogues"`
	Areas         map[string]*Area  `yaml:"solution_areas"`
	// Definitions holds YAML anchors reused elsewhere in the file; it is not read otherwise.
	Definitions yaml.Node `yaml:"definitions"`
	// Hash is the SHA-256 of the file the rubric was read from (filled by Load).
	Hash string `yaml:"-"`
	// Raw is the file's bytes, as hashed (filled by Parse): a run publishes them beside the month's
	// manifest, so a reader can word the month's scores with the rubric they were made with.
	Raw []byte `yaml:"-"`
	// Source names where the rubric came from ("embedded" or a path).
	Source string `yaml:"-"`
}

// General holds the rules that apply to every area.
type General struct {
	QualifyingScore     Number   `yaml:"qualifying_score"`
	MaxPointsPerArea    Number   `yaml:"max_points_per_area"`
	RetiredGraceMonths  int      `yaml:"retired_grace_months"`
	ExcludedAzureOffers []string `yaml:"excluded_azure_offers"`
	// ExpiryWarningDays is how far ahead a certification's expiry or retirement raises a warning.
	ExpiryWarningDays int `yaml:"expiry_warning_days"`
}

// Catalogues are the reference lists the metrics draw on.
type Catalogues struct {
	Certifications   []Certification   `yaml:"certifications"`
	AzureServices    []AzureService    `yaml:"azure_services"`
	M365Workloads    []M365Workload    `yaml:"m365_workloads"`
	BizAppsWorkloads []BizAppsWorkload `yaml:"bizapps_workloads"`
}

// Certification is one exam or certification a person can hold.
type Certification struct {
	Code      string `yaml:"code"`
	Name      string `yaml:"name"`
	Level     string `yaml:"level"` // fundamentals, intermediate, advanced, specialty, expert, assessment
	Area      string `yaml:"area"`  // the area it mainly serves (informative; steps decide where it counts)
	RetiresOn *Date  `yaml:"retires_on"`
	Note      string `yaml:"note"`
}

// AzureService is an Azure Service Level 2 service with a special role. Services not listed count
// everywhere as ordinary services.
type AzureService struct {
	Name string `yaml:"name"`
	// Security marks the service as an eligible Azure security service (Security area).
	Security bool `yaml:"security"`
	// ExcludedFromDeployments keeps the service out of the Azure deployments count (Virtual Machines).
	ExcludedFromDeployments bool `yaml:"excluded_from_deployments"`
}

// M365Workload is a Microsoft 365 workload and the metric sets it belongs to.
type M365Workload struct {
	Name string `yaml:"name"`
	// Sets names the workload sets it belongs to, e.g. modern_work_performance,
	// modern_work_customer_success, security.
	Sets []string `yaml:"sets"`
}

// BizAppsWorkload is a Business Applications workload.
type BizAppsWorkload struct {
	Name string `yaml:"name"`
	// NetCustomerAdds marks a workload that counts for net customer adds.
	NetCustomerAdds bool `yaml:"net_customer_adds"`
	// RateGroup names the rate-card line (e.g. "Common Data Service (Customer Engagement)").
	RateGroup string `yaml:"rate_group"`
	// MCVRate is monthly consumption value per active user (or capacity unit, or profile); nil = not on the rate card.
	MCVRate *Number `yaml:"mcv_rate"`
	// AssociationGroup says which association list applies to customer success:
	// dynamics_365 or power_platform_and_customer_insights.
	AssociationGroup string `yaml:"association_group"`
}

// Area is one solution area.
type Area struct {
	Name string `yaml:"name"`
	// Family selects the SQL that measures the area: azure, business_applications, modern_work, security.
	Family string `yaml:"family"`
	// TrackSelection: azure_classification, business_applications_classification, best_total.
	TrackSelection string `yaml:"track_selection"`
	// Classification holds the parameters of an automatic track classification.
	Classification *Classification `yaml:"classification"`
	// AssociationGroups maps a workload association group (Business Applications) to the
	// association types that attribute its customer-success usage.
	AssociationGroups map[string][]string `yaml:"association_groups"`
	Tracks            map[string]*Track   `yaml:"tracks"`
}

// Track is one scoring track (enterprise or smb) of an area.
type Track struct {
	Metrics map[string]*Metric `yaml:"metrics"`
}

// Metric is one scored metric of a track.
type Metric struct {
	// Applicable false leaves the metric out of the area (and out of the every-metric-positive test).
	Applicable *bool  `yaml:"applicable"`
	Note       string `yaml:"note"`
	MaxPoints  Number `yaml:"max_points"`
	// Rule: linear, gated_steps, best_of_options, sum_capped.
	Rule string `yaml:"rule"`
	// Threshold is the value that earns MaxPoints (linear rule).
	Threshold Number `yaml:"threshold"`
	// AssociationTypes that attribute a customer to the partner for this metric.
	AssociationTypes []string `yaml:"association_types"`
	// AzureAssociationTypes and M365AssociationTypes apply to the two parts of Security metrics.
	AzureAssociationTypes []string `yaml:"azure_association_types"`
	M365AssociationTypes  []string `yaml:"m365_association_types"`

	// Eligibility parameters (which apply depends on the area family and metric).
	ACRFloorUSD     *Number `yaml:"acr_floor_usd"`         // Azure NCA: ACR in S or S-1
	BaseMinimum     *Number `yaml:"base_minimum"`          // growth: base (S-12) must reach this
	RevenueFloorUSD *Number `yaml:"revenue_floor_usd"`     // BA NCA: per (tenant, workload) month
	MCVFloor        *Number `yaml:"mcv_floor"`             // BA deployments
	Licenses        *Band   `yaml:"paid_licenses"`         // M365 tenant band
	StickySMB       bool    `yaml:"sticky_smb"`            // SMB tenants promoted past the band stay SMB-eligible for a year
	ActiveShareMin  *Number `yaml:"active_share_min"`      // M365 deployments
	ACRTTM          *Band   `yaml:"azure_acr_ttm_usd"`     // Security Azure tenant band on trailing-12-month security ACR
	ACRTTMMinUSD    *Number `yaml:"azure_acr_ttm_min_usd"` // Security NCA Azure floor

	Certs      []string    `yaml:"certs"`      // linear skilling: the certifications that count
	Steps      []Step      `yaml:"steps"`      // gated_steps
	Options    []Option    `yaml:"options"`    // best_of_options
	Components []Component `yaml:"components"` // sum_capped
	// RequiresPeopleIn lists skilling metrics of the same track that need at least one counted
	// person before this metric can score (Modern Work).
	RequiresPeopleIn []string `yaml:"requires_people_in"`
}

// IsApplicable reports whether the metric is scored.
func (m *Metric) IsApplicable() bool { return m.Applicable == nil || *m.Applicable }

// Step is one step of a gated certification metric.
type Step struct {
	Step int `yaml:"step"`
	// Role: gate (min people, no points), gate_and_points (min people, fixed points), scoring (points per person).
	Role            string   `yaml:"role"`
	MinPeople       int      `yaml:"min_people"`
	Points          Number   `yaml:"points"`
	PointsPerPerson Number   `yaml:"points_per_person"`
	RequiresSteps   []int    `yaml:"requires_steps"`
	Certs           []string `yaml:"certs"`
}

// Option is one association option of a best-of-options metric.
type Option struct {
	Name             string   `yaml:"name"`
	AssociationTypes []string `yaml:"association_types"`
	Threshold        Number   `yaml:"threshold"`
}

// Component is one part of a capped-sum metric.
type Component struct {
	Name string `yaml:"name"` // azure_security_acr_growth, m365_protected_users_growth
	// UnitsPerPoint is the growth that earns one point.
	UnitsPerPoint Number `yaml:"units_per_point"`
	MaxPoints     Number `yaml:"max_points"`
	// Tenant filters.
	ACRTTM   *Band `yaml:"azure_acr_ttm_usd"`
	Licenses *Band `yaml:"paid_licenses"`
}

// Band is a numeric range; each bound is optional and inclusive unless marked exclusive.
type Band struct {
	Min          *Number `yaml:"min"`
	Max          *Number `yaml:"max"`
	MinExclusive bool    `yaml:"min_exclusive"`
	MaxExclusive bool    `yaml:"max_exclusive"`
}

// Number is a YAML number that may also be written as a fraction "40/6", so a per-person figure
// derived from a maximum stays exact.
type Number float64

// UnmarshalYAML accepts a number or a "a/b" string.
func (n *Number) UnmarshalYAML(v *yaml.Node) error {
	s := strings.TrimSpace(v.Value)
	if a, b, ok := strings.Cut(s, "/"); ok {
		x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 != nil || err2 != nil || y == 0 {
			return fmt.Errorf("line %d: %q is not a number or fraction", v.Line, s)
		}
		*n = Number(x / y)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a number", v.Line, s)
	}
	*n = Number(f)
	return nil
}

// Date is a calendar date written YYYY-MM-DD.
type Date struct{ time.Time }

// UnmarshalYAML parses YYYY-MM-DD.
func (d *Date) UnmarshalYAML(v *yaml.Node) error {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(v.Value))
	if err != nil {
		return fmt.Errorf("line %d: %q is not a date (YYYY-MM-DD)", v.Line, v.Value)
	}
	d.Time = t
	return nil
}

// Classification holds the figures of the automatic track classifications.
type Classification struct {
	// SMBCustomerShareMin: Azure areas are smb when at least this share of customers are smb.
	SMBCustomerShareMin *Number `yaml:"smb_customer_share_min"`
	// RevenueFloorUSD and MinPairs: Business Applications is enterprise with at least MinPairs
	// (tenant, workload) pairs above RevenueFloorUSD in both S and S-12.
	RevenueFloorUSD *Number `yaml:"revenue_floor_usd"`
	MinPairs        int     `yaml:"min_pairs"`
}
