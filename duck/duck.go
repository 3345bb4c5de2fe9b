// Package duck owns the embedded DuckDB database of a run and is the one way its statements reach
// DuckDB: it opens the database with the run's resource settings, splits a text of several
// statements (Statements), binds each statement's named parameters from Params, logs each
// statement's duration at debug level, interrupts a statement when the context is cancelled, and
// names the statement in every error.
package duck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver
	"go.uber.org/zap"

	"github.com/capscore/capscore/sql"
)

// Settings are DuckDB's resource settings.
type Settings struct {
	// MemoryLimit such as "3GB"; "" = DefaultMemoryLimit(): 60% of the memory the process may use
	// where that can be read (Linux, macOS), else DuckDB's own default (80% of RAM).
	MemoryLimit string
	// Threads; 0 = number of CPUs.
	Threads int
	// TempDir is where DuckDB spills; "" = DuckDB's default, which for an in-memory database (every
	// database the project opens) is a .tmp folder in the working directory.
	TempDir string
	// Conns is the number of connections the database may hold at once (0 = 1): a run uses one
	// connection, on which its temporary tables live; the generator writes from several (Conn).
	Conns int
	// Profile, when set, turns on DuckDB's profiler and receives the per-operator profile of every
	// statement: at its end for Exec, for a query once its rows are closed (when the next statement
	// starts, or at Close). The database then runs on one dedicated connection; Conn must not be used.
	Profile func(Profile)
}

// DB is one DuckDB database, or one connection of it (Conn). Every statement goes through Exec,
// ExecCount, Query or QueryRow.
type DB struct {
	sql     *sql.DB
	conn    *sql.Conn // set on a DB returned by Conn: statements run on this connection
	log     *zap.Logger
	profile *profiler // set on a profiled database (Settings.Profile), which owns conn
}

// handle runs statements: the database (its one connection) or a dedicated connection.
type handle interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (d *DB) handle() handle {
	if d.conn != nil {
		return d.conn
	}
	return d.sql
}

