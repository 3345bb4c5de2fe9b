package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"
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

// listTree returns the files under dir, relative and sorted, with their content (empty folders as
// "<dir>").
func listTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if entries, _ := os.ReadDir(p); len(entries) == 0 && rel != "." {
				got[rel] = "<dir>"
			}
			return nil
		}
		b, err := os.ReadFile(p)
		got[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
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

// stageTables writes table -> content as the staged part-0.parquet files of s.
func stageTables(t *testing.T, l Layout, runID string, tables map[string]string) {
	t.Helper()
	for table, content := range tables {
		writeFiles(t, filepath.Dir(l.StagedTableFile(runID, table)), map[string]string{PartFile: content})
	}
}

// publishedTree is what OUT should hold after publishing tables (table -> content) for month with
// run runID, beside the existing files.
func tableFiles(month string, tables map[string]string) map[string]string {
	out := map[string]string{}
	for table, content := range tables {
		out[table+"/snapshot_month="+month+"/"+PartFile] = content
	}
	return out
}

func TestStaging_Publish(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	newTables := map[string]string{TableAreaScores: "new", TableMetricScores: "new"}
	// The old month also has a table this run does not publish: it is removed (the month is replaced whole).
	oldFiles := tableFiles("2026-10", map[string]string{TableAreaScores: "old", "dropped_table": "old only"})
	other := tableFiles("2026-09", map[string]string{TableAreaScores: "september"})

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
					return exchangeUnsupported(a, b)
				}
				err := orig(a, b)
				if err == nil {
					exchanged++
				}
				return err
			}
			out := t.TempDir()
			l := NewLayout(out)
			writeFiles(t, out, other)
			writeFiles(t, out, tc.existing)
			s, err := NewStaging(l, month, "run1")
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(out, "_staging", "run1"); s.Dir() != want {
				t.Errorf("Dir() = %s, want %s", s.Dir(), want)
			}
			stageTables(t, l, "run1", newTables)
			if err := s.Publish(Manifest{RunID: "run1", SnapshotMonth: "2026-10"}, nil); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if tc.existing != nil && !tc.noExchange && exchanged != 1 {
				t.Errorf("RENAME_EXCHANGE used %d times, want 1 (area_scores)", exchanged)
			}
			got := listTree(t, out)
			m, err := l.ReadManifest(month)
			if err != nil || m.RunID != "run1" {
				t.Errorf("manifest %+v, %v", m, err)
			}
			delete(got, "_manifests/snapshot_month=2026-10.json")
			want := tableFiles("2026-10", newTables)
			for k, v := range other {
				want[k] = v
			}
			if tc.existing != nil {
				want["dropped_table"] = "<dir>" // the table's tree stays, without the month
			}
			want["_staging"] = "<dir>"
			if !equalMaps(got, want) {
				t.Errorf("OUT holds %v, want exactly %v", got, want)
			}
			if err := s.Publish(Manifest{}, nil); err == nil {
				t.Errorf("second Publish succeeded")
			}
			if err := s.Discard(); err != nil {
				t.Errorf("Discard after Publish: %v", err)
			}
			if months, err := l.PublishedMonths(); err != nil || len(months) != 1 || months[0] != month {
				t.Errorf("PublishedMonths = %v, %v", months, err)
			}
		})
	}
}

// A reader polling a table's month during repeated re-publications always finds the whole file,
// and nothing but part-0.parquet files ever appears in a table tree.
func TestStaging_PublishNoGap(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	out := t.TempDir()
	l := NewLayout(out)
	writeFiles(t, out, tableFiles("2026-10", map[string]string{TableAreaScores: "v0", TableMetricScores: "v0"}))

	stop := make(chan struct{})
	misses := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		report := func(s string) {
			select {
			case misses <- s:
			default:
			}
		}
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := os.ReadFile(l.TableFile(TableAreaScores, month)); err != nil {
				report(err.Error())
			}
			files, _ := filepath.Glob(filepath.Join(l.TableDir(TableAreaScores), "*", "*"))
			for _, f := range files {
				if f != l.TableFile(TableAreaScores, month) {
					report("unexpected file in the table tree: " + f)
				}
			}
		}
	}()
	for i := 1; i <= 100; i++ {
		id := fmt.Sprintf("r%d", i)
		s, err := NewStaging(l, month, id)
		if err != nil {
			t.Fatal(err)
		}
		v := fmt.Sprintf("v%d", i)
		stageTables(t, l, id, map[string]string{TableAreaScores: v, TableMetricScores: v})
		if err := s.Publish(Manifest{RunID: id}, nil); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	select {
	case m := <-misses:
		t.Errorf("a reader saw: %s", m)
	default:
	}
	if b, _ := os.ReadFile(l.TableFile(TableAreaScores, month)); string(b) != "v100" {
		t.Errorf("final area_scores = %q", b)
	}
}

