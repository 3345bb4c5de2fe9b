package rubric

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"
)

//go:embed ms-pcs-2026-05.yaml
var defaultRubric []byte

// DefaultID is the id of the embedded default rubric.
const DefaultID = "ms-pcs-2026-05"

// Default returns the embedded default rubric, validated.
func Default() (*Rubric, error) { return Parse(defaultRubric, "embedded") }

// Load reads and validates a rubric file; path "" means the embedded default.
func Load(path string) (*Rubric, error) {
	if path == "" {
		return Default()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rubric %s: %w", path, err)
	}
	return Parse(b, path)
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
	r.Source = source
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("rubric %s: %w", source, err)
	}
	return &r, nil
}
