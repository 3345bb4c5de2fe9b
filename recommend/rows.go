package recommend

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/sql"
	"github.com/capscore/capscore/whatif"
)

// Kinds of rows the planner writes.
const (
	KindPath     = "path_to_qualify"
	KindNoPath   = "no_path"
	KindExpiring = "certification_expiring"
)

// Row is one row of recommend_plan.
type Row struct {
	PartnerKey    int32
	PartnerID     string
	Area          string
	Track         string
	Kind          string
	Metric        string
	Ord           int
	PointsAtStake *float64
	Action        string
	Detail        string
}

// StepDetail is the detail of a path_to_qualify row: the translator's step (package whatif turns it
// into input rows), so the two cannot drift apart.
type StepDetail = whatif.Step

// Stats counts what Rows did.
type Stats struct {
	Areas, Planned, Paths, NoPaths, Expiring int
	// Mismatched counts areas whose re-scored state did not give the published total; they get no
	// plan (a planner that cannot reproduce the score cannot promise points).
	Mismatched int
}

// Rows plans every area and returns the planner's rows: the path (or why there is none) for every
// area that does not qualify, and the points each expiring certification takes with it. Areas are
// planned in parallel (workers goroutines, at least one); the rows come out in area order.
func Rows(areas []*Area, qualifying float64, workers int) ([]Row, Stats) {
	per := make([][]Row, len(areas))
	stats := make([]Stats, len(areas))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < max(workers, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				per[i], stats[i] = areas[i].rows(qualifying)
			}
		}()
	}
	for i := range areas {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []Row
	var st Stats
	for i := range areas {
		out = append(out, per[i]...)
		st.add(stats[i])
	}
	return out, st
}

func (s *Stats) add(o Stats) {
	s.Areas += o.Areas
	s.Planned += o.Planned
	s.Paths += o.Paths
	s.NoPaths += o.NoPaths
	s.Expiring += o.Expiring
	s.Mismatched += o.Mismatched
}

// rows plans one area.
func (a *Area) rows(qualifying float64) ([]Row, Stats) {
	var out []Row
	st := Stats{Areas: 1}
	base := a.Rescore(Change{}, qualifying)
	if math.Abs(base.Total()-a.Total) > 0.005 || base.Selected != a.Selected {
		st.Mismatched++
		return nil, st
	}
	if !done(base) {
		st.Planned++
		p := a.Plan(qualifying)
		if p.NoPath != "" {
			st.NoPaths++
			out = append(out, a.noPathRow(p, base))
		} else {
			st.Paths++
			out = append(out, a.pathRows(p)...)
		}
	}
	for i, e := range a.Expiring {
		st.Expiring++
		out = append(out, a.expiringRow(e, i+1, qualifying))
	}
	return out, st
}

func ptr(f float64) *float64 { return &f }

func (a *Area) row(kind, track, metric string, ord int, pts *float64, action string, detail any) Row {
	b, _ := json.Marshal(detail)
	return Row{PartnerKey: a.PartnerKey, PartnerID: a.PartnerID, Area: a.Area, Track: track, Kind: kind,
		Metric: metric, Ord: ord, PointsAtStake: pts, Action: action, Detail: string(b)}
}

// pathRows are the plan's steps, on the area's selected track (the track the row is listed under);
// each step names the track the area has after it.
func (a *Area) pathRows(p Plan) []Row {
	var out []Row
	for i, s := range p.Steps {
		d := StepDetail{Step: i + 1, Steps: len(p.Steps), Lever: s.Lever, Count: s.Count, PointsAdded: s.Points,
			TotalAfter: s.Total, Track: s.Track, ChangesTrack: s.ChangesTrack}
		metric := ""
		switch s.Lever {
		case LeverCertify:
			d.Certification, d.Certifications = s.Codes[0], s.Codes
			metric = a.certMetric(s.Steps)
		case LeverAddCustomers:
			if b := a.BizApps; b != nil {
				d.RevenueUSD, d.Segment, d.AssociationType, d.Workload = a.metric(a.Selected, "net_customer_adds").revenueFloor, b.Segment, b.NcaAssociationType, b.NcaWorkload
				metric = "net_customer_adds"
				break
			}
			if mw := a.ModernWork; mw != nil {
				d.PaidLicenses, d.Segment, d.AssociationType, d.Workload = a.customerLicenses(), a.Selected, mw.AssociationType, mw.Workload
				metric = "net_customer_adds"
				break
			}
			if sec := a.Security; sec != nil {
				d.ACRUSD, d.Segment, d.AssociationType, d.Service = a.customerACR(), a.Selected, sec.AssociationType, sec.Service
				metric = "net_customer_adds"
				break
			}
			d.ACRUSD, d.Segment, d.AssociationType, d.Service = a.floor(), a.Azure.Segment, a.Azure.AssociationType, a.Azure.NeutralService
			metric = "net_customer_adds"
		case LeverGrowUsage:
			if mw := a.ModernWork; mw != nil {
				d.TenantID, d.Workload, d.ActiveUsers = mw.Grow.ID, mw.ActivationWorkload, int(s.USD)
				metric = "usage_growth"
				break
			}
			d.USD, d.TenantID, d.Service = s.USD, a.Azure.Tenant, a.Azure.NeutralService
			metric = "usage_growth"
		case LeverDeploy:
			if mw := a.ModernWork; mw != nil {
				d.Workload = mw.ActivationWorkload
				for _, t := range mw.Tenants[:s.Count] {
					d.Tenants = append(d.Tenants, whatif.TenantUsers{TenantID: t.ID, ActiveUsers: t.Users})
				}
				metric = "deployments"
				break
			}
			if b := a.BizApps; b != nil {
				d.Segment, d.AssociationType, d.Workload = b.Segment, b.DeployAssociationType, b.DeployWorkload
				d.ActiveUsers = b.deployUsers(a.metric(a.Selected, "deployments").mcvFloor)
				metric = "deployments"
				break
			}
			d.ACRUSD, d.Services, d.TenantID = DeployACR, a.Azure.NewServices[:s.Count], a.Azure.Tenant
			if a.Azure.Tenant == "" {
				d.Segment, d.AssociationType = a.Azure.Segment, a.Azure.AssociationType
			}
			metric = "deployments"
		}
		out = append(out, a.row(KindPath, a.Selected, metric, i+1, ptr(s.Points), a.actionText(s, d), d))
	}
	return out
}

