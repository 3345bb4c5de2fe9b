package stages_test

// Hostile and careless input files, each on a copy of the demo fixtures (fixtures/demo): no file
// name, header or value runs SQL; a file is read completely and exactly once or the run fails
// with bad input (exit 7) naming the file and the fix; where a change leaves the input's meaning
// as it was, the scores are the demo's scores.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/stages"
)

const demoDir = "../fixtures/demo"

// demoInput copies the demo fixtures to a folder named name inside a fresh temp folder.
func demoInput(t *testing.T, name string) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), name)
	copyTree(t, demoDir, in)
	return in
}

// runStages runs month S on in with the given stages and returns the output root.
func runStages(t *testing.T, in, out string, st []pipeline.Stage) error {
	t.Helper()
	m, _ := pipeline.ParseMonth(snapshotMonth)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	_, err := pipeline.NewRunner(st, zap.NewNop()).RunMonth(ctx, pipeline.Config{Month: m, Input: in, Out: out, Threads: 2})
	if ctx.Err() != nil {
		t.Fatalf("run did not finish within its deadline: %v", err)
	}
	return err
}

// runDemoCopy runs month S on in with every stage.
func runDemoCopy(t *testing.T, in string) (string, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	return out, runStages(t, in, out, stages.All())
}

// areaScores reads the published area scores of month S as sorted text lines.
func areaScores(t *testing.T, out string) []string {
	t.Helper()
	rows, err := openDuck(t).Query(fmt.Sprintf(`SELECT partner_id, solution_area, track, CAST(total_points AS VARCHAR), status
		FROM read_parquet(%s) ORDER BY partner_id, solution_area`, quote(snapshotFile(out, pipeline.TableAreaScores))))
	if err != nil {
		t.Fatalf("read area scores: %v", err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var p, a, tr, pts, st string
		if err := rows.Scan(&p, &a, &tr, &pts, &st); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{p, a, tr, pts, st}, " "))
	}
	return got
}

var baseline struct {
	once sync.Once
	rows []string
	err  error
}

// demoScores are the area scores of the unchanged demo fixtures (computed once per test binary).
func demoScores(t *testing.T) []string {
	t.Helper()
	baseline.once.Do(func() {
		in := demoInput(t, "in")
		out, err := runDemoCopy(t, in)
		if err != nil {
			baseline.err = err
			return
		}
		baseline.rows = areaScores(t, out)
	})
	if baseline.err != nil {
		t.Fatalf("demo run: %v", baseline.err)
	}
	if len(baseline.rows) == 0 {
		t.Fatal("demo run published no area scores")
	}
	return baseline.rows
}

// assertDemoScores checks that a published run scored exactly as the unchanged demo.
func assertDemoScores(t *testing.T, out string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	want := demoScores(t)
	got := areaScores(t, out)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("area scores differ from the demo's:\n got %d rows: %q\nwant %d rows: %q", len(got), got, len(want), want)
	}
}

// assertBadInput checks that a run failed with bad input (exit 7), published nothing, and said
// each of wants in the project's words (no DuckDB reader options it cannot take).
func assertBadInput(t *testing.T, out string, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("run succeeded, want bad input")
	}
	if !errors.Is(err, pipeline.ErrBadInput) {
		t.Errorf("error is not bad input (exit 7): %v", err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say %q: %v", w, err)
		}
	}
	for _, opt := range []string{"ignore_errors", "strict_mode", "null_padding", "Possible fixes"} {
		if strings.Contains(err.Error(), opt) {
			t.Errorf("error suggests DuckDB's %s, which refresh does not take: %v", opt, err)
		}
	}
	assertNotPublished(t, out)
	t.Logf("error: %v", err)
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestInputSafety_SQLInHeaderAndFileName: a file named {{columns}}.csv whose first header cell
// holds SQL, and files whose names hold quotes, semicolons and a newline-semicolon-newline, run no
// SQL: the canary file is not written and the scores are the demo's (the files hold no rows).
func TestInputSafety_SQLInHeaderAndFileName(t *testing.T) {
	in := demoInput(t, "in")
	canary := filepath.Join(t.TempDir(), "pwned.csv")
	evil := "x'); COPY (SELECT 1 AS a) TO '" + canary + "'; CREATE OR REPLACE TEMP MACRO cs_num(x) AS 0; --"
	writeFile(t, filepath.Join(in, "partners", "{{columns}}.csv"), []byte(evil+",partner_id,partner_name,country\n"))
	writeFile(t, filepath.Join(in, "partners", "a'; COPY (SELECT 1) TO 'x.csv'; --.csv"), []byte("partner_id\n"))
	writeFile(t, filepath.Join(in, "tenants", "t\n;\nDROP TABLE tenants;\n.csv"), []byte("tenant_id,segment\n"))
	writeFile(t, filepath.Join(in, "azure_consumption", "$$;{{source}}.csv"), []byte("tenant_id,month,service,offer,acr_usd\n"))
	out, err := runDemoCopy(t, in)
	assertDemoScores(t, out, err)
	if _, err := os.Stat(canary); err == nil {
		t.Errorf("the header's SQL ran: %s exists", canary)
	}
}

