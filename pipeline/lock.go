package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

// LockFile is the name of the lock file inside OUT. The leading dot keeps it out of analyst globs.
const LockFile = ".refresh.lock"

// lockPollInterval is how often a waiting AcquireLock retries.
var lockPollInterval = 500 * time.Millisecond

// holderSettle is how long AcquireLock keeps looking at a held lock whose file names no holder
// before it reports "holder unknown", and holderPoll how often it looks. A holder takes the flock
// first and writes its name just after, and clears its name just before it unlocks, so an empty
// file under a held flock is normally one of those instants, not a lasting state.
var (
	holderSettle = 2 * time.Second
	holderPoll   = 5 * time.Millisecond
)

// LockHolder says who holds the output lock. It is written as JSON into the lock file so that a
// second run can name the first in its error, and so that a lock left by a crash can be recognised.
type LockHolder struct {
	// PID is the holding process.
	PID int `json:"pid"`
	// RunID is the holding run.
	RunID string `json:"run_id"`
	// Started is when the holder started.
	Started time.Time `json:"started"`
	// Host is the machine the holder runs on.
	Host string `json:"host"`
}

// isZero reports whether the holder names nobody (an empty or half-written lock file).
func (h LockHolder) isZero() bool { return h.PID == 0 && h.RunID == "" }

// String describes the holder the way error messages and logs show it.
func (h LockHolder) String() string {
	if h.isZero() {
		return "holder unknown"
	}
	s := fmt.Sprintf("pid %d", h.PID)
	if h.Host != "" && h.Host != hostname() {
		s += " on " + h.Host
	}
	return fmt.Sprintf("%s, run id %s, started %s", s, h.RunID, h.Started.UTC().Format(time.RFC3339))
}

// LockedError is returned when another run holds the output directory. It matches ErrLocked with
// errors.Is, and carries the holder read from the lock file (zero when the file could not be read).
type LockedError struct {
	// Out is the locked output directory.
	Out string
	// Holder is the run that holds it.
	Holder LockHolder
}

// Error reads like: another run (pid 123, run id X, started 2026-11-25T10:00:00Z) holds /out; wait
// for it or pass --wait.
func (e *LockedError) Error() string {
	return fmt.Sprintf("another run (%s) holds %s; wait for it or pass --wait", e.Holder, e.Out)
}

// Unwrap makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Lock is the held output lock. Keep it referenced until Release: it owns the open lock file, and
// the lock lasts exactly as long as that file stays open.
type Lock struct {
	path   string
	holder LockHolder
	mu     sync.Mutex
	f      *os.File
}

