package report

import (
	"context"
	dsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	sqlfiles "github.com/capscore/capscore/sql"
)

// Defaults of Options.
const (
	// DefaultMonths is how many published months the trend charts cover.
	DefaultMonths = 12
	// DefaultLimit caps each list on the page.
	DefaultLimit = 25
	// Threshold is the total a partner-area needs to qualify (with every metric above zero).
	Threshold = 70.0
	// NearPoints is how far below Threshold a partner-area still counts as close to qualifying.
	NearPoints = 10.0
)

// ErrNotPublished means the requested month has no manifest under OUT/_manifests.
var ErrNotPublished = errors.New("month not published")

// Options say which month to show and how much.
type Options struct {
	// Out is the output root the months were published to.
	Out string
	// Month is the month to show; zero means the latest published month.
	Month pipeline.Month
	// Months is how many published months the trends cover, this month included (default 12).
	Months int
	// Limit caps each list (default 25); the page says how many were left out.
	Limit int
	// Now stamps the page; nil means time.Now.
	Now func() time.Time
	// Log receives DuckDB statement timings; nil means no logging.
	Log *zap.Logger
}

func (o Options) withDefaults() Options {
	if o.Months <= 0 {
		o.Months = DefaultMonths
	}
	if o.Limit <= 0 {
		o.Limit = DefaultLimit
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	return o
}

// Load reads the published files of one month (and the months before it for the trends) and
// returns the page model. It reads only published months: months with a manifest.
func Load(ctx context.Context, opts Options) (*Page, error) {
	opts = opts.withDefaults()
	l := pipeline.NewLayout(opts.Out)
	months, err := l.PublishedMonths()
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", opts.Out, err)
	}
	if len(months) == 0 {
		return nil, fmt.Errorf("report %s: %w: no month has a manifest in %s", opts.Out, ErrNotPublished, filepath.Dir(l.ManifestPath(pipeline.Month{})))
	}
	month := opts.Month
	if month.IsZero() {
		month = months[len(months)-1]
	}
	idx := slices.IndexFunc(months, func(m pipeline.Month) bool { return m == month })
	if idx < 0 {
		return nil, fmt.Errorf("report %s: %w: %s has no manifest (published: %s)", opts.Out, ErrNotPublished, month, monthList(months))
	}
	trend := months[max(0, idx-opts.Months+1) : idx+1]

	man, stages, err := readManifest(l.ManifestPath(month))
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", month, err)
	}
	db, err := duck.Open(ctx, "", duck.Settings{Threads: 2, MemoryLimit: "2GB"}, opts.Log)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", month, err)
	}
	defer db.Close()
	ld := &loader{db: db, l: l, limit: opts.Limit}

	p := &Page{Month: month.String(), Generated: opts.Now().UTC(), Threshold: Threshold, NearPoints: NearPoints}
	p.Facts = facts(man, stages)
	p.Freshness = freshness(opts.Out, man, month)
	if err := ld.areas(ctx, p, trend); err != nil {
		return nil, fmt.Errorf("report %s: %w", month, err)
	}
	if err := ld.near(ctx, p, month); err != nil {
		return nil, fmt.Errorf("report %s: %w", month, err)
	}
	var prev *pipeline.Month
	if idx > 0 {
		prev = &months[idx-1]
	}
	if err := ld.movers(ctx, p, month, prev); err != nil {
		return nil, fmt.Errorf("report %s: %w", month, err)
	}
	if err := ld.rejects(ctx, p, month); err != nil {
		return nil, fmt.Errorf("report %s: %w", month, err)
	}
	return p, nil
}

func monthList(ms []pipeline.Month) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.String()
	}
	return strings.Join(s, ", ")
}

// manifestFile is a manifest as published, plus the stage durations a newer run may record.
type manifestFile struct {
	pipeline.Manifest
	Stages json.RawMessage `json:"stages"`
}