// TestInputSafety_GlobCharactersInNames: header-only files named part-*.csv and acr[1].csv, beside
// files their names would match as globs, and an input and output folder with brackets, are read
// as the files they are: nothing is counted twice and the scores are the demo's.
func TestInputSafety_GlobCharactersInNames(t *testing.T) {
	in := demoInput(t, "in[1]?*")
	az := filepath.Join(in, "azure_consumption")
	if err := os.Rename(filepath.Join(az, "part-1.csv"), filepath.Join(az, "acr1.csv")); err != nil {
		t.Fatal(err)
	}
	header := []byte("tenant_id,month,service,offer,acr_usd\n")
	writeFile(t, filepath.Join(az, "acr[1].csv"), header)
	writeFile(t, filepath.Join(az, "part-*.csv"), header)
	writeFile(t, filepath.Join(az, "part-?.csv.gz"), gzipped(t, header))
	writeFile(t, filepath.Join(in, "certifications", "[c]ertifications.csv"), []byte("partner_id,person_id,certification,earned_on,expires_on\n"))
	out := filepath.Join(t.TempDir(), "out[2]*")
	err := runStages(t, in, out, stages.All())
	assertDemoScores(t, out, err)
	man, merr := readManifest(out)
	if merr != nil {
		t.Fatal(merr)
	}
	for _, tb := range man.Inputs {
		if tb.Rejected != 0 {
			t.Errorf("%s: %d rows rejected, want 0", tb.Table, tb.Rejected)
		}
		for _, f := range tb.Files {
			if b := filepath.Base(f.Path); strings.ContainsAny(b, "*?[") {
				if f.Rows != 0 {
					t.Errorf("header-only file %s counted %d rows", f.Path, f.Rows)
				}
			}
		}
	}
}

// TestInputSafety_TruncatedGzip: a .csv.gz cut at 70% fails the run before any of it is read.
func TestInputSafety_TruncatedGzip(t *testing.T) {
	in := demoInput(t, "in")
	p := filepath.Join(in, "azure_consumption", "part-2.csv.gz")
	b := readFile(t, p)
	writeFile(t, p, b[:len(b)*7/10])
	out, err := runDemoCopy(t, in)
	assertBadInput(t, out, err, p, "truncated or corrupt gzip", "copy the complete file again")
}

// TestInputSafety_CorruptDeflate: a .csv.gz whose gzip header is valid but whose deflate stream is
// not (its first block has the reserved block type 11) fails as bad input with the whole message,
// not as an internal error with the decompressor's words alone.
func TestInputSafety_CorruptDeflate(t *testing.T) {
	in := demoInput(t, "in")
	p := filepath.Join(in, "azure_consumption", "part-2.csv.gz")
	// gzip magic, deflate, no flags, mtime 0, xfl 0, OS unknown; then BFINAL=1, BTYPE=11.
	writeFile(t, p, []byte{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff, 0x07})
	out, err := runDemoCopy(t, in)
	assertBadInput(t, out, err, "ingest azure_consumption: bad input: file "+p+" is a truncated or corrupt gzip file "+
		"(flate: corrupt input before offset 1); nothing of it was read: copy the complete file again (gzip -t checks it)")
}

