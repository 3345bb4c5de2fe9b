package report

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	sqlfiles "github.com/capscore/capscore/sql"
)

// The hand-made OUT below publishes 2026-06, 2026-07 and 2026-09 (no 2026-08), and has an
// area_scores file for 2026-10 without a manifest: an unpublished month the report must ignore.
// Two areas, so every expected number can be counted by eye.
//
// 2026-09 area_scores (total, all metrics positive, qualified):
//
//	P1 data_ai enterprise 88 yes Q      P1 modern_work smb          0    no  -
//	P2 data_ai smb        65 yes -      P2 modern_work smb         72    no  -   (metric at zero)
//	P3 data_ai enterprise 100 yes Q     P3 modern_work enterprise  59.5  yes -
//	P4 data_ai smb        60 yes -      P4 modern_work smb         75    yes Q
//	P5 data_ai smb        45 yes -      P5 modern_work smb          9.99 yes -
//
// 2026-07: P1 data_ai ent 80 Q, P2 data_ai smb 71 Q, P3 data_ai ent 95 Q, P6 data_ai ent 90 Q;
// modern_work: P1 smb 0, P2 smb 50, P3 ent 55, P4 smb 65, P6 smb 10; P4 data_ai smb 30; no P5.
// 2026-06: P1 data_ai ent 70 Q, P1 modern_work smb 0.
const (
	areaCols = "snapshot_month, partner_id, solution_area, track, total_points, all_metrics_positive, qualified, status"
	recCols  = "snapshot_month, partner_id, solution_area, track, kind, metric, message, detail"
	rejCols  = "snapshot_month, table_name, file, row_number, reason, raw"
)

var fixtureAreas = map[string]string{
	"2026-06": `('2026-06','P1','data_ai','enterprise',70.0,true,true,'qualified'),
		('2026-06','P1','modern_work','smb',0.0,false,false,'not_started')`,
	"2026-07": `('2026-07','P1','data_ai','enterprise',80.0,true,true,'qualified'),
		('2026-07','P1','modern_work','smb',0.0,false,false,'not_started'),
		('2026-07','P2','data_ai','smb',71.0,true,true,'qualified'),
		('2026-07','P2','modern_work','smb',50.0,true,false,'in_progress'),
		('2026-07','P3','data_ai','enterprise',95.0,true,true,'qualified'),
		('2026-07','P3','modern_work','enterprise',55.0,true,false,'in_progress'),
		('2026-07','P4','data_ai','smb',30.0,true,false,'in_progress'),
		('2026-07','P4','modern_work','smb',65.0,true,false,'in_progress'),
		('2026-07','P6','data_ai','enterprise',90.0,true,true,'qualified'),
		('2026-07','P6','modern_work','smb',10.0,true,false,'in_progress')`,
	// 2026-09 stores points as DECIMAL(5,2), as the typed schema does; the others as DOUBLE.
	"2026-09": `('2026-09','P1','data_ai','enterprise',88.0::DECIMAL(5,2),true,true,'qualified'),
		('2026-09','P1','modern_work','smb',0.0,false,false,'not_started'),
		('2026-09','P2','data_ai','smb',65.0,true,false,'in_progress'),
		('2026-09','P2','modern_work','smb',72.0,false,false,'in_progress'),
		('2026-09','P3','data_ai','enterprise',100.0,true,true,'enrolled'),
		('2026-09','P3','modern_work','enterprise',59.5,true,false,'in_progress'),
		('2026-09','P4','data_ai','smb',60.0,true,false,'in_progress'),
		('2026-09','P4','modern_work','smb',75.0,true,true,'qualified'),
		('2026-09','P5','data_ai','smb',45.0,true,false,'in_progress'),
		('2026-09','P5','modern_work','smb',9.99,true,false,'in_progress')`,
	"2026-10": `('2026-10','P1','data_ai','enterprise',90.0,true,true,'qualified'),
		('2026-10','P9','security','smb',99.0,true,true,'qualified')`,
}

var fixtureRejects = `('2026-09','azure_consumption','a.csv',3,'unknown tenant: T9','{}'),
	('2026-09','azure_consumption','a.csv',5,'unknown tenant: T7','{}'),
	('2026-09','azure_consumption','b.csv',1,'bad value: acr_usd ''x''','{}'),
	('2026-09','partners','partners.csv',4,'duplicate key: first seen in partners.csv row 2','{}')`

