package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

// writeFiles creates name -> content files under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// listTree returns the files under dir, relative and sorted, with their content.
func listTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		got[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// names lists the entries of dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range entries {
		n = append(n, e.Name())
	}
	sort.Strings(n)
	return n
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestStaging_Publish(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	oldFiles := map[string]string{"area_scores.parquet": "old", "stale_extra.parquet": "old only", "sub/x": "old"}
	newFiles := map[string]string{"area_scores.parquet": "new", "metric_scores.parquet": "new", "sub/x": "new"}

	tests := []struct {
		name       string
		existing   map[string]string // nil: month not published yet
		noExchange bool              // simulate a filesystem without RENAME_EXCHANGE
	}{
		{name: "New"},
		{name: "OverExisting", existing: oldFiles},
		{name: "OverExistingWithoutRenameExchange", existing: oldFiles, noExchange: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := renameExchange
			t.Cleanup(func() { renameExchange = orig })
			exchanged := 0
			renameExchange = func(a, b string) error {
				if tc.noExchange {
					return unix.EINVAL
				}
				err := orig(a, b)
				if err == nil {
					exchanged++
				}
				return err
			}
			out := t.TempDir()
			target := filepath.Join(out, "snapshot_month=2026-10")
			if tc.existing != nil {
				writeFiles(t, target, tc.existing)
			}
			s, err := NewStaging(out, month, "run1")
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(out, ".staging-snapshot_month=2026-10-run1"); s.Dir() != want {
				t.Errorf("Dir() = %s, want %s", s.Dir(), want)
			}
			writeFiles(t, s.Dir(), newFiles)
			if err := s.Publish(); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if tc.existing != nil && !tc.noExchange && exchanged != 1 {
				t.Errorf("RENAME_EXCHANGE was not used")
			}
			if got := listTree(t, target); !equalMaps(got, newFiles) {
				t.Errorf("published month = %v, want exactly %v", got, newFiles)
			}
			if got := names(t, out); len(got) != 1 || got[0] != "snapshot_month=2026-10" {
				t.Errorf("OUT holds %v, want only the month folder", got)
			}
			if err := s.Publish(); err == nil {
				t.Errorf("second Publish succeeded")
			}
			if err := s.Discard(); err != nil {
				t.Errorf("Discard after Publish: %v", err)
			}
			if got := listTree(t, target); !equalMaps(got, newFiles) {
				t.Errorf("Discard after Publish touched the month: %v", got)
			}
		})
	}
}

// A reader polling the published month during repeated re-publications always finds a whole month.
func TestStaging_PublishNoGap(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	out := t.TempDir()
	target := filepath.Join(out, "snapshot_month=2026-10")
	writeFiles(t, target, map[string]string{"area_scores.parquet": "v0", "metric_scores.parquet": "v0"})

	stop := make(chan struct{})
	misses := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := os.ReadFile(filepath.Join(target, "area_scores.parquet")); err != nil {
				select {
				case misses <- err.Error():
				default:
				}
			}
		}
	}()
	for i := 1; i <= 100; i++ {
		s, err := NewStaging(out, month, fmt.Sprintf("r%d", i))
		if err != nil {
			t.Fatal(err)
		}
		v := fmt.Sprintf("v%d", i)
		writeFiles(t, s.Dir(), map[string]string{"area_scores.parquet": v, "metric_scores.parquet": v})
		if err := s.Publish(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	select {
	case m := <-misses:
		t.Errorf("a reader found the month missing: %s", m)
	default:
	}
	if got := listTree(t, target); got["area_scores.parquet"] != "v100" || len(got) != 2 {
		t.Errorf("final month = %v", got)
	}
}

func TestStaging_Discard(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	out := t.TempDir()
	writeFiles(t, filepath.Join(out, "snapshot_month=2026-10"), map[string]string{"area_scores.parquet": "old"})
	s, err := NewStaging(out, month, "run1")
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, s.Dir(), map[string]string{"area_scores.parquet": "new"})
	if err := s.Discard(); err != nil {
		t.Fatal(err)
	}
	if got := names(t, out); len(got) != 1 || got[0] != "snapshot_month=2026-10" {
		t.Errorf("after Discard OUT holds %v", got)
	}
	if got := listTree(t, filepath.Join(out, "snapshot_month=2026-10")); got["area_scores.parquet"] != "old" {
		t.Errorf("Discard touched the published month: %v", got)
	}
	if err := s.Publish(); err == nil {
		t.Errorf("Publish after Discard succeeded")
	}
}

func TestNewStaging_Rejects(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	out := t.TempDir()
	for _, id := range []string{"", "a/b", ".."} {
		if _, err := NewStaging(out, month, id); err == nil {
			t.Errorf("run id %q accepted", id)
		}
	}
	if _, err := NewStaging(out, Month{}, "run1"); err == nil {
		t.Errorf("zero month accepted")
	}
	if _, err := NewStaging(out, month, "run1"); err != nil {
		t.Fatal(err)
	}
	if _, err := NewStaging(out, month, "run1"); err == nil {
		t.Errorf("second staging with the same run id accepted")
	}
}

func TestCleanStale(t *testing.T) {
	out := t.TempDir()
	writeFiles(t, out, map[string]string{
		".staging-snapshot_month=2026-09-r1/area_scores.parquet": "x",
		".old-snapshot_month=2026-08-r2/area_scores.parquet":     "x",
		"snapshot_month=2026-10/area_scores.parquet":             "keep",
		"_runs/ledger.jsonl": "keep",
		".refresh.lock":      "",
	})
	removed, err := CleanStale(out, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(removed)
	want := []string{filepath.Join(out, ".old-snapshot_month=2026-08-r2"), filepath.Join(out, ".staging-snapshot_month=2026-09-r1")}
	if len(removed) != 2 || removed[0] != want[0] || removed[1] != want[1] {
		t.Errorf("removed %v, want %v", removed, want)
	}
	if got := names(t, out); len(got) != 3 {
		t.Errorf("left %v, want .refresh.lock, _runs, snapshot_month=2026-10", got)
	}
	if removed, err := CleanStale(filepath.Join(out, "missing"), nil); err != nil || len(removed) != 0 {
		t.Errorf("missing OUT: %v, %v", removed, err)
	}
}

func TestAnalystGlobSkipsStaging(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	out := t.TempDir()
	writeFiles(t, out, map[string]string{
		"snapshot_month=2026-09/x":             "published",
		".old-snapshot_month=2026-08-r0/x":     "old",
		"_runs/snapshot_month=2026-07/x":       "bookkeeping",
		".staging-snapshot_month=2026-06-r0/x": "staging",
	})
	s, err := NewStaging(out, month, "r1")
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, s.Dir(), map[string]string{"x": "staging"})

	got, err := filepath.Glob(out + "/snapshot_month=*/x")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != filepath.Join(out, "snapshot_month=2026-09", "x") {
		t.Errorf("glob matched %v, want only the published month", got)
	}
	if err := s.Publish(); err != nil {
		t.Fatal(err)
	}
	if got, _ := filepath.Glob(out + "/snapshot_month=*/x"); len(got) != 2 {
		t.Errorf("after Publish glob matched %v, want two months", got)
	}
}
