package stages

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	dsql "database/sql"

	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// references names, per input table, the tables whose keys its rows must find (an unknown
// partner or tenant is a reject).
var references = map[string][]string{
	"associations":      {"partners", "tenants"},
	"azure_consumption": {"tenants"},
	"m365_usage":        {"tenants"},
	"bizapps_usage":     {"tenants"},
	"certifications":    {"partners"},
	"enrollments":       {"partners"},
}

// TableCheck is one input table as `refresh validate` reports it.
type TableCheck struct {
	Table    string `json:"table"`
	Optional bool   `json:"optional"`
	// Files are the data files read, with bytes, SHA-256 and rows.
	Files       []pipeline.InputFile `json:"files"`
	Read        int64                `json:"rows_read"`
	Accepted    int64                `json:"rows_accepted"`
	Rejected    int64                `json:"rows_rejected"`
	OutOfWindow int64                `json:"rows_out_of_window"`
	// RejectRate is Rejected / Read, against the limit RejectLimit.
	RejectRate  float64 `json:"reject_rate"`
	RejectLimit float64 `json:"reject_limit"`
	// RowsAddUp is the row accounting: read = accepted + rejected + out of window.
	RowsAddUp bool `json:"rows_add_up"`
	// TopReasons are the most frequent reject reasons with their counts.
	TopReasons []ReasonCount `json:"top_reasons,omitempty"`
	// MonthsFound and MonthsMissing are a usage table's months of the 24-month window with and
	// without rows; Ready says S and S-12 have rows (always true for an optional table).
	MonthsFound   []string `json:"months_found,omitempty"`
	MonthsMissing []string `json:"months_missing,omitempty"`
	Ready         *bool    `json:"ready,omitempty"`
	// Problem is what stops a run on this table ("" = none), Note what else to know.
	Problem string `json:"problem,omitempty"`
	Note    string `json:"note,omitempty"`
}

// ReasonCount is a reject reason and how many rows have it.
type ReasonCount struct {
	Reason string `json:"reason"`
	Rows   int64  `json:"rows"`
}

// Validation is what `refresh validate` found in an input delivery for one snapshot month.
type Validation struct {
	Input  string       `json:"input"`
	Month  string       `json:"month"`
	Window string       `json:"window"`
	Tables []TableCheck `json:"tables"`
	// Readiness is the readiness problem a run would stop on ("" = ready, or skipped).
	Readiness string `json:"readiness,omitempty"`
	// Warnings are what a run's manifest would warn about (ignored files, absent optional tables).
	Warnings []string `json:"warnings,omitempty"`
	// Outcome is "ok", "bad_input" (a run exits 7) or "not_ready" (a run exits 6).
	Outcome string `json:"outcome"`
}

