package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"go.uber.org/zap"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/outputs"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/sql"
)

// queryCommand is `refresh query`: run SQL on the published tables in embedded DuckDB, so that a
// user without a DuckDB install can query them.
type queryCommand struct{ env }

// Run parses the flags, defines a view per published table and prints the statement's result.
func (c *queryCommand) Run(ctx context.Context, args []string) error {
	flags := c.newFlagSet("query")
	c.settingFlags(flags, config.Out, config.MemoryLimit, config.Threads)
	format := flags.String("format", "table", "output format: table, csv or json")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(c.stdout, flags)
			return flag.ErrHelp
		}
		return usagef("%v", err)
	}
	if err := c.resolve(); err != nil {
		return err
	}
	st := c.settings()
	out := &st.Out
	if *out == "" {
		return usagef("--out is required")
	}
	if flags.NArg() != 1 {
		return usagef("want one SQL statement as the argument, got %d arguments (quote the SQL)", flags.NArg())
	}
	switch *format {
	case "table", "csv", "json":
	default:
		return usagef("--format %q: want table, csv or json", *format)
	}
	query := flags.Arg(0)
	if query == "-" {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return fmt.Errorf("read SQL from stdin: %w", err)
		}
		query = string(b)
	}
	if strings.TrimSpace(query) == "" {
		return usagef("the SQL is empty")
	}
	if st, err := os.Stat(*out); err != nil {
		return fmt.Errorf("query %s: %w", *out, err)
	} else if !st.IsDir() {
		return fmt.Errorf("query %s: not a directory", *out)
	}
	db, err := duck.Open(ctx, "", duck.Settings{Threads: st.Threads, MemoryLimit: st.MemoryLimit}, zap.NewNop())
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := defineViews(ctx, db, *out)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("query %s: no published table found (%s); run `refresh run` first", *out, strings.Join(tableNames(), ", "))
	}
	return runQuery(ctx, db, query, *format, c.stdout)
}

// tableNames lists the published tables.
func tableNames() []string {
	var names []string
	for _, t := range outputs.All() {
		names = append(names, t.Name)
	}
	return names
}

// viewStatements returns, for each published table, the statement that defines a view of that
// name over the table's files of every month under out. docs/analyst.sql starts with the same
// statements for out = "out" (a test keeps them equal).
func viewStatements(out string) []string {
	layout := pipeline.NewLayout(out)
	var st []string
	for _, t := range outputs.All() {
		// Every file carries snapshot_month as a column, so the folder name is not read as a
		// partition; union_by_name reads months written before a column was added (NULL there).
		// The folder's own glob characters are escaped; only the month and file parts glob.
		glob := filepath.ToSlash(filepath.Join(duck.EscapeGlob(layout.TableDir(t.Name)), "snapshot_month=*", "*.parquet"))
		st = append(st, strings.TrimSpace(sqlfiles.Render("query_view", map[string]string{"name": t.Name, "glob": sqlfiles.QuoteLiteral(glob)})))
	}
	return st
}

// defineViews creates the view of every table that has at least one published file under out and
// returns how many it created.
func defineViews(ctx context.Context, db *duck.DB, out string) (int, error) {
	layout := pipeline.NewLayout(out)
	n := 0
	for i, t := range outputs.All() {
		files, err := filepath.Glob(filepath.Join(layout.TableDir(t.Name), "snapshot_month=*", "*.parquet"))
		if err != nil {
			return n, fmt.Errorf("query: %w", err)
		}
		if len(files) == 0 {
			continue
		}
		if err := db.Exec(ctx, "query_view", viewStatements(out)[i]); err != nil {
			return n, fmt.Errorf("query: view %s over %s: %w", t.Name, layout.TableDir(t.Name), err)
		}
		n++
	}
	return n, nil
}

