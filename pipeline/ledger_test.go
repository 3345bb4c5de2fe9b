package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLedger(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	rec := func(id, month, status string, min int) Record {
		r := Record{RunID: id, Month: month, Kind: KindRun, Status: status, Started: t0.Add(time.Duration(min) * time.Minute)}
		if status != StatusRunning {
			r.Finished = r.Started.Add(time.Minute)
			r.DurationSeconds = 60
		}
		return r
	}

	t.Run("MissingLedgerIsEmpty", func(t *testing.T) {
		l := OpenLedger(t.TempDir())
		recs, err := l.Records()
		if err != nil || len(recs) != 0 {
			t.Errorf("Records = %v, %v", recs, err)
		}
		if len(l.Latest()) != 0 || len(l.Published()) != 0 {
			t.Errorf("empty ledger has latest or published records")
		}
	})

	t.Run("AppendRecordsLatestPublished", func(t *testing.T) {
		out := t.TempDir()
		l := OpenLedger(out)
		if want := filepath.Join(out, "_runs", "ledger.jsonl"); l.Path() != want {
			t.Errorf("Path = %s, want %s", l.Path(), want)
		}
		in := []Record{
			rec("a", "2026-09", StatusRunning, 0),
			rec("a", "2026-09", StatusPublished, 0),
			rec("b", "2026-10", StatusRunning, 10),
			rec("b", "2026-10", StatusFailed, 10),
			rec("c", "2026-09", StatusRunning, 20),
			rec("c", "2026-09", StatusPublished, 20),
			rec("d", "2026-10", StatusRunning, 30),
		}
		for _, r := range in {
			if err := l.Append(r); err != nil {
				t.Fatal(err)
			}
		}
		recs, err := l.Records()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(in) {
			t.Fatalf("%d records, want %d", len(recs), len(in))
		}
		for i := range in {
			if recs[i] != in[i] {
				t.Errorf("record %d = %+v, want %+v", i, recs[i], in[i])
			}
		}

		latest := l.Latest()
		for id, want := range map[string]string{"a": StatusPublished, "b": StatusFailed, "c": StatusPublished, "d": StatusRunning} {
			if latest[id].Status != want {
				t.Errorf("Latest[%s] = %q, want %q", id, latest[id].Status, want)
			}
		}
		pub := l.Published()
		if len(pub) != 1 || pub["2026-09"].RunID != "c" {
			t.Errorf("Published = %v, want 2026-09 by run c only", pub)
		}
	})

	t.Run("TornLastLineIsSkippedAndCutOnAppend", func(t *testing.T) {
		out := t.TempDir()
		l := OpenLedger(out)
		if err := l.Append(rec("a", "2026-09", StatusPublished, 0)); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(l.Path(), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(`{"run_id":"b","month":"2026-`) // a crash mid-append
		f.Close()

		recs, err := l.Records()
		if err != nil || len(recs) != 1 || recs[0].RunID != "a" {
			t.Fatalf("Records with torn tail = %v, %v", recs, err)
		}
		if err := l.Append(rec("c", "2026-10", StatusPublished, 5)); err != nil {
			t.Fatal(err)
		}
		recs, err = l.Records()
		if err != nil || len(recs) != 2 || recs[1].RunID != "c" {
			t.Fatalf("Records after append over torn tail = %v, %v", recs, err)
		}
		b, _ := os.ReadFile(l.Path())
		if strings.Contains(string(b), `"run_id":"b"`) {
			t.Errorf("torn record still in the file: %s", b)
		}
	})

	t.Run("CorruptLinesAreQuarantined", func(t *testing.T) {
		out := t.TempDir()
		l := OpenLedger(out)
		os.MkdirAll(filepath.Dir(l.Path()), 0o755)
		os.WriteFile(l.Path(), []byte("{\"run_id\":\"a\"}\nnot json\n{}\n{\"run_id\":\"b\",\"status\":\"published\",\"month\":\"2026-10\"}\n"), 0o644)
		recs, bad, err := l.Read()
		if err != nil || len(recs) != 2 || recs[0].RunID != "a" || recs[1].RunID != "b" {
			t.Fatalf("Read = %+v, %v; want records a and b", recs, err)
		}
		if len(bad) != 2 || bad[0].Line != 2 || bad[0].Text != "not json" || bad[1].Line != 3 || bad[1].Err != "no run_id" {
			t.Errorf("bad lines = %+v, want line 2 (not json) and line 3 (no run_id)", bad)
		}
		if got := l.Published()["2026-10"].RunID; got != "b" {
			t.Errorf("Published()[2026-10] = %q, want b: a bad line must not hide the records after it", got)
		}
		// An append after a bad line works, and the bad line stays in place.
		if err := l.Append(Record{RunID: "c", Month: "2026-11", Status: StatusRunning}); err != nil {
			t.Fatal(err)
		}
		q, err := QuarantineOf(out)
		if err != nil || len(q.LedgerLines) != 2 || len(q.Files) != 0 {
			t.Fatalf("QuarantineOf = %+v, %v", q, err)
		}
		if want := "2 ledger line(s) skipped: line 2 (invalid character"; !strings.HasPrefix(q.String(), want) {
			t.Errorf("summary %q, want it to start with %q", q, want)
		}
	})
}
