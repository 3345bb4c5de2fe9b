// Package explain shows one partner's scores of a published month the way Partner Center does:
// the status in every area, then for one area the selected track's metric cards (the criterion in
// words, from the rubric the month was scored with; value, threshold, points; the detail in words;
// the customers and people behind the value, counting or not and why), the other track's total,
// the recommendations and what changed since the previous month (score_changes). It reads only
// published files, with DuckDB, and never recomputes anything.
package explain

import (
	"context"
	dsql "database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/outputs"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/rubric"
)

// DefaultLimit is how many rows each list shows (contributing customers, drivers, ...).
const DefaultLimit = 5

// Options say what to explain.
type Options struct {
	// Out is the output folder the months were published to.
	Out string
	// Partner is the partner id.
	Partner string
	// Area is the solution area id; "" picks the partner's highest in-progress area.
	Area string
	// Month is the month; zero means the latest published.
	Month pipeline.Month
	// Limit caps each list (default DefaultLimit); the output says how many were left out.
	Limit int
	// Log receives DuckDB statement timings; nil means none.
	Log *zap.Logger
}

// ErrNothingPublished means OUT has no published month.
var ErrNothingPublished = errors.New("no published month")

// area_scores, metric_scores, eligibility and score_changes columns explain reads.
var (
	areaColumns = []string{"partner_id", "partner_name", "country", "solution_area", "track", "total_points", "qualified",
		"enrolled", "status", "as_of"}
	metricColumns   = []string{"track", "selected", "category", "metric", "value", "threshold", "max_points", "points", "detail"}
	customerColumns = []string{"metric", "part", "tenant_id", "workload", "counted_now", "reason_now", "reason_now_message",
		"counted_base", "reason_base", "reason_base_message", "now_amount", "base_amount", "contribution"}
	personColumns = []string{"metric", "step", "person_id", "certification", "earned_on", "counts_until", "counted", "reason",
		"reason_message", "contribution"}
	changeColumns = append([]string{"solution_area", "previous_month", "presence", "previous_track", "track",
		"previous_total_points", "total_points", "total_delta_points", "previous_status", "status", "qualification_change",
		"enrollment_change", "track_changed", "rubric_changed", "drivers", "note"}, deltaColumns()...)
)

func deltaColumns() []string {
	out := make([]string, len(outputs.ScoreChangeMetrics))
	for i, m := range outputs.ScoreChangeMetrics {
		out[i] = m + "_delta_points"
	}
	return out
}

