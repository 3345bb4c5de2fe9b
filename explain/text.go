package explain

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Width is the width the text output fits in.
const Width = 80

// WriteText renders the explanation for a terminal, in lines of at most Width columns.
func WriteText(w io.Writer, e *Explanation) error {
	var b strings.Builder
	p := func(indent, first, text string) { b.WriteString(wrap(indent, first, text)) }
	name := e.Partner.ID
	if e.Partner.Name != "" {
		name += " " + e.Partner.Name
	}
	if e.Partner.Country != "" {
		name += " (" + e.Partner.Country + ")"
	}
	p("", "", fmt.Sprintf("%s, %s as of %s", name, e.Month, e.AsOf))
	src := "published with the month"
	if e.Rubric.Source == "built-in" {
		src = "the built-in rubric: the month was published before rubrics were published with it, and its SHA-256 matches"
	}
	p("", "", fmt.Sprintf("Scored with rubric %s (%s).", e.Rubric.ID, src))
	b.WriteString("\n")
	writeAreas(&b, e)
	a := e.Area
	b.WriteString("\n")
	p("", "", fmt.Sprintf("%s, %s track: %s of %s points, %s", a.Name, a.Track, a.TotalPoints, fmtNum(a.MaxPoints), words(a.Status)))
	chosen := "Chosen with --area."
	if a.Chosen != "--area" {
		chosen = "Shown: " + a.Chosen + " (--area picks another)."
	}
	p("", "", chosen)
	q := fmt.Sprintf("Qualifies at %s points with every metric above 0.", fmtNum(a.QualifyingScore))
	if a.OtherTrack != nil {
		q += fmt.Sprintf(" The %s track totals %s (%s).", a.OtherTrack.Track, a.OtherTrack.TotalPoints,
			map[bool]string{true: "would qualify", false: "would not qualify"}[a.OtherTrack.Qualified])
	}
	p("", "", q)
	for i, c := range a.Metrics {
		b.WriteString("\n")
		writeCard(&b, i+1, c)
	}
	b.WriteString("\nRecommendations\n")
	switch {
	case a.RecommendationsNote != "":
		p("  ", "  ", a.RecommendationsNote+".")
	case len(a.Recommendations) == 0:
		p("  ", "  ", "None for this area and track.")
	}
	for _, r := range a.Recommendations {
		head := ""
		if r.Priority != nil {
			head = fmt.Sprintf("%d ", *r.Priority)
		}
		text := r.Action
		// A renewal_risk action already says how many points the area is short.
		if r.PointsAtStake != nil && r.Kind != "renewal_risk" {
			text += fmt.Sprintf(" (%s points at stake)", *r.PointsAtStake)
		}
		if d := strings.TrimSpace(r.Detail); d != "" && !strings.HasPrefix(d, "{") && !strings.HasPrefix(d, "[") {
			text += ". " + d
		}
		p("      ", "  - ", fmt.Sprintf("%s[%s] %s", head, r.Kind, text))
	}
	writeChange(&b, a)
	if len(e.Notes) > 0 {
		b.WriteString("\nNotes\n")
		for _, n := range e.Notes {
			p("    ", "  - ", n+".")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeAreas writes the status table of the six areas.
func writeAreas(b *strings.Builder, e *Explanation) {
	since := ""
	for _, a := range e.Areas {
		if a.DeltaPoints != nil && e.Area.SinceLastMonth != nil {
			since = "SINCE " + e.Area.SinceLastMonth.PreviousMonth
		}
	}
	nameW := len("AREA")
	for _, a := range e.Areas {
		nameW = max(nameW, len(a.Name))
	}
	nameW = min(nameW, Width-len("  enterprise  100.00  not started  SINCE 2026-09"))
	head := fmt.Sprintf("%-*s  %-10s  %6s  %-11s  %s", nameW, "AREA", "TRACK", "POINTS", "STATUS", since)
	b.WriteString(strings.TrimRight(head, " ") + "\n")
	for _, a := range e.Areas {
		n := a.Name
		if len(n) > nameW {
			n = n[:nameW-3] + "..."
		}
		line := fmt.Sprintf("%-*s  %-10s  %6s  %-11s", nameW, n, a.Track, a.TotalPoints, words(a.Status))
		if since != "" && a.DeltaPoints != nil {
			line += fmt.Sprintf("  %*s", len(since), a.DeltaPoints.signed())
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

// writeCard writes one metric card.
func writeCard(b *strings.Builder, n int, c MetricCard) {
	p := func(first, text string) { b.WriteString(wrap("     ", first, text)) }
	p(fmt.Sprintf("%d. ", n), fmt.Sprintf("%s (%s): %s of %s points", c.Label, c.Category, c.Points, c.MaxPoints))
	if c.Criterion != "" {
		p("   ", "Criterion: "+c.Criterion)
	}
	v := "Value: " + floatText(c.Value)
	if c.Threshold != nil {
		v += ", threshold " + fmtNum(*c.Threshold)
	}
	p("   ", v+".")
	for _, d := range c.Detail {
		p("   ", d)
	}
	if c.RowsNote != "" {
		p("   ", "Rows: "+c.RowsNote+".")
	}
	for _, l := range []struct {
		title string
		list  List
	}{{"Contributing", c.Contributing}, {"Pulling down", c.PullingDown}, {"Adding nothing", c.NotAdding}} {
		if len(l.list.Rows) == 0 {
			continue
		}
		b.WriteString("   " + l.title + ":\n")
		for _, it := range l.list.Rows {
			b.WriteString(wrap("         ", "     ", itemName(it)+": "+it.Text))
		}
		if l.list.More > 0 {
			fmt.Fprintf(b, "     ... and %d more\n", l.list.More)
		}
	}
}

// writeChange writes the "since last month" section.
func writeChange(b *strings.Builder, a AreaDetail) {
	c := a.SinceLastMonth
	if c == nil {
		b.WriteString("\nSince last month\n")
		b.WriteString(wrap("  ", "  ", a.SinceLastMonthNote+"."))
		return
	}
	p := func(text string) { b.WriteString(wrap("    ", "  ", text)) }
	fmt.Fprintf(b, "\nSince %s\n", c.PreviousMonth)
	switch c.Presence {
	case "new":
		p(fmt.Sprintf("New this month: %s points, %s.", pointsText(c.TotalPoints), words(c.Status)))
	case "gone":
		p(fmt.Sprintf("Gone this month; it had %s points, %s.", pointsText(c.PreviousTotalPoints), words(c.PreviousStatus)))
	default:
		s := fmt.Sprintf("Total %s -> %s (%s); %s -> %s", pointsText(c.PreviousTotalPoints), pointsText(c.TotalPoints),
			c.TotalDeltaPoints.signed(), words(c.PreviousStatus), words(c.Status))
		switch c.QualificationChange {
		case "gained":
			s += ", gained qualification"
		case "lost":
			s += ", lost qualification"
		}
		switch c.EnrollmentChange {
		case "enrolled":
			s += ", enrolled"
		case "unenrolled":
			s += ", no longer enrolled"
		}
		p(s + ".")
		if c.TrackChanged {
			p(fmt.Sprintf("Track %s -> %s.", c.PreviousTrack, c.Track))
		}
		if len(c.MetricDeltas) > 0 {
			parts := make([]string, len(c.MetricDeltas))
			for i, d := range c.MetricDeltas {
				parts[i] = strings.ToLower(d.Label) + " " + d.DeltaPoints.signed()
			}
			p("Points: " + strings.Join(parts, ", ") + ".")
		}
	}
	if c.Note != "" {
		p("Note: " + c.Note + ".")
	}
	if c.Drivers == nil {
		return
	}
	if len(c.Drivers) == 0 {
		p("No eligibility row moved.")
		return
	}
	b.WriteString("  What moved:\n")
	for _, d := range c.Drivers {
		b.WriteString(wrap("      ", "    - ", d.Text))
	}
	if c.DriversMore > 0 {
		fmt.Fprintf(b, "    ... and %d more\n", c.DriversMore)
	}
}

// itemName names a customer or certification row.
func itemName(it Item) string {
	if it.PersonID != "" {
		s := it.PersonID + " " + it.Certification
		if it.Step != nil && *it.Step > 0 {
			s += fmt.Sprintf(" (step %d)", *it.Step)
		}
		return s
	}
	s := it.TenantID
	if it.Workload != "" {
		s += " " + it.Workload
	}
	if it.Part != "" {
		s += " [" + it.Part + "]"
	}
	return s
}

func pointsText(p *Points) string {
	if p == nil {
		return "none"
	}
	return string(*p)
}

func floatText(f *float64) string {
	if f == nil {
		return "none"
	}
	return fmtNum(*f)
}

// words turns a status id into words: in_progress -> "in progress".
func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

// wrap writes text in lines of at most Width columns: the first line starts with first, the next
// ones with indent; a word longer than a line is cut.
func wrap(indent, first, text string) string {
	var b strings.Builder
	line := first
	empty := true
	flush := func() {
		b.WriteString(strings.TrimRight(line, " ") + "\n")
		line, empty = indent, true
	}
	for _, word := range strings.Fields(text) {
		for len(word) > Width-len(indent) {
			if !empty {
				flush()
			}
			cut := Width - len(line)
			for cut > 1 && !utf8.RuneStart(word[cut]) {
				cut-- // never split a character
			}
			line += word[:cut]
			word = word[cut:]
			flush()
		}
		switch {
		case empty:
			line += word
		case len(line)+1+len(word) > Width:
			flush()
			line += word
		default:
			line += " " + word
		}
		empty = false
	}
	if !empty || line != indent {
		flush()
	}
	return b.String()
}