// readManifest reads a month's manifest and its stage durations, when it records them either as a
// list of {"name"|"stage", "duration_seconds"|"seconds"} or as a map of name to seconds.
func readManifest(path string) (pipeline.Manifest, []StageDuration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return pipeline.Manifest{}, nil, fmt.Errorf("manifest: %w", err)
	}
	var mf manifestFile
	if err := json.Unmarshal(b, &mf); err != nil {
		return pipeline.Manifest{}, nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	var stages []StageDuration
	var list []struct {
		Name            string   `json:"name"`
		Stage           string   `json:"stage"`
		DurationSeconds *float64 `json:"duration_seconds"`
		Seconds         *float64 `json:"seconds"`
	}
	var byName map[string]float64
	switch {
	case len(mf.Stages) == 0:
	case json.Unmarshal(mf.Stages, &list) == nil:
		for _, s := range list {
			d := StageDuration{Name: s.Name}
			if d.Name == "" {
				d.Name = s.Stage
			}
			switch {
			case s.DurationSeconds != nil:
				d.Seconds = *s.DurationSeconds
			case s.Seconds != nil:
				d.Seconds = *s.Seconds
			}
			stages = append(stages, d)
		}
	case json.Unmarshal(mf.Stages, &byName) == nil:
		for n, s := range byName {
			stages = append(stages, StageDuration{Name: n, Seconds: s})
		}
		slices.SortFunc(stages, func(a, b StageDuration) int { return strings.Compare(a.Name, b.Name) })
	}
	return mf.Manifest, stages, nil
}

func facts(m pipeline.Manifest, stages []StageDuration) Facts {
	f := Facts{RunID: m.RunID, AsOf: m.AsOf, RubricID: m.RubricID, RubricSHA256: m.RubricSHA256,
		CodeVersion: m.CodeVersion, Started: m.Started, Finished: m.Finished, Inputs: m.Inputs,
		Outputs: m.Outputs, Warnings: m.Warnings, Checks: m.Checks, Stages: stages}
	for _, t := range m.Inputs {
		f.RowsRead += t.Read
	}
	return f
}

// freshness takes the publication time from the ledger's published record of the manifest's run
// (else the manifest's finish time) and the latest failed or canceled run that ended after it.
func freshness(out string, m pipeline.Manifest, month pipeline.Month) Freshness {
	f := Freshness{AsOf: m.AsOf, Published: m.Finished}
	recs, err := pipeline.OpenLedger(out).Records()
	if err != nil {
		return f
	}
	for _, r := range recs {
		if r.RunID == m.RunID && r.Status == pipeline.StatusPublished && r.Month == month.String() && !r.Finished.IsZero() {
			f.Published = r.Finished
		}
	}
	for _, r := range recs {
		if (r.Status == pipeline.StatusFailed || r.Status == pipeline.StatusCanceled) && r.Finished.After(f.Published) {
			if f.LastFailure == nil || !r.Finished.Before(f.LastFailure.Finished) {
				r := r
				f.LastFailure = &r
			}
		}
	}
	return f
}

// loader runs the report's queries on one DuckDB database.
type loader struct {
	db    *duck.DB
	l     pipeline.Layout
	limit int
}

// path returns a published file as a quoted SQL literal, or an error naming it when it is missing.
func (ld *loader) path(table string, m pipeline.Month) (string, error) {
	p := ld.l.TableFile(table, m)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s of %s: %w", table, m, err)
	}
	if err := duck.CheckPath(p); err != nil {
		return "", fmt.Errorf("%s of %s: %w", table, m, err)
	}
	return duck.QuotePath(p), nil
}

