package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/capscore/capscore/rubric"
	"github.com/capscore/capscore/whatif"
)

// simResult is what `refresh simulate` shows, in the form --json prints; the text renders the same.
type simResult struct {
	Partner simPartner `json:"partner"`
	// Month is the snapshot month, AsOf the day skilling was counted on in the simulation.
	Month  string `json:"month"`
	AsOf   string `json:"as_of"`
	Rubric string `json:"rubric_id"`
	// Changes are the changes asked for, in words, with the input rows each adds.
	Changes []simChange `json:"changes"`
	// Slice is what the simulated run read.
	Slice simSlice `json:"slice"`
	// Areas are the six areas, before (published) and after (simulated).
	Areas []simArea `json:"areas"`
	Notes []string  `json:"notes"`
}

// simPartner is the partner simulated.
type simPartner struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// simSlice sums up the simulated run: the input it sliced, the rows of the slice it read and
// rejected, and its wall time.
type simSlice struct {
	Input        string  `json:"input"`
	RowsRead     int64   `json:"rows_read"`
	RowsRejected int64   `json:"rows_rejected"`
	Seconds      float64 `json:"seconds"`
}

// simArea is one area before and after.
type simArea struct {
	Area string `json:"area"`
	Name string `json:"name"`
	// Changed says the simulation moved the area's track, total, status, qualification or a
	// metric's points; Affected that it is shown: changed, named by a change flag (the area of
	// --add-customers, --grow-usage, --apply-path; the areas a certification counts in), or any area
	// when no change was asked for.
	Changed  bool      `json:"changed"`
	Affected bool      `json:"affected"`
	Before   *simScore `json:"before"`
	After    *simScore `json:"after"`
	// TotalDeltaPoints is after minus before, e.g. "+4.00".
	TotalDeltaPoints string `json:"total_delta_points"`
}

// build fills the areas from before and after, in rubric order.
func (r *simResult) build(rb *rubric.Rubric, before, after map[string]*simScore, named map[string]bool, all bool) {
	for _, a := range rubric.Areas {
		b, af := before[a], after[a]
		if b == nil && af == nil {
			continue
		}
		name := a
		if x := rb.Areas[a]; x != nil && x.Name != "" {
			name = x.Name
		}
		changed := !b.sameAs(af)
		sa := simArea{Area: a, Name: name, Changed: changed, Affected: changed || named[a] || all, Before: b, After: af}
		if b != nil && af != nil {
			sa.TotalDeltaPoints = delta(b.TotalPoints, af.TotalPoints)
		}
		r.Areas = append(r.Areas, sa)
	}
	if r.Notes == nil {
		r.Notes = []string{}
	}
}

// delta is after minus before of two points texts, signed with two decimals.
func delta(before, after string) string {
	b, err1 := strconv.ParseFloat(before, 64)
	a, err2 := strconv.ParseFloat(after, 64)
	if err1 != nil || err2 != nil {
		return ""
	}
	d := math.Round((a-b)*100) / 100
	if d == 0 {
		return "+0.00"
	}
	return fmt.Sprintf("%+.2f", d)
}

// writeText prints the result in columns that fit 80 characters.
func (r *simResult) writeText(w io.Writer) error {
	var b strings.Builder
	title := r.Partner.ID
	if r.Partner.Name != "" {
		title += " " + r.Partner.Name
	}
	fmt.Fprintf(&b, "%s, %s as of %s: a what-if, not published\n", title, r.Month, r.AsOf)
	if len(r.Changes) == 0 {
		b.WriteString("Changes: none (the partner's slice as it is, which scores as published)\n")
	} else {
		b.WriteString("Changes:\n")
		for _, c := range r.Changes {
			line := fmt.Sprintf("  %s %s: %s", c.Flag, c.Value, c.Text)
			if rows := rowsText(c.Rows); rows != "" {
				line += " [" + rows + "]"
			}
			b.WriteString(wrapIndent(line, 78, "      ") + "\n")
		}
	}
	b.WriteString(wrapIndent(fmt.Sprintf("Run on %s's slice of %s: %d rows read, %d rejected, %.1f s; rubric %s.",
		r.Partner.ID, r.Slice.Input, r.Slice.RowsRead, r.Slice.RowsRejected, r.Slice.Seconds, r.Rubric), 78, "  ") + "\n")
	var quiet []string
	for _, a := range r.Areas {
		if !a.Affected {
			quiet = append(quiet, fmt.Sprintf("%s %s %s", a.Name, a.After.TotalPoints, words(a.After.Status)))
			continue
		}
		b.WriteString("\n")
		writeArea(&b, a)
	}
	if len(quiet) > 0 {
		b.WriteString("\n" + wrapIndent("Not affected: "+strings.Join(quiet, "; ")+".", 78, "  ") + "\n")
	}
	for _, n := range r.Notes {
		b.WriteString(wrapIndent("Note: "+n, 78, "  ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeArea prints one area's before and after, one line per figure.
func writeArea(b *strings.Builder, a simArea) {
	// Points are right-aligned in their column, words left-aligned.
	row := func(label, before, after, d string) {
		line := fmt.Sprintf("  %-30s %-14s %-14s %s", label, before, after, d)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	pts := func(label, before, after, d string) {
		row(label, fmt.Sprintf("%6s", before), fmt.Sprintf("%6s", after), d)
	}
	fmt.Fprintf(b, "%-32s %-14s %s\n", a.Name, "BEFORE", "AFTER")
	bs, as := a.Before, a.After
	if bs == nil {
		bs = &simScore{}
	}
	if as == nil {
		as = &simScore{}
	}
	row("track", bs.Track, as.Track, "")
	var names []string
	for _, m := range rubric.Metrics {
		if bs.points(m) != "" || as.points(m) != "" {
			names = append(names, m)
		}
	}
	for _, m := range names {
		bp, ap := bs.points(m), as.points(m)
		d := ""
		if bp != "" && ap != "" && bp != ap {
			d = delta(bp, ap)
		}
		pts(words(m), dash(bp), dash(ap), d)
	}
	d := ""
	if a.TotalDeltaPoints != "" && a.TotalDeltaPoints != "+0.00" {
		d = a.TotalDeltaPoints
	}
	pts("total", bs.TotalPoints, as.TotalPoints, d)
	row("qualified", yesNo(bs.Qualified), yesNo(as.Qualified), "")
	row("qualified in window", yesNo(bs.QualifiedInWindow), yesNo(as.QualifiedInWindow), "")
	row("status", words(bs.Status), words(as.Status), "")
}

// rowsText words the rows a change adds: "2 certifications rows".
func rowsText(rows map[string]int) string {
	var parts []string
	for _, t := range whatif.TableNames {
		if n := rows[t]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s %s", n, t, plural(n, "row", "rows")))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "adds " + strings.Join(parts, ", ")
}

func words(id string) string { return strings.ReplaceAll(id, "_", " ") }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// wrapIndent wraps text at width, continuation lines indented.
func wrapIndent(text string, width int, indent string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		lead := ""
		if len(lines) == 0 && line == "" && strings.HasPrefix(text, "  ") {
			lead = "  "
		}
		switch {
		case line == "":
			line = lead + w
			if len(lines) > 0 {
				line = indent + w
			}
		case len(line)+1+len(w) > width:
			lines = append(lines, line)
			line = indent + w
		default:
			line += " " + w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// roundTo rounds x to n decimals.
func roundTo(x float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(x*p) / p
}
