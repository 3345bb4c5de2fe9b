package whatif_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
	"github.com/capscore/capscore/whatif"
)

func ctx(t *testing.T) whatif.Context {
	t.Helper()
	m, err := pipeline.ParseMonth("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	return whatif.Context{Month: m, AsOf: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
}

// The headers are the contract's columns of each table, in the contract's order.
func TestHeaderMatchesContract(t *testing.T) {
	found := 0
	for _, it := range stages.InputTables() {
		h := whatif.Header(it.Name)
		if h == nil {
			continue
		}
		found++
		if !reflect.DeepEqual(h, it.Columns) {
			t.Errorf("%s: header %v, contract %v", it.Name, h, it.Columns)
		}
	}
	if found != len(whatif.TableNames) {
		t.Errorf("%d of %d tables found in the contract", found, len(whatif.TableNames))
	}
	if whatif.Header("partners") != nil {
		t.Error("partners has a header; the translator writes no partner rows")
	}
}

func TestParseStep(t *testing.T) {
	detail := `{"step": 2, "steps": 3, "lever": "add_customers", "count": 2, "acr_usd": 500,
		"segment": "smb", "association_type": "CSP_T1", "service": "Virtual Machines",
		"points_added": 12.0, "total_after": 72.5, "track": "smb", "changes_track": true}`
	got, err := whatif.ParseStep("P02", "data_ai", detail)
	if err != nil {
		t.Fatal(err)
	}
	want := whatif.Step{PartnerID: "P02", SolutionArea: "data_ai", Step: 2, Steps: 3, Lever: "add_customers", Count: 2,
		ACRUSD: 500, Segment: "smb", AssociationType: "CSP_T1", Service: "Virtual Machines",
		PointsAdded: 12, TotalAfter: 72.5, Track: "smb", ChangesTrack: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if _, err := whatif.ParseStep("P02", "data_ai", `{"step": "x"}`); err == nil || !strings.Contains(err.Error(), "P02 data_ai") {
		t.Errorf("bad detail: error %v, want one naming the partner and area", err)
	}
}

func TestRowsEveryLever(t *testing.T) {
	steps := []whatif.Step{
		{PartnerID: "P01", SolutionArea: "data_ai", Step: 1, Lever: "certify", Count: 2, Certification: "DP-100",
			Certifications: []string{"DP-100", "AI-102"}},
		{PartnerID: "P01", SolutionArea: "data_ai", Step: 2, Lever: "add_customers", Count: 2, ACRUSD: 1000.5,
			Segment: "enterprise", AssociationType: "DPOR", Service: "Azure SQL Database"},
		{PartnerID: "P01", SolutionArea: "data_ai", Step: 3, Lever: "grow_usage", Count: 1, USD: 3200,
			TenantID: "T01A", Service: "Azure Cosmos DB"},
		{PartnerID: "P02", SolutionArea: "infrastructure", Step: 1, Lever: "deploy", Count: 2, ACRUSD: 300,
			TenantID: "T02A", Services: []string{"Azure Backup", "Azure Monitor"}},
		{PartnerID: "P02", SolutionArea: "digital_app_innovation", Step: 1, Lever: "deploy", Count: 1, ACRUSD: 250,
			Segment: "smb", AssociationType: "CSP_T1", Services: []string{"Azure Functions"}},
		{PartnerID: "P03", SolutionArea: "modern_work", Step: 1, Lever: "add_customers", Count: 1, PaidLicenses: 301,
			Segment: "enterprise", AssociationType: "CPOR", Workload: "Exchange Online"},
		{PartnerID: "P03", SolutionArea: "modern_work", Step: 2, Lever: "deploy", Count: 2, Workload: "Teams Premium",
			Tenants: []whatif.TenantUsers{{TenantID: "T03A", ActiveUsers: 12}, {TenantID: "T03B", ActiveUsers: 40}}},
		{PartnerID: "P03", SolutionArea: "modern_work", Step: 3, Lever: "grow_usage", Count: 1, Workload: "Teams Premium",
			TenantID: "T03C", ActiveUsers: 250},
	}
	got, err := whatif.Rows(ctx(t), steps)
	if err != nil {
		t.Fatal(err)
	}
	want := whatif.Tables{
		"certifications": {
			{"P01", "WHATIF-P01-data_ai-1-1", "DP-100", "2026-11-20", ""},
			{"P01", "WHATIF-P01-data_ai-1-2", "DP-100", "2026-11-20", ""},
		},
		"tenants": {
			{"WHATIF-P01-data_ai-2-1", "enterprise", "public"},
			{"WHATIF-P01-data_ai-2-2", "enterprise", "public"},
			{"WHATIF-P02-digital_app_innovation-1-1", "smb", "public"},
			{"WHATIF-P03-modern_work-1-1", "enterprise", "public"},
		},
		"associations": {
			{"P01", "WHATIF-P01-data_ai-2-1", "DPOR", "", "2026-10-01", ""},
			{"P01", "WHATIF-P01-data_ai-2-2", "DPOR", "", "2026-10-01", ""},
			{"P02", "WHATIF-P02-digital_app_innovation-1-1", "CSP_T1", "", "2026-10-01", ""},
			{"P03", "WHATIF-P03-modern_work-1-1", "CPOR", "", "2026-10-01", ""},
		},
		"m365_usage": {
			{"WHATIF-P03-modern_work-1-1", "2026-10", "Exchange Online", "301", "0"},
			{"T03A", "2026-10", "Teams Premium", "0", "12"},
			{"T03B", "2026-10", "Teams Premium", "0", "40"},
			{"T03C", "2026-10", "Teams Premium", "0", "250"},
		},
		"azure_consumption": {
			{"WHATIF-P01-data_ai-2-1", "2026-10", "Azure SQL Database", "Pay-As-You-Go", "1000.5"},
			{"WHATIF-P01-data_ai-2-2", "2026-10", "Azure SQL Database", "Pay-As-You-Go", "1000.5"},
			{"T01A", "2026-10", "Azure Cosmos DB", "Pay-As-You-Go", "3200"},
			{"T02A", "2026-10", "Azure Backup", "Pay-As-You-Go", "300"},
			{"T02A", "2026-10", "Azure Monitor", "Pay-As-You-Go", "300"},
			{"WHATIF-P02-digital_app_innovation-1-1", "2026-10", "Azure Functions", "Pay-As-You-Go", "250"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows\n got %v\nwant %v", got, want)
	}
}

// Without an as-of date the people earn their certification on the default as-of date.
func TestRowsDefaultAsOf(t *testing.T) {
	c := ctx(t)
	c.AsOf = time.Time{}
	got, err := whatif.Rows(c, []whatif.Step{{PartnerID: "P09", SolutionArea: "security", Step: 1, Lever: "certify", Count: 1, Certification: "SC-200"}})
	if err != nil {
		t.Fatal(err)
	}
	want := whatif.Tables{"certifications": {{"P09", "WHATIF-P09-security-1-1", "SC-200", "2026-11-20", ""}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRowsRejectIncompleteSteps(t *testing.T) {
	base := whatif.Step{PartnerID: "P01", SolutionArea: "data_ai", Step: 1}
	with := func(f func(*whatif.Step)) whatif.Step { s := base; f(&s); return s }
	cases := []struct {
		name  string
		steps []whatif.Step
		want  string
	}{
		{"unknown lever", []whatif.Step{with(func(s *whatif.Step) { s.Lever = "pray" })}, `unknown lever "pray"`},
		{"no partner", []whatif.Step{with(func(s *whatif.Step) { s.PartnerID = ""; s.Lever = "certify" })}, "no partner"},
		{"step 0", []whatif.Step{with(func(s *whatif.Step) { s.Step = 0; s.Lever = "certify" })}, "step number 0"},
		{"certify without code", []whatif.Step{with(func(s *whatif.Step) { s.Lever = "certify"; s.Count = 1 })}, "no certification"},
		{"certify nobody", []whatif.Step{with(func(s *whatif.Step) { s.Lever = "certify"; s.Certification = "DP-100" })}, "count 0"},
		{"customers without segment", []whatif.Step{with(func(s *whatif.Step) {
			s.Lever, s.Count, s.ACRUSD, s.AssociationType, s.Service = "add_customers", 1, 500, "CSP_T1", "Virtual Machines"
		})}, "no segment"},
		{"customers without ACR", []whatif.Step{with(func(s *whatif.Step) {
			s.Lever, s.Count, s.Segment, s.AssociationType, s.Service = "add_customers", 1, "smb", "CSP_T1", "Virtual Machines"
		})}, "acr_usd 0"},
		{"Modern Work customers without workload", []whatif.Step{with(func(s *whatif.Step) {
			s.Lever, s.Count, s.PaidLicenses, s.Segment, s.AssociationType = "add_customers", 1, 301, "enterprise", "CPOR"
		})}, "no workload"},
		{"Modern Work deploy count mismatch", []whatif.Step{with(func(s *whatif.Step) {
			s.Lever, s.Count, s.Workload, s.Tenants = "deploy", 2, "Teams Premium", []whatif.TenantUsers{{TenantID: "T1", ActiveUsers: 3}}
		})}, "count 2 but 1 tenants"},
		{"Modern Work deploy without users", []whatif.Step{with(func(s *whatif.Step) {
			s.Lever, s.Count, s.Workload, s.Tenants = "deploy", 1, "Teams Premium", []whatif.TenantUsers{{TenantID: "T1"}}
		})}, "0 active users"},
		{"Modern Work growth without users", []whatif.Step{with(func(s *whatif.Step) {
			s.Lever, s.Count, s.Workload, s.TenantID = "grow_usage", 1, "Teams Premium", "T1"
		})}, "active_users 0"},
		{"growth without tenant", []whatif.Step{with(func(s *whatif.Step) { s.Lever, s.USD, s.Service = "grow_usage", 10, "Virtual Machines" })}, "no tenant_id"},
		{"deploy count mismatch", []whatif.Step{with(func(s *whatif.Step) {
			s.Lever, s.Count, s.ACRUSD, s.TenantID, s.Services = "deploy", 2, 100, "T01A", []string{"Azure Functions"}
		})}, "count 2 but 1 services"},
		{"deploy new tenant without association", []whatif.Step{with(func(s *whatif.Step) {
			s.Lever, s.ACRUSD, s.Segment, s.Services = "deploy", 100, "smb", []string{"Azure Functions"}
		})}, "no association_type"},
		{"same step twice", []whatif.Step{
			with(func(s *whatif.Step) { s.Lever, s.Count, s.Certification = "certify", 1, "DP-100" }),
			with(func(s *whatif.Step) { s.Lever, s.Count, s.Certification = "certify", 1, "AI-102" }),
		}, "appears twice"},
	}
	for _, c := range cases {
		_, err := whatif.Rows(ctx(t), c.steps)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := whatif.Rows(whatif.Context{}, nil); err == nil {
		t.Error("no month: no error")
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteInput(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "in")
	write(t, filepath.Join(src, "tenants", "tenants.csv"), "Tenant_ID,Segment,Cloud\nT1,smb,public\n")
	write(t, filepath.Join(src, "azure_consumption", "part-1.csv"), "tenant_id,month,service,offer,acr_usd\n")
	write(t, filepath.Join(src, "azure_consumption", "old", "x.parquet"), "PAR1 not really")
	write(t, filepath.Join(src, "README.md"), "hello")
	// A table folder that is a link to a folder elsewhere is copied as a folder.
	write(t, filepath.Join(root, "elsewhere", "partners.csv"), "partner_id\nP01\n")
	if err := os.Symlink(filepath.Join(root, "elsewhere"), filepath.Join(src, "partners")); err != nil {
		t.Fatal(err)
	}
	tables := whatif.Tables{
		"tenants":        {{"WHATIF-P01-data_ai-1-1", "smb", "public"}},
		"certifications": {{"P01", "p, \"quoted\"", "DP-100", "2026-11-20", ""}},
		"associations":   {},
	}
	dst := filepath.Join(root, "out")
	if err := whatif.WriteInput(src, dst, tables); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"tenants/tenants.csv":             "Tenant_ID,Segment,Cloud\nT1,smb,public\n",
		"tenants/whatif.csv":              "tenant_id,segment,cloud\nWHATIF-P01-data_ai-1-1,smb,public\n",
		"azure_consumption/part-1.csv":    "tenant_id,month,service,offer,acr_usd\n",
		"azure_consumption/old/x.parquet": "PAR1 not really",
		"README.md":                       "hello",
		"partners/partners.csv":           "partner_id\nP01\n",
		"certifications/whatif.csv":       "partner_id,person_id,certification,earned_on,expires_on\nP01,\"p, \"\"quoted\"\"\",DP-100,2026-11-20,\n",
	} {
		if got := read(t, filepath.Join(dst, path)); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	if fi, err := os.Lstat(filepath.Join(dst, "partners")); err != nil || !fi.IsDir() {
		t.Errorf("partners: %v, want a plain folder (%v)", fi, err)
	}
	for _, absent := range []string{"associations", "azure_consumption/whatif.csv"} {
		if _, err := os.Stat(filepath.Join(dst, absent)); err == nil {
			t.Errorf("%s exists; a table without rows gets no file", absent)
		}
	}
	if got := read(t, filepath.Join(src, "tenants", "tenants.csv")); got != "Tenant_ID,Segment,Cloud\nT1,smb,public\n" {
		t.Errorf("source changed: %q", got)
	}

	// Refusals: dst exists, dst inside src, a whatif.csv already there, an unknown table, a short row.
	if err := whatif.WriteInput(src, dst, nil); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("existing dst: %v", err)
	}
	for _, inside := range []string{filepath.Join(src, "copy"), filepath.Join(src, "new", "deeper", "copy")} {
		if err := whatif.WriteInput(src, inside, nil); err == nil || !strings.Contains(err.Error(), "inside") {
			t.Errorf("dst inside src: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(src, "new")); err == nil {
		t.Error("a refused dst inside src left a folder in src")
	}
	// Missing parents of dst are created.
	if err := whatif.WriteInput(src, filepath.Join(root, "a", "b", "copy"), nil); err != nil {
		t.Errorf("dst with new parents: %v", err)
	} else if got := read(t, filepath.Join(root, "a", "b", "copy", "README.md")); got != "hello" {
		t.Errorf("copy with new parents: README.md %q", got)
	}
	if err := whatif.WriteInput(dst, filepath.Join(root, "again"), tables); err == nil || !strings.Contains(err.Error(), "whatif.csv") {
		t.Errorf("whatif.csv in src: %v", err)
	}
	if err := whatif.WriteInput(src, filepath.Join(root, "x1"), whatif.Tables{"partners": {{"P9"}}}); err == nil || !strings.Contains(err.Error(), `"partners"`) {
		t.Errorf("unknown table: %v", err)
	}
	if err := whatif.WriteInput(src, filepath.Join(root, "x2"), whatif.Tables{"tenants": {{"T9", "smb"}}}); err == nil || !strings.Contains(err.Error(), "2 values, want 3") {
		t.Errorf("short row: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "x1")); err == nil {
		t.Error("a refused table still created the copy")
	}
}

// A link back to a containing folder is an error, not an endless copy.
func TestWriteInputLinkLoop(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "in")
	write(t, filepath.Join(src, "tenants", "tenants.csv"), "tenant_id,segment\n")
	if err := os.Symlink(src, filepath.Join(src, "tenants", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := whatif.WriteInput(src, filepath.Join(root, "out"), nil); err == nil || !strings.Contains(err.Error(), "links back") {
		t.Errorf("link loop: %v", err)
	}
}
