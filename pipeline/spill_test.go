package pipeline

import (
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/zap"
)

// TestSpillRemovesOnlyDeadRuns: a new run's spill folder removes the folders of dead runs (lock
// free, or no lock) and keeps a live run's folder and anything not named like a run id; Close
// removes only the run's own folder.
func TestSpillRemovesOnlyDeadRuns(t *testing.T) {
	root := t.TempDir()
	live, err := OpenSpill(root, "20261201T100000Z-aaaaaa", zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	writeFiles(t, live.Dir(), map[string]string{"duckdb_temp_storage-0.tmp": "live"})
	dead := filepath.Join(root, "20261201T090000Z-bbbbbb")
	writeFiles(t, dead, map[string]string{"duckdb_temp_storage-0.tmp": "dead"})
	writeFiles(t, root, map[string]string{"20261201T090000Z-bbbbbb.lock": "", // lock not held: its run died
		"20261130T080000Z-cccccc/x.tmp": "no lock", // an older version's folder
		"keepme/x.tmp":                  "not ours", "notes.lock": "not ours"})

	own, err := OpenSpill(root, "20261201T110000Z-dddddd", zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{dead, dead + ".lock", filepath.Join(root, "20261130T080000Z-cccccc")} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s still there (%v); want a dead run's leftovers removed", gone, err)
		}
	}
	for _, kept := range []string{live.Dir() + "/duckdb_temp_storage-0.tmp", filepath.Join(root, "keepme/x.tmp"), filepath.Join(root, "notes.lock"), own.Dir()} {
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("%s removed: %v", kept, err)
		}
	}
	if err := own.Close(); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{own.Dir(), own.Dir() + ".lock"} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s still there after Close", gone)
		}
	}
	if _, err := os.Stat(live.Dir()); err != nil {
		t.Errorf("the live run's folder went with another run's Close: %v", err)
	}
}
