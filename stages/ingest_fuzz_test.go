package stages_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/rubric"
	"github.com/capscore/capscore/stages"
)

// fuzzSeeds are the hostile and careless partner files of the input-safety tests, as (file name,
// bytes): the fuzz target's seed corpus.
func fuzzSeeds(t testing.TB) [][2][]byte {
	long := []byte("partner_id,partner_name\n")
	for i := 0; i < 21000; i++ {
		long = append(long, fmt.Sprintf("PX%05d,name\n", i)...)
	}
	long = append(long, "PX,name,extra\n"...)
	wide := make([]string, 3000)
	for i := range wide {
		wide[i] = fmt.Sprintf("c%d", i)
	}
	wide[2500] = "partner_id"
	gz := gzippedTB(t, []byte("partner_id,partner_name\nPZ1,Zeta\nPZ2,Eta\n"))
	return [][2][]byte{
		{[]byte("{{columns}}.csv"), []byte("x'); COPY (SELECT 1 AS a) TO 'pwned.csv'; CREATE OR REPLACE TEMP MACRO cs_num(x) AS 0; --,partner_id\n")},
		{[]byte("a'; DROP TABLE partners; --.csv"), []byte("partner_id\nPQ1\n")},
		{[]byte("part-*.csv"), []byte("partner_id,partner_name,country\n")},
		{[]byte("acr[1].csv"), []byte("partner_id,partner_name\nPB1,Beta\n")},
		{[]byte("title.csv"), []byte("Partner export, October\npartner_id,partner_name\nPT1,Tau\n")},
		{[]byte("bom.csv"), []byte("\ufeffpartner_id,partner_name\nPO1,Omicron\n")},
		{[]byte("dup.csv"), []byte("partner_id, PARTNER_ID\nPD1,PD2\n")},
		{[]byte("nul.csv"), []byte("partner_id,na\x00me\nPN1,x\n")},
		{[]byte("utf8.csv"), []byte("partner_id,partner_name\nPU1,\xff\xfe\n")},
		{[]byte("quote.csv"), []byte("partner_id,partner_name\n\"PQ2,unterminated\n")},
		{[]byte("long.csv"), long},
		{[]byte("wide.csv"), []byte(strings.Join(wide, ",") + "\n" + strings.Repeat("v,", 2999) + "v\n")},
		{[]byte("ok.csv.gz"), gz},
		{[]byte("cut.csv.gz"), gz[:len(gz)*7/10]},
		{[]byte("fake.parquet"), []byte("partner_id\nPF1\n")},
		{[]byte("notes.txt"), []byte("partner_id\nPX1\n")},
		{[]byte("empty.csv"), nil},
		// The fixture's own file name: skipped, so the fixture stays (it was overwritten and then
		// removed, and every later input failed the unchanged-tree check).
		{[]byte("partners.csv"), []byte("partner_id\nPX1\n")},
	}
}

// FuzzIngest feeds one extra partners file (any name, any bytes) beside the demo fixtures to the
// ingest stage of a locked-down database. The ingest never panics and either accepts the file,
// rejects its rows (a reject rate over the limit is bad input) or fails with bad input (exit 7);
// it writes no file anywhere. CI runs it for a bounded time; each input has a generous deadline.
func FuzzIngest(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(string(s[0]), s[1])
	}
	base := f.TempDir()
	in, out, tmp := filepath.Join(base, "in"), filepath.Join(base, "out"), filepath.Join(base, "tmp")
	copyTree(f, demoDir, in)
	if err := os.MkdirAll(out, 0o755); err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	db, err := duck.Open(ctx, "", duck.Settings{Threads: 1, MemoryLimit: "512MB", TempDir: tmp}, zap.NewNop())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if err := db.Lockdown(ctx, in, out, tmp); err != nil {
		f.Fatal(err)
	}
	rb, err := rubric.Load("")
	if err != nil {
		f.Fatal(err)
	}
	m, _ := pipeline.ParseMonth(snapshotMonth)
	newRun := func() *pipeline.Run {
		return &pipeline.Run{ID: "fuzz", Config: pipeline.Config{Month: m, Input: in, Out: out, MaxRejectRate: pipeline.Share(pipeline.DefaultMaxRejectRate)},
			Window: pipeline.HistoryWindow(m), DB: db, Rubric: rb, Log: zap.NewNop()}
	}
	if err := (stages.LoadRubric{}).Run(ctx, newRun()); err != nil {
		f.Fatal(err)
	}
	before := listTree(f, base)
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || len(name) > 200 {
			t.Skip()
		}
		path := filepath.Join(in, "partners", name)
		// A new file only: a name the folder holds already (the fixture's partners.csv) is never
		// overwritten, or removing the extra file afterwards would take the fixture's with it.
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			t.Skip() // a name the file system does not take, or one that exists
		}
		_, werr := fh.Write(content)
		if cerr := fh.Close(); werr == nil {
			werr = cerr
		}
		defer os.Remove(path)
		if werr != nil {
			t.Fatalf("write %s: %v", path, werr)
		}
		ictx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		err = (stages.Ingest{}).Run(ictx, newRun())
		if ictx.Err() != nil {
			t.Fatalf("file %q (%d bytes): ingest did not finish within its deadline", name, len(content))
		}
		if err != nil && !errors.Is(err, pipeline.ErrBadInput) {
			t.Fatalf("file %q (%d bytes): ingest failed with an error that is not bad input: %v", name, len(content), err)
		}
		os.Remove(path)
		if after := listTree(t, base); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Fatalf("file %q: the ingest changed the files under %s:\nbefore %q\nafter  %q", name, base, before, after)
		}
	})
}

// listTree lists the files under root (the spill folder excluded).
func listTree(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}
