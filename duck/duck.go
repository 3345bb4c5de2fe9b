// Package duck owns the embedded DuckDB database of a run: it opens it with the run's resource
// settings, executes the statements of package sql with timing logs, and interrupts queries when
// the run's context is cancelled.
package duck

import (
	"context"
	"database/sql"
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
	// MemoryLimit such as "3GB"; "" = DuckDB's default (80% of RAM).
	MemoryLimit string
	// Threads; 0 = number of CPUs.
	Threads int
	// TempDir is where DuckDB spills; "" = a folder beside the database.
	TempDir string
}

// DB is one DuckDB database.
type DB struct {
	sql *sql.DB
	log *zap.Logger
}

// Open opens an in-memory DuckDB database (path "") or a database file with the given settings.
func Open(ctx context.Context, path string, s Settings, log *zap.Logger) (*DB, error) {
	threads := s.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	boot := []string{
		fmt.Sprintf("SET threads = %d", threads),
		"SET TimeZone = 'UTC'",
		"SET preserve_insertion_order = false",
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
	// One connection: temp tables and settings live on it, and DuckDB parallelises inside a query.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	for _, q := range boot {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("duckdb %s: %w", q, err)
		}
	}
	return &DB{sql: db, log: log}, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.sql.Close() }

// SQL exposes the database/sql handle for queries that return rows.
func (d *DB) SQL() *sql.DB { return d.sql }

// Exec runs a statement text (possibly several, split by Statements) and logs each one's duration.
func (d *DB) Exec(ctx context.Context, label, text string, args ...any) error {
	start := time.Now()
	for i, st := range Statements(text) {
		sstart := time.Now()
		_, err := d.sql.ExecContext(ctx, st, args...)
		if d.log.Core().Enabled(zap.DebugLevel) {
			d.log.Debug("sql statement", zap.String("statement", fmt.Sprintf("%s#%d", label, i+1)),
				zap.String("text", summary(st)), zap.Duration("duration", time.Since(sstart)))
		}
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s: %w", label, ctx.Err())
			}
			return fmt.Errorf("%s, statement %d (%s): %w", label, i+1, summary(st), err)
		}
	}
	d.log.Debug("sql", zap.String("statement", label), zap.Duration("duration", time.Since(start)))
	return nil
}

// ExecFile runs the named statement file of package sql.
func (d *DB) ExecFile(ctx context.Context, name string, args ...any) error {
	return d.Exec(ctx, name, sqlfiles.Text(name), args...)
}

// Count returns the single integer a query yields.
func (d *DB) Count(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	if err := d.sql.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

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
