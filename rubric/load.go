package rubric

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"
)

//go:embed ms-pcs-2026-05.yaml
var defaultRubric []byte

// DefaultID is the id of the embedded default rubric.
const DefaultID = "ms-pcs-2026-05"

// Default returns the embedded default rubric, validated.
func Default() (*Rubric, error) { return Parse(defaultRubric, "embedded") }

// MaxFileBytes is the largest rubric file Load reads. The shipped rubric is a few KiB; the limit
// stops a wrong path (a device, a data file) from being read without bound.
const MaxFileBytes = 1 << 20

// Load reads and validates a rubric file; path "" means the embedded default. The file must be a
// regular file of at most MaxFileBytes.
func Load(path string) (*Rubric, error) {
	if path == "" {
		return Default()
	}
	b, err := readLimited(path, MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("rubric %s: %w", path, err)
	}
	return Parse(b, path)
}

// readLimited reads a regular file of at most limit bytes. It reads one byte past the limit so a
// file that grows while being read is caught too.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s); give the path of a rubric YAML file", st.Mode().Type())
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("file is %d bytes, larger than the %d-byte limit for a rubric", st.Size(), limit)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("file is larger than the %d-byte limit for a rubric", limit)
	}
	return b, nil
}

// Parse decodes YAML strictly (unknown keys are errors naming the key and line) and validates it.
func Parse(b []byte, source string) (*Rubric, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var r Rubric
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("rubric %s: %w", source, err)
	}
	sum := sha256.Sum256(b)
	r.Hash = hex.EncodeToString(sum[:])
	r.Raw = bytes.Clone(b)
	r.Source = source
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("rubric %s: %w", source, err)
	}
	return &r, nil
}