// TestInputSafety_ShortGzip: a .csv.gz that ends inside the 10-byte gzip header (a gzip cut after
// 5 bytes; one byte of text) fails as bad input with the whole message, not as an internal error
// saying "unexpected EOF" (found by FuzzIngest).
func TestInputSafety_ShortGzip(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"gzip cut in its header", []byte{0x1f, 0x8b, 0x08, 0x00, 0x00}},
		{"one byte of text", []byte("0")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := demoInput(t, "in")
			p := filepath.Join(in, "azure_consumption", "part-2.csv.gz")
			writeFile(t, p, tc.data)
			out, err := runDemoCopy(t, in)
			assertBadInput(t, out, err, "ingest azure_consumption: bad input: file "+p+" ends inside the 10-byte gzip header: "+
				"it is a truncated gzip file or not one; copy the complete file again, or drop the .gz suffix if it is not compressed")
		})
	}
}

// TestInputSafety_NotGzip: a file named .csv.gz that is plain text fails naming the file.
func TestInputSafety_NotGzip(t *testing.T) {
	in := demoInput(t, "in")
	p := filepath.Join(in, "azure_consumption", "extra.csv.gz")
	writeFile(t, p, []byte("tenant_id,month,service,offer,acr_usd\n"))
	out, err := runDemoCopy(t, in)
	assertBadInput(t, out, err, p, "is not a gzip file")
}

// TestInputSafety_TitleLine: a title line above the header fails the run naming the file and
// line instead of publishing a partner named partner_id.
func TestInputSafety_TitleLine(t *testing.T) {
	in := demoInput(t, "in")
	p := filepath.Join(in, "partners", "partners.csv")
	writeFile(t, p, append([]byte("Partner export, October 2026\n"), readFile(t, p)...))
	out, err := runDemoCopy(t, in)
	assertBadInput(t, out, err, p, "line 1 is not the header row", "starts on line 2", "remove the 1 line(s) above it")
}

// TestInputSafety_ByteOrderMark: a UTF-8 byte order mark before the header is stripped; the
// scores are the demo's.
func TestInputSafety_ByteOrderMark(t *testing.T) {
	in := demoInput(t, "in")
	for _, rel := range []string{"partners/partners.csv", "tenants/tenants.csv", "certifications/certifications.csv"} {
		p := filepath.Join(in, rel)
		writeFile(t, p, append([]byte("\ufeff"), readFile(t, p)...))
	}
	out, err := runDemoCopy(t, in)
	assertDemoScores(t, out, err)
}

// TestInputSafety_DuplicateHeaders: two headers equal up to case or spaces fail the run naming both.
func TestInputSafety_DuplicateHeaders(t *testing.T) {
	in := demoInput(t, "in")
	p := filepath.Join(in, "tenants", "tenants.csv")
	var lines []string
	for i, l := range strings.Split(strings.TrimSpace(string(readFile(t, p))), "\n") {
		if i == 0 {
			lines = append(lines, l+", tenant_id ")
		} else {
			lines = append(lines, l+",X")
		}
	}
	writeFile(t, p, []byte(strings.Join(lines, "\n")+"\n"))
	out, err := runDemoCopy(t, in)
	assertBadInput(t, out, err, p, `"Tenant_ID" (column 1)`, `" tenant_id " (column 4)`, "keep one of them")
}

// wideCSV rewrites a CSV with n columns: the original columns at the given positions (0-based, in
// order), filler columns elsewhere.
func wideCSV(t *testing.T, src []byte, n int, at []int) []byte {
	t.Helper()
	var out bytes.Buffer
	for i, l := range strings.Split(strings.TrimSpace(string(src)), "\n") {
		vals := strings.Split(l, ",")
		if len(vals) != len(at) {
			t.Fatalf("line %d has %d values, want %d", i+1, len(vals), len(at))
		}
		row := make([]string, n)
		for c := range row {
			if i == 0 {
				row[c] = fmt.Sprintf("extra_%d", c)
			} else {
				row[c] = fmt.Sprintf("v%d", c%7)
			}
		}
		for k, pos := range at {
			row[pos] = vals[k]
		}
		out.WriteString(strings.Join(row, ",") + "\n")
	}
	return out.Bytes()
}

// TestInputSafety_ThreeThousandColumns: certifications with 3,000 columns, the contract's columns
// spread around position 2,048 and beyond, are matched by name: three runs all give the demo's
// scores.
func TestInputSafety_ThreeThousandColumns(t *testing.T) {
	in := demoInput(t, "in")
	p := filepath.Join(in, "certifications", "certifications.csv")
	// partner_id, person_id, certification, earned_on, expires_on in this column order.
	writeFile(t, p, wideCSV(t, readFile(t, p), 3000, []int{2999, 7, 2047, 2048, 1500}))
	for i := 0; i < 3; i++ {
		out, err := runDemoCopy(t, in)
		assertDemoScores(t, out, err)
	}
}

