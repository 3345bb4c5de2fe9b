package stages_test

// Bad input (docs/inputs.md, "Bad input"): a missing required column or a reject rate over the limit fails
// the run and publishes nothing; every other bad row is rejected with a stable reason and written to
// rejects.parquet, and the per-table accounting read = accepted + rejected + out_of_window holds.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capscore/capscore/pipeline"
)

// assertNotPublished checks that month S has neither a manifest nor a table folder under out.
func assertNotPublished(t *testing.T, out string) {
	t.Helper()
	m, _ := pipeline.ParseMonth(snapshotMonth)
	l := pipeline.NewLayout(out)
	for _, p := range []string{l.ManifestPath(m), l.MonthDir(pipeline.TableAreaScores, m), l.MonthDir(pipeline.TableRejects, m)} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists after a failed run (stat: %v)", p, err)
		}
	}
}

// validBase is a small valid input: one partner, two tenants, one association, one Azure row.
func validBase(t *testing.T) *input {
	return newInput(t).partners("P1").tenant("T1", "enterprise").tenant("T2", "smb").
		assoc("P1", "T1", "CSP_T1")
}

func TestBadInput_MissingRequiredColumn(t *testing.T) {
	cases := []struct {
		name, table, header, row, column string
	}{
		{"azure_consumption without acr_usd", "azure_consumption",
			"tenant_id,month,service,offer", "T1,2026-10,Azure SQL Database,Pay-As-You-Go", "acr_usd"},
		{"tenants without segment", "tenants",
			"tenant_id,cloud", "T1,public", "segment"},
		{"certifications without earned_on", "certifications",
			"partner_id,person_id,certification,expires_on", "P1,a1,AZ-104,", "earned_on"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := newInput(t).partners("P1")
			if tc.table != "tenants" {
				in.tenant("T1", "enterprise")
			}
			path := in.file(tc.table, "part-1.csv", tc.header, tc.row)
			out, _, err := runMonth(t, in, func(c *pipeline.Config) { c.MaxRejectRate = pipeline.Share(1) })
			if err == nil {
				t.Fatalf("run succeeded with %s missing column %s", path, tc.column)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) {
				t.Errorf("error does not name the file %s: %v", path, err)
			}
			if !strings.Contains(msg, tc.column) {
				t.Errorf("error does not name the column %s: %v", tc.column, err)
			}
			if !errors.Is(err, pipeline.ErrBadInput) {
				t.Errorf("error is not pipeline.ErrBadInput: %v", err)
			}
			assertNotPublished(t, out)
		})
	}
}

// reject is one row of rejects.parquet.
type reject struct {
	month, table, file, reason, raw string
	row                             int64
}

