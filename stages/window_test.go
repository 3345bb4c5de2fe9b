package stages_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// TestSQLWindowIsHistoryMonths: the SQL spells the 24-month window as window_months() and as mask
// bits and month indices 0..23 (macros.sql), and the metric statements take its first month from
// params.s23 (metrics_common.sql); Go spells it pipeline.HistoryMonths and pipeline.HistoryWindow.
// They must agree: for S = 2026-10 the window is 2024-11..2026-10, S is index and bit 23, S-12
// (2025-10, the growth base and the readiness check's second month) is 11.
func TestSQLWindowIsHistoryMonths(t *testing.T) {
	ctx := context.Background()
	db, err := duck.Open(ctx, "", duck.Settings{Threads: 1, MemoryLimit: "256MB"}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.ExecFile(ctx, "macros"); err != nil {
		t.Fatal(err)
	}
	// The params statement of metrics_common, alone (the others need the ingested tables).
	var params string
	for _, st := range duck.Statements(sqlfiles.Text("metrics_common")) {
		if strings.Contains(st, "CREATE OR REPLACE TABLE params AS") {
			params = st
		}
	}
	s, _ := pipeline.ParseMonth("2026-10")
	asOf := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	if err := db.Exec(ctx, "params", params, duck.Params{"s": s.First(), "asof": asOf}); err != nil {
		t.Fatal(err)
	}
	var months, idxS, idxS12 int64
	var s23, s12 time.Time
	var bitS, bitS12, bit24 bool
	if err := db.QueryRow(ctx, "window", `SELECT window_months(), s23, s12, month_idx(s, s23), month_idx(s12, s23),
		has_bit(1::BIGINT << 23, month_idx(s, s23)), has_bit(1::BIGINT << 11, month_idx(s12, s23)), has_bit(-1::BIGINT, 24)
		FROM params`).Scan(&months, &s23, &s12, &idxS, &idxS12, &bitS, &bitS12, &bit24); err != nil {
		t.Fatal(err)
	}
	w := pipeline.HistoryWindow(s)
	if months != pipeline.HistoryMonths || !s23.Equal(w.From.First()) || len(w.Months()) != pipeline.HistoryMonths {
		t.Errorf("SQL window %d months from %s, Go %d months from %s", months, s23.Format("2006-01"), pipeline.HistoryMonths, w.From)
	}
	if idxS != 23 || idxS12 != 11 || !bitS || !bitS12 || bit24 || !s12.Equal(s.Add(-12).First()) {
		t.Errorf("S index %d, S-12 index %d (%s), bits %v %v, bit 24 inside %v; want 23, 11 (2025-10), true true, false",
			idxS, idxS12, s12.Format("2006-01"), bitS, bitS12, bit24)
	}
}
