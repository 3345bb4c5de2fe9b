//go:build linux

package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestExchangeError: the errors by which a filesystem says it cannot exchange turn publication to
// its fallback (errors.ErrUnsupported); any other error stops it, naming both paths.
func TestExchangeError(t *testing.T) {
	for _, errno := range []unix.Errno{unix.EINVAL, unix.ENOSYS, unix.EOPNOTSUPP} {
		err := exchangeError("/o/a", "/o/b", errno)
		if !errors.Is(err, errors.ErrUnsupported) || !errors.Is(err, errno) {
			t.Errorf("%v: got %v, want ErrUnsupported wrapping it", errno, err)
		}
	}
	err := exchangeError("/o/a", "/o/b", unix.EACCES)
	if errors.Is(err, errors.ErrUnsupported) || !errors.Is(err, unix.EACCES) {
		t.Errorf("EACCES: got %v, want it kept and not unsupported", err)
	}
	if want := "renameat2 exchange /o/a /o/b: permission denied"; err.Error() != want {
		t.Errorf("EACCES: got %q, want %q", err, want)
	}
	if exchangeError("/o/a", "/o/b", nil) != nil {
		t.Error("no error became one")
	}
}

// TestExchangeSwaps: on Linux exchange swaps two folders in one step.
func TestExchangeSwaps(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for p, content := range map[string]string{a: "from a", b: "from b"} {
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "f"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := exchange(a, b); err != nil {
		if errors.Is(err, errors.ErrUnsupported) {
			t.Skipf("the test folder's filesystem has no RENAME_EXCHANGE: %v", err)
		}
		t.Fatal(err)
	}
	for p, want := range map[string]string{a: "from b", b: "from a"} {
		if got, err := os.ReadFile(filepath.Join(p, "f")); err != nil || string(got) != want {
			t.Errorf("%s holds %q (%v), want %q", p, got, err, want)
		}
	}
}
