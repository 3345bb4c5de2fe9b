// Package pipeline plans and runs one refresh: the month and its windows, the run, the ledger,
// the manifest, atomic publication and the output lock. The work itself is done by stages.
package pipeline

import (
	"fmt"
	"time"
)

// Month is a calendar month, stored as its first day in UTC.
type Month struct{ first time.Time }

// ParseMonth reads a YYYY-MM string.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return Month{first: t.UTC()}, nil
}

// MonthOf returns the month that contains t.
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return Month{first: time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)}
}

// String formats the month as YYYY-MM, the form used in file and folder names.
func (m Month) String() string { return m.first.Format("2006-01") }

// First is the first day of the month (the form months take inside the engine).
func (m Month) First() time.Time { return m.first }

// Last is the last day of the month.
func (m Month) Last() time.Time { return m.first.AddDate(0, 1, -1) }

// Add moves n months forward (negative: backward).
func (m Month) Add(n int) Month { return Month{first: m.first.AddDate(0, n, 0)} }

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.first.Before(o.first) }

// IsZero reports whether m was never set.
func (m Month) IsZero() bool { return m.first.IsZero() }

// Sub returns the number of months from o to m.
func (m Month) Sub(o Month) int {
	return (m.first.Year()-o.first.Year())*12 + int(m.first.Month()) - int(o.first.Month())
}

// HistoryMonths is how many months of usage a snapshot reads: S-23..S (previous TTM and TTM). The
// SQL spells it window_months() and as the month indices and mask bits 0..23 (sql/macros.sql);
// stages.TestSQLWindowIsHistoryMonths keeps the two equal.
const HistoryMonths = 24

// QualificationMonths is the qualification window: this snapshot and the five before it.
const QualificationMonths = 6

// Window is the span of usage months a snapshot reads, inclusive.
type Window struct{ From, To Month }

// HistoryWindow returns S-23..S.
func HistoryWindow(s Month) Window { return Window{From: s.Add(-(HistoryMonths - 1)), To: s} }

// Contains reports whether m lies in the window.
func (w Window) Contains(m Month) bool { return !m.Before(w.From) && !w.To.Before(m) }

// Months lists the months of the window in order.
func (w Window) Months() []Month {
	var out []Month
	for m := w.From; !w.To.Before(m); m = m.Add(1) {
		out = append(out, m)
	}
	return out
}

// DefaultAsOf is the day skilling is counted on when --as-of is not given: the 20th of S+1,
// the day the snapshot is due.
func DefaultAsOf(s Month) time.Time { return s.Add(1).First().AddDate(0, 0, 19) }

// PreviousMonth is the snapshot month a scheduled run fired at t targets: the last complete
// calendar month before t.
func PreviousMonth(t time.Time) Month { return MonthOf(t).Add(-1) }
