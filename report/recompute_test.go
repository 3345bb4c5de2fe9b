package report

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/capscore/capscore/pipeline"
	sqlfiles "github.com/capscore/capscore/sql"
)

var dataK = regexp.MustCompile(`data-k="([^"]*)">([^<]*)<`)

// pageNumbers returns every number the page marks with data-k, by key.
func pageNumbers(t testing.TB, html string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, m := range dataK.FindAllStringSubmatch(html, -1) {
		if _, dup := got[m[1]]; dup {
			t.Errorf("key %s appears twice on the page", m[1])
		}
		got[m[1]] = m[2]
	}
	return got
}

// recompute derives, with its own SQL straight from the published Parquet files, every number the
// page of month should show: keys as in pageNumbers. limit is the page's list cap.
func recompute(t testing.TB, out string, month string, trend []string, limit int) map[string]string {
	t.Helper()
	db := fixtureDB(t)
	l := pipeline.NewLayout(out)
	file := func(table, m string) string {
		mm, err := pipeline.ParseMonth(m)
		if err != nil {
			t.Fatal(err)
		}
		return sqlfiles.QuoteLiteral(l.TableFile(table, mm))
	}
	want := map[string]string{}
	rows := func(q string, each func(vals []any)) {
		t.Helper()
		r, err := db.SQL().Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer r.Close()
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			each(vals)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
	}
	str := func(v any) string { return fmt.Sprint(v) }

	// Areas of the month, each with zeros for tracks and bands it has no rows in.
	areas := map[string]bool{}
	rows("SELECT DISTINCT solution_area FROM read_parquet("+file(tableAreaScores, month)+")", func(v []any) { areas[str(v[0])] = true })
	for _, m := range trend {
		present := map[string]bool{}
		rows("SELECT DISTINCT solution_area FROM read_parquet("+file(tableAreaScores, m)+")", func(v []any) { present[str(v[0])] = true })
		total := map[string]int64{}
		for a := range areas {
			for _, tr := range trackOrder {
				want[fmt.Sprintf("q/%s/%s/%s", a, tr, m)] = "no rows"
				if present[a] {
					want[fmt.Sprintf("q/%s/%s/%s", a, tr, m)] = "0"
				}
			}
		}
		for _, tr := range trackOrder {
			want[fmt.Sprintf("q/all/%s/%s", tr, m)] = "no rows"
			if len(present) > 0 {
				want[fmt.Sprintf("q/all/%s/%s", tr, m)] = "0"
			}
		}
		rows("SELECT solution_area, track, sum(CASE WHEN qualified THEN 1 ELSE 0 END) FROM read_parquet("+file(tableAreaScores, m)+") GROUP BY 1, 2", func(v []any) {
			a, tr := str(v[0]), str(v[1])
			n, _ := strconv.ParseInt(str(v[2]), 10, 64)
			if areas[a] {
				want[fmt.Sprintf("q/%s/%s/%s", a, tr, m)] = str(n)
			}
			total[tr] += n
		})
		for tr, n := range total {
			want[fmt.Sprintf("q/all/%s/%s", tr, m)] = str(n)
		}
	}
	for a := range areas {
		for b := 0; b < 10; b++ {
			want[fmt.Sprintf("h/%s/%d", a, b)] = "0"
		}
	}
	rows(`SELECT solution_area, CASE WHEN total_points >= 90 THEN 9 ELSE CAST(floor(total_points / 10) AS INT) END AS b, count(*)
		FROM read_parquet(`+file(tableAreaScores, month)+`) GROUP BY 1, 2`, func(v []any) {
		want[fmt.Sprintf("h/%s/%s", v[0], str(v[1]))] = str(v[2])
	})
	rows("SELECT count(*), sum(CASE WHEN qualified THEN 1 ELSE 0 END) FROM read_parquet("+file(tableAreaScores, month)+")", func(v []any) {
		want["partner-areas"], want["qualified"] = str(v[0]), str(v[1])
	})
	nearQ := fmt.Sprintf(`SELECT partner_id, solution_area, CAST(total_points AS DOUBLE) FROM read_parquet(%s)
		WHERE qualified = false AND total_points + 10 >= 70 ORDER BY total_points DESC, partner_id, solution_area`, file(tableAreaScores, month))
	var near int
	rows(nearQ, func(v []any) {
		if near < limit {
			want[fmt.Sprintf("near/%s/%s", v[0], v[1])] = str(v[2])
		}
		near++
	})
	want["near-total"] = str(near)
	if near > limit {
		want["near-rest"] = fmt.Sprintf("and %d more not shown.", near-limit)
	}
	// Movers against the previous published month.
	if len(trend) > 1 {
		prev := trend[len(trend)-2]
		n := map[string]int{}
		rows(fmt.Sprintf(`SELECT CASE WHEN c.qualified THEN 'gained' ELSE 'lost' END, coalesce(c.partner_id, p.partner_id), coalesce(c.solution_area, p.solution_area),
			CAST(c.total_points AS DOUBLE)
			FROM read_parquet(%s) c FULL JOIN read_parquet(%s) p USING (partner_id, solution_area)
			WHERE coalesce(c.qualified, false) IS DISTINCT FROM coalesce(p.qualified, false) ORDER BY 2, 3`, file(tableAreaScores, month), file(tableAreaScores, prev)), func(v []any) {
			kind := str(v[0])
			if v[3] == nil {
				kind = "lost"
			}
			if n[kind] < limit {
				val := "gone"
				if v[3] != nil {
					val = str(v[3])
				}
				want[fmt.Sprintf("%s/%s/%s", kind, v[1], v[2])] = val
			}
			n[kind]++
		})
		want["gained-total"], want["lost-total"] = str(n["gained"]), str(n["lost"])
	}
	var rejects int64
	var groups int
	rows(`SELECT table_name, regexp_extract(reason, '^[^:]*'), count(*) FROM read_parquet(`+file(tableRejects, month)+`) GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`, func(v []any) {
		if groups < limit {
			want[fmt.Sprintf("rej/%s/%s", v[0], v[1])] = str(v[2])
		}
		groups++
		c, _ := strconv.ParseInt(str(v[2]), 10, 64)
		rejects += c
	})
	want["rejects-total"] = str(rejects)
	// Rows read come from the manifest.
	mm, _ := pipeline.ParseMonth(month)
	man, _, err := readManifest(l.ManifestPath(mm))
	if err != nil {
		t.Fatal(err)
	}
	var read int64
	for _, in := range man.Inputs {
		read += in.Read
		want["read/"+in.Table] = str(in.Read)
	}
	want["rows-read"] = str(read)
	return want
}

