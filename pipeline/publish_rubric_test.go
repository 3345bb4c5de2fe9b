package pipeline

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/zap"
)

// TestStaging_PublishRubric: the staged rubric lands beside the manifest, before it: a crash at any
// step leaves either the old month (old manifest, old rubric), a half publication that recovery
// finishes, or the new month with its rubric; never a new manifest without its rubric. A month
// re-published without a rubric loses the old one, which belonged to the old manifest.
func TestStaging_PublishRubric(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	steps := []string{"journal", "swap:" + TableAreaScores, "rubric", "manifest", "cleaned", ""}
	for _, step := range steps {
		t.Run(fmt.Sprintf("crash=%q", step), func(t *testing.T) {
			origPause := pausePoint
			t.Cleanup(func() { pausePoint = origPause })
			pausePoint = func(s string, _ *zap.Logger) {
				if s == step {
					panic(errCrash)
				}
			}
			out := t.TempDir()
			l := NewLayout(out)
			writeFiles(t, out, tableFiles("2026-10", map[string]string{TableAreaScores: "old"}))
			writeFiles(t, l.ManifestsDir(), map[string]string{
				"snapshot_month=2026-10.json":        `{"run_id": "old"}`,
				"snapshot_month=2026-10.rubric.yaml": "old rubric",
			})
			s, err := NewStaging(l, month, "new")
			if err != nil {
				t.Fatal(err)
			}
			stageTables(t, l, "new", map[string]string{TableAreaScores: "new"})
			if err := s.WriteRubric([]byte("new rubric")); err != nil {
				t.Fatal(err)
			}
			func() {
				defer func() {
					if r := recover(); r != nil && r != errCrash {
						t.Fatal(r)
					}
				}()
				if err := s.Publish(Manifest{RunID: "new", SnapshotMonth: "2026-10", RubricFile: l.RelRubricFile(month)}, nil); err != nil {
					t.Fatal(err)
				}
			}()
			m, err := l.ReadManifest(month)
			if err != nil {
				t.Fatal(err)
			}
			rb, err := os.ReadFile(l.RubricPath(month))
			if err != nil {
				t.Fatal(err)
			}
			// Before recovery: the new manifest never stands beside the old rubric.
			if m.RunID == "new" && string(rb) != "new rubric" {
				t.Errorf("crash at %q: new manifest beside rubric %q", step, rb)
			}
			pausePoint = func(string, *zap.Logger) {}
			if _, _, err := RecoverStaging(l, nil); err != nil {
				t.Fatal(err)
			}
			m, _ = l.ReadManifest(month)
			rb, _ = os.ReadFile(l.RubricPath(month))
			if m.RunID != "new" || string(rb) != "new rubric" || m.RubricFile != "_manifests/snapshot_month=2026-10.rubric.yaml" {
				t.Errorf("after recovery: manifest run %q (rubric_file %q), rubric %q; want the new month with its rubric", m.RunID, m.RubricFile, rb)
			}
			if months, _ := l.PublishedMonths(); len(months) != 1 {
				t.Errorf("published months %v: the rubric file must not count as a month", months)
			}
		})
	}

	// Re-published without a rubric (a migrated month): the old rubric goes with the old manifest.
	out := t.TempDir()
	l := NewLayout(out)
	writeFiles(t, l.ManifestsDir(), map[string]string{"snapshot_month=2026-10.json": `{"run_id": "old"}`, "snapshot_month=2026-10.rubric.yaml": "old rubric"})
	s, err := NewStaging(l, month, "plain")
	if err != nil {
		t.Fatal(err)
	}
	stageTables(t, l, "plain", map[string]string{TableAreaScores: "new"})
	if err := s.Publish(Manifest{RunID: "plain"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(l.RubricPath(month)); !os.IsNotExist(err) {
		t.Errorf("the old month's rubric survived a publication without one (%v)", err)
	}
	if err := s.WriteRubric(nil); err == nil {
		t.Error("WriteRubric(nil) succeeded")
	}
}
