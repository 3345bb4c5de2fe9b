package recommend

import (
	"context"
	dsql "database/sql"
	"encoding/json"
	"fmt"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/sql"
)

// areaKey names a partner-area.
type areaKey struct {
	partner int32
	area    string
}

// Load reads the planner's state (the rs_* tables of recommend_state.sql) of the partners with keys
// lo..hi into areas, in partner and area order.
func Load(ctx context.Context, db *duck.DB, lo, hi int64) ([]*Area, error) {
	l := &loader{db: db, byKey: map[areaKey]*Area{}, keys: duck.Params{"lo": lo, "hi": hi}}
	for _, step := range []struct {
		name string
		scan func(*dsql.Rows) error
	}{
		{"recommend_load_areas", l.area},
		{"recommend_load_metrics", l.metric},
		{"recommend_load_steps", l.step},
		{"recommend_load_requires", l.requires},
		{"recommend_load_codes", l.code},
		{"recommend_load_services", l.service},
		{"recommend_load_azure", l.azure},
		{"recommend_load_bizapps", l.bizapps},
		{"recommend_load_security", l.security},
		{"recommend_load_modern_work", l.modernWork},
		{"recommend_load_mw_options", l.mwOption},
		{"recommend_load_mw_tenants", l.mwTenant},
		{"recommend_load_mw_grow", l.mwGrow},
		{"recommend_load_expiring", l.expiring},
	} {
		if err := l.each(ctx, step.name, step.scan); err != nil {
			return nil, err
		}
	}
	l.finish()
	return l.areas, nil
}

type loader struct {
	db       *duck.DB
	areas    []*Area
	byKey    map[areaKey]*Area
	prereq   map[string][]string // area/track/metric -> required metrics
	codes    map[string]map[string][]StepRef
	neutral  string
	ordinary []string
	shared   map[string]sharedCodes
	keys     duck.Params // the batch's partner keys, for the statements that name them
}

func (l *loader) each(ctx context.Context, name string, scan func(*dsql.Rows) error) error {
	rows, err := l.db.Query(ctx, name, sqlfiles.Text(name), l.keys)
	if err != nil {
		return err
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
	return rows.Close()
}

func (l *loader) area(r *dsql.Rows) error {
	a := &Area{}
	if err := r.Scan(&a.PartnerKey, &a.PartnerID, &a.Area, &a.BestTotal, &a.Selected, &a.Status, &a.Total); err != nil {
		return err
	}
	l.areas = append(l.areas, a)
	l.byKey[areaKey{a.PartnerKey, a.Area}] = a
	return nil
}

func (l *loader) metric(r *dsql.Rows) error {
	var key areaKey
	var track, services string
	var threshold, baseMin, floor, value, now, base, acrNow, acrBase dsql.NullFloat64
	var svc dsql.NullString
	var revFloor, mcvFloor, ttmMin, ttmLo, ttmHi, licLo, licHi dsql.NullFloat64
	m := &Metric{}
	if err := r.Scan(&key.partner, &key.area, &track, &m.Name, &m.Rule, &m.Max, &threshold, &baseMin, &floor,
		&value, &m.Points, &now, &base, &acrNow, &acrBase, &svc, &revFloor, &mcvFloor,
		&ttmMin, &ttmLo, &m.ttm.loExcl, &ttmHi, &m.ttm.hiExcl, &licLo, &m.lic.loExcl, &licHi, &m.lic.hiExcl); err != nil {
		return err
	}
	m.ttmMin = ttmMin.Float64
	m.ttm.lo, m.ttm.hi = nullable(ttmLo), nullable(ttmHi)
	m.lic.lo, m.lic.hi = nullable(licLo), nullable(licHi)
	a := l.byKey[key]
	if a == nil {
		return nil
	}
	m.Threshold, m.baseMinimum, m.floor = threshold.Float64, baseMin.Float64, floor.Float64
	m.revenueFloor, m.mcvFloor = revFloor.Float64, mcvFloor.Float64
	if value.Valid {
		v := value.Float64
		m.Value = &v
	}
	m.tenantsNow, m.tenantsBase, m.acrNow, m.acrBase = now.Float64, base.Float64, acrNow.Float64, acrBase.Float64
	if svc.Valid {
		services = svc.String
	}
	if services != "" && services != "null" {
		if err := json.Unmarshal([]byte(services), &m.services); err != nil {
			return fmt.Errorf("services of %s %s: %w", a.PartnerID, a.Area, err)
		}
	}
	t := a.track(track)
	t.Metrics = append(t.Metrics, m)
	return nil
}

// nullable is the value of v, nil when it is NULL.
func nullable(v dsql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	return &v.Float64
}

// track finds or adds the area's track.
func (a *Area) track(name string) *Track {
	for _, t := range a.Tracks {
		if t.Name == name {
			return t
		}
	}
	t := &Track{Name: name}
	a.Tracks = append(a.Tracks, t)
	return t
}

func (l *loader) step(r *dsql.Rows) error {
	var key areaKey
	var track, metric, requires string
	s := &Step{}
	if err := r.Scan(&key.partner, &key.area, &track, &metric, &s.N, &s.Role, &s.MinPeople, &s.Points, &s.PerPerson,
		&s.People, &requires); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(requires), &s.Requires); err != nil {
		return fmt.Errorf("requires: %w", err)
	}
	if a := l.byKey[key]; a == nil {
		return nil
	} else if m := a.metric(track, metric); m != nil {
		m.steps = append(m.steps, s)
	}
	return nil
}

