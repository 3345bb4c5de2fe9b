package stages_test

import (
	"bytes"
	"compress/gzip"
	"testing"
)

// gzipped compresses b.
func gzipped(t *testing.T, b []byte) []byte { return gzippedTB(t, b) }

// gzippedTB compresses b.
func gzippedTB(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
