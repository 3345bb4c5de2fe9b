package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

// Files of a run's staging folder besides the staged tables.
const (
	// JournalFile lists the swaps of a publication; while it exists the publication is in progress
	// (or was interrupted and is rolled forward by the next lock holder).
	JournalFile = "_journal.json"
	// stagedManifestFile is the month's manifest until it is moved to OUT/_manifests.
	stagedManifestFile = "_manifest.json"
	// stagedRubricFile is the month's rubric until it is moved beside the manifest
	// (Layout.RubricPath), just before the manifest.
	stagedRubricFile = "_rubric.yaml"
	// retiredPrefix names, inside the staging folder, what publication moved out of OUT.
	retiredPrefix = "_retired-"
)

// renameExchange atomically swaps two paths (exchange: renameat2(RENAME_EXCHANGE) on Linux). Where
// the system or the filesystem has no such swap it fails with an error wrapping
// errors.ErrUnsupported, and publication moves the old folder aside instead (renameAside). A
// variable, so that the tests on Linux also run the publication of a system without the swap.
var renameExchange = exchange

// exchangeUnsupported is the exchange of a system that has none: exchange outside Linux. Publication then
// takes the fallback path; the tests set renameExchange to it.
func exchangeUnsupported(a, b string) error {
	return &os.LinkError{Op: "exchange", Old: a, New: b, Err: errors.ErrUnsupported}
}

// Staging is the build area of one month of one run, OUT/_staging/<run id>/, outside every table
// tree. Each table is written to <table>/part-0.parquet inside it; Publish moves them into the table
// trees.
type Staging struct {
	layout   Layout
	month    Month
	runID    string
	dir      string
	journal  bool // a journal was written: the staging folder must survive a failure
	finished bool
}

