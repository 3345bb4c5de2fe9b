package stages

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// Simulate returns the stages of a what-if run (pipeline.Runner.Simulate, refresh simulate): those
// of a monthly run but changes, which compares with the published S-1, and export, which writes the
// files to publish. Ingest slices the input by pipeline.Config.Slice and the check stage skips the
// drift guard.
func Simulate() []pipeline.Stage {
	return []pipeline.Stage{LoadRubric{}, Ingest{}, Ready{}, Metrics{}, Score{}, Eligibility{}, Reconcile{}, Recommend{}, Check{}, InputsUnchanged{}}
}

// sliceKeep names, per input table, the statement that keeps the slice's rows of it: the rows that
// name the partner, or a tenant the partner's associations name.
var sliceKeep = map[string]string{
	"partners":          "ingest_slice_partner",
	"tenants":           "ingest_slice_tenant",
	"associations":      "ingest_slice_partner",
	"azure_consumption": "ingest_slice_tenant",
	"m365_usage":        "ingest_slice_tenant",
	"bizapps_usage":     "ingest_slice_tenant",
	"certifications":    "ingest_slice_certifications",
	"enrollments":       "ingest_slice_partner",
}

// sliceInit prepares the slice of a what-if run before any table is ingested: the partner, the
// certifications to leave out, and the tenants the partner's association rows name (input and
// overlay), which the tenants and usage tables are cut to. It returns the association files it
// read, for the end-of-ingest check that no input changed.
func sliceInit(ctx context.Context, r *pipeline.Run) ([]dataFile, error) {
	s := r.Config.Slice
	if err := r.DB.ExecFile(ctx, "ingest_slice_init", duck.Params{"partner": strings.TrimSpace(s.Partner)}); err != nil {
		return nil, fmt.Errorf("ingest: slice: %w", err)
	}
	for _, d := range s.DropCertifications {
		if err := r.DB.ExecFile(ctx, "ingest_slice_drop", duck.Params{"person": d.PersonID, "certification": d.Certification}); err != nil {
			return nil, fmt.Errorf("ingest: slice: %w", err)
		}
	}
	var assoc tableSpec
	for _, t := range tables {
		if t.name == "associations" {
			assoc = t
		}
	}
	paths, _, err := ListDataFiles(filepath.Join(r.Config.Input, assoc.name))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("ingest %s: %w: %v", assoc.name, pipeline.ErrBadInput, err)
	}
	extra, err := overlayFiles(r, assoc)
	if err != nil {
		return nil, err
	}
	paths = append(paths, extra...)
	var parts []string
	var files []dataFile
	for _, p := range paths {
		f, part, err := fileSelect(ctx, r, assoc, p, len(parts))
		if err != nil {
			return files, err
		}
		parts, files = append(parts, part), append(files, f)
	}
	source := emptySource(assoc)
	if len(parts) > 0 {
		source = strings.Join(parts, "\nUNION ALL BY NAME\n")
	}
	// The source is built from the fixed table list and generated column names (selectFile).
	if err := r.DB.Exec(ctx, "ingest_slice_tenants", sqlfiles.Render("ingest_slice_tenants", map[string]string{"source": source})); err != nil {
		return files, fmt.Errorf("ingest %s: slice: %w", assoc.name, readFailure(assoc.name, files, err))
	}
	return files, nil
}

// overlayFiles lists the files of table t in the slice's overlay folder (none without one, or when
// it has no folder for t).
func overlayFiles(r *pipeline.Run, t tableSpec) ([]string, error) {
	if r.Config.Slice == nil || r.Config.Slice.Overlay == "" {
		return nil, nil
	}
	files, _, err := ListDataFiles(filepath.Join(r.Config.Slice.Overlay, t.name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ingest %s: overlay: %w", t.name, err)
	}
	return files, nil
}

// sliceSource keeps the slice's rows of table t from its source (the rows of its files, as ingest
// reads them) in a table of their own and returns the source that reads them. Of certifications,
// it leaves out those to drop, each of which must match a row.
func sliceSource(ctx context.Context, r *pipeline.Run, t tableSpec, source string) (string, error) {
	name, ok := sliceKeep[t.name]
	if !ok {
		return "", fmt.Errorf("ingest %s: no slice statement for the table", t.name)
	}
	// Table names come from the fixed table list; the source from buildSource.
	if err := r.DB.Exec(ctx, name, sqlfiles.Render(name, map[string]string{"table": t.name, "source": source})); err != nil {
		return "", fmt.Errorf("ingest %s: slice: %w", t.name, err)
	}
	if t.name == "certifications" {
		if err := checkDropped(ctx, r); err != nil {
			return "", err
		}
	}
	return "SELECT * FROM slice_" + t.name, nil
}

// checkDropped fails when a certification to leave out matched no row of the partner.
func checkDropped(ctx context.Context, r *pipeline.Run) error {
	rows, err := r.DB.Query(ctx, "slice dropped", "SELECT person_id, certification FROM slice_drop WHERE rows_dropped = 0 ORDER BY ALL")
	if err != nil {
		return fmt.Errorf("ingest certifications: slice: %w", err)
	}
	defer rows.Close()
	var missing []string
	for rows.Next() {
		var p, c string
		if err := rows.Scan(&p, &c); err != nil {
			return err
		}
		missing = append(missing, p+":"+c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s has no certification row of %s in the input, so there is nothing to remove",
			pipeline.ErrInvalidConfig, r.Config.Slice.Partner, strings.Join(missing, ", "))
	}
	return nil
}

// raiseUsage raises, in the keyed usage table t just ingested, each row the slice asks to raise;
// each must be an accepted row of the partner's slice.
func raiseUsage(ctx context.Context, r *pipeline.Run, t tableSpec) error {
	for _, x := range r.Config.Slice.Raise {
		if x.Table != t.name {
			continue
		}
		if math.IsNaN(x.ActiveUsers) || math.IsInf(x.ActiveUsers, 0) {
			return fmt.Errorf("%w: raise of %s: %v active users", pipeline.ErrInvalidConfig, t.name, x.ActiveUsers)
		}
		// The table name comes from the fixed table list; the row's key and the amount are parameters.
		n, err := r.DB.ExecCount(ctx, "ingest_slice_raise", sqlfiles.Render("ingest_slice_raise", map[string]string{"table": t.name}),
			duck.Params{"tenant": x.TenantID, "month": x.Month.First(), "workload": x.Workload, "add": x.ActiveUsers})
		if err != nil {
			return fmt.Errorf("ingest %s: raise: %w", t.name, err)
		}
		if n != 1 {
			return fmt.Errorf("%w: %s has no accepted row of tenant %s, workload %s in %s to add active users to",
				pipeline.ErrInvalidConfig, t.name, x.TenantID, x.Workload, x.Month)
		}
	}
	return nil
}

// sliceDone checks, once every table is ingested, that the partner's own row was accepted.
func sliceDone(ctx context.Context, r *pipeline.Run) error {
	n, err := r.DB.Count(ctx, "SELECT count(*) FROM partners")
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: partner %s has no accepted row in the input's partners table", pipeline.ErrInvalidConfig, r.Config.Slice.Partner)
	}
	return nil
}
