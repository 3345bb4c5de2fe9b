package main

import (
	"context"
	dsql "database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/rubric"
	"github.com/capscore/capscore/sql"
	"github.com/capscore/capscore/whatif"
)

// simScore is one area's scores, before (published) or after (simulated).
type simScore struct {
	Track             string `json:"track"`
	TotalPoints       string `json:"total_points"`
	Qualified         bool   `json:"qualified"`
	QualifiedInWindow bool   `json:"qualified_in_window"`
	Status            string `json:"status"`
	// Metrics are the points of the selected track's metrics, in rubric order.
	Metrics []simMetric `json:"metrics"`
}

// simMetric is one metric's points.
type simMetric struct {
	Metric    string   `json:"metric"`
	Points    string   `json:"points"`
	MaxPoints string   `json:"max_points"`
	Value     *float64 `json:"value"`
}

// points returns the metric's points ("" when the track has no such metric).
func (s *simScore) points(metric string) string {
	for _, m := range s.Metrics {
		if m.Metric == metric {
			return m.Points
		}
	}
	return ""
}

// sameAs reports whether two scores of an area agree on everything simulate shows.
func (s *simScore) sameAs(o *simScore) bool {
	if s == nil || o == nil {
		return s == o
	}
	return s.Track == o.Track && s.TotalPoints == o.TotalPoints && s.Qualified == o.Qualified &&
		s.QualifiedInWindow == o.QualifiedInWindow && s.Status == o.Status &&
		slices.EqualFunc(s.Metrics, o.Metrics, func(a, b simMetric) bool { return a.Metric == b.Metric && a.Points == b.Points })
}

// readScores reads a partner's area and metric rows from areaFrom and metricFrom (a published
// file's read_parquet or the run's own table) and returns each area's scores and the partner's name.
func readScores(ctx context.Context, db *duck.DB, areaFrom, metricFrom, partner string) (map[string]*simScore, string, error) {
	out := map[string]*simScore{}
	name := ""
	// areaFrom and metricFrom are a fixed table name or a path quoted by duck.QuotePath.
	rows, err := db.Query(ctx, "simulate_area_scores", sqlfiles.Render("simulate_area_scores", map[string]string{"from": areaFrom}),
		dsql.Named("partner", partner))
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var area string
		var pname dsql.NullString
		s := &simScore{Metrics: []simMetric{}}
		if err := rows.Scan(&area, &s.Track, &s.TotalPoints, &s.Qualified, &s.QualifiedInWindow, &s.Status, &pname); err != nil {
			return nil, "", err
		}
		out[area], name = s, pname.String
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	rows.Close()
	mrows, err := db.Query(ctx, "simulate_metric_scores", sqlfiles.Render("simulate_metric_scores", map[string]string{"from": metricFrom}),
		dsql.Named("partner", partner))
	if err != nil {
		return nil, "", err
	}
	defer mrows.Close()
	byArea := map[string][]simMetric{}
	tracks := map[string][]string{}
	for mrows.Next() {
		var area, track string
		var m simMetric
		var v dsql.NullFloat64
		if err := mrows.Scan(&area, &track, &m.Metric, &m.Points, &m.MaxPoints, &v); err != nil {
			return nil, "", err
		}
		if v.Valid {
			m.Value = &v.Float64
		}
		if s := out[area]; s != nil && s.Track == track {
			byArea[area] = append(byArea[area], m)
		}
		tracks[area] = append(tracks[area], track)
	}
	if err := mrows.Err(); err != nil {
		return nil, "", err
	}
	for area, s := range out {
		for _, name := range rubric.Metrics {
			for _, m := range byArea[area] {
				if m.Metric == name {
					s.Metrics = append(s.Metrics, m)
				}
			}
		}
	}
	return out, name, nil
}

// published reads what simulate needs of the published month: the partner's scores, the customer
// more usage goes on, the steps of a path. Its DuckDB reads nothing but OUT.
type published struct {
	db     *duck.DB
	layout pipeline.Layout
	month  pipeline.Month
}

// openPublished opens a reader of month m of OUT.
func openPublished(ctx context.Context, out string, m pipeline.Month, threads int, log *zap.Logger) (*published, error) {
	db, err := duck.Open(ctx, "", duck.Settings{Threads: threads, MemoryLimit: "1GB"}, log)
	if err != nil {
		return nil, err
	}
	if err := db.Lockdown(ctx, out); err != nil {
		db.Close()
		return nil, err
	}
	return &published{db: db, layout: pipeline.NewLayout(out), month: m}, nil
}

// Close closes the reader's database.
func (p *published) Close() { p.db.Close() }

// file is the month's file of a table, quoted for read_parquet.
func (p *published) file(table string) string {
	return duck.QuotePath(p.layout.TableFile(table, p.month))
}