// runQuery runs one query and writes its result to w in format (table, csv or json).
func runQuery(ctx context.Context, db *duck.DB, query, format string, w io.Writer) error {
	rows, err := db.Query(ctx, "query", query)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	var out resultWriter
	switch format {
	case "csv":
		out = &csvResult{w: csv.NewWriter(w)}
	case "json":
		out = &jsonResult{w: w}
	default:
		out = &tableResult{w: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0), out: w}
	}
	if err := out.header(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("query: %w", err)
		}
		if err := out.row(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	return out.close()
}

// resultWriter prints a query result in one format.
type resultWriter interface {
	header(cols []string) error
	row(vals []any) error
	close() error
}

// csvResult prints RFC 4180 CSV with a header row; NULL is an empty field.
type csvResult struct{ w *csv.Writer }

func (r *csvResult) header(cols []string) error { return r.w.Write(cols) }
func (r *csvResult) row(vals []any) error {
	rec := make([]string, len(vals))
	for i, v := range vals {
		rec[i] = text(v, "")
	}
	return r.w.Write(rec)
}
func (r *csvResult) close() error { r.w.Flush(); return r.w.Error() }

// tableResult prints aligned columns, NULL as NULL, and the row count.
type tableResult struct {
	w    *tabwriter.Writer
	out  io.Writer
	rows int
}

func (r *tableResult) header(cols []string) error {
	_, err := fmt.Fprintln(r.w, strings.Join(cols, "\t"))
	return err
}
func (r *tableResult) row(vals []any) error {
	r.rows++
	rec := make([]string, len(vals))
	for i, v := range vals {
		// Tabs and newlines would break the alignment.
		rec[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(text(v, "NULL"))
	}
	_, err := fmt.Fprintln(r.w, strings.Join(rec, "\t"))
	return err
}
func (r *tableResult) close() error {
	if err := r.w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(r.out, "(%d rows)\n", r.rows)
	return err
}

// jsonResult prints a JSON array with one object per row, keys in column order; decimals are
// JSON numbers with their exact digits, dates are "YYYY-MM-DD" strings.
type jsonResult struct {
	w    io.Writer
	cols []string
	n    int
}

func (r *jsonResult) header(cols []string) error {
	r.cols = cols
	_, err := io.WriteString(r.w, "[")
	return err
}
func (r *jsonResult) row(vals []any) error {
	var b strings.Builder
	if r.n > 0 {
		b.WriteString(",")
	}
	r.n++
	b.WriteString("\n  {")
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		k, _ := json.Marshal(r.cols[i])
		b.Write(k)
		b.WriteString(": ")
		j, err := jsonValue(v)
		if err != nil {
			return fmt.Errorf("query: column %s: %w", r.cols[i], err)
		}
		b.Write(j)
	}
	b.WriteString("}")
	_, err := io.WriteString(r.w, b.String())
	return err
}
func (r *jsonResult) close() error {
	end := "]\n"
	if r.n > 0 {
		end = "\n]\n"
	}
	_, err := io.WriteString(r.w, end)
	return err
}

// jsonValue encodes one value: decimals as exact numbers, times as text, the rest as encoding/json does.
func jsonValue(v any) ([]byte, error) {
	switch x := v.(type) {
	case duckdb.Decimal:
		return []byte(decimalText(x)), nil
	case time.Time, []byte:
		return json.Marshal(text(v, ""))
	}
	return json.Marshal(v)
}

// text formats one value for table and CSV output; null is what NULL prints as.
func text(v any, null string) string {
	switch x := v.(type) {
	case nil:
		return null
	case string:
		return x
	case []byte:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case duckdb.Decimal:
		return decimalText(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// decimalText prints a decimal with all its scale's digits, as DuckDB does: 88.00, -0.50.
func decimalText(d duckdb.Decimal) string {
	if d.Value == nil {
		return "0"
	}
	digits := new(big.Int).Abs(d.Value).String()
	sign := ""
	if d.Value.Sign() < 0 {
		sign = "-"
	}
	scale := int(d.Scale)
	if scale == 0 {
		return sign + digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}
