package report

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/capscore/capscore/pipeline"
)

func load(t *testing.T, out string, opts Options) *Page {
	t.Helper()
	opts.Out = out
	opts.Now = func() time.Time { return publishedAt.Add(2 * time.Hour) }
	p, err := Load(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadHandMade checks every number of the page against counts made by eye on the fixture
// (see fixture_test.go).
func TestLoadHandMade(t *testing.T) {
	out := writeFixture(t)
	p := load(t, out, Options{})

	// The latest published month is 2026-09: 2026-10 has data but no manifest.
	if p.Month != "2026-09" {
		t.Fatalf("month %s, want 2026-09", p.Month)
	}
	if want := []string{"2026-06", "2026-07", "2026-09"}; !reflect.DeepEqual(p.TrendMonths, want) {
		t.Errorf("trend months %v, want %v", p.TrendMonths, want)
	}
	// 10 area rows; qualified: P1 and P3 in data_ai, P4 in modern_work.
	if p.PartnerAreas != 10 || p.Qualified != 3 {
		t.Errorf("partner-areas %d qualified %d, want 10 and 3", p.PartnerAreas, p.Qualified)
	}
	if len(p.Areas) != 2 || p.Areas[0].ID != "data_ai" || p.Areas[1].ID != "modern_work" {
		t.Fatalf("areas %+v, want data_ai then modern_work (program order)", p.Areas)
	}
	trend := func(a AreaTrend) map[string][]int64 {
		m := map[string][]int64{}
		for _, s := range a.Tracks {
			m[s.Track] = s.Counts
		}
		return m
	}
	// data_ai enterprise: 06 P1; 07 P1, P3, P6; 09 P1, P3. smb: 07 P2.
	wantDA := map[string][]int64{"enterprise": {1, 3, 2}, "smb": {0, 1, 0}}
	// modern_work: only P4 (smb) in 09.
	wantMW := map[string][]int64{"enterprise": {0, 0, 0}, "smb": {0, 0, 1}}
	wantAll := map[string][]int64{"enterprise": {1, 3, 2}, "smb": {0, 1, 1}}
	for name, c := range map[string]struct {
		got  AreaTrend
		want map[string][]int64
	}{"data_ai": {p.Areas[0].AreaTrend, wantDA}, "modern_work": {p.Areas[1].AreaTrend, wantMW}, "all": {p.Overall, wantAll}} {
		if got := trend(c.got); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s trend %v, want %v", name, got, c.want)
		}
	}
	bins := func(a Area) []int64 {
		var out []int64
		for _, b := range a.Bins {
			out = append(out, b.Count)
		}
		return out
	}
	// data_ai totals 88, 65, 100, 60, 45: bands 4, 6, 6, 8, 9 (100 goes in the last band).
	if got, want := bins(p.Areas[0]), []int64{0, 0, 0, 0, 1, 0, 2, 0, 1, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("data_ai bins %v, want %v", got, want)
	}
	// modern_work totals 0, 72, 59.5, 75, 9.99: bands 0, 7, 5, 7, 0.
	if got, want := bins(p.Areas[1]), []int64{2, 0, 0, 0, 0, 1, 0, 2, 0, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("modern_work bins %v, want %v", got, want)
	}
	if p.Areas[1].NotStarted != 1 || p.Areas[0].NotStarted != 0 || p.Areas[0].Partners != 5 {
		t.Errorf("partners/not started: %d/%d %d/%d", p.Areas[0].Partners, p.Areas[0].NotStarted, p.Areas[1].Partners, p.Areas[1].NotStarted)
	}
	// Near: not qualified and total >= 60: P2 modern_work 72 (metric at zero, 0 to go), P2 data_ai 65
	// (5 to go), P4 data_ai 60 (10 to go). P3 modern_work 59.5 is just outside.
	wantNear := []NearRow{
		{PartnerID: "P2", Area: "modern_work", AreaLabel: "Modern Work", Track: "smb", Status: "in_progress", Total: 72, Gap: 0},
		{PartnerID: "P2", Area: "data_ai", AreaLabel: "Data & AI", Track: "smb", Status: "in_progress", Total: 65, Gap: 5, AllMetricsPositive: true},
		{PartnerID: "P4", Area: "data_ai", AreaLabel: "Data & AI", Track: "smb", Status: "in_progress", Total: 60, Gap: 10, AllMetricsPositive: true},
	}
	if !reflect.DeepEqual(p.Near.Rows, wantNear) || p.Near.Total != 3 {
		t.Errorf("near %+v (total %d), want %+v", p.Near.Rows, p.Near.Total, wantNear)
	}
	if p.HasPathActions {
		t.Error("path actions reported, but the recommendations have no path_to_qualify row")
	}
	// Against 2026-07 (2026-08 is not published): P4 modern_work gained (65 -> 75); P2 data_ai lost
	// (71 -> 65) and P6 data_ai lost (90 -> gone). P5 is new but not qualified.
	f := func(v float64) *float64 { return &v }
	if p.Movers.Since != "2026-07" {
		t.Errorf("movers since %q, want 2026-07", p.Movers.Since)
	}
	if want := []MoverRow{{PartnerID: "P4", Area: "modern_work", AreaLabel: "Modern Work", Track: "smb", Previous: f(65), Current: f(75)}}; !reflect.DeepEqual(p.Movers.Gained.Rows, want) || p.Movers.Gained.Total != 1 {
		t.Errorf("gained %+v", p.Movers.Gained)
	}
	if want := []MoverRow{
		{PartnerID: "P2", Area: "data_ai", AreaLabel: "Data & AI", Track: "smb", Previous: f(71), Current: f(65)},
		{PartnerID: "P6", Area: "data_ai", AreaLabel: "Data & AI", Track: "enterprise", Previous: f(90)},
	}; !reflect.DeepEqual(p.Movers.Lost.Rows, want) || p.Movers.Lost.Total != 2 {
		t.Errorf("lost %+v", p.Movers.Lost)
	}
	// Rejects: azure_consumption unknown tenant x2, bad value x1; partners duplicate key x1.
	wantRej := []RejectRow{
		{Table: "azure_consumption", Reason: "unknown tenant", Example: "unknown tenant: T7", Count: 2},
		{Table: "azure_consumption", Reason: "bad value", Example: "bad value: acr_usd 'x'", Count: 1},
		{Table: "partners", Reason: "duplicate key", Example: "duplicate key: first seen in partners.csv row 2", Count: 1},
	}
	if !reflect.DeepEqual(p.Rejects.Rows.Rows, wantRej) || p.Rejects.Total != 4 || p.Rejects.Rows.Total != 3 {
		t.Errorf("rejects %+v", p.Rejects)
	}
	// Run facts and freshness.
	fa := p.Facts
	if fa.RunID != "run-09" || fa.AsOf != "2026-10-20" || fa.RubricID != "ms-pcs-2026-05" || fa.RubricSHA256 != "abc123" || fa.CodeVersion != "v0.0.0-test" || fa.RowsRead != 47 {
		t.Errorf("facts %+v", fa)
	}
	if want := []StageDuration{{"ingest", 1.25}, {"metrics", 0.5}}; !reflect.DeepEqual(fa.Stages, want) {
		t.Errorf("stages %+v, want %+v", fa.Stages, want)
	}
	if !p.Freshness.Published.Equal(publishedAt) {
		t.Errorf("published %v, want the ledger's %v", p.Freshness.Published, publishedAt)
	}
	if lf := p.Freshness.LastFailure; lf == nil || lf.RunID != "run-10-failed" {
		t.Errorf("last failure %+v, want run-10-failed (the older failure is before publication)", lf)
	}
}

// TestLoadEarlierMonth: an earlier month's page covers only the months up to it, has no movers
// when nothing was published before it, and no failure newer than a publication the ledger lacks.
func TestLoadEarlierMonth(t *testing.T) {
	out := writeFixture(t)
	m, _ := pipeline.ParseMonth("2026-06")
	p := load(t, out, Options{Month: m})
	if !reflect.DeepEqual(p.TrendMonths, []string{"2026-06"}) || p.Movers.Since != "" || p.Qualified != 1 {
		t.Errorf("2026-06: trend %v since %q qualified %d", p.TrendMonths, p.Movers.Since, p.Qualified)
	}
	if !strings.Contains(strings.Join(p.Notes, " "), "No month was published before this one") {
		t.Errorf("notes %q do not say why movers are missing", p.Notes)
	}
	// --months 2 keeps the last two published months.
	p = load(t, out, Options{Months: 2})
	if !reflect.DeepEqual(p.TrendMonths, []string{"2026-07", "2026-09"}) {
		t.Errorf("months=2: trend %v", p.TrendMonths)
	}
}

// TestLimitCapsLists: with a limit of 1 each list shows one row and counts the rest.
func TestLimitCapsLists(t *testing.T) {
	p := load(t, writeFixture(t), Options{Limit: 1})
	if len(p.Near.Rows) != 1 || p.Near.Rest() != 2 || len(p.Movers.Lost.Rows) != 1 || p.Movers.Lost.Rest() != 1 ||
		len(p.Rejects.Rows.Rows) != 1 || p.Rejects.Rows.Rest() != 2 || p.Rejects.Total != 4 {
		t.Errorf("near %d+%d lost %d+%d rejects %d+%d", len(p.Near.Rows), p.Near.Rest(), len(p.Movers.Lost.Rows), p.Movers.Lost.Rest(),
			len(p.Rejects.Rows.Rows), p.Rejects.Rows.Rest())
	}
	var buf bytes.Buffer
	if err := Render(&buf, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "and 2 more not shown") {
		t.Error("the page does not say how many near rows were left out")
	}
}

// TestPathToQualifyAction: when recommendations carry path_to_qualify rows, the near list shows the
// top one (lowest priority) of the partner's selected track.
func TestPathToQualifyAction(t *testing.T) {
	out := writeFixture(t)
	m, _ := pipeline.ParseMonth("2026-09")
	copyRows(t, fixtureDB(t), pipeline.NewLayout(out).TableFile(tableRecommendations, m),
		"partner_id, solution_area, track, kind, metric, priority, action",
		`('P2','data_ai','smb','path_to_qualify','intermediate_certifications',2,'Certify one more person'),
		('P2','data_ai','smb','path_to_qualify','net_customer_adds',1,'Add 2 customers'),
		('P2','data_ai','enterprise','path_to_qualify','deployments',0,'other track'),
		('P4','data_ai','smb','metric_at_zero','deployments',1,'not a path')`)
	p := load(t, out, Options{})
	if !p.HasPathActions {
		t.Fatal("path actions not found")
	}
	got := map[string]string{}
	for _, n := range p.Near.Rows {
		got[n.PartnerID+"/"+n.Area] = n.Action
	}
	want := map[string]string{"P2/modern_work": "", "P2/data_ai": "Add 2 customers", "P4/data_ai": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("actions %v, want %v", got, want)
	}
}

// TestPathToQualifyStake: a schema version 5 file carries points_at_stake; the near list shows the
// points the top step adds beside its action.
func TestPathToQualifyStake(t *testing.T) {
	out := writeFixture(t)
	m, _ := pipeline.ParseMonth("2026-09")
	copyRows(t, fixtureDB(t), pipeline.NewLayout(out).TableFile(tableRecommendations, m),
		"partner_id, solution_area, track, kind, metric, priority, points_at_stake, action",
		`('P2','data_ai','smb','metric_at_zero','deployments',3,10.00::DECIMAL(5,2),'Earn points in deployments'),
		('P2','data_ai','smb','path_to_qualify','net_customer_adds',1,12.50::DECIMAL(5,2),'Add 2 customers'),
		('P2','data_ai','smb','path_to_qualify','intermediate_certifications',2,4.00::DECIMAL(5,2),'Certify one more person')`)
	p := load(t, out, Options{})
	var got *NearRow
	for i, n := range p.Near.Rows {
		if n.PartnerID == "P2" && n.Area == "data_ai" {
			got = &p.Near.Rows[i]
		}
	}
	if got == nil || got.Action != "Add 2 customers" || got.Stake != 12.5 {
		t.Fatalf("P2/data_ai near row %+v, want the step of priority 1 with 12.5 points", got)
	}
	var buf bytes.Buffer
	if err := Render(&buf, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Add 2 customers (+12.5 points)") {
		t.Error("the page does not show the step's points beside its action")
	}
}

// TestEmptyMonth: a published month without area rows says so instead of drawing nothing.
func TestEmptyMonth(t *testing.T) {
	out := t.TempDir()
	db := fixtureDB(t)
	l := pipeline.NewLayout(out)
	m, _ := pipeline.ParseMonth("2026-09")
	copyRows(t, db, l.TableFile(tableAreaScores, m), areaCols, `('2026-09','P1','data_ai','smb',1.0,true,true,'x')`)
	if _, err := db.SQL().Exec("COPY (SELECT * FROM read_parquet('" + l.TableFile(tableAreaScores, m) + "') WHERE false) TO '" + l.TableFile(tableAreaScores, m) + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	writeManifest(t, l, m)
	p := load(t, out, Options{})
	if len(p.Areas) != 0 || p.PartnerAreas != 0 {
		t.Fatalf("areas %+v", p.Areas)
	}
	var buf bytes.Buffer
	if err := Render(&buf, p); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"No partner was scored in 2026-09", "No partner-area is within 10 points", "No earlier published month", "no recommendations file", "no rejects file"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestUnpublishedMonth: asking for a month without a manifest names it and the published ones.
func TestUnpublishedMonth(t *testing.T) {
	out := writeFixture(t)
	m, _ := pipeline.ParseMonth("2026-10")
	_, err := Load(context.Background(), Options{Out: out, Month: m})
	if !errors.Is(err, ErrNotPublished) || !strings.Contains(err.Error(), "2026-10 has no manifest (published: 2026-06, 2026-07, 2026-09)") {
		t.Errorf("error %v", err)
	}
	_, err = Load(context.Background(), Options{Out: t.TempDir()})
	if !errors.Is(err, ErrNotPublished) {
		t.Errorf("empty OUT: error %v", err)
	}
}

// TestWriteReportAndIndex: Write puts the page under OUT/_reports and lists it in the index;
// the page is self-contained (no URL it would fetch).
func TestWriteReportAndIndex(t *testing.T) {
	out := writeFixture(t)
	path, err := Write(context.Background(), Options{Out: out}, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(out, "_reports", "2026-09.html"); path != want {
		t.Errorf("wrote %s, want %s", path, want)
	}
	page, _ := os.ReadFile(path)
	index, err := os.ReadFile(filepath.Join(out, "_reports", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(index), `<a href="2026-09.html">`) || !strings.Contains(string(index), "no report yet (refresh report --month 2026-07)") {
		t.Errorf("index:\n%s", index)
	}
	if strings.Contains(string(index), "<td>2026-10</td>") {
		t.Error("index lists the unpublished 2026-10")
	}
	for _, bad := range []string{"http://", "https://", "<script", "@import", "url("} {
		s := strings.ReplaceAll(string(page), `xmlns="http://www.w3.org/2000/svg"`, "")
		if strings.Contains(s, bad) {
			t.Errorf("page contains %q: not self-contained", bad)
		}
	}
	to := filepath.Join(t.TempDir(), "x.html")
	if _, err := Write(context.Background(), Options{Out: out}, to); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(to); !bytes.Equal(b[:200], page[:200]) {
		t.Error("--to file differs from the report")
	}
}

// TestGlobCharactersInOut: an OUT whose path holds glob characters is read exactly: the page of
// OUT "out[1]" equals the page of the same files elsewhere.
func TestGlobCharactersInOut(t *testing.T) {
	src := writeFixture(t)
	want := load(t, src, Options{})
	out := filepath.Join(t.TempDir(), "out[1]*")
	if err := os.Rename(src, out); err != nil {
		t.Fatal(err)
	}
	got := load(t, out, Options{})
	if !reflect.DeepEqual(got.Areas, want.Areas) || !reflect.DeepEqual(got.Near, want.Near) || !reflect.DeepEqual(got.Movers, want.Movers) {
		t.Errorf("the page of %s differs from the same files elsewhere", out)
	}
}
