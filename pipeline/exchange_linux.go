//go:build linux

package pipeline

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchange swaps two paths atomically with renameat2(RENAME_EXCHANGE). A filesystem without it
// (EINVAL, ENOSYS, EOPNOTSUPP) gives an error wrapping errors.ErrUnsupported.
func exchange(a, b string) error {
	return exchangeError(a, b, unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE))
}

// exchangeError names the paths of a failed renameat2 and marks the errors that say the
// filesystem cannot exchange as errors.ErrUnsupported.
func exchangeError(a, b string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP):
		return &os.LinkError{Op: "renameat2 exchange", Old: a, New: b, Err: errors.Join(errors.ErrUnsupported, err)}
	default:
		return &os.LinkError{Op: "renameat2 exchange", Old: a, New: b, Err: err}
	}
}
