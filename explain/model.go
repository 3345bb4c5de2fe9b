package explain

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Explanation is what `refresh explain` shows of one partner in one published month, in the form
// --json prints; the text output renders the same content.
type Explanation struct {
	// Month is the snapshot month shown, YYYY-MM; AsOf its as-of date.
	Month string `json:"month"`
	AsOf  string `json:"as_of"`
	// Rubric is the rubric the month was scored with, which words the criteria.
	Rubric RubricInfo `json:"rubric"`
	// Partner is the partner shown.
	Partner Partner `json:"partner"`
	// Areas is the partner's status in every area, in rubric order.
	Areas []AreaStatus `json:"areas"`
	// Area is the chosen area in detail.
	Area AreaDetail `json:"area"`
	// Notes say what the month's files could not show (a table the month was published without).
	Notes []string `json:"notes"`
}

// RubricInfo names the rubric a month was scored with and where explain found it.
type RubricInfo struct {
	ID     string `json:"id"`
	SHA256 string `json:"sha256"`
	// Source is "published" (the rubric file published with the month) or "built-in" (the month
	// was published before rubrics travelled with it, and the built-in rubric has its SHA-256).
	Source string `json:"source"`
}

// Partner is the partner's id, name and country as area_scores holds them.
type Partner struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country"`
}

// AreaStatus is one row of area_scores, with its move since the previous month when known.
type AreaStatus struct {
	Area        string `json:"area"`
	Name        string `json:"name"`
	Track       string `json:"track"`
	TotalPoints Points `json:"total_points"`
	Qualified   bool   `json:"qualified"`
	Enrolled    bool   `json:"enrolled"`
	Status      string `json:"status"`
	// DeltaPoints is total_delta_points of score_changes; null when the month has none for the area.
	DeltaPoints *Points `json:"delta_points"`
}

// AreaDetail is the chosen area: the selected track's metric cards, the other track's total, the
// recommendations and the change since the previous month.
type AreaDetail struct {
	AreaStatus
	// Chosen says why this area is shown: "--area", or the rule that picked it.
	Chosen          string  `json:"chosen"`
	QualifyingScore float64 `json:"qualifying_score"`
	MaxPoints       float64 `json:"max_points"`
	// OtherTrack is the total of the track not selected (scored as a what-if).
	OtherTrack *TrackTotal  `json:"other_track"`
	Metrics    []MetricCard `json:"metrics"`
	// Recommendations are the month's recommendations for the partner-area on the selected track.
	Recommendations     []Recommendation `json:"recommendations"`
	RecommendationsNote string           `json:"recommendations_note,omitempty"`
	// SinceLastMonth is the area's row of score_changes; null with a note when the month has none.
	SinceLastMonth     *Change `json:"since_last_month"`
	SinceLastMonthNote string  `json:"since_last_month_note,omitempty"`
}

// TrackTotal is one track's total.
type TrackTotal struct {
	Track       string `json:"track"`
	TotalPoints Points `json:"total_points"`
	Qualified   bool   `json:"qualified"`
}

// MetricCard is one metric of the selected track, the way Partner Center shows it: the criterion
// in words, value, threshold, points of max, the detail in words, and the customers or people behind
// the value.
type MetricCard struct {
	Metric   string `json:"metric"`
	Label    string `json:"label"`
	Category string `json:"category"`
	Rule     string `json:"rule"`
	// Criterion words the rubric's rule for the metric on this track.
	Criterion string   `json:"criterion"`
	Value     *float64 `json:"value"`
	Threshold *float64 `json:"threshold"`
	Points    Points   `json:"points"`
	MaxPoints Points   `json:"max_points"`
	// Detail words metric_scores.detail; DetailJSON is the published JSON.
	Detail     []string        `json:"detail"`
	DetailJSON json.RawMessage `json:"detail_json"`
	// Contributing are the rows adding most to the value, PullingDown those taking most from it
	// (customers of the base side), NotAdding rows that add nothing, with their reasons.
	Contributing List `json:"contributing"`
	PullingDown  List `json:"pulling_down"`
	NotAdding    List `json:"not_adding"`
	// RowsNote says why no rows are listed (the month has no eligibility table).
	RowsNote string `json:"rows_note,omitempty"`
}