// writeParquet writes the rows of query (which may read {{src}}) to dst with DuckDB.
func writeParquet(t *testing.T, query, src, dst string) {
	t.Helper()
	q := strings.ReplaceAll(query, "{{src}}", "read_parquet("+quote(src)+")")
	if _, err := openDuck(t).Exec("SET TimeZone = 'Europe/Berlin'; COPY (" + q + ") TO " + quote(dst) + " (FORMAT parquet)"); err != nil {
		t.Fatalf("write %s: %v", dst, err)
	}
}

// TestInputSafety_ParquetTypes: the Parquet types of the contract's columns are checked per file:
// a TIMESTAMPTZ month, a BLOB amount or a nested workload fail naming file, column and type; a
// nested or binary column the contract does not read is ignored (the demo's scores).
func TestInputSafety_ParquetTypes(t *testing.T) {
	src := filepath.Join(demoDir, "m365_usage", "part-2.parquet")
	cases := []struct {
		name, table, file, query string
		wants                    []string
	}{
		{"TIMESTAMPTZ month", "m365_usage", "part-2.parquet",
			"SELECT * REPLACE (CAST(month AS TIMESTAMPTZ) AS month) FROM {{src}}", []string{"column month", "TIMESTAMPTZ", "month column"}},
		{"BLOB amount beside a CSV", "azure_consumption", "blob.parquet",
			"SELECT 'T01A' AS tenant_id, DATE '2026-10-01' AS month, 'Virtual Machines' AS service, 'CSP' AS offer, CAST('1' AS BLOB) AS acr_usd",
			[]string{"acr_usd", "BLOB", "decimal"}},
		{"nested workload", "m365_usage", "part-2.parquet",
			"SELECT * REPLACE ({'name': workload} AS workload) FROM {{src}}", []string{"workload", "STRUCT", "text"}},
		{"double for an integer count", "m365_usage", "part-2.parquet",
			"SELECT * REPLACE (CAST(paid_licenses AS DOUBLE) AS paid_licenses) FROM {{src}}", []string{"paid_licenses", "DOUBLE", "integer"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := demoInput(t, "in")
			dst := filepath.Join(in, tc.table, tc.file)
			writeParquet(t, tc.query, src, dst)
			out, err := runDemoCopy(t, in)
			assertBadInput(t, out, err, append([]string{dst}, tc.wants...)...)
		})
	}
	t.Run("extra nested and binary columns are ignored", func(t *testing.T) {
		in := demoInput(t, "in")
		dst := filepath.Join(in, "m365_usage", "part-2.parquet")
		writeParquet(t, "SELECT *, {'a': 1} AS extra, CAST('x' AS BLOB) AS raw, now() AS loaded_at FROM {{src}}", src, dst)
		out, err := runDemoCopy(t, in)
		assertDemoScores(t, out, err)
	})
}

// TestInputSafety_CorruptParquet: a Parquet file whose pages do not decode fails naming the file.
func TestInputSafety_CorruptParquet(t *testing.T) {
	in := demoInput(t, "in")
	p := filepath.Join(in, "m365_usage", "part-2.parquet")
	b := readFile(t, p)
	// The footer (schema) stays readable; the data pages after the 4-byte magic are overwritten.
	for i := 4; i < len(b)/2; i++ {
		b[i] = 0xff
	}
	writeFile(t, p, b)
	out, err := runDemoCopy(t, in)
	assertBadInput(t, out, err, p)
}

