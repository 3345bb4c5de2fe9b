package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

// runIDPattern matches NewRunID's ids: only such folders under a spill root are ever removed, so a
// --temp-dir shared with other programs (/tmp) loses nothing else.
var runIDPattern = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$`)

// Spill is a run's own DuckDB spill folder ROOT/<run id>. While the run lives it holds a flock on
// ROOT/<run id>.lock; a folder whose lock is free belongs to a run that died, which is how runs
// sharing one temp dir (even for different OUT folders) tell a dead run's leftovers from a live
// run's files.
type Spill struct {
	dir  string
	lock *os.File
	log  *zap.Logger
}

// SpillRoot is the folder a run's spill folder is made in: cfg.TempDir, or OUT/_tmp.
func SpillRoot(cfg Config) string {
	if cfg.TempDir != "" {
		return cfg.TempDir
	}
	return NewLayout(cfg.Out).TempRoot()
}

// OpenSpill makes the spill folder of run runID under root, after removing the folders of dead
// runs there. Close removes it.
func OpenSpill(root, runID string, log *zap.Logger) (*Spill, error) {
	if log == nil {
		log = zap.NewNop()
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("spill folder %s: %w", root, err)
	}
	// The lock is taken under a private name and then renamed into place, so a cleaner never sees
	// the lock of a live run unlocked.
	tmp := filepath.Join(root, "."+runID+".lock-new")
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("spill folder %s: %w", root, err)
	}
	if err := flockRetry(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("spill folder %s: flock: %w", root, err)
	}
	if err := os.Rename(tmp, filepath.Join(root, runID+".lock")); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("spill folder %s: %w", root, err)
	}
	s := &Spill{dir: filepath.Join(root, runID), lock: f, log: log}
	if removed := RemoveDeadSpills(root, log); len(removed) > 0 {
		log.Info("removed spill folders of dead runs", zap.Strings("paths", removed))
	}
	if err := os.Mkdir(s.dir, 0o755); err != nil {
		s.Close()
		return nil, fmt.Errorf("spill folder %s: %w", s.dir, err)
	}
	return s, nil
}

// Dir is the run's spill folder.
func (s *Spill) Dir() string { return s.dir }

// Close removes the run's spill folder and its lock. Call it after the database is closed.
func (s *Spill) Close() error {
	if s.lock == nil {
		return nil
	}
	err := os.RemoveAll(s.dir)
	if rerr := os.Remove(s.dir + ".lock"); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	err = errors.Join(err, s.lock.Close())
	s.lock = nil
	if err != nil {
		s.log.Warn("could not remove the spill folder", zap.String("path", s.dir), zap.Error(err))
	}
	return err
}

// RemoveDeadSpills removes, under root, the spill folders of runs that are no longer alive: a
// run-id folder whose lock is free, or that has no lock (left by an older version). Folders of live
// runs and anything not named like a run id are left alone. It returns the removed paths.
func RemoveDeadSpills(root string, log *zap.Logger) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var removed []string
	seen := map[string]bool{}
	for _, e := range entries {
		id := strings.TrimSuffix(e.Name(), ".lock")
		if !runIDPattern.MatchString(id) || seen[id] {
			continue
		}
		seen[id] = true
		dir, lockPath := filepath.Join(root, id), filepath.Join(root, id+".lock")
		f, err := os.OpenFile(lockPath, os.O_RDWR, 0)
		switch {
		case errors.Is(err, os.ErrNotExist):
			// No lock: an older version's folder. A live run renames its lock in before it makes
			// its folder, so this is not a run that is starting.
			if st, err := os.Lstat(dir); err == nil && st.IsDir() {
				if err := os.RemoveAll(dir); err == nil {
					removed = append(removed, dir)
				}
			}
			continue
		case err != nil:
			continue
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			f.Close() // alive (or unknown): leave it
			continue
		}
		// Dead: remove the folder first, then the lock, holding the lock throughout.
		if err := os.RemoveAll(dir); err != nil {
			log.Warn("could not remove a dead run's spill folder", zap.String("path", dir), zap.Error(err))
		} else {
			os.Remove(lockPath)
			removed = append(removed, dir)
		}
		f.Close()
	}
	return removed
}