// List is the first rows of a list and how many more there are.
type List struct {
	Rows []Item `json:"rows"`
	More int    `json:"more"`
}

// Item is one customer (customer_eligibility) or certification (skilling_eligibility) row.
type Item struct {
	TenantID      string   `json:"tenant_id,omitempty"`
	Workload      string   `json:"workload,omitempty"`
	Part          string   `json:"part,omitempty"`
	PersonID      string   `json:"person_id,omitempty"`
	Certification string   `json:"certification,omitempty"`
	Step          *int     `json:"step,omitempty"`
	EarnedOn      string   `json:"earned_on,omitempty"`
	CountsUntil   string   `json:"counts_until,omitempty"`
	Contribution  float64  `json:"contribution"`
	NowAmount     *float64 `json:"now_amount,omitempty"`
	BaseAmount    *float64 `json:"base_amount,omitempty"`
	Reason        string   `json:"reason,omitempty"`
	// Text is the row in words.
	Text string `json:"text"`
}

// Recommendation is one row of the month's recommendations, with the columns its file has.
type Recommendation struct {
	Priority      *int    `json:"priority"`
	Kind          string  `json:"kind"`
	Metric        string  `json:"metric"`
	Action        string  `json:"action"`
	Detail        string  `json:"detail"`
	PointsAtStake *Points `json:"points_at_stake,omitempty"`
}

// Change is the area's row of score_changes.
type Change struct {
	PreviousMonth       string        `json:"previous_month"`
	Presence            string        `json:"presence"`
	PreviousTrack       string        `json:"previous_track"`
	Track               string        `json:"track"`
	PreviousTotalPoints *Points       `json:"previous_total_points"`
	TotalPoints         *Points       `json:"total_points"`
	TotalDeltaPoints    *Points       `json:"total_delta_points"`
	PreviousStatus      string        `json:"previous_status"`
	Status              string        `json:"status"`
	QualificationChange string        `json:"qualification_change"`
	EnrollmentChange    string        `json:"enrollment_change"`
	MetricDeltas        []MetricDelta `json:"metric_deltas"`
	TrackChanged        bool          `json:"track_changed"`
	RubricChanged       bool          `json:"rubric_changed"`
	// Drivers are the first entries of drivers, in words; DriversMore how many are left out.
	Drivers     []Driver `json:"drivers"`
	DriversMore int      `json:"drivers_more"`
	// Note is score_changes.note (why the drivers are unknown; a new or gone partner).
	Note string `json:"note,omitempty"`
}

// MetricDelta is one metric's point delta.
type MetricDelta struct {
	Metric      string `json:"metric"`
	Label       string `json:"label"`
	DeltaPoints Points `json:"delta_points"`
}

// Driver is one entry of score_changes.drivers.
type Driver struct {
	Kind  string         `json:"kind"`
	Entry map[string]any `json:"entry"`
	Text  string         `json:"text"`
}

// Points is an exact DECIMAL(5,2) as published ("88.00"); it is a number in JSON.
type Points string

// MarshalJSON writes the points as a JSON number with their two decimals, null when empty.
func (p Points) MarshalJSON() ([]byte, error) {
	if p == "" {
		return []byte("null"), nil
	}
	if _, err := strconv.ParseFloat(string(p), 64); err != nil {
		return nil, fmt.Errorf("points %q: %w", string(p), err)
	}
	return []byte(p), nil
}

// UnmarshalJSON reads points written by MarshalJSON, keeping their digits.
func (p *Points) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*p = ""
		return nil
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return fmt.Errorf("points %s: %w", s, err)
	}
	*p = Points(s)
	return nil
}

// Float is the points as a number.
func (p Points) Float() float64 {
	f, _ := strconv.ParseFloat(string(p), 64)
	return f
}

// signed writes the points with a sign: +32.00, -2.00, +0.00.
func (p Points) signed() string {
	if p == "" {
		return ""
	}
	if p[0] == '-' {
		return string(p)
	}
	return "+" + string(p)
}

// ptr returns a pointer to p, nil when empty.
func (p Points) ptr() *Points {
	if p == "" {
		return nil
	}
	return &p
}