// Open opens an in-memory DuckDB database (path "") or a database file with the given settings.
// Settings belong here: once a run locks the database down (Lockdown), no statement can change a
// setting, so no stage changes one for the stages and months after it.
func Open(ctx context.Context, path string, s Settings, log *zap.Logger) (*DB, error) {
	threads := s.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	boot := []string{
		fmt.Sprintf("SET threads = %d", threads),
		"SET TimeZone = 'UTC'",
		// Every output query ends in ORDER BY, which COPY keeps either way (an ordered plan is
		// written in order); unordered inserts elsewhere are faster.
		"SET preserve_insertion_order = false",
		// Memory DuckDB freed goes back to the system sooner. Its allocator keeps freed memory for
		// reuse, which memory_limit does not count, and by default flushes it only after a task
		// whose peak allocation passed 128 MiB or a bulk free of 512 MiB (at large: peak RSS
		// 4.8 -> 4.5 GiB, no slower).
		"SET allocator_flush_threshold = '32MB'",
		"SET allocator_bulk_deallocation_flush_threshold = '128MB'",
		"SET allocator_background_threads = true",
	}
	mem := s.MemoryLimit
	if mem == "" {
		mem = DefaultMemoryLimit()
	}
	if mem != "" {
		boot = append(boot, "SET memory_limit = "+sqlfiles.QuoteLiteral(mem))
	}
	if s.TempDir != "" {
		if err := os.MkdirAll(s.TempDir, 0o755); err != nil {
			return nil, fmt.Errorf("duckdb temp directory %s: %w", s.TempDir, err)
		}
		boot = append(boot, "SET temp_directory = "+sqlfiles.QuoteLiteral(s.TempDir))
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	// One connection unless asked for more: temp tables and settings live on it, and DuckDB
	// parallelises inside a query. The settings above are the database's (global), so a further
	// connection has them too.
	conns := max(1, s.Conns)
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	d := &DB{sql: db, log: log}
	if s.Profile != nil {
		// The profiler's settings and its last profile belong to a connection: hold one.
		c, err := db.Conn(ctx)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("duckdb connection: %w", err)
		}
		d.conn, d.profile = c, &profiler{sink: s.Profile}
		boot = append(boot, "SET enable_profiling = 'no_output'")
	}
	for _, q := range boot {
		if err := d.Exec(ctx, "duckdb settings", q); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

// Close closes the database, or releases the connection of a DB returned by Conn.
func (d *DB) Close() error {
	d.flushProfile()
	if d.conn != nil {
		err := d.conn.Close()
		if d.profile != nil { // a profiled database owns its connection and its pool
			err = errors.Join(err, d.sql.Close())
		}
		return err
	}
	return d.sql.Close()
}

// Conn returns the database bound to one connection of its own until Close: its TEMP tables and
// session settings are its own. Open with Settings.Conns > 1 to use several at once.
func (d *DB) Conn(ctx context.Context) (*DB, error) {
	c, err := d.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb connection: %w", err)
	}
	return &DB{sql: d.sql, conn: c, log: d.log}, nil
}

// SQL exposes the database/sql handle. It bypasses the timing, binding and error naming of Exec
// and Query; the stages and the pipeline do not use it (the report's loader still does).
func (d *DB) SQL() *sql.DB { return d.sql }

// Params are named parameter values. A statement gets, as sql.Named arguments, the values of the
// $names it references (Parameters); a $name without a value is an error naming it, rather than
// duckdb-go's fallback of binding it by position.
type Params map[string]any

// ErrParameter marks a statement that references a named parameter no argument gives.
var ErrParameter = errors.New("no value for parameter")

// bind returns the arguments of one statement: positional arguments and sql.Named ones as given,
// and from each Params the values of the $names the statement references.
func bind(statement string, args []any) ([]any, error) {
	names := Parameters(statement)
	var out []any
	given := map[string]bool{}
	var params []Params
	for _, a := range args {
		switch v := a.(type) {
		case Params:
			params = append(params, v)
		case sql.NamedArg:
			given[v.Name] = true
			out = append(out, v)
		default:
			out = append(out, a)
		}
	}
	for _, n := range names {
		if given[n] {
			continue
		}
		found := false
		for _, p := range params {
			if v, ok := p[n]; ok {
				out = append(out, sql.Named(n, v))
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%w $%s", ErrParameter, n)
		}
	}
	return out, nil
}

// Exec runs a statement text (possibly several, split by Statements), binding each statement's
// parameters (see Params), and logs each one's duration.
func (d *DB) Exec(ctx context.Context, label, text string, args ...any) error {
	_, err := d.ExecCount(ctx, label, text, args...)
	return err
}

// ExecCount is Exec that returns the rows the statements affected, summed (for COPY ... TO: the
// rows written).
func (d *DB) ExecCount(ctx context.Context, label, text string, args ...any) (int64, error) {
	start := time.Now()
	var total int64
	d.flushProfile()
	for i, st := range Statements(text) {
		sstart := time.Now()
		a, err := bind(st, args)
		if err != nil {
			return total, fmt.Errorf("%s, statement %d (%s): %w", label, i+1, summary(st), err)
		}
		res, err := d.handle().ExecContext(ctx, st, a...)
		d.logStatement(fmt.Sprintf("%s#%d", label, i+1), st, sstart)
		if err == nil {
			d.record(fmt.Sprintf("%s#%d", label, i+1), st)
			var n int64
			n, err = res.RowsAffected()
			total += n
		}
		if err != nil {
			if ctx.Err() != nil {
				return total, &canceledError{label: label, ctx: ctx.Err(), cause: err}
			}
			return total, fmt.Errorf("%s, statement %d (%s): %w", label, i+1, summary(st), err)
		}
	}
	d.log.Debug("sql", zap.String("statement", label), zap.Duration("duration", time.Since(start)))
	return total, nil
}

// ExecFile runs the named statement file of package sqlfiles.
func (d *DB) ExecFile(ctx context.Context, name string, args ...any) error {
	return d.Exec(ctx, name, sqlfiles.Text(name), args...)
}

// Query runs one statement that returns rows, binding its parameters (see Params). The caller
// closes the rows. The duration logged is the time to the first result.
func (d *DB) Query(ctx context.Context, label, query string, args ...any) (*sql.Rows, error) {
	start := time.Now()
	a, err := bind(query, args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	d.flushProfile()
	rows, err := d.handle().QueryContext(ctx, query, a...)
	d.logStatement(label, query, start)
	if err == nil && d.profile != nil {
		d.profile.pending = &pendingProfile{label, query} // complete once the caller closed the rows
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, &canceledError{label: label, ctx: ctx.Err(), cause: err}
		}
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return rows, nil
}

// Row is the result of QueryRow.
type Row struct {
	label string
	rows  *sql.Rows
	err   error
}

// QueryRow runs one statement that returns at most one row (see Query); Scan reads it.
func (d *DB) QueryRow(ctx context.Context, label, query string, args ...any) *Row {
	rows, err := d.Query(ctx, label, query, args...)
	return &Row{label: label, rows: rows, err: err}
}

// Scan copies the columns of the first row into dest; sql.ErrNoRows when there is none.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return fmt.Errorf("%s: %w", r.label, err)
		}
		return fmt.Errorf("%s: %w", r.label, sql.ErrNoRows)
	}
	if err := r.rows.Scan(dest...); err != nil {
		return fmt.Errorf("%s: %w", r.label, err)
	}
	return r.rows.Close()
}

// Count returns the single integer a query yields.
func (d *DB) Count(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := d.QueryRow(ctx, "count", query, args...).Scan(&n)
	return n, err
}

// logStatement logs a statement's duration at debug level.
func (d *DB) logStatement(label, st string, start time.Time) {
	if d.log.Core().Enabled(zap.DebugLevel) {
		d.log.Debug("sql statement", zap.String("statement", label),
			zap.String("text", summary(st)), zap.Duration("duration", time.Since(start)))
	}
}

// canceledError is a statement stopped because its context ended: it reads as the context's error
// (what stopped the run), and keeps DuckDB's own error (an interrupt) in its chain.
type canceledError struct {
	label string
	ctx   error
	cause error
}

func (e *canceledError) Error() string   { return e.label + ": " + e.ctx.Error() }
func (e *canceledError) Unwrap() []error { return []error{e.ctx, e.cause} }

// summary is the first line of a statement that is not a comment, for error messages.
func summary(st string) string {
	for _, line := range strings.Split(st, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
			if len(l) > 80 {
				l = l[:80] + "..."
			}
			return l
		}
	}
	return ""
}
