package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// RunsDir is the folder under OUT that holds run bookkeeping. The leading underscore keeps it out of
// analyst globs.
const RunsDir = "_runs"

// LedgerFile is the ledger's file name inside RunsDir.
const LedgerFile = "ledger.jsonl"

// Ledger record kinds.
const (
	// KindRun is a scheduled or manual monthly run.
	KindRun = "run"
	// KindBackfill is one month of a backfill.
	KindBackfill = "backfill"
	// KindSkilling is a skilling-only refresh of a month.
	KindSkilling = "skilling"
)

// Ledger record statuses.
const (
	// StatusRunning is appended when a run starts.
	StatusRunning = "running"
	// StatusPublished means the run published its month.
	StatusPublished = "published"
	// StatusFailed means the run stopped with an error; nothing was published.
	StatusFailed = "failed"
	// StatusSkipped means the run decided not to run (Reason says why).
	StatusSkipped = "skipped"
	// StatusCanceled means the run was stopped by a signal or its context; nothing was published.
	StatusCanceled = "canceled"
)

// Record is one line of the run ledger. A run appends a "running" record when it starts and a
// final record (published, failed, skipped, canceled) when it ends; the latest record of a run id
// is its state.
type Record struct {
	// RunID identifies the run attempt.
	RunID string `json:"run_id"`
	// Month is the snapshot month, YYYY-MM.
	Month string `json:"month"`
	// AsOf is the skilling as-of date, YYYY-MM-DD.
	AsOf string `json:"as_of,omitempty"`
	// Kind is KindRun, KindBackfill or KindSkilling.
	Kind string `json:"kind"`
	// Status is one of the Status* constants.
	Status string `json:"status"`
	// Reason explains a failed, skipped or canceled status.
	Reason string `json:"reason,omitempty"`
	// Started is when the run started.
	Started time.Time `json:"started,omitzero"`
	// Finished is when the run ended (zero while running).
	Finished time.Time `json:"finished,omitzero"`
	// DurationSeconds is Finished - Started in seconds.
	DurationSeconds float64 `json:"duration_seconds,omitempty"`
	// Snapshot names the published month, snapshot_month=YYYY-MM (its manifest is
	// OUT/_manifests/snapshot_month=YYYY-MM.json).
	Snapshot string `json:"snapshot,omitempty"`
}

// Ledger is the append-only run ledger OUT/_runs/ledger.jsonl: one JSON record per line, fsynced
// after each append.
type Ledger struct {
	path string
}

// OpenLedger returns the ledger of out. Nothing is created until the first Append.
func OpenLedger(out string) *Ledger {
	return &Ledger{path: filepath.Join(out, RunsDir, LedgerFile)}
}

// Path is the ledger file's path.
func (l *Ledger) Path() string { return l.path }

// Append adds r as one line and fsyncs the file. Appends from several processes are serialised by
// flock(2) on the ledger file. A torn last line left by a crash is cut off before appending.
func (l *Ledger) Append(r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("ledger append %s: %w", l.path, err)
	}
	b = append(b, '\n')
	dir := filepath.Dir(l.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ledger append %s: %w", l.path, err)
	}
	_, statErr := os.Stat(l.path)
	created := errors.Is(statErr, fs.ErrNotExist)
	f, err := os.OpenFile(l.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("ledger append %s: %w", l.path, err)
	}
	defer f.Close()
	fd := int(f.Fd())
	if err := flockRetry(fd, unix.LOCK_EX); err != nil {
		return fmt.Errorf("ledger append %s: flock: %w", l.path, err)
	}
	defer unix.Flock(fd, unix.LOCK_UN)
	if err := cutTornTail(f); err != nil {
		return fmt.Errorf("ledger append %s: %w", l.path, err)
	}
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("ledger append %s: %w", l.path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("ledger append %s: %w", l.path, err)
	}
	if created {
		if err := errors.Join(syncDir(dir), syncDir(filepath.Dir(dir))); err != nil {
			return fmt.Errorf("ledger append %s: %w", l.path, err)
		}
	}
	return nil
}

// cutTornTail truncates f after its last newline, dropping a partial record a crash left behind.
func cutTornTail(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	const chunk = 4096
	buf := make([]byte, chunk)
	for end := size; end > 0; {
		start := max(end-chunk, 0)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep := start + int64(i) + 1
			if keep == size {
				return nil
			}
			return f.Truncate(keep)
		}
		end = start
	}
	if size == 0 {
		return nil
	}
	return f.Truncate(0)
}

// Records reads every record in append order. A missing ledger has no records. An unterminated last
// line (a crash or an append in progress) is skipped; any other line that does not decode is an
// error.
func (l *Ledger) Records() ([]Record, error) {
	data, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", l.path, err)
	}
	var recs []Record
	for n := 1; len(data) > 0; n++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break // torn last line
		}
		line := bytes.TrimSpace(data[:i])
		data = data[i+1:]
		if len(line) == 0 {
			continue
		}
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("ledger %s: line %d: %w", l.path, n, err)
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// Latest returns the latest record of each run id. An unreadable ledger gives nil; use Records and
// LatestByRun to see the error.
func (l *Ledger) Latest() map[string]Record {
	recs, err := l.Records()
	if err != nil {
		return nil
	}
	return LatestByRun(recs)
}

// Published returns, per month (YYYY-MM), the latest published record. An unreadable ledger gives
// nil; use Records and PublishedByMonth to see the error.
func (l *Ledger) Published() map[string]Record {
	recs, err := l.Records()
	if err != nil {
		return nil
	}
	return PublishedByMonth(recs)
}

// LatestByRun returns the last record of each run id in recs (recs in append order).
func LatestByRun(recs []Record) map[string]Record {
	m := make(map[string]Record)
	for _, r := range recs {
		m[r.RunID] = r
	}
	return m
}

// PublishedByMonth returns, per month, the last published record in recs (recs in append order).
func PublishedByMonth(recs []Record) map[string]Record {
	m := make(map[string]Record)
	for _, r := range recs {
		if r.Status == StatusPublished {
			m[r.Month] = r
		}
	}
	return m
}
