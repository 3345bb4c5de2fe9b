package stages_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

// TestNotReadyNamesTableAndMonth: a month whose usage has not landed fails with ErrSourceNotReady,
// naming the first usage table and month missing, and publishes nothing.
func TestNotReadyNamesTableAndMonth(t *testing.T) {
	m, _ := pipeline.ParseMonth("2026-12") // the demo fixtures stop at 2026-10
	out := t.TempDir()
	_, err := pipeline.NewRunner(stages.All(), zap.NewNop()).RunMonth(context.Background(),
		pipeline.Config{Month: m, Input: filepath.Join("..", "fixtures", "demo"), Out: out})
	if !errors.Is(err, pipeline.ErrSourceNotReady) {
		t.Fatalf("got %v, want ErrSourceNotReady", err)
	}
	if want := "azure_consumption has no rows for 2026-12"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %q", err, want)
	}
	l := pipeline.NewLayout(out)
	for _, p := range []string{l.ManifestPath(m), l.TableDir(pipeline.TableAreaScores), l.StagingDir("")} {
		if entries, _ := os.ReadDir(p); len(entries) > 0 {
			t.Errorf("%s holds %d entries after a not-ready run", p, len(entries))
		}
		if p == l.ManifestPath(m) {
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("a manifest exists after a not-ready run: %v", err)
			}
		}
	}
}
