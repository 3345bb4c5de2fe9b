package bench

import (
	"context"
	"testing"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
)

// TestBareScanReadsEveryRow: the bare scan of the demo fixtures reads each data row once, as many as
// a run's manifest lists as read: partners 14 + tenants 37 + associations 40 + azure_consumption
// 27 + 24 (two files) + m365_usage 6 + 13 (CSV and Parquet) + bizapps_usage 23 + certifications 75
// + enrollments 3 = 262.
func TestBareScanReadsEveryRow(t *testing.T) {
	db, err := duck.Open(context.Background(), "", duck.Settings{Threads: 1, MemoryLimit: "256MB"}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := BareScan(context.Background(), db, "../fixtures/demo")
	if err != nil {
		t.Fatal(err)
	}
	if n != 262 {
		t.Errorf("bare scan read %d rows, want 262", n)
	}
}
