package pipeline

import (
	"testing"
	"time"
)

func TestMonthArithmetic(t *testing.T) {
	s, err := ParseMonth("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"S", s.String(), "2026-10"},
		{"S-12", s.Add(-12).String(), "2025-10"},
		{"S-23 (window start)", HistoryWindow(s).From.String(), "2024-11"},
		{"S+1", s.Add(1).String(), "2026-11"},
		{"last day", s.Last().Format("2006-01-02"), "2026-10-31"},
		{"as-of default is the 20th of S+1", DefaultAsOf(s).Format("2006-01-02"), "2026-11-20"},
		{"scheduled on 2026-11-20 targets 2026-10", PreviousMonth(time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)).String(), "2026-10"},
		{"january wraps to december", PreviousMonth(time.Date(2027, 1, 20, 6, 0, 0, 0, time.UTC)).String(), "2026-12"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	if n := len(HistoryWindow(s).Months()); n != 24 {
		t.Errorf("history window has %d months, want 24", n)
	}
	if d := s.Sub(s.Add(-13)); d != 13 {
		t.Errorf("Sub = %d, want 13", d)
	}
}

func TestParseMonthRejects(t *testing.T) {
	for _, in := range []string{"2026-13", "2026/10", "", "202610", "2026-10-01"} {
		if _, err := ParseMonth(in); err == nil {
			t.Errorf("ParseMonth(%q) accepted", in)
		}
	}
}