func (ld *loader) query(ctx context.Context, name string, vars map[string]string, args []any, scan func(*dsql.Rows) error) error {
	rows, err := ld.db.Query(ctx, name, sqlfiles.Render(name, vars), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

type areaTrack struct{ area, track string }

// areas fills the overall and per-area trends over the trend months and the month's histograms.
func (ld *loader) areas(ctx context.Context, p *Page, trend []pipeline.Month) error {
	month := trend[len(trend)-1]
	qualified := make([]map[areaTrack]int64, len(trend))
	hasRows := make([]map[string]bool, len(trend))
	unreadable := make([]string, len(trend))
	partners, notStarted := map[string]int64{}, map[string]int64{}
	areaSet := map[string]bool{}
	for i, m := range trend {
		qualified[i], hasRows[i] = map[areaTrack]int64{}, map[string]bool{}
		path, err := ld.path(tableAreaScores, m)
		if err == nil {
			err = ld.query(ctx, "report_qualified", map[string]string{"area_scores": path}, nil, func(r *dsql.Rows) error {
				var at areaTrack
				var n, q, z int64
				if err := r.Scan(&at.area, &at.track, &n, &q, &z); err != nil {
					return err
				}
				qualified[i][at] += q
				hasRows[i][at.area] = true
				if m == month {
					areaSet[at.area] = true
					partners[at.area] += n
					notStarted[at.area] += z
					p.PartnerAreas += n
					p.Qualified += q
				}
				return nil
			})
		}
		if err != nil {
			if m == month {
				return err
			}
			unreadable[i] = err.Error()
			p.Notes = append(p.Notes, fmt.Sprintf("The trend leaves out %s: %v.", m, err))
		}
	}
	ids := make([]string, 0, len(areaSet))
	for a := range areaSet {
		ids = append(ids, a)
	}
	sortAreas(ids)

	bins := map[string][]Bin{}
	for _, a := range ids {
		bs := make([]Bin, 10)
		for k := range bs {
			bs[k] = Bin{From: float64(10 * k), To: float64(10 * (k + 1))}
		}
		bins[a] = bs
	}
	path, err := ld.path(tableAreaScores, month)
	if err != nil {
		return err
	}
	err = ld.query(ctx, "report_histogram", map[string]string{"area_scores": path}, nil, func(r *dsql.Rows) error {
		var a string
		var band int
		var n int64
		if err := r.Scan(&a, &band, &n); err != nil {
			return err
		}
		if band < 0 || band > 9 || bins[a] == nil {
			return fmt.Errorf("total points outside 0..100 in area %q (band %d)", a, band)
		}
		bins[a][band].Count += n
		return nil
	})
	if err != nil {
		return err
	}

	for _, m := range trend {
		p.TrendMonths = append(p.TrendMonths, m.String())
	}
	build := func(match func(string) bool) AreaTrend {
		var at AreaTrend
		for i := range trend {
			has := false
			for a := range hasRows[i] {
				has = has || match(a)
			}
			at.Months = append(at.Months, TrendMonth{Month: trend[i].String(), HasRows: has, Unreadable: unreadable[i]})
		}
		for _, tr := range trackOrder {
			s := TrackSeries{Track: tr}
			for i := range trend {
				var n int64
				for k, v := range qualified[i] {
					if k.track == tr && match(k.area) {
						n += v
					}
				}
				s.Counts = append(s.Counts, n)
			}
			at.Tracks = append(at.Tracks, s)
		}
		return at
	}
	p.Overall = build(func(string) bool { return true })
	p.Overall.Trend = lineChart("all areas", p.TrendMonths, p.Overall.Tracks)
	for _, a := range ids {
		ar := Area{ID: a, Label: areaLabel(a), AreaTrend: build(func(x string) bool { return x == a }),
			Partners: partners[a], NotStarted: notStarted[a], Bins: bins[a]}
		ar.Trend = lineChart(ar.Label, p.TrendMonths, ar.Tracks)
		ar.Histogram = histogram(ar.Label, ar.Bins, Threshold)
		p.Areas = append(p.Areas, ar)
	}
	return nil
}

// near lists the partner-areas close to qualifying, with their top path_to_qualify action when the
// month's recommendations carry one.
func (ld *loader) near(ctx context.Context, p *Page, month pipeline.Month) error {
	if err := ld.pathActions(ctx, p, month); err != nil {
		return err
	}
	path, err := ld.path(tableAreaScores, month)
	if err != nil {
		return err
	}
	args := []any{dsql.Named("threshold", Threshold), dsql.Named("near", NearPoints), dsql.Named("limit", ld.limit)}
	return ld.query(ctx, "report_near", map[string]string{"area_scores": path}, args, func(r *dsql.Rows) error {
		var n NearRow
		if err := r.Scan(&n.PartnerID, &n.Area, &n.Track, &n.Status, &n.Total, &n.AllMetricsPositive, &n.Action, &n.Stake, &p.Near.Total); err != nil {
			return err
		}
		n.AreaLabel = areaLabel(n.Area)
		n.Gap = max(0, Threshold-n.Total)
		p.Near.Rows = append(p.Near.Rows, n)
		return nil
	})
}

// pathActions creates the view report_path_actions from the month's recommendations: the action
// column when the file has one (else message), ranked by priority when the file has it, with
// points_at_stake when the file has it (schema version 5).
func (ld *loader) pathActions(ctx context.Context, p *Page, month pipeline.Month) error {
	empty := func() error { return ld.db.ExecFile(ctx, "report_no_path_actions") }
	path, err := ld.path(tableRecommendations, month)
	if errors.Is(err, fs.ErrNotExist) {
		p.Notes = append(p.Notes, fmt.Sprintf("The month has no recommendations file (%s), so no path to qualify is shown.", ld.l.TableFile(tableRecommendations, month)))
		return empty()
	}
	if err != nil {
		return err
	}
	cols := map[string]bool{}
	err = ld.query(ctx, "report_columns", map[string]string{"path": path}, nil, func(r *dsql.Rows) error {
		var c string
		err := r.Scan(&c)
		cols[c] = true
		return err
	})
	if err != nil {
		return err
	}
	if !cols["kind"] || !cols["partner_id"] || !cols["solution_area"] || !cols["track"] {
		return empty()
	}
	action := "message"
	if cols["action"] {
		action = "action"
	} else if !cols["message"] {
		return empty()
	}
	order := action
	if cols["priority"] {
		order = "priority, " + action
	}
	stake := "NULL"
	if cols["points_at_stake"] {
		stake = "points_at_stake"
	}
	if err := ld.db.Exec(ctx, "report_path_actions", sqlfiles.Render("report_path_actions",
		map[string]string{"recommendations": path, "action": action, "stake": stake, "order": order})); err != nil {
		return err
	}
	n, err := ld.db.Count(ctx, "SELECT count(*) FROM report_path_actions")
	p.HasPathActions = n > 0
	return err
}

// movers lists the qualification changes against the previous published month.
func (ld *loader) movers(ctx context.Context, p *Page, month pipeline.Month, prev *pipeline.Month) error {
	if prev == nil {
		p.Notes = append(p.Notes, "No month was published before this one, so gained and lost qualification are not shown.")
		return nil
	}
	p.Movers.Since = prev.String()
	cur, err := ld.path(tableAreaScores, month)
	if err != nil {
		return err
	}
	before, err := ld.path(tableAreaScores, *prev)
	if err != nil {
		p.Movers.Since = ""
		p.Notes = append(p.Notes, fmt.Sprintf("Gained and lost qualification are not shown: %v.", err))
		return nil
	}
	if _, err := os.Stat(ld.l.TableFile(tableScoreChanges, month)); err == nil {
		p.Notes = append(p.Notes, fmt.Sprintf("Gained and lost are computed from area_scores of %s and %s; the score_changes table of the month (%s) has the per-metric deltas and drivers behind each change.",
			prev, month, ld.l.TableFile(tableScoreChanges, month)))
	}
	args := []any{dsql.Named("limit", ld.limit)}
	return ld.query(ctx, "report_movers", map[string]string{"current": cur, "previous": before}, args, func(r *dsql.Rows) error {
		var change string
		var m MoverRow
		var prevT, curT dsql.NullFloat64
		var n int64
		if err := r.Scan(&change, &m.PartnerID, &m.Area, &m.Track, &prevT, &curT, &n); err != nil {
			return err
		}
		m.AreaLabel = areaLabel(m.Area)
		if prevT.Valid {
			m.Previous = &prevT.Float64
		}
		if curT.Valid {
			m.Current = &curT.Float64
		}
		list := &p.Movers.Lost
		if change == "gained" {
			list = &p.Movers.Gained
		}
		list.Rows, list.Total = append(list.Rows, m), n
		return nil
	})
}

// rejects groups the month's rejected rows by table and reason.
func (ld *loader) rejects(ctx context.Context, p *Page, month pipeline.Month) error {
	path, err := ld.path(tableRejects, month)
	if errors.Is(err, fs.ErrNotExist) {
		p.Notes = append(p.Notes, fmt.Sprintf("The month has no rejects file (%s).", ld.l.TableFile(tableRejects, month)))
		return nil
	}
	if err != nil {
		return err
	}
	return ld.query(ctx, "report_rejects", map[string]string{"rejects": path}, nil, func(r *dsql.Rows) error {
		var row RejectRow
		if err := r.Scan(&row.Table, &row.Reason, &row.Count, &row.Example); err != nil {
			return err
		}
		p.Rejects.Total += row.Count
		p.Rejects.Rows.Total++
		if len(p.Rejects.Rows.Rows) < ld.limit {
			p.Rejects.Rows.Rows = append(p.Rejects.Rows.Rows, row)
		}
		return nil
	})
}
