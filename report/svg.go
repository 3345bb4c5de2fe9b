package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Charts are drawn by the page template from these geometry structs: the Go code decides every
// coordinate, the template only writes SVG elements, so every label goes through html/template's
// escaping. Coordinates are in SVG user units; the SVG scales to its container through viewBox.

// LineChart is a line chart of counts over months.
type LineChart struct {
	// Title is the chart's accessible title; it carries every number drawn.
	Title  string
	W, H   float64
	Plot   Rect
	XTicks []Tick
	YTicks []Tick
	Series []Series
}

// Rect is the plot area.
type Rect struct{ X0, Y0, X1, Y1 float64 }

// Tick is one axis label with its position.
type Tick struct {
	X, Y  float64
	Label string
}

// Series is one line with its dots.
type Series struct {
	Name, Class string
	// Points is the polyline's points attribute.
	Points string
	Dots   []Dot
}

// Dot is one data point.
type Dot struct {
	X, Y  float64
	Label string
}

// BarChart is a histogram with a threshold line.
type BarChart struct {
	Title     string
	W, H      float64
	Plot      Rect
	XTicks    []Tick
	YTicks    []Tick
	Bars      []Bar
	Threshold Tick
}

// Bar is one histogram bar.
type Bar struct {
	X, Y, W, H float64
	Label      string
	Count      int64
	// Above is true for bars at or above the threshold.
	Above bool
}

const (
	chartW, chartH                       = 420.0, 220.0
	padLeft, padRight, padTop, padBottom = 40.0, 12.0, 22.0, 34.0
)

// niceMax rounds a count up to an axis maximum with integer ticks (at least 1).
func niceMax(v int64) int64 {
	if v <= 1 {
		return 1
	}
	for _, step := range []int64{2, 4, 5, 10, 20, 25, 50} {
		if v <= step {
			return step
		}
	}
	p := int64(math.Pow10(int(math.Floor(math.Log10(float64(v))))))
	for _, f := range []int64{1, 2, 5, 10} {
		if v <= f*p {
			return f * p
		}
	}
	return 10 * p
}

// yTicks returns 0, max/2 (when whole) and max.
func yTicks(plot Rect, max int64) []Tick {
	vals := []int64{0, max}
	if max%2 == 0 && max > 1 {
		vals = []int64{0, max / 2, max}
	}
	var out []Tick
	for _, v := range vals {
		out = append(out, Tick{X: plot.X0 - 6, Y: yOf(plot, float64(v), float64(max)), Label: strconv.FormatInt(v, 10)})
	}
	return out
}

func yOf(plot Rect, v, max float64) float64 {
	return round1(plot.Y1 - (plot.Y1-plot.Y0)*v/max)
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func plotRect() Rect {
	return Rect{X0: padLeft, Y0: padTop, X1: chartW - padRight, Y1: chartH - padBottom}
}

// lineChart draws one line per track over months; name names the chart in its title.
func lineChart(name string, months []string, tracks []TrackSeries) LineChart {
	plot := plotRect()
	var max int64
	for _, s := range tracks {
		for _, c := range s.Counts {
			max = maxInt(max, c)
		}
	}
	max = niceMax(max)
	c := LineChart{W: chartW, H: chartH, Plot: plot, YTicks: yTicks(plot, max)}
	xOf := func(i int) float64 {
		if len(months) == 1 {
			return round1((plot.X0 + plot.X1) / 2)
		}
		return round1(plot.X0 + 10 + (plot.X1-plot.X0-20)*float64(i)/float64(len(months)-1))
	}
	every := (len(months) + 5) / 6 // at most six month labels
	for i, m := range months {
		if i%every == 0 || i == len(months)-1 {
			c.XTicks = append(c.XTicks, Tick{X: xOf(i), Y: plot.Y1 + 16, Label: m})
		}
	}
	var parts []string
	for _, s := range tracks {
		ser := Series{Name: trackLabel(s.Track), Class: "s-" + cssName(s.Track)}
		var pts []string
		var nums []string
		for i, v := range s.Counts {
			x, y := xOf(i), yOf(plot, float64(v), float64(max))
			pts = append(pts, fmt.Sprintf("%g,%g", x, y))
			ser.Dots = append(ser.Dots, Dot{X: x, Y: y, Label: fmt.Sprintf("%s %s: %d qualified", trackLabel(s.Track), months[i], v)})
			nums = append(nums, fmt.Sprintf("%s %d", months[i], v))
		}
		ser.Points = strings.Join(pts, " ")
		c.Series = append(c.Series, ser)
		parts = append(parts, trackLabel(s.Track)+": "+strings.Join(nums, ", "))
	}
	c.Title = "Qualified partner-areas, " + name + ". " + strings.Join(parts, "; ")
	return c
}

// histogram draws bins of total points with a line at threshold.
func histogram(name string, bins []Bin, threshold float64) BarChart {
	plot := plotRect()
	var max int64
	for _, b := range bins {
		max = maxInt(max, b.Count)
	}
	max = niceMax(max)
	c := BarChart{W: chartW, H: chartH, Plot: plot, YTicks: yTicks(plot, max)}
	xOf := func(points float64) float64 { return round1(plot.X0 + (plot.X1-plot.X0)*points/100) }
	var nums []string
	for _, b := range bins {
		x0, x1 := xOf(b.From), xOf(b.To)
		y := yOf(plot, float64(b.Count), float64(max))
		label := binLabel(b)
		c.Bars = append(c.Bars, Bar{X: x0 + 1, Y: y, W: round1(x1 - x0 - 2), H: round1(plot.Y1 - y), Label: fmt.Sprintf("%s points: %d", label, b.Count), Count: b.Count, Above: b.From >= threshold})
		nums = append(nums, fmt.Sprintf("%s: %d", label, b.Count))
	}
	for p := 0.0; p <= 100; p += 20 {
		c.XTicks = append(c.XTicks, Tick{X: xOf(p), Y: plot.Y1 + 16, Label: strconv.Itoa(int(p))})
	}
	c.Threshold = Tick{X: xOf(threshold), Y: plot.Y0, Label: fmt.Sprintf("%g", threshold)}
	c.Title = fmt.Sprintf("Total points, %s (partners per 10-point band; qualifying at %g). %s", name, threshold, strings.Join(nums, ", "))
	return c
}

// binLabel is "0–10", ..., "90–100": a band holds totals from its lower bound up to below its upper
// bound, and the last band also holds 100.
func binLabel(b Bin) string { return fmt.Sprintf("%g–%g", b.From, b.To) }

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// cssName keeps letters, digits and dashes, for class names.
func cssName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(s))
}
