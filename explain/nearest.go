package explain

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/capscore/capscore/pipeline"
)

// ErrNotFound means a partner, area or month asked for does not exist in OUT; the error names the
// nearest valid values. The command line treats it as a usage error.
var ErrNotFound = errors.New("not found")

// LookupError is an unknown partner, solution area or month, with the nearest valid values.
type LookupError struct {
	// What is "partner", "solution area" or "month"; Given what was asked for.
	What, Given string
	// Where says where it was looked for ("in 2026-10", "published in out").
	Where string
	// Nearest are the closest valid values, best first.
	Nearest []string
	// Valid summarises the valid values.
	Valid string
}

// Error names the value, where it was looked for and the nearest valid ones.
func (e *LookupError) Error() string {
	s := fmt.Sprintf("%s %q is not %s", e.What, e.Given, e.Where)
	if len(e.Nearest) > 0 {
		s += "; nearest: " + strings.Join(e.Nearest, ", ")
	}
	if e.Valid != "" {
		s += " (" + e.Valid + ")"
	}
	return s
}

// Unwrap returns ErrNotFound.
func (e *LookupError) Unwrap() error { return ErrNotFound }

// nearest returns up to n candidates close to given, best first: by edit distance (case-insensitive),
// a candidate containing given or contained in it counting as one edit; ties in the candidates'
// order. Candidates further than half of given's length (at least 2 edits) are left out.
func nearest(given string, candidates []string, n int) []string {
	g := strings.ToLower(given)
	type scored struct {
		s    string
		d, i int
	}
	var all []scored
	for i, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(g, lc)
		if g != "" && (strings.Contains(lc, g) || strings.Contains(g, lc)) {
			d = min(d, 1)
		}
		if d <= max(2, len([]rune(g))/2) {
			all = append(all, scored{c, d, i})
		}
	}
	sort.SliceStable(all, func(a, b int) bool {
		if all[a].d != all[b].d {
			return all[a].d < all[b].d
		}
		return all[a].i < all[b].i
	})
	var out []string
	for _, x := range all {
		if len(out) == n {
			break
		}
		out = append(out, x.s)
	}
	return out
}

// editDistance is the Levenshtein distance of two strings (in runes).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// nearestMonths returns the published months closest in time to m (the later first on a tie).
func nearestMonths(m pipeline.Month, months []pipeline.Month, n int) []string {
	sorted := append([]pipeline.Month(nil), months...)
	dist := func(x pipeline.Month) int {
		d := x.Sub(m)
		if d < 0 {
			return -2*d + 1
		}
		return 2 * d
	}
	sort.SliceStable(sorted, func(a, b int) bool { return dist(sorted[a]) < dist(sorted[b]) })
	var out []string
	for _, x := range sorted {
		if len(out) == n {
			break
		}
		out = append(out, x.String())
	}
	return out
}

// monthSpan summarises the published months: all of them when few, else the count and the range.
func monthSpan(months []pipeline.Month) string {
	if len(months) <= 6 {
		s := make([]string, len(months))
		for i, m := range months {
			s[i] = m.String()
		}
		return "published: " + strings.Join(s, ", ")
	}
	return fmt.Sprintf("published: %d months, %s..%s", len(months), months[0], months[len(months)-1])
}
