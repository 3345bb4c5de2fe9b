package explain

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/rubric"
)

// ErrRubricUnknown means the rubric a month was scored with cannot be found: the month has no
// published rubric and the built-in rubric is another one.
var ErrRubricUnknown = errors.New("rubric of the month unknown")

// monthRubric returns the rubric month m was scored with: the file published beside its manifest,
// checked against the manifest's SHA-256; for a month published before rubrics were published with
// it, the built-in rubric when its SHA-256 is the month's.
func monthRubric(l pipeline.Layout, m pipeline.Month, man pipeline.Manifest) (*rubric.Rubric, string, error) {
	path := l.RubricPath(m)
	b, err := readRubricFile(path)
	switch {
	case err == nil:
		r, err := rubric.Parse(b, path)
		if err != nil {
			return nil, "", fmt.Errorf("the rubric published with %s does not read: %w", m, err)
		}
		if man.RubricSHA256 != "" && r.Hash != man.RubricSHA256 {
			return nil, "", fmt.Errorf("%w: %s has SHA-256 %s, but the manifest of %s says %s (the month is being published again, "+
				"or the file was changed); retry once `refresh status --out %s` shows no publication in progress, or publish the month again",
				ErrRubricUnknown, path, r.Hash, m, man.RubricSHA256, l.Root)
		}
		return r, "published", nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, "", fmt.Errorf("rubric of %s: %w", m, err)
	}
	def, err := rubric.Default()
	if err != nil {
		return nil, "", err
	}
	if def.Hash != man.RubricSHA256 {
		return nil, "", fmt.Errorf("%w: %s was scored with rubric %s (SHA-256 %s), which was not published with the month "+
			"(it was published before rubrics were) and is not the built-in rubric %s (SHA-256 %s); publish the month again "+
			"with refresh run --month %s --rubric FILE to publish its rubric", ErrRubricUnknown, m, man.RubricID, man.RubricSHA256,
			def.ID, def.Hash, m)
	}
	return def, "built-in", nil
}

// readRubricFile reads a published rubric of at most rubric.MaxFileBytes.
func readRubricFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, rubric.MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > rubric.MaxFileBytes {
		return nil, fmt.Errorf("%s is larger than the %d-byte limit for a rubric", path, rubric.MaxFileBytes)
	}
	return b, nil
}