func (l *loader) requires(r *dsql.Rows) error {
	var area, track, metric, required string
	if err := r.Scan(&area, &track, &metric, &required); err != nil {
		return err
	}
	if l.prereq == nil {
		l.prereq = map[string][]string{}
	}
	k := area + "/" + track + "/" + metric
	l.prereq[k] = append(l.prereq[k], required)
	return nil
}

func (l *loader) code(r *dsql.Rows) error {
	var area, code string
	var ref StepRef
	if err := r.Scan(&area, &code, &ref.Track, &ref.Metric, &ref.Step); err != nil {
		return err
	}
	if l.codes == nil {
		l.codes = map[string]map[string][]StepRef{}
	}
	if l.codes[area] == nil {
		l.codes[area] = map[string][]StepRef{}
	}
	l.codes[area][code] = append(l.codes[area][code], ref)
	return nil
}

func (l *loader) service(r *dsql.Rows) error {
	var name string
	var neutral bool
	if err := r.Scan(&name, &neutral); err != nil {
		return err
	}
	if neutral {
		if l.neutral == "" {
			l.neutral = name
		}
	} else {
		l.ordinary = append(l.ordinary, name)
	}
	return nil
}

func (l *loader) azure(r *dsql.Rows) error {
	var key areaKey
	var track string
	az := &Azure{}
	var assoc dsql.NullString
	if err := r.Scan(&key.partner, &key.area, &track, &assoc, &az.Tenant, &az.AcrS, &az.AcrS1); err != nil {
		return err
	}
	a := l.byKey[key]
	if a == nil || !assoc.Valid || l.neutral == "" {
		return nil // no association type or no neutral service: no customer levers
	}
	az.AssociationType, az.Segment, az.NeutralService = assoc.String, track, l.neutral
	deployed := map[string]bool{}
	if m := a.metric(track, "deployments"); m != nil {
		for _, s := range m.services {
			deployed[s] = true
		}
	}
	for _, s := range l.ordinary {
		if len(az.NewServices) == maxNewServices {
			break
		}
		if !deployed[s] {
			az.NewServices = append(az.NewServices, s)
		}
	}
	a.Azure = az
	for _, t := range a.Tracks {
		for _, m := range t.Metrics {
			if m.Rule != "linear" {
				continue
			}
			switch m.Name {
			case "net_customer_adds":
				m.lever = "nca"
			case "usage_growth":
				m.lever = "growth"
			case "deployments":
				m.lever = "deploy"
			}
		}
	}
	return nil
}