func TestStaging_Discard(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	out := t.TempDir()
	l := NewLayout(out)
	writeFiles(t, out, tableFiles("2026-10", map[string]string{TableAreaScores: "old"}))
	s, err := NewStaging(l, month, "run1")
	if err != nil {
		t.Fatal(err)
	}
	stageTables(t, l, "run1", map[string]string{TableAreaScores: "new"})
	if err := s.Discard(); err != nil {
		t.Fatal(err)
	}
	want := tableFiles("2026-10", map[string]string{TableAreaScores: "old"})
	want["_staging"] = "<dir>"
	if got := listTree(t, out); !equalMaps(got, want) {
		t.Errorf("after Discard OUT holds %v, want %v", got, want)
	}
	if err := s.Publish(Manifest{}, nil); err == nil {
		t.Errorf("Publish after Discard succeeded")
	}
}

func TestStaging_PublishRefusesStrayFiles(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	l := NewLayout(t.TempDir())
	s, err := NewStaging(l, month, "run1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(Manifest{}, nil); err == nil || !strings.Contains(err.Error(), "no table staged") {
		t.Errorf("empty staging: %v", err)
	}
	stageTables(t, l, "run1", map[string]string{TableAreaScores: "x"})
	writeFiles(t, filepath.Join(s.Dir(), TableAreaScores), map[string]string{"extra.parquet": "y"})
	err = s.Publish(Manifest{}, nil)
	if err == nil || !strings.Contains(err.Error(), "want exactly part-0.parquet") {
		t.Errorf("stray file: %v", err)
	}
	if _, err := os.Stat(l.TableDir(TableAreaScores)); !os.IsNotExist(err) {
		t.Errorf("a refused publication created the table tree (%v)", err)
	}
}

func TestNewStaging_Rejects(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	l := NewLayout(t.TempDir())
	for _, id := range []string{"", "a/b", ".."} {
		if _, err := NewStaging(l, month, id); err == nil {
			t.Errorf("run id %q accepted", id)
		}
	}
	if _, err := NewStaging(l, Month{}, "run1"); err == nil {
		t.Errorf("zero month accepted")
	}
	if _, err := NewStaging(l, month, "run1"); err != nil {
		t.Fatal(err)
	}
	if _, err := NewStaging(l, month, "run1"); err == nil {
		t.Errorf("second staging with the same run id accepted")
	}
}

// errCrash simulates a process dying at a publication step.
var errCrash = errors.New("crash")

// TestRecoverStaging_RollsForward crashes a publication after each step (journal, each swap,
// manifest, journal removal), with and without RENAME_EXCHANGE, and checks that until recovery
// every table holds its old month or its new month whole, and that RecoverStaging then finishes the
// publication exactly as an uninterrupted one, and is idempotent.
func TestRecoverStaging_RollsForward(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	oldTables := map[string]string{TableAreaScores: "old", TableMetricScores: "old", "dropped_table": "old"}
	newTables := map[string]string{TableAreaScores: "new", TableMetricScores: "new", TableRejects: "new"}
	steps := []string{"journal", "swap:" + TableAreaScores, "swap:" + TableMetricScores, "swap:" + TableRejects, "manifest", "cleaned"}
	for _, noExchange := range []bool{false, true} {
		for _, step := range steps {
			t.Run(fmt.Sprintf("%s/noExchange=%v", step, noExchange), func(t *testing.T) {
				origEx, origPause := renameExchange, pausePoint
				t.Cleanup(func() { renameExchange, pausePoint = origEx, origPause })
				if noExchange {
					renameExchange = exchangeUnsupported
				}
				pausePoint = func(s string, _ *zap.Logger) {
					if s == step {
						panic(errCrash)
					}
				}
				out := t.TempDir()
				l := NewLayout(out)
				writeFiles(t, out, tableFiles("2026-10", oldTables))
				writeFiles(t, l.ManifestsDir(), map[string]string{"snapshot_month=2026-10.json": `{"run_id": "old"}`})
				s, err := NewStaging(l, month, "new")
				if err != nil {
					t.Fatal(err)
				}
				stageTables(t, l, "new", newTables)
				func() {
					defer func() {
						if r := recover(); r != errCrash {
							t.Fatalf("publication did not stop at %s: %v", step, r)
						}
					}()
					_ = s.Publish(Manifest{RunID: "new", SnapshotMonth: "2026-10"}, nil)
				}()
				// Crashed: every table's month is whole, old or new.
				for table := range newTables {
					b, err := os.ReadFile(l.TableFile(table, month))
					if table == TableRejects && os.IsNotExist(err) {
						continue // new to this month, not yet swapped in
					}
					if err != nil || (string(b) != "old" && string(b) != "new") {
						t.Errorf("after a crash at %s, %s holds %q (%v)", step, table, b, err)
					}
				}
				pending, err := l.PendingPublications()
				if err != nil {
					t.Fatal(err)
				}
				if wantPending := step != "cleaned"; (len(pending) == 1) != wantPending {
					t.Errorf("after a crash at %s: pending publications %+v", step, pending)
				}
				pausePoint = func(string, *zap.Logger) {}
				rolled, _, err := RecoverStaging(l, nil)
				if err != nil {
					t.Fatal(err)
				}
				if step != "cleaned" && (len(rolled) != 1 || rolled[0] != "2026-10") {
					t.Errorf("rolled forward %v, want [2026-10]", rolled)
				}
				got := listTree(t, out)
				want := tableFiles("2026-10", newTables)
				want["dropped_table"] = "<dir>"
				want["_staging"] = "<dir>"
				if m, err := l.ReadManifest(month); err != nil || m.RunID != "new" {
					t.Errorf("manifest after recovery: %+v, %v", m, err)
				}
				delete(got, "_manifests/snapshot_month=2026-10.json")
				if !equalMaps(got, want) {
					t.Errorf("after recovery OUT holds %v, want %v", got, want)
				}
				if rolled, removed, err := RecoverStaging(l, nil); err != nil || len(rolled)+len(removed) != 0 {
					t.Errorf("second recovery: %v %v %v", rolled, removed, err)
				}
			})
		}
	}
}

