package stages

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/capscore/capscore/pipeline"
)

// TestOpenDataStopsOnCancel: hashing a file reads under the run's context, so a cancelled run
// (SIGTERM) stops it instead of reading on.
func TestOpenDataStopsOnCancel(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(64 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := openData(ctx, p, true); !errors.Is(err, context.Canceled) {
		t.Errorf("openData with a cancelled context: %v, want context.Canceled", err)
	}
	d, err := openData(context.Background(), p, true)
	if err != nil || d.info.Bytes != 64<<20 || len(d.info.SHA256) != 64 {
		t.Errorf("openData: %+v, %v", d.info, err)
	}
}

// TestOpenDataWithoutHash: a what-if run does not read a plain file to hash it (no SHA256, size
// and modification time kept for the unchanged check), but still checks a .gz file to its end, so a
// truncated one fails before DuckDB reads it.
func TestOpenDataWithoutHash(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(p, []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := openData(context.Background(), p, false)
	if err != nil || d.info.Bytes != 4 || d.info.SHA256 != "" || d.mtime.IsZero() {
		t.Errorf("openData without hash: %+v (mtime %v), %v; want 4 bytes, no SHA256, the mtime", d.info, d.mtime, err)
	}
	gz := filepath.Join(dir, "b.csv.gz")
	// The first 10 bytes of a gzip stream (magic, method, flags, mtime, xfl, os) and nothing else.
	if err := os.WriteFile(gz, []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := openData(context.Background(), gz, false); !errors.Is(err, pipeline.ErrBadInput) {
		t.Errorf("truncated .gz without hash: %v, want bad input", err)
	}
}

// TestUnchangedNoticesChanges: a modification-time change after hashing (same size) is bad input.
func TestUnchangedNoticesChanges(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.csv")
	if err := os.WriteFile(p, []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := openData(context.Background(), p, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := unchanged([]dataFile{d}); err != nil {
		t.Fatalf("unchanged file: %v", err)
	}
	if err := os.WriteFile(p, []byte("a\n2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, d.mtime, d.mtime.Add(1e9)); err != nil {
		t.Fatal(err)
	}
	if err := unchanged([]dataFile{d}); !errors.Is(err, pipeline.ErrBadInput) {
		t.Errorf("file with a new mtime: %v, want bad input", err)
	}
}
