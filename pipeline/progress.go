package pipeline

import (
	"fmt"
	"time"

	"go.uber.org/zap"
)

// logMonthProgress logs, at info, that month i (0-based) of a range of n starts: "month k of n",
// and from the second month on how long the months before it took and an estimate of the time
// left (their average per month times the months left, this one included). A single month logs
// nothing.
func logMonthProgress(log *zap.Logger, i, n int, m Month, rangeStart time.Time) {
	if n < 2 {
		return
	}
	fields := []zap.Field{zap.String("month", m.String()), zap.String("progress", fmt.Sprintf("%d/%d", i+1, n))}
	if i > 0 {
		done := time.Since(rangeStart)
		left := time.Duration(int64(done) / int64(i) * int64(n-i))
		fields = append(fields, zap.Duration("elapsed", done.Round(time.Millisecond)), zap.Duration("estimated_left", left.Round(time.Second)))
	}
	log.Info("backfill month", fields...)
}