// TestInputSafety_EmptyRequiredTable: a required table folder with no data file fails naming the
// folder and what it holds; an empty usage table is a readiness question (exit 6).
func TestInputSafety_EmptyRequiredTable(t *testing.T) {
	cases := []struct {
		name  string
		setup func(dir string)
		found string
	}{
		{"empty", func(string) {}, "it is empty"},
		{"only .txt", func(d string) { writeFile(t, filepath.Join(d, "partners.txt"), []byte("partner_id\nP01\n")) }, "partners.txt"},
		{"only _x.csv", func(d string) { writeFile(t, filepath.Join(d, "_x.csv"), []byte("partner_id\nP01\n")) }, "_x.csv"},
		{"only a sub-folder", func(d string) { writeFile(t, filepath.Join(d, "2026", "partners.csv"), []byte("partner_id\nP01\n")) }, "2026/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := demoInput(t, "in")
			dir := filepath.Join(in, "partners")
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			tc.setup(dir)
			out, err := runDemoCopy(t, in)
			assertBadInput(t, out, err, dir, "has no data file", tc.found)
		})
	}
	t.Run("empty usage table is not ready", func(t *testing.T) {
		in := demoInput(t, "in")
		dir := filepath.Join(in, "m365_usage")
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := runDemoCopy(t, in)
		if !errors.Is(err, pipeline.ErrSourceNotReady) {
			t.Errorf("got %v, want source not ready (exit 6)", err)
		}
	})
}

// TestInputSafety_IgnoredFilesListed: files ingest does not read are listed in the manifest's
// warnings; the scores are the demo's.
func TestInputSafety_IgnoredFilesListed(t *testing.T) {
	in := demoInput(t, "in")
	writeFile(t, filepath.Join(in, "tenants", "notes.txt"), []byte("T99,smb\n"))
	writeFile(t, filepath.Join(in, "tenants", "_old.csv"), []byte("tenant_id,segment\nT99,smb\n"))
	writeFile(t, filepath.Join(in, "tenants", "archive", "t.csv"), []byte("tenant_id,segment\nT98,smb\n"))
	out, err := runDemoCopy(t, in)
	assertDemoScores(t, out, err)
	man, err := readManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(man.Warnings, "\n")
	for _, n := range []string{"_old.csv", "archive/", "notes.txt"} {
		if !strings.Contains(w, n) {
			t.Errorf("manifest warnings do not list ignored %s: %q", n, man.Warnings)
		}
	}
}

// TestInputSafety_NonRegularFiles: a FIFO or a link to /dev/zero named zz.csv is refused before
// any read (the run neither hangs nor reads forever).
func TestInputSafety_NonRegularFiles(t *testing.T) {
	t.Run("fifo", func(t *testing.T) {
		in := demoInput(t, "in")
		p := filepath.Join(in, "azure_consumption", "zz.csv")
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		out, err := runDemoCopy(t, in)
		assertBadInput(t, out, err, p, "named pipe", "only regular files are read")
	})
	t.Run("link to /dev/zero", func(t *testing.T) {
		in := demoInput(t, "in")
		p := filepath.Join(in, "azure_consumption", "zz.csv")
		if err := os.Symlink("/dev/zero", p); err != nil {
			t.Skipf("symlink: %v", err)
		}
		out, err := runDemoCopy(t, in)
		assertBadInput(t, out, err, p, "a link to /dev/zero", "character device")
	})
}

// TestInputSafety_LinkedFolders: the input folder, a table folder and a file may be links to
// regular folders and files elsewhere; the scores are the demo's.
func TestInputSafety_LinkedFolders(t *testing.T) {
	real := demoInput(t, "real")
	base := t.TempDir()
	moved := filepath.Join(base, "tenants-elsewhere")
	if err := os.Rename(filepath.Join(real, "tenants"), moved); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(moved, filepath.Join(real, "tenants")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "partners.csv")
	if err := os.Rename(filepath.Join(real, "partners", "partners.csv"), file); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(file, filepath.Join(real, "partners", "partners.csv")); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(base, "in-link")
	if err := os.Symlink(real, in); err != nil {
		t.Fatal(err)
	}
	out, err := runDemoCopy(t, in)
	assertDemoScores(t, out, err)
}

// stageFunc is a stage made of a function, to act inside a run.
type stageFunc struct {
	name string
	fn   func(ctx context.Context, r *pipeline.Run) error
}

func (s stageFunc) Name() string                                   { return s.name }
func (s stageFunc) Run(ctx context.Context, r *pipeline.Run) error { return s.fn(ctx, r) }

// withStageAfter returns every stage with extra inserted after the stage named after.
func withStageAfter(t *testing.T, after string, extra pipeline.Stage) []pipeline.Stage {
	t.Helper()
	var out []pipeline.Stage
	found := false
	for _, st := range stages.All() {
		out = append(out, st)
		if st.Name() == after {
			out = append(out, extra)
			found = true
		}
	}
	if !found {
		t.Fatalf("no stage %q", after)
	}
	return out
}