// NewStaging creates OUT/_staging/<run id>/ (and OUT if needed) for month.
func NewStaging(l Layout, month Month, runID string) (*Staging, error) {
	if month.IsZero() {
		return nil, fmt.Errorf("staging in %s: month not set", l.Root)
	}
	if runID == "" || strings.ContainsAny(runID, `/\`) || runID == "." || runID == ".." {
		return nil, fmt.Errorf("staging in %s: bad run id %q", l.Root, runID)
	}
	if err := os.MkdirAll(l.StagingRoot(), 0o755); err != nil {
		return nil, fmt.Errorf("staging in %s: %w", l.Root, err)
	}
	s := &Staging{layout: l, month: month, runID: runID, dir: l.StagingDir(runID)}
	if err := os.Mkdir(s.dir, 0o755); err != nil {
		return nil, fmt.Errorf("staging %s: %w", s.dir, err)
	}
	return s, nil
}

// Dir is the staging folder.
func (s *Staging) Dir() string { return s.dir }

// WriteRubric stages the rubric file the month was scored with (its bytes as read). Publish moves
// it to OUT/_manifests/snapshot_month=YYYY-MM.rubric.yaml just before the manifest, so that a
// published month always has the rubric that scored it.
func (s *Staging) WriteRubric(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("stage rubric in %s: no rubric bytes", s.dir)
	}
	if err := writeFileSync(filepath.Join(s.dir, stagedRubricFile), b); err != nil {
		return fmt.Errorf("stage rubric in %s: %w", s.dir, err)
	}
	return nil
}

// Journal is the plan of one month's publication, written (fsynced) to the staging folder before
// the first swap. Paths are relative to OUT. Replaying it is idempotent, so after a crash the next
// lock holder finishes the publication.
type Journal struct {
	// RunID is the run whose month is published.
	RunID string `json:"run_id"`
	// Month is the snapshot month, YYYY-MM.
	Month string `json:"snapshot_month"`
	// Swaps put each staged table into its tree, in order.
	Swaps []Swap `json:"swaps"`
	// Retire lists partition folders of tables this run does not publish for the month (a month is
	// replaced whole); they are moved out after the swaps.
	Retire []string `json:"retire,omitempty"`
	// Rubric is the staged rubric and RubricTarget where it goes, just before the manifest (empty in
	// journals of runs that staged none).
	Rubric       string `json:"rubric,omitempty"`
	RubricTarget string `json:"rubric_target,omitempty"`
	// Manifest is the staged manifest and ManifestTarget where it goes, last of all.
	Manifest       string `json:"manifest"`
	ManifestTarget string `json:"manifest_target"`
	// Remove lists folders moved out of OUT once the manifest is in place (the old-layout folder of a
	// migrated month).
	Remove []string `json:"remove,omitempty"`
}

// Swap moves one staged table month into place.
type Swap struct {
	// Table is the table name.
	Table string `json:"table"`
	// Staged is the staged month folder, Target its partition folder in the table tree.
	Staged string `json:"staged"`
	Target string `json:"target"`
	// Dev and Ino identify the staged folder: a rename keeps them, so the target having them means
	// the swap is done.
	Dev uint64 `json:"dev"`
	Ino uint64 `json:"ino"`
}

// pausePoint is called after each step of a publication: "journal" (journal written, nothing
// swapped), "swap:<table>" (that table swapped), "manifest" (manifest in place), "cleaned" (journal
// removed). With CAPSCORE_TEST_PAUSE_AT=<step> in the environment the process stops there and waits
// to be killed: the end-to-end kill tests SIGKILL a run at each swap that way. Unit tests replace it.
var pausePoint = func(step string, log *zap.Logger) {
	if at := os.Getenv("CAPSCORE_TEST_PAUSE_AT"); at == "" || at != step {
		return
	}
	log.Warn("paused for a kill test", zap.String("step", step))
	select {}
}

// Publish makes the staged month the published one. It writes m to the staging folder, fsyncs
// every staged file and folder, and writes a fsynced journal listing the swaps. Then it swaps each
// table's staged folder with OUT/<table>/snapshot_month=YYYY-MM (a plain rename when the month is
// new to that table, otherwise renameat2(RENAME_EXCHANGE), so a reader of a table sees its old
// month or its new month, never a gap or a mix), moves the staged rubric (WriteRubric) beside the
// manifest's place, moves the manifest to OUT/_manifests last, and removes the old content and the
// journal.
//
// On filesystems without RENAME_EXCHANGE, and on systems other than Linux, it falls back to moving the old folder aside and renaming
// the new one in; a reader may then briefly find a table's month missing, but never half-written.
//
// Once the journal is written a failure leaves the staging folder in place and the next lock holder
// rolls the publication forward (RecoverStaging). Call Publish while holding the output lock.
func (s *Staging) Publish(m Manifest, log *zap.Logger) error {
	return s.publish(m, nil, log)
}

// publish is Publish, also moving the OUT-relative folders in remove out of OUT at the end.
func (s *Staging) publish(m Manifest, remove []string, log *zap.Logger) error {
	if log == nil {
		log = zap.NewNop()
	}
	if s.finished {
		return fmt.Errorf("publish %s: already published or discarded", s.dir)
	}
	j, err := s.plan(remove)
	if err != nil {
		return fmt.Errorf("publish %s: %w", s.dir, err)
	}
	if err := writeManifestFile(filepath.Join(s.dir, stagedManifestFile), m); err != nil {
		return fmt.Errorf("publish %s: %w", s.dir, err)
	}
	if err := syncTree(s.dir); err != nil {
		return fmt.Errorf("publish %s: %w", s.dir, err)
	}
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return fmt.Errorf("publish %s: %w", s.dir, err)
	}
	if err := writeFileSync(filepath.Join(s.dir, JournalFile), append(b, '\n')); err != nil {
		return fmt.Errorf("publish %s: journal: %w", s.dir, err)
	}
	s.journal = true
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("publish %s: journal: %w", s.dir, err)
	}
	pausePoint("journal", log)
	if err := rollForward(s.layout, s.dir, j, log); err != nil {
		return err
	}
	s.finished = true
	return nil
}

// plan lists the staged tables (every folder in the staging folder) and what they replace.
func (s *Staging) plan(remove []string) (Journal, error) {
	l := s.layout
	j := Journal{RunID: s.runID, Month: s.month.String(), Remove: remove}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return j, err
	}
	staged := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() || !isTableName(e.Name()) {
			continue
		}
		table := e.Name()
		dir := filepath.Join(s.dir, table)
		if err := onlyPartFile(dir); err != nil {
			return j, err
		}
		dev, ino, err := devIno(dir)
		if err != nil {
			return j, err
		}
		staged[table] = true
		j.Swaps = append(j.Swaps, Swap{Table: table, Staged: l.rel(dir), Target: l.rel(l.MonthDir(table, s.month)), Dev: dev, Ino: ino})
	}
	if len(j.Swaps) == 0 {
		return j, fmt.Errorf("no table staged")
	}
	tables, err := l.Tables()
	if err != nil {
		return j, err
	}
	for _, t := range tables {
		if staged[t] {
			continue
		}
		if _, err := os.Lstat(l.MonthDir(t, s.month)); err == nil {
			j.Retire = append(j.Retire, l.rel(l.MonthDir(t, s.month)))
		}
	}
	// The month's rubric goes beside the manifest; a publication without one retires the rubric of
	// the month it replaces, which belonged to the old manifest.
	if _, err := os.Lstat(filepath.Join(s.dir, stagedRubricFile)); err == nil {
		j.Rubric = l.rel(filepath.Join(s.dir, stagedRubricFile))
		j.RubricTarget = l.rel(l.RubricPath(s.month))
	} else if _, err := os.Lstat(l.RubricPath(s.month)); err == nil {
		j.Retire = append(j.Retire, l.rel(l.RubricPath(s.month)))
	}
	j.Manifest = l.rel(filepath.Join(s.dir, stagedManifestFile))
	j.ManifestTarget = l.rel(l.ManifestPath(s.month))
	return j, nil
}

// onlyPartFile checks that a staged table folder holds exactly its one Parquet file.
func onlyPartFile(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) != 1 || entries[0].Name() != PartFile || !entries[0].Type().IsRegular() {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return fmt.Errorf("staged table %s holds %v, want exactly %s", dir, names, PartFile)
	}
	return nil
}

// rel makes p relative to OUT (journal form).
func (l Layout) rel(p string) string {
	r, err := filepath.Rel(l.Root, p)
	if err != nil {
		return p
	}
	return r
}

// abs resolves a journal path against OUT, refusing paths that leave it.
func (l Layout) abs(rel string) (string, error) {
	if rel == "" || filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("journal path %q is not inside OUT", rel)
	}
	return filepath.Join(l.Root, filepath.Clean(rel)), nil
}

// rollForward carries out a journal; every step checks whether it is already done, so it can be
// replayed after a crash at any point.
func rollForward(l Layout, dir string, j Journal, log *zap.Logger) error {
	fail := func(err error) error { return fmt.Errorf("publish %s (journal %s): %w", j.Month, dir, err) }
	for i, sw := range j.Swaps {
		staged, err := l.abs(sw.Staged)
		if err != nil {
			return fail(err)
		}
		target, err := l.abs(sw.Target)
		if err != nil {
			return fail(err)
		}
		if err := swapInto(staged, target, sw, filepath.Join(dir, fmt.Sprintf("%s%d-%s", retiredPrefix, i, sw.Table))); err != nil {
			return fail(fmt.Errorf("table %s: %w", sw.Table, err))
		}
		pausePoint("swap:"+sw.Table, log)
	}
	for i, rel := range j.Retire {
		p, err := l.abs(rel)
		if err != nil {
			return fail(err)
		}
		if err := moveOut(p, filepath.Join(dir, fmt.Sprintf("%sold-%d", retiredPrefix, i))); err != nil {
			return fail(err)
		}
	}
	if j.Rubric != "" {
		if err := moveInto(l, dir, j.Rubric, j.RubricTarget); err != nil {
			return fail(fmt.Errorf("rubric: %w", err))
		}
		pausePoint("rubric", log)
	}
	if err := moveInto(l, dir, j.Manifest, j.ManifestTarget); err != nil {
		return fail(fmt.Errorf("manifest: %w", err))
	}
	pausePoint("manifest", log)
	for i, rel := range j.Remove {
		p, err := l.abs(rel)
		if err != nil {
			return fail(err)
		}
		if err := moveOut(p, filepath.Join(dir, fmt.Sprintf("%sremoved-%d", retiredPrefix, i))); err != nil {
			return fail(err)
		}
	}
	// Published. What is left in the staging folder is the old content.
	if err := os.Remove(filepath.Join(dir, JournalFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(err)
	}
	if err := syncDir(dir); err != nil {
		return fail(err)
	}
	pausePoint("cleaned", log)
	if err := os.RemoveAll(dir); err != nil {
		// The month is published; the next lock holder removes the leftover.
		log.Warn("published, but could not remove the old content", zap.String("path", dir), zap.Error(err))
		return nil
	}
	if err := syncDir(filepath.Dir(dir)); err != nil {
		log.Warn("published, but could not sync the staging root", zap.Error(err))
	}
	return nil
}

// moveInto renames the staged file (journal form) to its target in OUT when it is still staged (a
// replay after a crash finds it moved already), and makes the rename durable.
func moveInto(l Layout, dir, stagedRel, targetRel string) error {
	staged, err := l.abs(stagedRel)
	if err != nil {
		return err
	}
	target, err := l.abs(targetRel)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(staged); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	if err := os.Rename(staged, target); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(target)); err != nil {
		return err
	}
	return syncDir(dir)
}

// swapInto puts the staged folder (identified by sw.Dev/sw.Ino) at target. Done already when target
// is that folder; a plain rename when target is missing; otherwise an exchange, so the old content
// ends where the staged folder was. aside is where the fallback moves the old content.
func swapInto(staged, target string, sw Swap, aside string) error {
	dev, ino, err := devIno(target)
	switch {
	case err == nil && dev == sw.Dev && ino == sw.Ino:
		return nil // done before a crash
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	targetExists := err == nil
	sdev, sino, err := devIno(staged)
	if err != nil {
		return fmt.Errorf("staged folder %s: %w (and %s is not the staged folder)", staged, err, target)
	}
	if sdev != sw.Dev || sino != sw.Ino {
		return fmt.Errorf("staged folder %s is not the one the journal recorded", staged)
	}
	parent := filepath.Dir(target)
	if !targetExists {
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return err
		}
		if err := os.Rename(staged, target); err != nil {
			return err
		}
	} else {
		err := renameExchange(staged, target)
		if errors.Is(err, errors.ErrUnsupported) {
			err = renameAside(staged, target, aside)
		}
		if err != nil {
			return err
		}
	}
	if err := syncDir(parent); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(parent)); err != nil {
		return err
	}
	return syncDir(filepath.Dir(staged))
}

// renameAside is the fallback swap: target -> aside, staged -> target.
func renameAside(staged, target, aside string) error {
	if err := os.Rename(target, aside); err != nil {
		return fmt.Errorf("move old month aside: %w", err)
	}
	if err := os.Rename(staged, target); err != nil {
		if errBack := os.Rename(aside, target); errBack != nil {
			return fmt.Errorf("move staged month into place: %w (and restoring the old month failed: %v)", err, errBack)
		}
		return fmt.Errorf("move staged month into place: %w", err)
	}
	return nil
}

// moveOut renames p to dest (inside the staging folder) when p still exists.
func moveOut(p, dest string) error {
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if err := os.Rename(p, dest); err != nil {
		return err
	}
	return syncDir(filepath.Dir(p))
}

// devIno returns the device and inode of p.
func devIno(p string) (uint64, uint64, error) {
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		return 0, 0, &fs.PathError{Op: "lstat", Path: p, Err: err}
	}
	return uint64(st.Dev), uint64(st.Ino), nil
}

// Discard removes the staging folder of a failed run. After a journal was written it keeps the
// folder: the publication may be half done and the next lock holder rolls it forward.
func (s *Staging) Discard() error {
	if s.finished || s.journal {
		s.finished = true
		return nil
	}
	s.finished = true
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("discard %s: %w", s.dir, err)
	}
	return nil
}

// ReadJournal reads the journal of a staging folder.
func ReadJournal(stagingDir string) (Journal, error) {
	var j Journal
	b, err := os.ReadFile(filepath.Join(stagingDir, JournalFile))
	if err != nil {
		return j, err
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return j, fmt.Errorf("journal %s: %w", filepath.Join(stagingDir, JournalFile), err)
	}
	return j, nil
}

// PendingPublication is a publication interrupted after its journal was written.
type PendingPublication struct {
	// Dir is the staging folder holding the journal.
	Dir string
	// Journal is its plan; zero when unreadable.
	Journal Journal
	// Err says why the journal could not be read.
	Err error
}

// PendingPublications lists the staging folders that hold a journal, without changing anything
// (for `refresh status`).
func (l Layout) PendingPublications() ([]PendingPublication, error) {
	entries, err := readDirIfAny(l.StagingRoot())
	if err != nil {
		return nil, fmt.Errorf("staging in %s: %w", l.Root, err)
	}
	var out []PendingPublication
	for _, e := range entries {
		dir := filepath.Join(l.StagingRoot(), e.Name())
		if _, err := os.Lstat(filepath.Join(dir, JournalFile)); err != nil {
			continue
		}
		j, err := ReadJournal(dir)
		out = append(out, PendingPublication{Dir: dir, Journal: j, Err: err})
	}
	return out, nil
}

// RecoverStaging finishes or removes what runs that died left under OUT/_staging: a folder with a
// journal was publishing and is rolled forward; any other folder was still building and is removed.
// It also removes the leftovers of old-layout runs (.staging-*, .old-*). It returns the months
// rolled forward and the paths removed. Call it only while holding the output lock: a live run's
// staging folder looks the same as a dead one's.
func RecoverStaging(l Layout, log *zap.Logger) (rolled []string, removed []string, err error) {
	if log == nil {
		log = zap.NewNop()
	}
	var errs []error
	entries, err := os.ReadDir(l.StagingRoot())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("recover staging in %s: %w", l.Root, err)
	}
	sort.Slice(entries, func(a, b int) bool { return entries[a].Name() < entries[b].Name() })
	for _, e := range entries {
		dir := filepath.Join(l.StagingRoot(), e.Name())
		j, err := ReadJournal(dir)
		switch {
		case err == nil:
			if err := rollForward(l, dir, j, log); err != nil {
				errs = append(errs, err)
				continue
			}
			log.Info("rolled forward an interrupted publication", zap.String("month", j.Month), zap.String("month_run_id", j.RunID))
			recordRolledForward(l.Root, j, log)
			rolled = append(rolled, j.Month)
		case errors.Is(err, fs.ErrNotExist):
			if err := os.RemoveAll(dir); err != nil {
				errs = append(errs, err)
				continue
			}
			removed = append(removed, dir)
		default:
			errs = append(errs, fmt.Errorf("%w; move the folder away once OUT is checked", err))
		}
	}
	if len(removed) > 0 {
		errs = append(errs, syncDir(l.StagingRoot()))
	}
	legacy, err := os.ReadDir(l.Root)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, err)
	}
	for _, e := range legacy {
		name := e.Name()
		if !strings.HasPrefix(name, legacyStagingPrefix) && !strings.HasPrefix(name, legacyOldPrefix) {
			continue
		}
		p := filepath.Join(l.Root, name)
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, p)
	}
	if err := errors.Join(errs...); err != nil {
		return rolled, removed, fmt.Errorf("recover staging in %s: %w", l.Root, err)
	}
	return rolled, removed, nil
}

// recordRolledForward appends a published record for the run whose publication was just rolled
// forward: its month is now wholly that run's, as if its process had not died. A journal whose run
// is not in the ledger (a migration's) gets none.
func recordRolledForward(out string, j Journal, log *zap.Logger) {
	ledger := OpenLedger(out)
	last, ok := ledger.Latest()[j.RunID]
	if !ok || last.Status == StatusPublished {
		return
	}
	r := last
	r.Status, r.Finished = StatusPublished, time.Now().UTC()
	r.Reason = "its process died while publishing; the next holder of the lock rolled the publication forward"
	if m, err := ParseMonth(j.Month); err == nil {
		r.Snapshot = SnapshotDirName(m)
	}
	if !r.Started.IsZero() {
		r.DurationSeconds = r.Finished.Sub(r.Started).Seconds()
	}
	if err := ledger.Append(r); err != nil {
		log.Error("run ledger", zap.Error(err))
	}
}

// syncTree fsyncs every file and folder under root, root last.
func syncTree(root string) error {
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			dirs = append(dirs, p)
		case d.Type().IsRegular():
			return syncPath(p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := syncPath(dirs[i]); err != nil {
			return err
		}
	}
	return nil
}

// syncDir fsyncs a folder so renames and removals in it are durable.
func syncDir(dir string) error { return syncPath(dir) }

// syncPath opens p read-only and fsyncs it.
func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	errSync := f.Sync()
	if errSync != nil {
		errSync = fmt.Errorf("fsync %s: %w", p, errSync)
	}
	return errors.Join(errSync, f.Close())
}