// Load reads what explain shows of one partner in one published month.
func Load(ctx context.Context, opts Options) (*Explanation, error) {
	if opts.Limit <= 0 {
		opts.Limit = DefaultLimit
	}
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	l := pipeline.NewLayout(opts.Out)
	months, err := l.PublishedMonths()
	if err != nil {
		return nil, err
	}
	if len(months) == 0 {
		return nil, fmt.Errorf("%w in %s (no manifest in %s); publish one with refresh run first", ErrNothingPublished, opts.Out, l.ManifestsDir())
	}
	month := opts.Month
	if month.IsZero() {
		month = months[len(months)-1]
	} else if !slices.Contains(months, month) {
		return nil, &LookupError{What: "month", Given: month.String(), Where: "published in " + opts.Out,
			Nearest: nearestMonths(month, months, 2), Valid: monthSpan(months)}
	}
	man, err := l.ReadManifest(month)
	if err != nil {
		return nil, err
	}
	rb, source, err := monthRubric(l, month, man)
	if err != nil {
		return nil, err
	}
	if opts.Area != "" && rb.Areas[opts.Area] == nil {
		return nil, &LookupError{What: "solution area", Given: opts.Area, Where: "an area of rubric " + rb.ID,
			Nearest: nearest(opts.Area, rubric.Areas, 1), Valid: "areas: " + strings.Join(rubric.Areas, ", ")}
	}
	db, err := duck.Open(ctx, "", duck.Settings{Threads: 2, MemoryLimit: "1GB"}, opts.Log)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// DuckDB reads nothing but OUT.
	if err := db.Lockdown(ctx, opts.Out); err != nil {
		return nil, err
	}
	rd := &reader{db: db, layout: l, month: month}
	e := &Explanation{Month: month.String(), AsOf: man.AsOf, Rubric: RubricInfo{ID: rb.ID, SHA256: rb.Hash, Source: source}, Notes: []string{}}
	areaRows, err := rd.query(ctx, "explain_area_scores", outputs.AreaScores, areaColumns, nil, dsql.Named("partner", opts.Partner))
	if err != nil {
		return nil, fmt.Errorf("explain %s: %w", month, err)
	}
	if len(areaRows) == 0 {
		return nil, rd.unknownPartner(ctx, opts.Partner)
	}
	e.Partner = Partner{ID: opts.Partner, Name: areaRows[0].str("partner_name"), Country: areaRows[0].str("country")}
	changes, changesNote, err := rd.changes(ctx, opts.Partner)
	if err != nil {
		return nil, err
	}
	byArea := map[string]row{}
	for _, r := range areaRows {
		byArea[r.str("solution_area")] = r
	}
	for _, a := range rubricAreas(rb, byArea) {
		r := byArea[a]
		st := AreaStatus{Area: a, Name: areaName(rb, a), Track: r.str("track"), TotalPoints: r.points("total_points"),
			Qualified: r.bool("qualified"), Enrolled: r.bool("enrolled"), Status: r.str("status")}
		if c, ok := changes[a]; ok {
			st.DeltaPoints = c.points("total_delta_points").ptr()
		}
		e.Areas = append(e.Areas, st)
	}
	chosen, why := opts.Area, "--area"
	if chosen == "" {
		chosen, why = defaultArea(e.Areas)
	}
	var status AreaStatus
	for _, a := range e.Areas {
		if a.Area == chosen {
			status = a
		}
	}
	if status.Area == "" {
		return nil, &LookupError{What: "solution area", Given: chosen, Where: "scored for " + opts.Partner + " in " + month.String()}
	}
	if e.Area, err = rd.area(ctx, rb, opts, status, why); err != nil {
		return nil, err
	}
	if c, ok := changes[chosen]; ok {
		e.Area.SinceLastMonth = changeOf(c, opts.Limit)
	} else {
		e.Area.SinceLastMonthNote = changesNote
		if changesNote == "" {
			e.Area.SinceLastMonthNote = fmt.Sprintf("score_changes of %s has no row for %s", month, chosen)
		}
	}
	e.Notes = append(e.Notes, rd.notes...)
	return e, nil
}