func TestRecoverStaging_RemovesUnjournaledAndLegacy(t *testing.T) {
	out := t.TempDir()
	l := NewLayout(out)
	writeFiles(t, out, map[string]string{
		"_staging/r1/area_scores/part-0.parquet":                 "half-built",
		".staging-snapshot_month=2026-09-r1/area_scores.parquet": "x",
		".old-snapshot_month=2026-08-r2/area_scores.parquet":     "x",
		"area_scores/snapshot_month=2026-10/part-0.parquet":      "keep",
		"_runs/ledger.jsonl":                                     "keep",
		".refresh.lock":                                          "",
	})
	rolled, removed, err := RecoverStaging(l, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(removed)
	want := []string{filepath.Join(out, ".old-snapshot_month=2026-08-r2"), filepath.Join(out, ".staging-snapshot_month=2026-09-r1"), filepath.Join(out, "_staging", "r1")}
	sort.Strings(want)
	if len(rolled) != 0 || strings.Join(removed, ",") != strings.Join(want, ",") {
		t.Errorf("rolled %v removed %v, want nothing rolled and %v removed", rolled, removed, want)
	}
	wantTree := map[string]string{"area_scores/snapshot_month=2026-10/part-0.parquet": "keep", "_runs/ledger.jsonl": "keep", ".refresh.lock": "", "_staging": "<dir>"}
	if got := listTree(t, out); !equalMaps(got, wantTree) {
		t.Errorf("left %v, want %v", got, wantTree)
	}
	if _, _, err := RecoverStaging(NewLayout(filepath.Join(out, "missing")), nil); err != nil {
		t.Errorf("missing OUT: %v", err)
	}
}

// A journal whose staged folder was replaced (not the one recorded) is refused, naming the journal.
func TestRecoverStaging_RefusesForeignJournal(t *testing.T) {
	month, _ := ParseMonth("2026-10")
	out := t.TempDir()
	l := NewLayout(out)
	s, err := NewStaging(l, month, "r1")
	if err != nil {
		t.Fatal(err)
	}
	stageTables(t, l, "r1", map[string]string{TableAreaScores: "new"})
	origPause := pausePoint
	t.Cleanup(func() { pausePoint = origPause })
	pausePoint = func(s string, _ *zap.Logger) {
		if s == "journal" {
			panic(errCrash)
		}
	}
	func() {
		defer func() { _ = recover() }()
		_ = s.Publish(Manifest{RunID: "r1"}, nil)
	}()
	pausePoint = func(string, *zap.Logger) {}
	staged := filepath.Dir(l.StagedTableFile("r1", TableAreaScores))
	if err := os.Rename(staged, filepath.Join(out, "_moved-away")); err != nil { // keeps its inode in use
		t.Fatal(err)
	}
	writeFiles(t, staged, map[string]string{PartFile: "impostor"})
	_, _, err = RecoverStaging(l, nil)
	if err == nil || !strings.Contains(err.Error(), "not the one the journal recorded") || !strings.Contains(err.Error(), s.Dir()) {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(l.TableDir(TableAreaScores)); !os.IsNotExist(err) {
		t.Errorf("the impostor was published (%v)", err)
	}
}