func readRejects(t *testing.T, out string) []reject {
	t.Helper()
	db := openDuck(t)
	rows, err := db.Query(fmt.Sprintf(`SELECT CAST(snapshot_month AS VARCHAR), table_name, file,
			CAST(row_number AS BIGINT), reason, CAST(raw AS VARCHAR)
		FROM read_parquet(%s) ORDER BY table_name, file, row_number`,
		quote(snapshotFile(out, pipeline.TableRejects))))
	if err != nil {
		t.Fatalf("read rejects.parquet: %v", err)
	}
	defer rows.Close()
	var got []reject
	for rows.Next() {
		var r reject
		if err := rows.Scan(&r.month, &r.table, &r.file, &r.row, &r.reason, &r.raw); err != nil {
			t.Fatalf("scan rejects: %v", err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// rowMatches reports whether a reject's row_number designates data row n of a CSV file. The
// contract does not say whether row_number counts the header line; the engine numbers data rows
// from 1 (the header is not counted), and this pins that.
func rowMatches(got, n int64) bool { return got == n }

func TestBadInput_Rejects(t *testing.T) {
	in := newInput(t)
	partners := in.file("partners", "partners.csv", "partner_id,partner_name,country",
		"P1,Contoso,US",
		"P2,Fabrikam,DE",
		"P1,Contoso again,US", // data row 3: duplicate of row 1 -> rejected, the first is kept
	)
	tenants := in.file("tenants", "tenants.csv", "tenant_id,segment,cloud",
		"T1,enterprise,public",
		"T2,smb,",             // cloud empty = public
		"T3,,public",          // data row 3: missing segment
		"T4,midmarket,public", // data row 4: unknown segment
	)
	assocs := in.file("associations", "associations.csv",
		"partner_id,tenant_id,association_type,workload,start_date,end_date",
		"P1,T1,CSP_T1,,2025-01-01,",
		"P1,T2,DPOR,,2025-06-01,2025-01-01", // data row 2: end before start
		"P9,T1,PAL,,2025-01-01,",            // data row 3: unknown partner
		"P2,T1,RESELLER,,2025-01-01,",       // data row 4: unknown association type
	)
	azure := in.file("azure_consumption", "part-1.csv", "tenant_id,month,service,offer,acr_usd",
		"T1,2026-10,Azure SQL Database,Pay-As-You-Go,1500",
		"T1,2026-09,Azure SQL Database,Pay-As-You-Go,abc", // data row 2: wrong type
		"T9,2026-10,Azure SQL Database,Pay-As-You-Go,100", // data row 3: unknown tenant
		"T1,2026-10,Key Vault,Pay-As-You-Go,",             // data row 4: missing acr_usd
	)
	certs := in.file("certifications", "certs.csv", "partner_id,person_id,certification,earned_on,expires_on",
		"P1,a1,AZ-104,2026-01-15,",
		"P7,a2,AZ-104,2026-01-15,", // data row 2: unknown partner
	)
	out, _, err := runMonth(t, in, func(c *pipeline.Config) { c.MaxRejectRate = pipeline.Share(1) })
	if err != nil {
		t.Fatalf("run with MaxRejectRate 1 failed: %v", err)
	}
	if _, err := os.Stat(snapshotFile(out, pipeline.TableAreaScores)); err != nil {
		t.Fatalf("snapshot not published: %v", err)
	}

	type expect struct {
		table, file string
		dataRow     int64
		reason      string // exact reason, or a prefix when prefix is set
		prefix      bool
		rawHas      string
	}
	expected := []expect{
		{"partners", partners, 3, "duplicate key: first seen in ", true, "Contoso again"},
		{"tenants", tenants, 3, "missing required value: segment", false, "T3"},
		{"tenants", tenants, 4, "unknown value: segment = midmarket", false, "midmarket"},
		{"associations", assocs, 2, "end before start: end_date 2025-01-01 < start_date 2025-06-01", false, "2025-06-01"},
		{"associations", assocs, 3, "unknown partner: P9", false, "P9"},
		{"associations", assocs, 4, "unknown value: association_type = RESELLER", false, "RESELLER"},
		{"azure_consumption", azure, 2, "wrong type: acr_usd = abc is not a", true, "abc"},
		{"azure_consumption", azure, 3, "unknown tenant: T9", false, "T9"},
		{"azure_consumption", azure, 4, "missing required value: acr_usd", false, "Key Vault"},
		{"certifications", certs, 2, "unknown partner: P7", false, "P7"},
	}
	got := readRejects(t, out)
	if len(got) != len(expected) {
		t.Errorf("rejects has %d rows, want %d:", len(got), len(expected))
		for _, r := range got {
			t.Logf("  %s %s row %d: %s | %s", r.table, r.file, r.row, r.reason, r.raw)
		}
	}
	for _, e := range expected {
		var match *reject
		for i := range got {
			r := &got[i]
			ok := r.table == e.table && rowMatches(r.row, e.dataRow) &&
				(r.reason == e.reason || e.prefix && strings.HasPrefix(r.reason, e.reason))
			if ok {
				match = r
				break
			}
		}
		if match == nil {
			t.Errorf("no reject for %s data row %d with reason %q", e.table, e.dataRow, e.reason)
			continue
		}
		t.Logf("%s row_number %d (data row %d): %q", e.table, match.row, e.dataRow, match.reason)
		if !strings.HasPrefix(match.month, snapshotMonth) {
			t.Errorf("%s reject: snapshot_month = %q, want %s", e.table, match.month, snapshotMonth)
		}
		if filepath.Base(match.file) != filepath.Base(e.file) {
			t.Errorf("%s reject: file = %q, want %s", e.table, match.file, e.file)
		}
		if !strings.Contains(match.raw, e.rawHas) {
			t.Errorf("%s reject: raw = %q does not contain %q", e.table, match.raw, e.rawHas)
		}
		if e.table == "partners" {
			// "duplicate key: first seen in <file> row <n>": the first P1 is data row 1, two rows
			// before the rejected one, in the same file, counted the way row_number counts.
			wantTail := fmt.Sprintf(" row %d", match.row-2)
			if !strings.HasSuffix(match.reason, wantTail) || !strings.Contains(match.reason, filepath.Base(partners)) {
				t.Errorf("duplicate reason %q: want it to name %s and end with %q", match.reason, filepath.Base(partners), wantTail)
			}
		}
	}
	// The kept duplicate is the first: P1 is scored under its first name, P2 as well.
	db := openDuck(t)
	var n int
	if err := db.QueryRow(fmt.Sprintf(`SELECT count(DISTINCT partner_id) FROM read_parquet(%s)`,
		quote(snapshotFile(out, pipeline.TableAreaScores)))).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("area_scores has %d partners, want 2 (P1 once, P2)", n)
	}
}

func TestBadInput_DefaultRejectRateFails(t *testing.T) {
	// One bad row out of two is a 50% reject rate, over the default limit 0.001.
	in := validBase(t).add("azure_consumption",
		"T1,2026-10,Azure SQL Database,Pay-As-You-Go,1500",
		"T1,2026-09,Azure SQL Database,Pay-As-You-Go,abc",
	)
	out, _, err := runMonth(t, in, nil)
	if err == nil {
		t.Fatal("run succeeded with 1 bad row in 2 at the default reject rate 0.001")
	}
	if !strings.Contains(strings.ToLower(err.Error()), "reject rate") {
		t.Errorf("error does not mention the reject rate: %v", err)
	}
	if !strings.Contains(err.Error(), "azure_consumption") {
		t.Errorf("error does not name the table azure_consumption: %v", err)
	}
	if !errors.Is(err, pipeline.ErrBadInput) {
		t.Errorf("error is not pipeline.ErrBadInput: %v", err)
	}
	assertNotPublished(t, out)
}

func TestBadInput_LargeFileOneBadRowPublishes(t *testing.T) {
	// A 10,000-row azure_consumption file with one bad row: 1 / 10,000 = 0.0001 <= 0.001, so the run
	// publishes, the row is in rejects, and read = accepted + rejected + out_of_window.
	in := newInput(t).partners("P1")
	const tenants = 50
	for i := 1; i <= tenants; i++ {
		in.tenant(fmt.Sprintf("T%02d", i), "enterprise")
	}
	in.assoc("P1", "T01", "CSP_T1")
	// 27 months: 2024-09 and 2024-10 before the window S-23 = 2024-11, the 24 months of the window,
	// and 2026-11 after S: the three outside months are out of window, not rejected.
	var months []string
	for m := 0; m < 27; m++ {
		y, mo := 2024, 9+m
		y += (mo - 1) / 12
		mo = (mo-1)%12 + 1
		months = append(months, fmt.Sprintf("%04d-%02d", y, mo))
	}
	const total = 10000
	const badRow = 5001 // 1-based data row; month index (5001-1) % 27 = 5 -> 2025-02, in the window
	var lines []string
	var outOfWindow int64
	for i := 0; i < total; i++ {
		month := months[i%len(months)]
		acr := fmt.Sprintf("%d.%02d", 100+i%900, i%100)
		if i+1 == badRow {
			acr = "abc"
		} else if month < "2024-11" || month > snapshotMonth {
			outOfWindow++
		}
		lines = append(lines, fmt.Sprintf("T%02d,%s,Azure SQL Database,Pay-As-You-Go,%s", i/len(months)%tenants+1, month, acr))
	}
	path := in.file("azure_consumption", "big.csv", headers["azure_consumption"], lines...)
	out, _, err := runMonth(t, in, nil) // default reject rate 0.001
	if err != nil {
		t.Fatalf("run with 1 bad row in %d failed: %v", total, err)
	}
	if _, err := os.Stat(snapshotFile(out, pipeline.TableAreaScores)); err != nil {
		t.Fatalf("snapshot not published: %v", err)
	}

	rej := readRejects(t, out)
	if len(rej) != 1 {
		t.Fatalf("rejects has %d rows, want 1: %+v", len(rej), rej)
	}
	r := rej[0]
	if r.table != "azure_consumption" || !rowMatches(r.row, badRow) ||
		!strings.HasPrefix(r.reason, "wrong type: acr_usd = abc is not a") || !strings.Contains(r.raw, "abc") ||
		filepath.Base(r.file) != filepath.Base(path) {
		t.Errorf("reject = %+v, want azure_consumption %s data row %d, wrong type: acr_usd = abc", r, path, badRow)
	}

	// Accounting: from the month's manifest (inputs[]).
	month, _ := pipeline.ParseMonth(snapshotMonth)
	man, err := pipeline.NewLayout(out).ReadManifest(month)
	if err != nil {
		t.Fatal(err)
	}
	var st *pipeline.TableStats
	for i := range man.Inputs {
		if man.Inputs[i].Table == "azure_consumption" {
			st = &man.Inputs[i]
		}
	}
	if st == nil {
		t.Fatalf("manifest has no azure_consumption accounting: %+v", man.Inputs)
	}
	read, acc, rejN, oow := st.Read, st.Accepted, st.Rejected, st.OutOfWindow
	// 10,000 = 370 x 27 + 10 rows: 2024-09 and 2024-10 (cycle positions 0 and 1) appear 371 times
	// each and 2026-11 (position 26) 370 times: 371 + 371 + 370 = 1,112 rows out of window.
	if outOfWindow != 1112 {
		t.Fatalf("test data: %d rows out of window, want 1112", outOfWindow)
	}
	if read != total || rejN != 1 || oow != outOfWindow || acc != total-1-outOfWindow {
		t.Errorf("azure_consumption: read %d accepted %d rejected %d out_of_window %d; want %d, %d, 1, %d",
			read, acc, rejN, oow, total, total-1-outOfWindow, outOfWindow)
	}
	if read != acc+rejN+oow {
		t.Errorf("azure_consumption: read %d != accepted %d + rejected %d + out_of_window %d", read, acc, rejN, oow)
	}
}
