package stages_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/capscore/capscore/pipeline"
)

// TestZeroRejectRateToleratesNoReject: one bad row in 1,500 (0.067%) is under the default limit
// 0.1% and publishes; with the limit set to 0 the same input fails and publishes nothing.
func TestZeroRejectRateToleratesNoReject(t *testing.T) {
	build := func() *input {
		in := validBase(t)
		lines := make([]string, 0, 1500)
		for i := 0; i < 1499; i++ {
			lines = append(lines, fmt.Sprintf("T1,2026-%02d,Azure SQL Database,Pay-As-You-Go,%d", i%10+1, 100+i))
		}
		lines = append(lines, "T1,2026-09,Azure SQL Database,Pay-As-You-Go,abc")
		return in.add("azure_consumption", lines...)
	}
	if _, _, err := runMonth(t, build(), nil); err != nil {
		t.Fatalf("default limit: %v, want a publication (1 reject in 1,500 is under 0.1%%)", err)
	}
	out, _, err := runMonth(t, build(), func(c *pipeline.Config) { c.MaxRejectRate = pipeline.Share(0) })
	if !errors.Is(err, pipeline.ErrBadInput) || !strings.Contains(err.Error(), "1 of 1500 rows rejected") {
		t.Fatalf("limit 0: %v, want ErrBadInput naming 1 of 1500 rows rejected", err)
	}
	assertNotPublished(t, out)
}
