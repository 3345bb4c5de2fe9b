package report

import (
	"time"

	"github.com/capscore/capscore/pipeline"
)

// Page is everything one month's report shows, loaded from the published files of OUT.
type Page struct {
	// Month is the snapshot month, YYYY-MM.
	Month string
	// Generated is when the page was written.
	Generated time.Time
	// Facts are the run facts of the month's manifest.
	Facts Facts
	// Freshness says how current the month is.
	Freshness Freshness
	// TrendMonths are the published months the trend covers, oldest first (the month itself last).
	TrendMonths []string
	// Overall sums every area: partners, qualified partner-areas per track over TrendMonths.
	Overall AreaTrend
	// Areas holds one section per solution area present in the month, in program order.
	Areas []Area
	// PartnerAreas and Qualified count the month's area rows and the qualified ones.
	PartnerAreas, Qualified int64
	// Near lists partner-areas within NearPoints of qualifying, closest first.
	Near Capped[NearRow]
	// NearPoints is how many points below the threshold still count as near.
	NearPoints float64
	// Threshold is the qualifying total (70).
	Threshold float64
	// HasPathActions is true when the month's recommendations carry path_to_qualify rows.
	HasPathActions bool
	// Movers are the partner-areas that gained or lost qualification since the previous published month.
	Movers Movers
	// Rejects groups the month's rejected input rows by table and reason.
	Rejects Rejects
	// Notes are what a reader should know about missing or partial data.
	Notes []string
}

// Capped is a list cut to its first entries, with the number left out.
type Capped[T any] struct {
	Rows []T
	// Total counts every entry, shown or not.
	Total int64
}

// Rest is how many entries are not shown.
func (c Capped[T]) Rest() int64 { return c.Total - int64(len(c.Rows)) }

// Facts are the run facts of a month, from its manifest.
type Facts struct {
	RunID, AsOf, RubricID, RubricSHA256, CodeVersion string
	Started, Finished                                time.Time
	Inputs                                           []pipeline.TableStats
	Outputs                                          []pipeline.OutputFile
	Warnings                                         []string
	Checks                                           []pipeline.CheckResult
	// Stages are the stage durations, when the manifest records them.
	Stages []StageDuration
	// RowsRead sums rows read over the input tables.
	RowsRead int64
}

// StageDuration is how long one stage of the run took.
type StageDuration struct {
	Name    string
	Seconds float64
}

// Freshness says how current a month's numbers are.
type Freshness struct {
	AsOf string
	// Published is when the month was published (ledger, else manifest finish time).
	Published time.Time
	// LastFailure is the latest failed or canceled run that ended after Published, if any.
	LastFailure *pipeline.Record
}

// Area is one solution area's section.
type Area struct {
	ID, Label string
	AreaTrend
	// Partners counts the area's rows this month; NotStarted those at 0 points.
	Partners, NotStarted int64
	// Bins are the total-points histogram of the month: [0,10), [10,20) ... [90,100].
	Bins []Bin
	// Histogram is the chart drawn from Bins.
	Histogram BarChart
}

// AreaTrend is the qualified count per track over the trend months.
type AreaTrend struct {
	// Tracks holds one series per track, in track order.
	Tracks []TrackSeries
	// Months carries per month whether the area had rows (false: no data that month).
	Months []TrendMonth
	// Trend is the chart drawn from Tracks.
	Trend LineChart
}

// TrendMonth is one month of a trend.
type TrendMonth struct {
	Month   string
	HasRows bool
	// Unreadable explains a month whose area_scores could not be read.
	Unreadable string
}

// TrackSeries is the qualified partner-areas of one track, one value per trend month.
type TrackSeries struct {
	Track  string
	Counts []int64
}

// Bin is one histogram bar.
type Bin struct {
	From, To float64
	Count    int64
}

// NearRow is a partner-area close to qualifying.
type NearRow struct {
	PartnerID, Area, AreaLabel, Track, Status string
	Total, Gap                                float64
	AllMetricsPositive                        bool
	// Action is the top path_to_qualify action, "" when there is none.
	Action string
	// Stake is the points that action adds, 0 when there is none or the month's file does not say.
	Stake float64
}

// Movers are the qualification changes since the previous published month.
type Movers struct {
	// Since is the previous published month, "" when there is none.
	Since        string
	Gained, Lost Capped[MoverRow]
}

// MoverRow is one partner-area that gained or lost qualification.
type MoverRow struct {
	PartnerID, Area, AreaLabel, Track string
	// Previous and Current totals; nil when the partner-area is new or gone.
	Previous, Current *float64
}

// Rejects counts the month's rejected rows by table and reason.
type Rejects struct {
	Total int64
	Rows  Capped[RejectRow]
}

// RejectRow is one table and reason (the reason's text before its first colon).
type RejectRow struct {
	Table, Reason, Example string
	Count                  int64
}
