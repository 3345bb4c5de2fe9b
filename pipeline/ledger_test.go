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

	t.Run("CorruptMiddleLineIsAnError", func(t *testing.T) {
		out := t.TempDir()
		l := OpenLedger(out)
		os.MkdirAll(filepath.Dir(l.Path()), 0o755)
		os.WriteFile(l.Path(), []byte("{\"run_id\":\"a\"}\nnot json\n{\"run_id\":\"b\"}\n"), 0o644)
		if _, err := l.Records(); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("err = %v, want an error naming line 2", err)
		}
		if l.Latest() != nil {
			t.Errorf("Latest of an unreadable ledger is not nil")
		}
	})
}
