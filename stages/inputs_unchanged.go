package stages

import (
	"context"
	"time"

	"github.com/capscore/capscore/pipeline"
)

// InputsUnchanged fails the run when a file ingest read has changed (size or modification time)
// since it was hashed. The usage tables are views over their files, read again by the metrics, so
// the check runs after the last stage that reads inputs and before anything is written.
type InputsUnchanged struct{}

// Name implements pipeline.Stage.
func (InputsUnchanged) Name() string { return "inputs-unchanged" }

// Run implements pipeline.Stage.
func (InputsUnchanged) Run(ctx context.Context, r *pipeline.Run) error {
	rows, err := r.DB.Query(ctx, "input files", "SELECT path, bytes, mtime_ns FROM ingest_files ORDER BY table_name, fidx")
	if err != nil {
		return err
	}
	defer rows.Close()
	var files []dataFile
	for rows.Next() {
		var f dataFile
		var ns int64
		if err := rows.Scan(&f.path, &f.info.Bytes, &ns); err != nil {
			return err
		}
		f.mtime = time.Unix(0, ns)
		files = append(files, f)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return unchanged(files)
}