// Validate (r.Rubric loaded, r.DB open) makes every check a run's ingest and readiness make on the input, for month r.Config.Month,
// without computing or publishing anything: each table's files are read, typed and keyed, every
// row is accepted, rejected with a reason or counted out of window, the reject rate is held against
// the limit, the rows are accounted, and the usage tables' months of the window are listed. Unlike
// a run, a table that fails does not stop the others: it stands in as an empty table (its
// dependants' references are then checked against nothing, which their notes say). The returned
// error is what a run would stop on: ErrBadInput before ErrSourceNotReady (nil when a run would
// get past ingest and readiness); a failure of the database itself is returned as is, with no report.
func Validate(ctx context.Context, r *pipeline.Run) (*Validation, error) {
	v := &Validation{Input: r.Config.Input, Month: r.Config.Month.String(),
		Window: r.Window.From.String() + ".." + r.Window.To.String(), Outcome: "ok"}
	start := time.Now()
	// Ingest checks association types, areas and certifications against the rubric's tables; the
	// rubric stage also defines the macros every statement uses.
	if err := (LoadRubric{}).Run(ctx, r); err != nil {
		return nil, err
	}
	window := []any{dsql.Named("wfrom", r.Window.From.First()), dsql.Named("wto", r.Window.To.First())}
	if err := r.DB.ExecFile(ctx, "ingest_init", window...); err != nil {
		return nil, err
	}
	var bad []error
	failed := map[string]bool{}
	var read []dataFile
	for k, t := range tables {
		stats, files, loaded, err := ingestTable(ctx, r, k, t, start)
		read = append(read, files...)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		tc := TableCheck{Table: t.name, Optional: t.optional || r.Config.IsOptional(t.name), Files: stats.Files,
			Read: stats.Read, Accepted: stats.Accepted, Rejected: stats.Rejected, OutOfWindow: stats.OutOfWindow,
			RejectLimit: r.Config.RejectLimit(), RowsAddUp: stats.Read == stats.Accepted+stats.Rejected+stats.OutOfWindow}
		if stats.Read > 0 {
			tc.RejectRate = float64(stats.Rejected) / float64(stats.Read)
		}
		if err != nil {
			if !errors.Is(err, pipeline.ErrBadInput) {
				return nil, err
			}
			tc.Problem = err.Error()
			bad = append(bad, err)
			failed[t.name] = !loaded
		}
		if !loaded {
			// An empty stand-in, so that the tables after it can still be read and checked.
			text := sqlfiles.Render("ingest_"+t.name, map[string]string{"source": emptySource(t)})
			if err := r.DB.Exec(ctx, "ingest_"+t.name, text); err != nil {
				return nil, fmt.Errorf("validate %s: empty stand-in: %w", t.name, err)
			}
		}
		if !tc.RowsAddUp {
			tc.Problem = joinProblem(tc.Problem, fmt.Sprintf("row accounting: read %d != accepted %d + rejected %d + out of window %d",
				stats.Read, stats.Accepted, stats.Rejected, stats.OutOfWindow))
		}
		var empty []string
		for _, ref := range references[t.name] {
			if failed[ref] {
				empty = append(empty, ref)
			}
		}
		if len(empty) > 0 {
			tc.Note = fmt.Sprintf("its references were checked against an empty %s (that table failed), so rows citing them are rejected here; check it again once %s is fixed",
				strings.Join(empty, " and "), strings.Join(empty, " and "))
		}
		if tc.Rejected > 0 {
			reasons, err := topReasons(ctx, r, t.name)
			if err != nil {
				return nil, err
			}
			tc.TopReasons = reasons
		}
		v.Tables = append(v.Tables, tc)
	}
	if err := unchanged(read); err != nil {
		bad = append(bad, err)
		v.Warnings = append(v.Warnings, err.Error())
	}
	// Readiness, as the run would check it, and each usage table's months of the window.
	rerr := Ready{}.Run(ctx, r)
	if rerr != nil && !errors.Is(rerr, pipeline.ErrSourceNotReady) {
		return nil, rerr
	}
	s := r.Config.Month
	for i := range v.Tables {
		tc := &v.Tables[i]
		rows, usage := r.MonthRows[tc.Table]
		if !usage {
			continue
		}
		for _, m := range r.Window.Months() {
			if _, ok := rows[m.String()]; ok {
				tc.MonthsFound = append(tc.MonthsFound, m.String())
			} else {
				tc.MonthsMissing = append(tc.MonthsMissing, m.String())
			}
		}
		ready := tc.Optional || r.Config.SkipReadiness ||
			(slices.Contains(tc.MonthsFound, s.String()) && slices.Contains(tc.MonthsFound, s.Add(-12).String()))
		tc.Ready = &ready
	}
	v.Warnings = append(v.Warnings, nonHistoryWarnings(r.Warnings)...)
	switch {
	case len(bad) > 0:
		v.Outcome = "bad_input"
		if rerr != nil {
			v.Readiness = rerr.Error()
		}
		return v, errors.Join(bad...)
	case rerr != nil:
		v.Outcome, v.Readiness = "not_ready", rerr.Error()
		return v, rerr
	}
	return v, nil
}

// nonHistoryWarnings drops the "has no rows for" warnings of the history, which the report shows
// per table as missing months.
func nonHistoryWarnings(ws []string) []string {
	var out []string
	for _, w := range ws {
		if !strings.Contains(w, " has no rows for ") {
			out = append(out, w)
		}
	}
	return out
}

// topReasons returns a table's most frequent reject reasons (at most 5).
func topReasons(ctx context.Context, r *pipeline.Run, table string) ([]ReasonCount, error) {
	rows, err := r.DB.Query(ctx, "validate_reasons", sqlfiles.Text("validate_reasons"), table)
	if err != nil {
		return nil, fmt.Errorf("reject reasons of %s: %w", table, err)
	}
	defer rows.Close()
	var out []ReasonCount
	for rows.Next() {
		var rc ReasonCount
		if err := rows.Scan(&rc.Reason, &rc.Rows); err != nil {
			return nil, err
		}
		out = append(out, rc)
	}
	return out, rows.Err()
}

// WriteRejects writes every rejected row (table, file, row number, reason, raw values as JSON),
// ordered by table, file and row, to path for the supplier: Parquet when path ends in .parquet,
// else CSV with a header. It returns the rows written.
func WriteRejects(ctx context.Context, r *pipeline.Run, path string) (int64, error) {
	format := "FORMAT csv, HEADER true"
	if strings.HasSuffix(strings.ToLower(path), ".parquet") {
		format = "FORMAT parquet, COMPRESSION zstd"
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, err
	}
	q := sqlfiles.Render("validate_rejects", map[string]string{"path": sqlfiles.QuoteLiteral(abs), "format": format})
	if err := r.DB.Exec(ctx, "validate_rejects", q); err != nil {
		return 0, fmt.Errorf("write rejects to %s: %w", path, err)
	}
	return r.DB.Count(ctx, "SELECT count(*) FROM rejects")
}

// joinProblem appends b to problem a.
func joinProblem(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
