package duck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/capscore/capscore/sql"
)

// TestLockdown: after Lockdown, SQL reads and writes only under the allowed folders (also through
// a linked table folder and a linked file), and no setting can be changed back.
func TestLockdown(t *testing.T) {
	base := t.TempDir()
	in, in2, out, tmp, elsewhere := filepath.Join(base, "in"), filepath.Join(base, "in2"), filepath.Join(base, "out"),
		filepath.Join(base, "tmp"), filepath.Join(base, "elsewhere")
	for _, d := range []string{in, in2, out, tmp, elsewhere, filepath.Join(base, "linked")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(in, "a.csv"), "x\n1\n")
	write(filepath.Join(in2, "secret.csv"), "x\n2\n") // /in2 shares the prefix /in
	write(filepath.Join(elsewhere, "secret.csv"), "x\n3\n")
	write(filepath.Join(base, "linked", "b.csv"), "x\n4\n")
	write(filepath.Join(elsewhere, "c.csv"), "x\n5\n")
	if err := os.Symlink(filepath.Join(base, "linked"), filepath.Join(in, "table")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(elsewhere, "c.csv"), filepath.Join(in, "c.csv")); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), "", Settings{Threads: 1, MemoryLimit: "256MB", TempDir: tmp}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Lockdown(ctx, in, out, tmp); err != nil {
		t.Fatal(err)
	}
	read := func(p string) error {
		var n int64
		return db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM read_csv("+QuotePath(p)+")").Scan(&n)
	}
	for _, p := range []string{filepath.Join(in, "a.csv"), filepath.Join(in, "table", "b.csv"), filepath.Join(in, "c.csv")} {
		if err := read(p); err != nil {
			t.Errorf("read %s inside the allowed folders: %v", p, err)
		}
	}
	for _, p := range []string{filepath.Join(in2, "secret.csv"), filepath.Join(elsewhere, "secret.csv"), filepath.Join(in, "..", "elsewhere", "secret.csv"), "/etc/passwd"} {
		if err := read(p); err == nil {
			t.Errorf("read %s outside the allowed folders succeeded", p)
		}
	}
	if err := db.Exec(ctx, "copy in", "COPY (SELECT 1 AS x) TO "+sqlfiles.QuoteLiteral(filepath.Join(out, "ok.parquet"))); err != nil {
		t.Errorf("write under OUT: %v", err)
	}
	target := filepath.Join(elsewhere, "written.csv")
	if err := db.Exec(ctx, "copy out", "COPY (SELECT 1 AS x) TO "+sqlfiles.QuoteLiteral(target)); err == nil {
		t.Errorf("write to %s outside the allowed folders succeeded", target)
	}
	if _, err := os.Stat(target); err == nil {
		t.Errorf("%s was written", target)
	}
	for _, q := range []string{"SET enable_external_access = true", "SET allowed_directories = ['/']", "SET lock_configuration = false", "SET threads = 2"} {
		if err := db.Exec(ctx, "set", q); err == nil || !strings.Contains(err.Error(), "lock") {
			t.Errorf("%s after Lockdown: %v, want the configuration-locked error", q, err)
		}
	}
}