// sameNumber compares two page values as numbers when both are numbers (68 equals 68.0).
func sameNumber(a, b string) bool {
	x, errx := strconv.ParseFloat(a, 64)
	y, erry := strconv.ParseFloat(b, 64)
	if errx == nil && erry == nil {
		return x == y
	}
	return a == b
}

// checkPage fails unless the page shows exactly the recomputed numbers.
func checkPage(t testing.TB, html string, want map[string]string) {
	t.Helper()
	got := pageNumbers(t, html)
	if len(want) < 10 {
		t.Fatalf("only %d numbers recomputed", len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("page lacks %s (want %s)", k, w)
		} else if !sameNumber(g, w) {
			t.Errorf("%s: page shows %q, Parquet says %q", k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("page shows %s = %q, which the Parquet does not give", k, g)
		}
	}
}

// TestPageNumbersEqualParquet renders the fixture's latest month and compares every marked number
// with DuckDB SQL over the published files, written independently of the report's own queries.
func TestPageNumbersEqualParquet(t *testing.T) {
	out := writeFixture(t)
	for _, limit := range []int{25, 1} {
		p := load(t, out, Options{Limit: limit})
		html := renderString(t, p)
		checkPage(t, html, recompute(t, out, p.Month, p.TrendMonths, limit))
	}
}

// renderString renders the page to a string.
func renderString(t testing.TB, p *Page) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "*.html")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Render(f, p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(f.Name())
	return string(b)
}