// TestInputSafety_FileChangedDuringRun: a file that changes after ingest hashed it and before its
// last read (the metrics read the usage files again) fails the run.
func TestInputSafety_FileChangedDuringRun(t *testing.T) {
	in := demoInput(t, "in")
	p := filepath.Join(in, "azure_consumption", "part-1.csv")
	touch := stageFunc{"change a file", func(context.Context, *pipeline.Run) error {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.WriteString("T01A,2026-10,Virtual Machines,CSP,1000000\n")
		return err
	}}
	out := filepath.Join(t.TempDir(), "out")
	err := runStages(t, in, out, withStageAfter(t, "ingest", touch))
	assertBadInput(t, out, err, p, "changed while the run was reading it")
}

// TestInputSafety_LockedDown: SQL run inside a run cannot read or write a file outside the input
// folder, OUT and the spill folder, nor change DuckDB's settings back; the run itself is unchanged.
func TestInputSafety_LockedDown(t *testing.T) {
	in := demoInput(t, "in")
	elsewhere := t.TempDir()
	secret := filepath.Join(elsewhere, "secret.csv")
	writeFile(t, secret, []byte("a\n1\n"))
	target := filepath.Join(elsewhere, "written.csv")
	var tried []string
	probe := stageFunc{"probe", func(ctx context.Context, r *pipeline.Run) error {
		for _, q := range []string{
			"SELECT count(*) FROM read_csv(" + quote(secret) + ")",
			"SELECT count(*) FROM read_text('/etc/passwd')",
			"COPY (SELECT 1 AS a) TO " + quote(target),
			"SET enable_external_access = true",
			"SET allowed_directories = ['/']",
		} {
			if _, err := r.DB.SQL().ExecContext(ctx, q); err == nil {
				tried = append(tried, q)
			}
		}
		return nil
	}}
	out := filepath.Join(t.TempDir(), "out")
	err := runStages(t, in, out, withStageAfter(t, "ingest", probe))
	assertDemoScores(t, out, err)
	if len(tried) > 0 {
		t.Errorf("inside a run these succeeded: %q", tried)
	}
	if _, err := os.Stat(target); err == nil {
		t.Errorf("%s was written", target)
	}
}

// TestInputSafety_MalformedRowPastSniffSample: a row with one value too many after DuckDB's
// 20,480-row sniff sample fails with exit 7 naming the file and line.
func TestInputSafety_MalformedRowPastSniffSample(t *testing.T) {
	in := demoInput(t, "in")
	p := filepath.Join(in, "azure_consumption", "old.csv")
	var b strings.Builder
	b.WriteString("tenant_id,month,service,offer,acr_usd\n")
	for i := 0; i < 25000; i++ {
		b.WriteString("T01A,2019-01,Virtual Machines,CSP,1\n") // out of window
	}
	b.WriteString("T01A,2019-01,Virtual Machines,CSP,1,2\n") // line 25,002
	writeFile(t, p, []byte(b.String()))
	out, err := runDemoCopy(t, in)
	assertBadInput(t, out, err, p+" line 25002", "expected 5 values", "found 6", "quote values that hold a comma")
}

// TestInputSafety_BadBytes: a NUL byte in a header and invalid UTF-8 in a value fail with exit 7
// naming the file.
func TestInputSafety_BadBytes(t *testing.T) {
	cases := map[string]string{
		"NUL in header":       "partner_id,partner\x00name,country\nP99,X,US\n",
		"invalid UTF-8 value": "partner_id,partner_name,country\nP99,\xff\xfe,US\n",
	}
	want := map[string]string{"NUL in header": "has a NUL byte in header column 2", "invalid UTF-8 value": "line"}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			in := demoInput(t, "in")
			p := filepath.Join(in, "partners", "more.csv")
			writeFile(t, p, []byte(content))
			out, err := runDemoCopy(t, in)
			assertBadInput(t, out, err, p, want[name])
		})
	}
}

// readManifest reads the published manifest of month S.
func readManifest(out string) (pipeline.Manifest, error) {
	m, _ := pipeline.ParseMonth(snapshotMonth)
	return pipeline.NewLayout(out).ReadManifest(m)
}
