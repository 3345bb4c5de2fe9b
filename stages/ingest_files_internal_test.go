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
	if _, err := openData(ctx, p); !errors.Is(err, context.Canceled) {
		t.Errorf("openData with a cancelled context: %v, want context.Canceled", err)
	}
	d, err := openData(context.Background(), p)
	if err != nil || d.info.Bytes != 64<<20 || len(d.info.SHA256) != 64 {
		t.Errorf("openData: %+v, %v", d.info, err)
	}
}

// TestUnchangedNoticesChanges: a modification-time change after hashing (same size) is bad input.
func TestUnchangedNoticesChanges(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.csv")
	if err := os.WriteFile(p, []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := openData(context.Background(), p)
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
