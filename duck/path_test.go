package duck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.uber.org/zap"
)

func TestQuotePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/in/partners/p.csv", `'/in/partners/p.csv'`},
		{"/in/o'brien.csv", `'/in/o''brien.csv'`},
		{"/in/part-*.csv", `'/in/part-[*].csv'`},
		{"/in/acr[1].csv", `'/in/acr[[]1].csv'`},
		{"/in/what?.csv", `'/in/what[?].csv'`},
		{"/in/{{columns}}.csv", `'/in/{{columns}}.csv'`},
		{"/a]b/c", `'/a]b/c'`},
	}
	for _, tc := range tests {
		if got := QuotePath(tc.in); got != tc.want {
			t.Errorf("QuotePath(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := QuotePath("~/x.csv"); strings.HasPrefix(got, "'~") || !strings.HasSuffix(got, "/~/x.csv'") {
		t.Errorf("QuotePath(~/x.csv) = %s, want an absolute path", got)
	}
}

// pathDB is one DuckDB database shared by the path tests and fuzz inputs.
func pathDB(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), "", Settings{Threads: 1, MemoryLimit: "256MB"}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// readsExactly checks that DuckDB's readers, given QuotePath(name), read that one file and no
// other: beside it lie files its name would match as a glob.
func readsExactly(t *testing.T, db *DB, name string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	if err := CheckPath(path); err != nil {
		if !strings.Contains(name, `\`) {
			t.Errorf("CheckPath(%q) refuses a name without a backslash: %v", name, err)
		}
		return
	}
	if err := os.WriteFile(path, []byte("col\ntarget\n"), 0o644); err != nil {
		t.Skipf("file name not allowed here: %v", err)
	}
	// Decoys: names the glob would also match if it were not escaped.
	for _, d := range []string{strings.NewReplacer("*", "", "?", "x", "[", "", "]", "").Replace(name),
		strings.NewReplacer("*", "zz", "?", "y").Replace(name), "x" + name, name + "x"} {
		if d != name && d != "" && !strings.Contains(d, "/") {
			_ = os.WriteFile(filepath.Join(dir, d), []byte("col\ndecoy\n"), 0o644)
		}
	}
	for _, q := range []string{
		"SELECT string_agg(content, '|') FROM read_text(" + QuotePath(path) + ")",
		"SELECT string_agg(col, '|') FROM read_csv(" + QuotePath(path) + ", header = true, auto_detect = false, columns = {'col': 'VARCHAR'})",
	} {
		var got string
		if err := db.SQL().QueryRow(q).Scan(&got); err != nil {
			t.Fatalf("file %q: %s: %v", name, q, err)
		}
		if got != "col\ntarget\n" && got != "target" {
			t.Errorf("file %q: %s read %q, want only the file itself", name, q, got)
		}
	}
}

func TestQuotePathReadsExactlyTheFile(t *testing.T) {
	db := pathDB(t)
	for _, name := range []string{"part-*.csv", "acr[1].csv", "acr[[]1].csv", "a?c.csv", "o'brien.csv",
		"{{columns}}.csv", `back\slash.csv`, "sp ace*.csv", "**", "[!a].csv", "[a-z].csv", "]x[.csv", "ü*.csv", "$$;--.csv"} {
		t.Run(name, func(t *testing.T) { readsExactly(t, db, name) })
	}
}

// FuzzQuotePath: for any file name, the quoted path makes DuckDB read exactly that file.
func FuzzQuotePath(f *testing.F) {
	for _, s := range []string{"part-*.csv", "acr[1].csv", "a?b", "o'b", "[*]", "[[]", `\[`, "x{a,b}", "~"} {
		f.Add(s)
	}
	db := pathDB(f)
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || !utf8.ValidString(name) || len(name) > 200 {
			t.Skip()
		}
		readsExactly(t, db, name)
	})
}

func TestCheckPath(t *testing.T) {
	for p, bad := range map[string]bool{`/in/a\b.csv`: false, `/in/a\[1].csv`: true, "/in/a[1].csv": false, `/in\x/*.csv`: true} {
		if err := CheckPath(p); (err != nil) != bad {
			t.Errorf("CheckPath(%q) = %v, want refused=%v", p, err, bad)
		}
	}
}