// AcquireLock takes the single-writer lock on out (creating out if needed) by flock(2) on
// out/.refresh.lock, then records holder in the file. Empty holder fields default to this process's
// pid, this host and the current time.
//
// When another run holds it: with wait=false it returns a *LockedError (errors.Is ErrLocked); with
// wait=true it retries every 500ms until it gets the lock or ctx is done. A canceled ctx returns
// an error wrapping ErrCanceled and context.Canceled; a deadline returns the *LockedError joined
// with context.DeadlineExceeded.
//
// A held lock whose file names no holder yet (the holder has just taken the flock and not yet
// written its name) is looked at again every few milliseconds for up to two seconds, so the
// error names the holder instead of "holder unknown".
//
// A lock file whose flock is free but which still names a holder was left by a run that died
// without releasing it; it is taken over and logged as "took over stale lock".
func AcquireLock(ctx context.Context, out string, holder LockHolder, wait bool, log *zap.Logger) (*Lock, error) {
	if log == nil {
		log = zap.NewNop()
	}
	if holder.PID == 0 {
		holder.PID = os.Getpid()
	}
	if holder.Host == "" {
		holder.Host = hostname()
	}
	if holder.Started.IsZero() {
		holder.Started = time.Now().UTC()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", out, err)
	}
	path := filepath.Join(out, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", out, err)
	}
	fd := int(f.Fd())

	var ticker *time.Ticker
	var emptySince time.Time
	loggedWait := false
	for {
		err := flockRetry(fd, unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: flock: %w", out, err)
		}
		h := readHolder(f)
		if h.isZero() && ctx.Err() == nil {
			// Held, but no name yet (or any more): look again, and retry the flock, shortly.
			if emptySince.IsZero() {
				emptySince = time.Now()
			}
			if time.Since(emptySince) < holderSettle {
				time.Sleep(holderPoll)
				continue
			}
		}
		emptySince = time.Time{}
		held := &LockedError{Out: out, Holder: h}
		if !wait {
			f.Close()
			return nil, held
		}
		if !loggedWait {
			log.Info("waiting for lock", zap.String("out", out), zap.Int("holder_pid", held.Holder.PID),
				zap.String("holder_run_id", held.Holder.RunID), zap.Time("holder_started", held.Holder.Started))
			loggedWait = true
			ticker = time.NewTicker(lockPollInterval)
			defer ticker.Stop()
		}
		select {
		case <-ctx.Done():
			f.Close()
			if errors.Is(ctx.Err(), context.Canceled) {
				return nil, fmt.Errorf("wait for lock on %s: %w: %w", out, ErrCanceled, ctx.Err())
			}
			return nil, fmt.Errorf("wait for lock on %s: %w", out, errors.Join(held, ctx.Err()))
		case <-ticker.C:
		}
	}

	// We hold the flock. Anything still in the file was left by a run that did not release.
	old := readHolder(f)
	if !old.isZero() {
		log.Warn("took over stale lock", zap.String("out", out), zap.Int("old_pid", old.PID),
			zap.String("old_run_id", old.RunID), zap.Time("old_started", old.Started),
			zap.String("old_host", old.Host), zap.Bool("old_pid_alive", old.Alive()))
	}
	if err := writeHolder(f, holder); err != nil {
		unix.Flock(fd, unix.LOCK_UN)
		f.Close()
		return nil, fmt.Errorf("lock %s: write holder: %w", out, err)
	}
	if !old.isZero() {
		// The runs the dead holder left running in the ledger never end by themselves.
		reason := fmt.Sprintf("the process died while the run held %s (%s); its lock was taken over by run %s", out, old, holder.RunID)
		if ids, err := OpenLedger(out).MarkAbandoned(reason, time.Now()); err != nil {
			log.Error("run ledger: mark abandoned runs", zap.Error(err))
		} else if len(ids) > 0 {
			log.Warn("runs marked abandoned", zap.Strings("run_ids", ids), zap.String("reason", reason))
		}
	}
	log.Debug("lock acquired", zap.String("out", out), zap.String("run_id", holder.RunID))
	return &Lock{path: path, holder: holder, f: f}, nil
}

// Release clears the holder from the lock file and unlocks it. Calling it again is a no-op.
func (l *Lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	fd := int(f.Fd())
	// Clear the holder first: a holder found in a free lock file means a crash.
	errTrunc := f.Truncate(0)
	if errTrunc == nil {
		errTrunc = f.Sync()
	}
	errUnlock := unix.Flock(fd, unix.LOCK_UN)
	errClose := f.Close()
	if err := errors.Join(errTrunc, errUnlock, errClose); err != nil {
		return fmt.Errorf("release lock %s: %w", l.path, err)
	}
	return nil
}

// flockRetry calls flock, retrying when a signal interrupts it.
func flockRetry(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if err != unix.EINTR {
			return err
		}
	}
}

// readHolder reads the holder JSON from the lock file; a missing, empty or half-written file gives
// the zero holder.
func readHolder(f *os.File) LockHolder {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<16))
	if err != nil || len(b) == 0 {
		return LockHolder{}
	}
	var h LockHolder
	if json.Unmarshal(b, &h) != nil {
		return LockHolder{}
	}
	return h
}

// writeHolder replaces the lock file's content with h and syncs it.
func writeHolder(f *os.File, h LockHolder) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(append(b, '\n'), 0); err != nil {
		return err
	}
	return f.Sync()
}

// Alive reports whether the holder's process still exists: on this machine, by its pid; a holder on
// another machine is taken to be alive (its process cannot be looked at from here).
func (h LockHolder) Alive() bool {
	if h.PID <= 0 {
		return false
	}
	if h.Host != "" && h.Host != hostname() {
		return true
	}
	return processExists(h.PID)
}

// ReadLockHolder reads who holds (or last held) out's lock, without taking or changing it: the
// zero holder when the lock file is missing or names nobody (the lock is free). A holder that is
// not Alive left the lock behind when its process died; the next run takes it over.
func ReadLockHolder(out string) (LockHolder, error) {
	f, err := os.Open(filepath.Join(out, LockFile))
	if errors.Is(err, os.ErrNotExist) {
		return LockHolder{}, nil
	}
	if err != nil {
		return LockHolder{}, fmt.Errorf("lock %s: %w", out, err)
	}
	defer f.Close()
	return readHolder(f), nil
}

// IsZero reports whether the holder names nobody: the lock is free.
func (h LockHolder) IsZero() bool { return h.isZero() }

// processExists reports whether a process with this pid exists on this machine.
func processExists(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}

// hostname is os.Hostname, or "" when it fails.
func hostname() string {
	h, _ := os.Hostname()
	return h
}