// rubricAreas lists the areas in rubric order (rubric.Areas), then any other area of the rows.
func rubricAreas(rb *rubric.Rubric, rows map[string]row) []string {
	var out []string
	for _, a := range rubric.Areas {
		if _, ok := rows[a]; ok {
			out = append(out, a)
		}
	}
	var rest []string
	for a := range rows {
		if !slices.Contains(out, a) {
			rest = append(rest, a)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// areaName is the area's name in the rubric, else its id.
func areaName(rb *rubric.Rubric, a string) string {
	if x := rb.Areas[a]; x != nil && x.Name != "" {
		return x.Name
	}
	return a
}

// defaultArea picks the highest in-progress area; without one, the highest total; areas in rubric
// order on a tie.
func defaultArea(areas []AreaStatus) (string, string) {
	best, why := "", ""
	var top float64
	for _, a := range areas {
		if a.Status == "in_progress" && (best == "" || a.TotalPoints.Float() > top) {
			best, top, why = a.Area, a.TotalPoints.Float(), "the partner's highest in-progress area"
		}
	}
	if best != "" {
		return best, why
	}
	for _, a := range areas {
		if best == "" || a.TotalPoints.Float() > top {
			best, top, why = a.Area, a.TotalPoints.Float(), "no area in progress: the highest total, the first on a tie"
		}
	}
	return best, why
}

// unknownPartner is the error for a partner without rows, naming the nearest partners: those whose
// name contains what was given, then the closest ids.
func (rd *reader) unknownPartner(ctx context.Context, partner string) error {
	path, _, err := rd.path(outputs.AreaScores)
	if err != nil {
		return err
	}
	ids, names, err := rd.partners(ctx, path)
	if err != nil {
		return fmt.Errorf("explain %s: %w", rd.month, err)
	}
	var near []string
	for i, n := range names {
		if partner != "" && len(near) < 3 && strings.Contains(strings.ToLower(n), strings.ToLower(partner)) {
			near = append(near, ids[i])
		}
	}
	for _, id := range nearest(partner, ids, 3) {
		if len(near) < 3 && !slices.Contains(near, id) {
			near = append(near, id)
		}
	}
	for i, id := range near {
		if j := slices.Index(ids, id); names[j] != "" {
			near[i] = id + " " + names[j]
		}
	}
	valid := fmt.Sprintf("%d partners", len(ids))
	if len(ids) > 0 {
		valid += fmt.Sprintf(", %s..%s", ids[0], ids[len(ids)-1])
	}
	return &LookupError{What: "partner", Given: partner, Where: "in " + rd.month.String(), Nearest: near, Valid: valid}
}

// changes reads the partner's score_changes rows of the month, by area; without the table, a note
// says why.
func (rd *reader) changes(ctx context.Context, partner string) (map[string]row, string, error) {
	_, ok, err := rd.path(outputs.ScoreChanges)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		prev := rd.month.Add(-1)
		if published, _ := rd.layout.IsPublished(prev); !published {
			return nil, fmt.Sprintf("No score_changes: the month before, %s, is not published", prev), nil
		}
		return nil, fmt.Sprintf("No score_changes: %s was published without it (before %s was, or by a run that predates the table, "+
			"or %s did not read; see its manifest's warnings)", rd.month, prev, prev), nil
	}
	rows, err := rd.query(ctx, "explain_score_changes", outputs.ScoreChanges, changeColumns, nil, dsql.Named("partner", partner))
	if err != nil {
		return nil, "", fmt.Errorf("explain %s: %w", rd.month, err)
	}
	out := map[string]row{}
	for _, r := range rows {
		out[r.str("solution_area")] = r
	}
	return out, "", nil
}

// area reads the chosen area: metric cards, the other track's total and the recommendations.
func (rd *reader) area(ctx context.Context, rb *rubric.Rubric, opts Options, st AreaStatus, why string) (AreaDetail, error) {
	d := AreaDetail{AreaStatus: st, Chosen: why, QualifyingScore: float64(rb.General.QualifyingScore),
		MaxPoints: float64(rb.General.MaxPointsPerArea), Metrics: []MetricCard{}}
	args := []any{dsql.Named("partner", opts.Partner), dsql.Named("area", st.Area)}
	metrics, err := rd.query(ctx, "explain_metric_scores", outputs.MetricScores, metricColumns, nil, args...)
	if err != nil {
		return d, fmt.Errorf("explain %s: %w", rd.month, err)
	}
	targs := append(args, dsql.Named("track", st.Track))
	customers, cNote, err := rd.optional(ctx, "explain_customers", outputs.CustomerEligibility, customerColumns, targs)
	if err != nil {
		return d, err
	}
	people, pNote, err := rd.optional(ctx, "explain_people", outputs.SkillingEligibility, personColumns, targs)
	if err != nil {
		return d, err
	}
	var other *TrackTotal
	for _, mname := range rubric.Metrics {
		for _, r := range metrics {
			if r.str("metric") != mname {
				continue
			}
			if r.str("track") != st.Track {
				if other == nil {
					other = &TrackTotal{Track: r.str("track"), TotalPoints: "0.00"}
				}
				other.TotalPoints = addPoints(other.TotalPoints, r.points("points"))
				continue
			}
			d.Metrics = append(d.Metrics, card(rb, st, r, customers, people, cNote, pNote, opts.Limit))
		}
	}
	if other != nil {
		other.Qualified = otherQualifies(rb, metrics, other)
		d.OtherTrack = other
	}
	recs, note, err := rd.recommendations(ctx, opts.Partner, st.Area, st.Track)
	if err != nil {
		return d, fmt.Errorf("explain %s: %w", rd.month, err)
	}
	d.Recommendations, d.RecommendationsNote = recs, note
	if recs == nil {
		d.Recommendations = []Recommendation{}
	}
	return d, nil
}

// optional reads an eligibility table's rows, or returns a note when the month has no such file.
func (rd *reader) optional(ctx context.Context, name, table string, cols []string, args []any) ([]row, string, error) {
	rows, err := rd.query(ctx, name, table, cols, nil, args...)
	if errors.Is(err, fs.ErrNotExist) {
		note := fmt.Sprintf("%s was published without %s (before schema version 3), so its rows are not listed", rd.month, table)
		rd.note(note)
		return nil, note, nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("explain %s: %w", rd.month, err)
	}
	return rows, "", nil
}

// otherQualifies says whether the other track qualifies: its total reaches the qualifying score and
// every metric has points.
func otherQualifies(rb *rubric.Rubric, metrics []row, other *TrackTotal) bool {
	if other.TotalPoints.Float() < float64(rb.General.QualifyingScore) {
		return false
	}
	for _, r := range metrics {
		if r.str("track") == other.Track && r.points("points").Float() <= 0 {
			return false
		}
	}
	return true
}

// addPoints adds two exact two-decimal amounts.
func addPoints(a, b Points) Points {
	cents := func(p Points) int64 {
		s := string(p)
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		whole, frac, _ := strings.Cut(s, ".")
		frac = (frac + "00")[:2]
		var n int64
		for _, c := range whole + frac {
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return n
	}
	n := cents(a) + cents(b)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return Points(fmt.Sprintf("%s%d.%02d", sign, n/100, n%100))
}

// card builds one metric card.
func card(rb *rubric.Rubric, st AreaStatus, r row, customers, people []row, cNote, pNote string, limit int) MetricCard {
	name := r.str("metric")
	m := rb.Areas[st.Area].Tracks[st.Track].Metrics[name]
	c := MetricCard{Metric: name, Label: metricLabel(name), Category: strings.ReplaceAll(r.str("category"), "_", " "),
		Value: r.float("value"), Threshold: r.float("threshold"), Points: r.points("points"), MaxPoints: r.points("max_points"),
		DetailJSON: []byte(firstOf(r.str("detail"), "{}")), Contributing: List{Rows: []Item{}}, PullingDown: List{Rows: []Item{}},
		NotAdding: List{Rows: []Item{}}}
	if m != nil {
		c.Rule = m.Rule
		c.Criterion = criterion(rb, st.Area, m, name)
	}
	c.Detail = detailWords(r.str("detail"), m)
	if c.Detail == nil {
		c.Detail = []string{}
	}
	// Largest contribution first; people by step, customers as read (part, tenant, workload).
	byContribution := func(rows []row) []row {
		out := slices.Clone(rows)
		sort.SliceStable(out, func(i, j int) bool {
			ci, cj := out[i].num("contribution"), out[j].num("contribution")
			if ci != cj {
				return ci > cj
			}
			return out[i].num("step") < out[j].num("step")
		})
		return out
	}
	if rubric.Categories[name] == "skilling" {
		c.RowsNote = pNote
		for _, p := range byContribution(people) {
			if p.str("metric") == name {
				addItem(&c, personItem(p), limit)
			}
		}
	} else {
		c.RowsNote = cNote
		var down []row
		for _, x := range byContribution(customers) {
			if x.str("metric") != name {
				continue
			}
			if x.num("contribution") < 0 {
				down = append(down, x)
				continue
			}
			addItem(&c, customerItem(x), limit)
		}
		// The largest losses first.
		sort.SliceStable(down, func(i, j int) bool { return down[i].num("contribution") < down[j].num("contribution") })
		for _, x := range down {
			addItem(&c, customerItem(x), limit)
		}
	}
	return c
}

// addItem puts an item in the card's list for its contribution, keeping at most limit rows each.
func addItem(c *MetricCard, it Item, limit int) {
	l := &c.NotAdding
	switch {
	case it.Contribution > 0:
		l = &c.Contributing
	case it.Contribution < 0:
		l = &c.PullingDown
	}
	if len(l.Rows) < limit {
		l.Rows = append(l.Rows, it)
	} else {
		l.More++
	}
}

func customerItem(x row) Item {
	return Item{TenantID: x.str("tenant_id"), Workload: x.str("workload"), Part: x.str("part"), Contribution: x.num("contribution"),
		NowAmount: x.float("now_amount"), BaseAmount: x.float("base_amount"), Reason: firstOf(x.str("reason_now"), x.str("reason_base")),
		Text: customerText(x)}
}

func personItem(p row) Item {
	return Item{PersonID: p.str("person_id"), Certification: p.str("certification"), Step: atoiPtr(p.str("step")),
		EarnedOn: p.str("earned_on"), CountsUntil: p.str("counts_until"), Contribution: p.num("contribution"), Reason: p.str("reason"),
		Text: personText(p)}
}