func (l *loader) bizapps(r *dsql.Rows) error {
	var key areaKey
	var track string
	var ncaAssoc, ncaWorkload, depAssoc, depWorkload dsql.NullString
	var rate dsql.NullFloat64
	if err := r.Scan(&key.partner, &key.area, &track, &ncaAssoc, &ncaWorkload, &depAssoc, &depWorkload, &rate); err != nil {
		return err
	}
	a := l.byKey[key]
	if a == nil || !ncaAssoc.Valid || !ncaWorkload.Valid {
		return nil
	}
	b := &BizApps{Segment: track, NcaAssociationType: ncaAssoc.String, NcaWorkload: ncaWorkload.String}
	if depAssoc.Valid && depWorkload.Valid && rate.Float64 > 0 {
		b.DeployAssociationType, b.DeployWorkload, b.DeployRate = depAssoc.String, depWorkload.String, rate.Float64
	}
	a.BizApps = b
	for _, t := range a.Tracks {
		for _, m := range t.Metrics {
			if m.Rule != "linear" {
				continue
			}
			switch {
			case m.Name == "net_customer_adds" && m.revenueFloor > 0:
				m.lever = "ba_nca"
			case m.Name == "deployments" && b.DeployRate > 0 && m.mcvFloor > 0:
				m.lever = "ba_deploy"
			case m.Name == "usage_growth" && b.DeployRate > 0:
				m.lever = "ba_growth"
			}
		}
	}
	return nil
}

// namedPair scans a state row of a partner-area and two names (an association type and a service
// or workload); the area is nil when the batch does not hold it or either name is NULL (then the
// area has no customer lever).
func (l *loader) namedPair(r *dsql.Rows) (*Area, string, string, error) {
	var key areaKey
	var x, y dsql.NullString
	if err := r.Scan(&key.partner, &key.area, &x, &y); err != nil {
		return nil, "", "", err
	}
	a := l.byKey[key]
	if a == nil || !x.Valid || !y.Valid {
		return nil, "", "", nil
	}
	return a, x.String, y.String, nil
}

func (l *loader) security(r *dsql.Rows) error {
	a, assoc, service, err := l.namedPair(r)
	if a == nil || err != nil {
		return err
	}
	a.Security = &Security{AssociationType: assoc, Service: service}
	for _, t := range a.Tracks {
		for _, m := range t.Metrics {
			switch {
			case m.Rule != "linear" || m.Value == nil:
			case m.Name == "net_customer_adds" && m.ttmMin > 0:
				m.lever = "sec_nca"
			case m.Name == "deployments" && m.ttm.set():
				m.lever = "sec_deploy"
			}
		}
	}
	return nil
}

func (l *loader) modernWork(r *dsql.Rows) error {
	a, assoc, workload, err := l.namedPair(r)
	if a == nil || err != nil {
		return err
	}
	a.ModernWork = &ModernWork{AssociationType: assoc, Workload: workload}
	for _, t := range a.Tracks {
		for _, m := range t.Metrics {
			if m.Rule == "linear" && m.Value != nil && m.Name == "net_customer_adds" && m.lic.set() {
				m.lever = "mw_nca"
			}
		}
	}
	return nil
}

func (l *loader) mwOption(r *dsql.Rows) error {
	var key areaKey
	var track, metric string
	var o mwOption
	if err := r.Scan(&key.partner, &key.area, &track, &metric, &o.name, &o.threshold, &o.now, &o.base); err != nil {
		return err
	}
	a := l.byKey[key]
	if a == nil {
		return nil
	}
	if m := a.metric(track, metric); m != nil && m.Rule == "best_of_options" {
		m.options = append(m.options, o)
		m.lever = "mw_" + map[string]string{"usage_growth": "growth", "deployments": "deploy"}[metric]
	}
	return nil
}

// modernWorkOf is the Modern Work lever state of a partner-area of the batch (made when missing),
// with its activation workload; nil when the batch does not hold the area.
func (l *loader) modernWorkOf(key areaKey, workload string) *ModernWork {
	a := l.byKey[key]
	if a == nil {
		return nil
	}
	if a.ModernWork == nil {
		a.ModernWork = &ModernWork{}
	}
	a.ModernWork.ActivationWorkload = workload
	return a.ModernWork
}