var fixtureRecs = `('2026-09','P2','data_ai','smb','distance_to_threshold','intermediate_certifications','one more','{}')`

// publishedAt is when the fixture's 2026-09 was published (ledger); a failed run follows an hour later.
var publishedAt = time.Date(2026, 10, 20, 6, 5, 0, 0, time.UTC)

// fixtureDB opens a scratch DuckDB database for writing and reading fixtures.
func fixtureDB(t testing.TB) *duck.DB {
	t.Helper()
	db, err := duck.Open(context.Background(), "", duck.Settings{Threads: 1, MemoryLimit: "1GB"}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// copyRows writes VALUES rows with the given columns as a Parquet file at path.
func copyRows(t testing.TB, db *duck.DB, path, cols, values string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	q := "COPY (SELECT * FROM (VALUES " + values + ") t(" + cols + ")) TO " + sqlfiles.QuoteLiteral(path) + " (FORMAT parquet)"
	if values == "" {
		q = "COPY (SELECT NULL::VARCHAR AS snapshot_month WHERE false) TO " + sqlfiles.QuoteLiteral(path) + " (FORMAT parquet)"
	}
	if _, err := db.SQL().Exec(q); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
}

// writeFixture builds the hand-made OUT and returns its root.
func writeFixture(t testing.TB) string {
	t.Helper()
	out := t.TempDir()
	db := fixtureDB(t)
	l := pipeline.NewLayout(out)
	for ms, rows := range fixtureAreas {
		m, _ := pipeline.ParseMonth(ms)
		copyRows(t, db, l.TableFile(tableAreaScores, m), areaCols, rows)
		if ms == "2026-10" {
			continue // never published: no manifest
		}
		rej := "('" + ms + "','partners','p.csv',1,'x','{}')"
		rec := "('" + ms + "','P1','data_ai','enterprise','metric_at_zero','deployments','m','{}')"
		if ms == "2026-09" {
			rej, rec = fixtureRejects, fixtureRecs
		}
		copyRows(t, db, l.TableFile(tableRejects, m), rejCols, rej)
		copyRows(t, db, l.TableFile(tableRecommendations, m), recCols, rec)
		writeManifest(t, l, m)
	}
	ledger := pipeline.OpenLedger(out)
	for _, r := range []pipeline.Record{
		{RunID: "run-0907-failed", Month: "2026-09", Kind: pipeline.KindRun, Status: pipeline.StatusFailed, Reason: "an older failure", Finished: publishedAt.Add(-time.Hour)},
		{RunID: "run-09", Month: "2026-09", Kind: pipeline.KindRun, Status: pipeline.StatusPublished, Started: publishedAt.Add(-time.Minute), Finished: publishedAt},
		{RunID: "run-10-failed", Month: "2026-10", Kind: pipeline.KindRun, Status: pipeline.StatusFailed, Reason: "ingest: source not ready", Finished: publishedAt.Add(time.Hour)},
	} {
		if err := ledger.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// writeManifest writes month m's manifest; 2026-09's carries stage durations and row accounting.
func writeManifest(t testing.TB, l pipeline.Layout, m pipeline.Month) {
	t.Helper()
	man := map[string]any{
		"run_id": "run-" + m.String()[5:], "snapshot_month": m.String(), "as_of": pipeline.DefaultAsOf(m).Format("2006-01-02"),
		"rubric_id": "ms-pcs-2026-05", "rubric_sha256": "abc123", "code_version": "v0.0.0-test",
		"started": publishedAt.Add(-time.Minute), "finished": publishedAt.Add(-time.Second),
		"inputs": []pipeline.TableStats{{Table: "partners", Read: 7, Accepted: 6, Rejected: 1}, {Table: "azure_consumption", Read: 40, Accepted: 37, Rejected: 3}},
	}
	if m.String() == "2026-09" {
		man["stages"] = []map[string]any{{"name": "ingest", "duration_seconds": 1.25}, {"name": "metrics", "duration_seconds": 0.5}}
	}
	b, err := json.Marshal(man)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(l.ManifestPath(m)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.ManifestPath(m), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