// scores reads the partner's published scores; an unknown partner is a usage error naming how many
// partners the month has.
func (p *published) scores(ctx context.Context, partner string) (map[string]*simScore, string, error) {
	before, name, err := readScores(ctx, p.db, "read_parquet("+p.file(pipeline.TableAreaScores)+")",
		"read_parquet("+p.file(pipeline.TableMetricScores)+")", partner)
	if err != nil {
		return nil, "", fmt.Errorf("simulate: published %s: %w", p.month, err)
	}
	if len(before) > 0 {
		return before, name, nil
	}
	var n int64
	var first, last dsql.NullString
	q := sqlfiles.Render("simulate_partner_ids", map[string]string{"path": p.file(pipeline.TableAreaScores)})
	if err := p.db.QueryRow(ctx, "simulate_partner_ids", q).Scan(&n, &first, &last); err != nil {
		return nil, "", fmt.Errorf("simulate: published %s: %w", p.month, err)
	}
	return nil, "", usagef("partner %q is not in %s as published in %s (%d partners, %s..%s)", partner, p.month, p.layout.Root, n, first.String, last.String)
}

// growthTenant is the customer --grow-usage adds to: of the partner's rows of the area's usage
// growth on the track in the published customer_eligibility, the one counted now with the most
// usage in S, or the tenant named (its row with the most usage); azure picks Azure usage rows (no
// workload), else rows of a workload. It returns the tenant, the workload and the usage in S.
func (p *published) growthTenant(ctx context.Context, partner, area, track string, azure bool, tenant string) (string, string, float64, error) {
	q := sqlfiles.Render("simulate_growth_tenant", map[string]string{"path": p.file("customer_eligibility")})
	var t, w string
	var now float64
	err := p.db.QueryRow(ctx, "simulate_growth_tenant", q, dsql.Named("partner", partner), dsql.Named("area", area),
		dsql.Named("track", track), dsql.Named("azure", azure), dsql.Named("tenant", tenant)).Scan(&t, &w, &now)
	if err == nil {
		return t, w, now, nil
	}
	if !isNoRows(err) {
		return "", "", 0, fmt.Errorf("simulate: published %s customer_eligibility: %w", p.month, err)
	}
	if tenant == "" {
		return "", "", 0, usagef("--grow-usage %s: %s has no customer counted in the usage growth of %s (%s track) in %s; name one with --tenant",
			area, partner, area, track, p.month)
	}
	rows, err := p.db.Query(ctx, "simulate_partner_tenants", sqlfiles.Render("simulate_partner_tenants", map[string]string{"path": p.file("customer_eligibility")}),
		dsql.Named("partner", partner))
	if err != nil {
		return "", "", 0, err
	}
	defer rows.Close()
	var all []string
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			return "", "", 0, err
		}
		all = append(all, x)
	}
	return "", "", 0, usagef("--tenant %s: no row of it in the usage growth of %s (%s track) for %s in %s; %s's customers: %s",
		tenant, area, track, partner, p.month, partner, listOrNone(all))
}

// pathSteps reads the steps of the partner-area's published path to qualify, in order.
func (p *published) pathSteps(ctx context.Context, partner, area string) ([]whatif.Step, error) {
	q := sqlfiles.Render("simulate_path_steps", map[string]string{"path": p.file(pipeline.TableRecommendations)})
	rows, err := p.db.Query(ctx, "simulate_path_steps", q, dsql.Named("partner", partner), dsql.Named("area", area))
	if err != nil {
		return nil, fmt.Errorf("simulate: published %s recommendations: %w", p.month, err)
	}
	defer rows.Close()
	var steps []whatif.Step
	for rows.Next() {
		var detail string
		if err := rows.Scan(&detail); err != nil {
			return nil, err
		}
		s, err := whatif.ParseStep(partner, area, detail)
		if err != nil {
			return nil, err
		}
		steps = append(steps, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(steps) > 0 {
		return steps, nil
	}
	rows.Close()
	arows, err := p.db.Query(ctx, "simulate_path_areas", sqlfiles.Render("simulate_path_areas", map[string]string{"path": p.file(pipeline.TableRecommendations)}),
		dsql.Named("partner", partner))
	if err != nil {
		return nil, err
	}
	defer arows.Close()
	var areas []string
	for arows.Next() {
		var a string
		if err := arows.Scan(&a); err != nil {
			return nil, err
		}
		areas = append(areas, a)
	}
	return nil, usagef("--apply-path %s: %s has no path_to_qualify for %s in %s; areas with one: %s", area, partner, area, p.month, listOrNone(areas))
}

// listOrNone joins items with ", ", or says none.
func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

// isNoRows reports whether err says a query returned no row.
func isNoRows(err error) bool { return err != nil && errors.Is(err, dsql.ErrNoRows) }