func (l *loader) mwTenant(r *dsql.Rows) error {
	var key areaKey
	var id, track, deploy, growth, workload string
	var users int
	if err := r.Scan(&key.partner, &key.area, &id, &track, &users, &deploy, &growth, &workload); err != nil {
		return err
	}
	mw := l.modernWorkOf(key, workload)
	if mw == nil {
		return nil
	}
	var t *MWTenant
	if n := len(mw.Tenants); n > 0 && mw.Tenants[n-1].ID == id {
		t = mw.Tenants[n-1]
	} else {
		t = &MWTenant{ID: id, Users: users, deploy: map[string][]string{}, growth: map[string][]string{}}
		mw.Tenants = append(mw.Tenants, t)
	}
	var d, g []string
	if err := json.Unmarshal([]byte(deploy), &d); err != nil {
		return fmt.Errorf("deployment options of %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(growth), &g); err != nil {
		return fmt.Errorf("growth options of %s: %w", id, err)
	}
	t.deploy[track], t.growth[track] = d, g
	return nil
}

func (l *loader) mwGrow(r *dsql.Rows) error {
	var key areaKey
	var id, track, growth, workload string
	if err := r.Scan(&key.partner, &key.area, &id, &track, &growth, &workload); err != nil {
		return err
	}
	mw := l.modernWorkOf(key, workload)
	if mw == nil {
		return nil
	}
	if mw.Grow == nil {
		mw.Grow = &MWTenant{ID: id, deploy: map[string][]string{}, growth: map[string][]string{}}
	}
	var g []string
	if err := json.Unmarshal([]byte(growth), &g); err != nil {
		return fmt.Errorf("growth options of %s: %w", id, err)
	}
	mw.Grow.growth[track] = g
	return nil
}

func (l *loader) expiring(r *dsql.Rows) error {
	var key areaKey
	var person, cert, earned, stops string
	var ref StepRef
	var drops bool
	if err := r.Scan(&key.partner, &key.area, &person, &cert, &earned, &stops, &ref.Track, &ref.Metric, &ref.Step, &drops); err != nil {
		return err
	}
	a := l.byKey[key]
	if a == nil {
		return nil
	}
	var e *Expiring
	if n := len(a.Expiring); n > 0 && a.Expiring[n-1].PersonID == person && a.Expiring[n-1].Certification == cert {
		e = a.Expiring[n-1]
	} else {
		e = &Expiring{PersonID: person, Certification: cert, EarnedOn: earned, StopsCounting: stops}
		a.Expiring = append(a.Expiring, e)
	}
	if drops {
		e.Drops = append(e.Drops, ref)
	}
	return nil
}

// finish marks the certification metrics, their prerequisites and the codes each area counts.
func (l *loader) finish() {
	for _, a := range l.areas {
		has := map[string]bool{}
		for _, t := range a.Tracks {
			has[t.Name] = true
			for _, m := range t.Metrics {
				if len(m.steps) > 0 {
					m.lever = "skill"
					m.requires = l.prereq[a.Area+"/"+t.Name+"/"+m.Name]
				}
			}
		}
		// Every partner of an area with the same tracks counts the same codes: one shared map and
		// one shared list of certify levers (a large program has hundreds of thousands of areas).
		key := a.Area
		for _, t := range a.Tracks {
			key += "|" + t.Name
		}
		if c, ok := l.shared[key]; ok {
			a.Codes, a.certify = c.codes, c.certify
			continue
		}
		a.Codes = map[string][]StepRef{}
		for code, refs := range l.codes[a.Area] {
			for _, ref := range refs {
				if has[ref.Track] && a.metric(ref.Track, ref.Metric) != nil {
					a.Codes[code] = append(a.Codes[code], ref)
				}
			}
		}
		a.certify = a.certifyLevers()
		if l.shared == nil {
			l.shared = map[string]sharedCodes{}
		}
		l.shared[key] = sharedCodes{a.Codes, a.certify}
	}
}

// sharedCodes is what the areas of one solution area with the same tracks share.
type sharedCodes struct {
	codes   map[string][]StepRef
	certify []lever
}
