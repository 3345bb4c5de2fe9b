package stages_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

// sliceInput is two partners that share tenant T3: P1 with T1 and T3, P2 with T2 and T3. P2 has a
// certification of an unknown code and a usage row with negative users, both rejected.
func sliceInput(t *testing.T) *input {
	in := newInput(t).partners("P1", "P2").tenant("T1", "smb").tenant("T2", "smb").tenant("T3", "enterprise").
		assoc("P1", "T1", "CSP_T1").assoc("P2", "T2", "CSP_T1").assoc("P1", "T3", "CPOR").assoc("P2", "T3", "CPOR").
		cert("P1", "a1", "AZ-104").cert("P1", "a2", "AZ-305").cert("P2", "b1", "AZ-104").cert("P2", "b2", "XX-1").
		m365("T1", "2026-10", "Teams", 20, 10).m365("T2", "2026-10", "Teams", 20, -1).m365("T3", "2026-10", "Teams", 500, 100)
	in.add("azure_consumption", "T1,2026-10,Storage,Pay-As-You-Go,100", "T2,2026-10,Storage,Pay-As-You-Go,200",
		"T3,2026-10,Storage,Pay-As-You-Go,300", "T3,2025-10,Storage,Pay-As-You-Go,50")
	return in
}

// simulate runs the what-if of slice on in with the given reject limit and returns the run's row
// accounting per table and what check reads from its database.
func simulate(t *testing.T, in *input, slice pipeline.Slice, rejectRate float64, check func(r *pipeline.Run)) (map[string]pipeline.TableStats, string, error) {
	t.Helper()
	m, _ := pipeline.ParseMonth(snapshotMonth)
	asOf, _ := time.Parse(time.DateOnly, asOfDate)
	out := filepath.Join(t.TempDir(), "out")
	cfg := pipeline.Config{Month: m, AsOf: asOf, Input: in.write(), Out: out, Threads: 2, SkipReadiness: true,
		MaxRejectRate: pipeline.Share(rejectRate), Slice: &slice}
	stats := map[string]pipeline.TableStats{}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	err := pipeline.NewRunner(stages.Simulate(), zap.NewNop()).Simulate(ctx, cfg, t.TempDir(), func(ctx context.Context, r *pipeline.Run) error {
		for _, s := range r.Tables {
			stats[s.Table] = s
		}
		if check != nil {
			check(r)
		}
		return nil
	})
	return stats, out, err
}

// TestSliceIngest: ingest keeps the partner's rows only (its partners row, associations, the
// tenants they name and their usage, its certifications), so the rejects and the reject rate are
// those of the slice; a what-if publishes nothing and does not even create OUT.
func TestSliceIngest(t *testing.T) {
	in := sliceInput(t)
	if _, _, err := runMonth(t, in, func(c *pipeline.Config) { c.MaxRejectRate = pipeline.Share(0) }); !errors.Is(err, pipeline.ErrBadInput) {
		t.Fatalf("a full run with P2's rejects and no reject tolerated: %v, want bad input", err)
	}
	stats, out, err := simulate(t, in, pipeline.Slice{Partner: "P1"}, 0, func(r *pipeline.Run) {
		n, err := r.DB.Count(context.Background(), "SELECT count(*) FROM area_scores WHERE partner_id = 'P1'")
		if err != nil || n != 6 {
			t.Errorf("P1's area rows: %d (%v), want 6", n, err)
		}
	})
	if err != nil {
		t.Fatalf("P1's slice with no reject tolerated: %v", err)
	}
	want := map[string][2]int64{"partners": {1, 0}, "tenants": {2, 0}, "associations": {2, 0}, "azure_consumption": {3, 0},
		"m365_usage": {2, 0}, "bizapps_usage": {0, 0}, "certifications": {2, 0}}
	for table, w := range want {
		if s := stats[table]; s.Read != w[0] || s.Rejected != w[1] {
			t.Errorf("%s: read %d, rejected %d; want %d and %d", table, s.Read, s.Rejected, w[0], w[1])
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OUT %s exists after a what-if (stat: %v)", out, err)
	}
	_, _, err = simulate(t, in, pipeline.Slice{Partner: "P2"}, 0, nil)
	if !errors.Is(err, pipeline.ErrBadInput) || !strings.Contains(err.Error(), "1 of 2 rows rejected") {
		t.Errorf("P2's slice with its own rejects: %v, want bad input: 1 of P2's 2 m365_usage rows rejected", err)
	}
	if _, _, err := simulate(t, in, pipeline.Slice{Partner: "P9"}, 1, nil); !errors.Is(err, pipeline.ErrInvalidConfig) {
		t.Errorf("a partner the input lacks: %v, want invalid settings", err)
	}
}

// TestSliceChanges: the overlay's rows are read after the input's, a certification to drop leaves
// out its rows (one that matches none is an error), and a keyed usage row is raised in place.
func TestSliceChanges(t *testing.T) {
	in := sliceInput(t)
	overlay := filepath.Join(t.TempDir(), "overlay")
	writeLines(t, filepath.Join(overlay, "certifications", "whatif.csv"), []string{headers["certifications"],
		"P1,new-1,SC-200,2026-11-20,", "P1,new-2,SC-200,2026-11-20,"})
	slice := pipeline.Slice{Partner: "P1", Overlay: overlay,
		DropCertifications: []pipeline.PersonCertification{{PersonID: "a2", Certification: "az-305"}},
		Raise:              []pipeline.UsageRaise{{Table: "m365_usage", TenantID: "T3", Month: mustMonth(t, snapshotMonth), Workload: "Teams", ActiveUsers: 250}}}
	stats, _, err := simulate(t, in, slice, 0, func(r *pipeline.Run) {
		var users int64
		if err := r.DB.QueryRow(context.Background(), "raised", "SELECT u.active_users FROM m365_usage u JOIN tenants t USING (tenant_key) "+
			"WHERE t.tenant_id = 'T3' AND u.month = DATE '2026-10-01'").Scan(&users); err != nil || users != 350 {
			t.Errorf("T3's Teams users in S: %d (%v), want 100 + 250", users, err)
		}
		var people []string
		rows, err := r.DB.Query(context.Background(), "people", "SELECT person_id FROM certifications ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			_ = rows.Scan(&p)
			people = append(people, p)
		}
		if got := len(people); got != 3 || people[0] != "a1" || people[1] != "new-1" {
			t.Errorf("certified people: %v, want a1, new-1, new-2", people)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := stats["certifications"]; s.Read != 3 || len(s.Files) != 2 {
		t.Errorf("certifications: read %d from %d files; want 3 (a1 and the overlay's two) from 2", s.Read, len(s.Files))
	}
	bad := slice
	bad.DropCertifications = []pipeline.PersonCertification{{PersonID: "b1", Certification: "AZ-104"}}
	if _, _, err := simulate(t, in, bad, 0, nil); !errors.Is(err, pipeline.ErrInvalidConfig) {
		t.Errorf("dropping another partner's certification: %v, want invalid settings", err)
	}
	bad = slice
	bad.Raise = []pipeline.UsageRaise{{Table: "m365_usage", TenantID: "T2", Month: mustMonth(t, snapshotMonth), Workload: "Teams", ActiveUsers: 1}}
	if _, _, err := simulate(t, in, bad, 0, nil); !errors.Is(err, pipeline.ErrInvalidConfig) {
		t.Errorf("raising a row outside the slice: %v, want invalid settings", err)
	}
}

func mustMonth(t *testing.T, s string) pipeline.Month {
	t.Helper()
	m, err := pipeline.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
