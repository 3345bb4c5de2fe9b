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
	"strings"
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
	// StatusAbandoned means the run's process died while it ran (SIGKILL, a crash, the machine
	// stopping): the next holder of the output lock found its lock left behind and recorded this.
	StatusAbandoned = "abandoned"
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

// BadLine is a ledger line that does not decode as a run record (hand-edited, or damaged on disk).
// It is quarantined: every reader skips it, counts it and shows it; the ledger is append-only, so
// the line itself stays where it is as evidence.
type BadLine struct {
	// Line is the 1-based line number in the ledger file.
	Line int `json:"line"`
	// Text is the start of the line (at most 200 bytes).
	Text string `json:"text"`
	// Err says why it is not a record.
	Err string `json:"error"`
}

// String reads like: line 2 (invalid character 'o' in literal null (expecting 'u')).
func (b BadLine) String() string { return fmt.Sprintf("line %d (%s)", b.Line, b.Err) }

// Read reads every record in append order, and the lines that are not records. A missing ledger
// has neither. An unterminated last line (a crash or an append in progress) is skipped silently;
// only a file that cannot be read is an error.
func (l *Ledger) Read() ([]Record, []BadLine, error) {
	data, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("ledger %s: %w", l.path, err)
	}
	var recs []Record
	var bad []BadLine
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
		err := json.Unmarshal(line, &r)
		if err == nil && r.RunID == "" {
			err = errors.New("no run_id")
		}
		if err != nil {
			bad = append(bad, BadLine{Line: n, Text: string(line[:min(len(line), 200)]), Err: err.Error()})
			continue
		}
		recs = append(recs, r)
	}
	return recs, bad, nil
}

// Records reads every record in append order, skipping quarantined lines (see Read).
func (l *Ledger) Records() ([]Record, error) {
	recs, _, err := l.Read()
	return recs, err
}

// Latest returns the latest record of each run id. An unreadable ledger gives nil; use Records and
// LatestByRun to see the error. Quarantined lines are skipped.
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

// MarkAbandoned appends an abandoned record for every run whose latest record is still running,
// with reason. Call it holding the output lock: every run appends its records under the lock, so a
// run still running then is one whose process died. It returns the run ids it marked.
func (l *Ledger) MarkAbandoned(reason string, now time.Time) ([]string, error) {
	recs, err := l.Records()
	if err != nil {
		return nil, err
	}
	latest := LatestByRun(recs)
	var marked []string
	seen := map[string]bool{}
	for _, r := range recs {
		last := latest[r.RunID]
		if seen[r.RunID] || last.Status != StatusRunning {
			continue
		}
		seen[r.RunID] = true
		a := last
		a.Status, a.Reason, a.Finished = StatusAbandoned, reason, now.UTC()
		if !a.Started.IsZero() {
			a.DurationSeconds = a.Finished.Sub(a.Started).Seconds()
		}
		if err := l.Append(a); err != nil {
			return marked, err
		}
		marked = append(marked, r.RunID)
	}
	return marked, nil
}

// QuarantineDir is the folder under RunsDir where damaged bookkeeping files are kept aside.
const QuarantineDir = "quarantine"

// Quarantined is the damaged bookkeeping of an output folder: ledger lines every reader skips and
// files moved aside (a fire history that did not decode).
type Quarantined struct {
	// LedgerLines are the ledger lines that are not records.
	LedgerLines []BadLine `json:"ledger_lines,omitempty"`
	// Files are the files kept aside under OUT/_runs/quarantine.
	Files []string `json:"files,omitempty"`
}

// Empty reports whether nothing is quarantined.
func (q Quarantined) Empty() bool { return len(q.LedgerLines) == 0 && len(q.Files) == 0 }

// String summarises what is quarantined for a warning line.
func (q Quarantined) String() string {
	var parts []string
	if n := len(q.LedgerLines); n > 0 {
		lines := make([]string, 0, min(n, 3))
		for _, b := range q.LedgerLines[:min(n, 3)] {
			lines = append(lines, b.String())
		}
		more := ""
		if n > 3 {
			more = fmt.Sprintf(" and %d more", n-3)
		}
		parts = append(parts, fmt.Sprintf("%d ledger line(s) skipped: %s%s", n, strings.Join(lines, ", "), more))
	}
	if n := len(q.Files); n > 0 {
		parts = append(parts, fmt.Sprintf("%d damaged file(s) kept aside: %s", n, strings.Join(q.Files, ", ")))
	}
	return strings.Join(parts, "; ")
}

// QuarantineOf reports the quarantined bookkeeping of out.
func QuarantineOf(out string) (Quarantined, error) {
	var q Quarantined
	_, bad, err := OpenLedger(out).Read()
	if err != nil {
		return q, err
	}
	q.LedgerLines = bad
	entries, err := os.ReadDir(filepath.Join(out, RunsDir, QuarantineDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return q, err
	}
	for _, e := range entries {
		q.Files = append(q.Files, filepath.Join(out, RunsDir, QuarantineDir, e.Name()))
	}
	return q, nil
}

// quarantineFile moves a damaged bookkeeping file into OUT/_runs/quarantine under a name carrying
// the time, and returns the new path.
func quarantineFile(out, path string) (string, error) {
	dir := filepath.Join(out, RunsDir, QuarantineDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	dst := filepath.Join(dir, strings.TrimSuffix(base, ext)+"-"+time.Now().UTC().Format("20060102T150405.000000000Z")+ext)
	if err := os.Rename(path, dst); err != nil {
		return "", err
	}
	return dst, syncDir(dir)
}
