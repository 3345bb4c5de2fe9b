package bench

import (
	"context"
	"testing"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
)

// TestBareScanReadsEveryRow: the bare scan of the demo fixtures reads each data row once, as many as
// a run's manifest lists as read: partners 14 + tenants 38 + associations 40 + azure_consumption
// 27 + 24 + 24 (three files) + m365_usage 6 + 13 + 24 (CSV, Parquet, history CSV) + bizapps_usage
// 23 + 24 + certifications 75 + enrollments 3 = 335 (the history tenant T00Z adds one tenant and
// 24 monthly rows to each usage table: 262 + 1 + 3 x 24).
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
	if n != 335 {
		t.Errorf("bare scan read %d rows, want 335", n)
	}
}
