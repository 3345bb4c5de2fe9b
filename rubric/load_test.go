package rubric

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadSizeLimit: Load reads only regular files of at most MaxFileBytes, so a wrong path (a
// device, a large data file) fails at once instead of being read without bound.
func TestLoadSizeLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	shipped := filepath.Join(dir, "rubric.yaml")
	if err := os.WriteFile(shipped, defaultRubric, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, want string }{
		{"/dev/zero", "rubric /dev/zero: not a regular file"},
		{dir, "not a regular file"},
		{big, "larger than the 1048576-byte limit"},
		{filepath.Join(dir, "missing.yaml"), "no such file"},
	}
	for _, tc := range cases {
		_, err := Load(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s): %v, want an error containing %q", tc.path, err, tc.want)
		}
	}
	r, err := Load(shipped)
	if err != nil {
		t.Fatalf("Load of the shipped rubric: %v", err)
	}
	if r.ID != DefaultID {
		t.Errorf("id %q, want %q", r.ID, DefaultID)
	}
	// Raw is the file as read, and Hash its SHA-256: a run publishes Raw beside the month's manifest.
	sum := sha256.Sum256(defaultRubric)
	if !bytes.Equal(r.Raw, defaultRubric) || r.Hash != hex.EncodeToString(sum[:]) {
		t.Errorf("Raw (%d bytes) or Hash %s is not the file's (%d bytes, %x)", len(r.Raw), r.Hash, len(defaultRubric), sum)
	}
}
