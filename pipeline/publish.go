package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

// Folder name prefixes under OUT. Published months are visible to the analyst glob
// OUT/snapshot_month=*/...; staging and old folders start with a dot so that glob never sees them.
const (
	// SnapshotPrefix starts the name of every published month folder.
	SnapshotPrefix = "snapshot_month="
	// StagingPrefix starts the name of a folder being written by a run.
	StagingPrefix = ".staging-"
	// OldPrefix starts the name of a replaced month folder awaiting removal.
	OldPrefix = ".old-"
)

// SnapshotDirName is the folder name of month m under OUT: snapshot_month=YYYY-MM.
func SnapshotDirName(m Month) string { return SnapshotPrefix + m.String() }

// renameExchange atomically swaps two paths; a variable so tests can simulate a filesystem without
// RENAME_EXCHANGE.
var renameExchange = func(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

// Staging is a hidden folder that one run writes a month into before publishing it whole.
type Staging struct {
	out    string
	target string
	dir    string
	old    string
	done   bool
}

// NewStaging creates OUT/.staging-snapshot_month=YYYY-MM-<runID>/ (and OUT if needed).
func NewStaging(out string, month Month, runID string) (*Staging, error) {
	if month.IsZero() {
		return nil, fmt.Errorf("staging in %s: month not set", out)
	}
	if runID == "" || strings.ContainsAny(runID, `/\`) || runID == "." || runID == ".." {
		return nil, fmt.Errorf("staging in %s: bad run id %q", out, runID)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("staging in %s: %w", out, err)
	}
	name := SnapshotDirName(month)
	s := &Staging{
		out:    out,
		target: filepath.Join(out, name),
		dir:    filepath.Join(out, StagingPrefix+name+"-"+runID),
		old:    filepath.Join(out, OldPrefix+name+"-"+runID),
	}
	if err := os.Mkdir(s.dir, 0o755); err != nil {
		return nil, fmt.Errorf("staging %s: %w", s.dir, err)
	}
	return s, nil
}

// Dir is the staging folder the run writes its files into.
func (s *Staging) Dir() string { return s.dir }

// Target is the folder the month is published to: OUT/snapshot_month=YYYY-MM.
func (s *Staging) Target() string { return s.target }

// CleanupError is returned by Publish when the new month was published but the replaced content
// could not be removed. The snapshot is live; CleanStale removes the leftover on a later run.
type CleanupError struct {
	// Path is the leftover folder.
	Path string
	// Err is the removal failure.
	Err error
}

// Error describes the leftover.
func (e *CleanupError) Error() string {
	return fmt.Sprintf("published, but could not remove old content %s: %v", e.Path, e.Err)
}

// Unwrap returns the removal failure.
func (e *CleanupError) Unwrap() error { return e.Err }

// Publish makes the staged month the published one. It fsyncs every file and folder in the staging
// folder, then swaps it into OUT/snapshot_month=YYYY-MM: a plain rename when the month is new,
// otherwise renameat2(RENAME_EXCHANGE), so a reader sees the old month or the new one and never a
// gap. The old content is then removed and OUT is fsynced.
//
// On filesystems without RENAME_EXCHANGE it falls back to renaming the old folder aside to
// OUT/.old-..., renaming the staging folder into place and removing the old one; a reader may then
// briefly find the month missing, but never half-written.
//
// Call it while holding the output lock. A *CleanupError means the month was published.
func (s *Staging) Publish() error {
	if s.done {
		return fmt.Errorf("publish %s: already published or discarded", s.dir)
	}
	if err := syncTree(s.dir); err != nil {
		return fmt.Errorf("publish %s: %w", s.dir, err)
	}
	_, err := os.Lstat(s.target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(s.dir, s.target); err != nil {
			return fmt.Errorf("publish %s: %w", s.dir, err)
		}
		s.done = true
		if err := syncDir(s.out); err != nil {
			return fmt.Errorf("publish %s: sync %s: %w", s.dir, s.out, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("publish %s: %w", s.dir, err)
	}

	// The month exists: swap.
	leftover := s.dir
	err = renameExchange(s.dir, s.target)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		leftover, err = s.renameAside()
	}
	if err != nil {
		return fmt.Errorf("publish %s: %w", s.dir, err)
	}
	s.done = true
	if err := syncDir(s.out); err != nil {
		return fmt.Errorf("publish %s: sync %s: %w", s.dir, s.out, err)
	}
	if err := os.RemoveAll(leftover); err != nil {
		return &CleanupError{Path: leftover, Err: err}
	}
	if err := syncDir(s.out); err != nil {
		return fmt.Errorf("publish %s: sync %s: %w", s.dir, s.out, err)
	}
	return nil
}

// renameAside is the fallback swap: target -> .old-..., staging -> target. It returns where the old
// content now is.
func (s *Staging) renameAside() (string, error) {
	if err := os.Rename(s.target, s.old); err != nil {
		return "", fmt.Errorf("move old month aside: %w", err)
	}
	if err := os.Rename(s.dir, s.target); err != nil {
		if errBack := os.Rename(s.old, s.target); errBack != nil {
			return "", fmt.Errorf("move staging into place: %w (and restoring the old month failed: %v)", err, errBack)
		}
		return "", fmt.Errorf("move staging into place: %w", err)
	}
	return s.old, nil
}

// Discard removes the staging folder; use it when the run fails. It is safe after Publish.
func (s *Staging) Discard() error {
	s.done = true
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("discard %s: %w", s.dir, err)
	}
	return nil
}

// CleanStale removes the .staging-* and .old-* folders that crashed or interrupted runs left in
// out, and returns the paths it removed. Call it only while holding the output lock: a concurrent
// run's staging folder looks the same as a stale one.
func CleanStale(out string, log *zap.Logger) ([]string, error) {
	if log == nil {
		log = zap.NewNop()
	}
	entries, err := os.ReadDir(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("clean stale in %s: %w", out, err)
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, StagingPrefix) && !strings.HasPrefix(name, OldPrefix) {
			continue
		}
		p := filepath.Join(out, name)
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err)
			continue
		}
		log.Info("removed stale folder", zap.String("path", p))
		removed = append(removed, p)
	}
	if len(removed) > 0 {
		errs = append(errs, syncDir(out))
	}
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("clean stale in %s: %w", out, err)
	}
	return removed, nil
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