// certMetric is the metric a certify step serves, on the selected track when it serves one there.
func (a *Area) certMetric(refs []StepRef) string {
	for _, r := range refs {
		if r.Track == a.Selected {
			return r.Metric
		}
	}
	return refs[0].Metric
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// usd formats whole dollars with thousands separators.
func usd(x float64) string {
	s := fmt.Sprintf("%.0f", math.Ceil(x))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// oneOf lists certification codes: all of them up to five, else the first four and how many more.
func oneOf(codes []string) string {
	if len(codes) == 1 {
		return codes[0]
	}
	if len(codes) <= 5 {
		return "one of " + strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1]
	}
	return fmt.Sprintf("one of %s or %d more", strings.Join(codes[:4], ", "), len(codes)-4)
}

func (a *Area) actionText(s Action, d StepDetail) string {
	var t string
	switch s.Lever {
	case LeverCertify:
		t = fmt.Sprintf("Certify %s in %s", plural(s.Count, "more person", "more people"), oneOf(s.Codes))
	case LeverAddCustomers:
		if d.PaidLicenses > 0 {
			t = fmt.Sprintf("Add %s with %s paid licences of a Modern Work workload in the month (for example %s)",
				plural(s.Count, "net customer", "net customers"), a.licenceText(), d.Workload)
			break
		}
		if d.Workload != "" {
			t = fmt.Sprintf("Add %s with at least %s USD revenue in the month (for example in %s)",
				plural(s.Count, "net customer", "net customers"), usd(d.RevenueUSD), d.Workload)
			break
		}
		if a.Security != nil {
			t = fmt.Sprintf("Add %s with at least %s USD ACR on security services in the month (for example %s)",
				plural(s.Count, "net customer", "net customers"), usd(d.ACRUSD), d.Service)
			break
		}
		t = fmt.Sprintf("Add %s with at least %s USD ACR in a month", plural(s.Count, "net customer", "net customers"), usd(d.ACRUSD))
	case LeverGrowUsage:
		if d.Workload != "" {
			t = fmt.Sprintf("Grow monthly active users by %s (for example on tenant %s)", usd(float64(d.ActiveUsers)), d.TenantID)
			break
		}
		t = fmt.Sprintf("Grow usage by %s USD ACR in the month (for example on tenant %s)", usd(s.USD), d.TenantID)
	case LeverDeploy:
		if len(d.Tenants) > 0 {
			t = fmt.Sprintf("Raise active users on %s to the deployment share of their paid licences (%s)",
				plural(s.Count, "customer", "customers"), tenantUsersText(d.Tenants))
			break
		}
		if d.Workload != "" {
			t = fmt.Sprintf("Deploy %s at the MCV floor (for example %s with %d active users each)",
				plural(s.Count, "more customer workload", "more customer workloads"), d.Workload, d.ActiveUsers)
			break
		}
		t = fmt.Sprintf("Deploy %s (for example %s)", plural(s.Count, "more eligible service", "more eligible services"),
			strings.Join(d.Services, ", "))
	}
	if s.Lever == LeverCertify && s.Points == 0 {
		t += fmt.Sprintf(": no points by itself, it holds a step the next ones need (%.2f in all)", s.Total)
	} else {
		t += fmt.Sprintf(": %+.2f points, %.2f in all", s.Points, s.Total)
	}
	if s.ChangesTrack {
		t += fmt.Sprintf("; this moves the area to the %s track", s.Track)
	}
	return t
}

// tenantUsersText lists the customers of an activation step and their users: all of them up to
// three, else the first three and how many more.
func tenantUsersText(ts []whatif.TenantUsers) string {
	var parts []string
	for i, t := range ts {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(ts)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s: %s", t.TenantID, plural(t.ActiveUsers, "more user", "more users")))
	}
	return strings.Join(parts, ", ")
}

// licenceText says how many paid licences a new Modern Work customer of the selected track needs:
// "more than 300", "11 to 300".
func (a *Area) licenceText() string {
	m := a.metric(a.Selected, "net_customer_adds")
	if m == nil || m.lic.lo == nil {
		return "enough"
	}
	b := m.lic
	if b.hi == nil {
		if b.loExcl {
			return "more than " + usd(*b.lo)
		}
		return "at least " + usd(*b.lo)
	}
	return usd(b.least()) + " to " + usd(*b.hi)
}

// noPathRow says why no path was found.
func (a *Area) noPathRow(p Plan, base Score) Row {
	action := fmt.Sprintf("No path to %s found: %s", "qualify", p.NoPath)
	if len(p.Blocking) > 0 {
		action += " (" + strings.Join(p.Blocking, ", ") + ")"
	} else {
		action += fmt.Sprintf(" (%.2f points short)", p.Short)
	}
	metric := ""
	if len(p.Blocking) > 0 {
		metric = p.Blocking[0]
	}
	return a.row(KindNoPath, a.Selected, metric, 1, nil, action, map[string]any{
		"reason": p.NoPath, "blocking_metrics": p.Blocking, "points_short": p.Short,
		"total": base.Total()})
}

// expiringRow is a certification about to stop counting with the points the area loses then.
func (a *Area) expiringRow(e *Expiring, ord int, qualifying float64) Row {
	lost, after := a.PointsLost(e, qualifying)
	metric := ""
	if len(e.Drops) > 0 {
		metric = a.certMetric(e.Drops)
	}
	action := fmt.Sprintf("Renew %s of person %s before %s, when it stops counting", e.Certification, e.PersonID, e.StopsCounting)
	if lost > 0 {
		action += fmt.Sprintf(": the area would lose %.2f points", lost)
	} else {
		action += ": the area loses no points without it today"
	}
	return a.row(KindExpiring, a.Selected, metric, ord, ptr(lost), action, map[string]any{
		"person_id": e.PersonID, "certification": e.Certification, "earned_on": e.EarnedOn,
		"stops_counting": e.StopsCounting, "points_lost": lost, "total_after": after})
}

// BatchPartners is how many partner keys the planner loads, plans and writes at a time: its memory
// is that of one batch, not of the program (a large program has hundreds of thousands of areas).
// The planner holds about 65 KiB per partner (small, 5,000 partners in one batch: 332 MiB of Go
// memory at the peak), which sits on top of DuckDB's memory_limit; a smaller batch costs one more
// pass over the state tables per batch. At 2,500 the planner's peak is about 0.2 GiB. A variable
// only so that a test can plan the demo in batches of two partners and find the same rows.
var BatchPartners int64 = 2500

// Write plans the areas of every partner in the state tables, a batch of partners at a time, and
// appends the rows to recommend_plan. progress, when not nil, is called after each batch with the
// partner keys done and in all.
func Write(ctx context.Context, db *duck.DB, qualifying float64, workers int, progress func(done, all int64)) (Stats, error) {
	var st Stats
	var first, last int64
	if err := db.QueryRow(ctx, "recommend_partner_keys", sqlfiles.Text("recommend_partner_keys")).Scan(&first, &last); err != nil {
		return st, err
	}
	for lo := first; lo <= last; lo += BatchPartners {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		hi := min(lo+BatchPartners-1, last)
		areas, err := Load(ctx, db, lo, hi)
		if err != nil {
			return st, err
		}
		rows, bst := Rows(areas, qualifying, workers)
		st.add(bst)
		if err := Insert(ctx, db, rows); err != nil {
			return st, err
		}
		if progress != nil {
			progress(hi-first+1, last-first+1)
		}
	}
	return st, nil
}

// Insert appends the rows to recommend_plan through DuckDB's appender (no statement text: every
// value is data).
func Insert(ctx context.Context, db *duck.DB, rows []Row) error {
	return db.Append(ctx, "recommend_plan", func(add func(values ...driver.Value) error) error {
		for _, r := range rows {
			var pts driver.Value
			if r.PointsAtStake != nil {
				pts = *r.PointsAtStake
			}
			if err := add(r.PartnerKey, r.PartnerID, r.Area, r.Track, r.Kind, r.Metric, int32(r.Ord), pts,
				r.Action, r.Detail); err != nil {
				return err
			}
		}
		return nil
	})
}
