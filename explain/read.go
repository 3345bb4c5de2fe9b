package explain

import (
	"context"
	dsql "database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
	sqlfiles "github.com/capscore/capscore/sql"
)

// row is one row read from a published file: column -> text, nil for NULL.
type row map[string]*string

// str is the column's text, "" for NULL or a column the file lacks.
func (r row) str(c string) string {
	if v := r[c]; v != nil {
		return *v
	}
	return ""
}

// has reports whether the column is not NULL.
func (r row) has(c string) bool { return r[c] != nil }

// float is the column as a number; nil for NULL.
func (r row) float(c string) *float64 {
	v := r[c]
	if v == nil {
		return nil
	}
	f, err := strconv.ParseFloat(*v, 64)
	if err != nil {
		return nil
	}
	return &f
}

// num is the column as a number, 0 for NULL.
func (r row) num(c string) float64 {
	if f := r.float(c); f != nil {
		return *f
	}
	return 0
}

// bool is the column as a boolean, false for NULL.
func (r row) bool(c string) bool { return r.str(c) == "true" }

// points is a DECIMAL(5,2) column as its exact text.
func (r row) points(c string) Points { return Points(r.str(c)) }

// reader reads the published files of one month with DuckDB.
type reader struct {
	db     *duck.DB
	layout pipeline.Layout
	month  pipeline.Month
	// notes say what the month's files could not show.
	notes []string
}

// note records a note once.
func (rd *reader) note(n string) {
	for _, x := range rd.notes {
		if x == n {
			return
		}
	}
	rd.notes = append(rd.notes, n)
}

// path returns the month's file of a table, and whether it exists.
func (rd *reader) path(table string) (string, bool, error) {
	p := rd.layout.TableFile(table, rd.month)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return p, false, nil
	} else if err != nil {
		return p, false, fmt.Errorf("%s of %s: %w", table, rd.month, err)
	}
	if err := duck.CheckPath(p); err != nil {
		return p, false, fmt.Errorf("%s of %s: %w", table, rd.month, err)
	}
	return p, true, nil
}

// columns lists the columns of a published file.
func (rd *reader) columns(ctx context.Context, path string) (map[string]bool, error) {
	rows, err := rd.db.Query(ctx, "report_columns", sqlfiles.Render("report_columns", map[string]string{"path": duck.QuotePath(path)}))
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", path, err)
	}
	defer rows.Close()
	cols := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols[c] = true
	}
	return cols, rows.Err()
}

// selectList selects each wanted column as text, NULL for one the file lacks. The names come from
// this package's fixed lists, never from input.
func selectList(want []string, have map[string]bool) string {
	parts := make([]string, len(want))
	for i, c := range want {
		if have[c] {
			parts[i] = sqlfiles.QuoteIdent(c) + "::VARCHAR AS " + sqlfiles.QuoteIdent(c)
		} else {
			parts[i] = "NULL::VARCHAR AS " + sqlfiles.QuoteIdent(c)
		}
	}
	return strings.Join(parts, ", ")
}

// query runs statement name of package sql on the month's file of table, selecting the wanted
// columns as text; vars adds placeholders (values are parameters in args).
func (rd *reader) query(ctx context.Context, name, table string, want []string, vars map[string]string, args ...any) ([]row, error) {
	path, ok, err := rd.path(table)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s of %s: %w", table, rd.month, fs.ErrNotExist)
	}
	have, err := rd.columns(ctx, path)
	if err != nil {
		return nil, err
	}
	v := map[string]string{"columns": selectList(want, have), "path": duck.QuotePath(path)}
	for k, x := range vars {
		v[k] = x
	}
	return rd.rows(ctx, sqlfiles.Render(name, v), want, args...)
}

// rows runs a query whose columns are all text and returns its rows.
func (rd *reader) rows(ctx context.Context, q string, want []string, args ...any) ([]row, error) {
	rs, err := rd.db.Query(ctx, "explain", q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		vals := make([]dsql.NullString, len(want))
		ptrs := make([]any, len(want))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := row{}
		for i, c := range want {
			if vals[i].Valid {
				s := vals[i].String
				r[c] = &s
			}
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// partners lists the partners of the month's area_scores with their names (empty when the file has
// none), sorted by id.
func (rd *reader) partners(ctx context.Context, path string) (ids, names []string, err error) {
	have, err := rd.columns(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	name := "NULL"
	if have["partner_name"] {
		name = "partner_name"
	}
	rs, err := rd.db.Query(ctx, "explain_partner_ids", sqlfiles.Render("explain_partner_ids", map[string]string{"path": duck.QuotePath(path), "name": name}))
	if err != nil {
		return nil, nil, err
	}
	defer rs.Close()
	for rs.Next() {
		var id string
		var n dsql.NullString
		if err := rs.Scan(&id, &n); err != nil {
			return nil, nil, err
		}
		ids, names = append(ids, id), append(names, n.String)
	}
	return ids, names, rs.Err()
}
