package outputs

import (
	"fmt"
	"strings"
)

// Markdown renders docs/outputs.md from the declarations of this package: the conventions every
// table shares, the footer metadata, and per table its rows, key, order and columns.
func Markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("<!-- Generated from outputs/outputs.go by `go test ./outputs -run TestDocsOutputs -update`; edit the declarations, not this file. -->\n\n")
	w("# Published tables\n\n")
	w("Schema version **%d**. Every table below is published per snapshot month as one Parquet file:\n\n", SchemaVersion)
	w("```\nOUT/<table>/snapshot_month=YYYY-MM/part-0.parquet\n```\n\n")
	w("so any reader can point at one table's folder, for example in DuckDB\n")
	w("`SELECT * FROM read_parquet('OUT/area_scores/*/*.parquet', hive_partitioning = true)`\n")
	w("(`refresh query` and `docs/analyst.sql` define a view per table this way). A month's manifest\n")
	w("`OUT/_manifests/snapshot_month=YYYY-MM.json` is written after its tables and names the run that\n")
	w("published them; every row carries that `run_id`. How a month is published, recovered after a crash\n")
	w("and migrated from the old layout is in [layout.md](layout.md).\n\n")

	w("## Conventions\n\n")
	w("- **Types.** The types are DuckDB's; the Arrow type a Parquet reader such as pyarrow sees is in\n")
	w("  brackets. Points (metric points, category points, totals, `max_points`) are `DECIMAL(5,2)`: each\n")
	w("  metric's points are rounded to 2 decimals once, and every sum of points is exact in every reader,\n")
	w("  so `performance_points + skilling_points + customer_success_points = total_points` holds with `=`.\n")
	w("  Measures (`value`, `threshold`) are `DOUBLE`.\n")
	w("- **Provenance.** Every table carries `snapshot_month`, `as_of`, `rubric_id` and `run_id`, so rows\n")
	w("  read from several tables or months can be checked to come from one run.\n")
	w("- **NULLs.** A column is never NULL unless its row below says when. Keys are never NULL: the run\n")
	w("  checks it before publishing (Parquet marks every column optional, as DuckDB writes them).\n")
	w("- **Order and row groups.** Each file is sorted by the columns its table lists under *order*, a\n")
	w("  total order, and written in row groups of at most the listed size, so a reader filtering on\n")
	w("  `partner_id` skips the row groups whose min/max statistics exclude it. The run verifies both.\n")
	w("- **Compression.** zstd.\n")
	w("- **Changes.** Columns are only ever added, with one exception: schema version 5 replaced\n")
	w("  `recommendations.message` by `action` (months published before keep `message`). The column's\n")
	w("  *since* says in which schema version it was added.\n")
	w("  Each run verifies every written file against these declarations (names, types, order) with a\n")
	w("  second Parquet reader before it publishes anything.\n\n")

	w("## Footer metadata\n\n")
	w("Every file carries these Parquet key-value metadata entries (in DuckDB:\n")
	w("`SELECT decode(key), decode(value) FROM parquet_kv_metadata('file.parquet')`):\n\n")
	w("| key | value |\n|---|---|\n")
	meanings := map[string]string{
		KeyTable:         "the table's name",
		KeySnapshotMonth: "the snapshot month, `YYYY-MM`",
		KeyAsOf:          "the as-of date, `YYYY-MM-DD`",
		KeyRunID:         "the run that wrote the file",
		KeyRubricID:      "the rubric's id",
		KeyRubricSHA256:  "the SHA-256 of the rubric file, hex",
		KeySchemaVersion: "the schema version of this document",
		KeyCodeVersion:   "the version of the program that wrote the file (module version and VCS revision when known)",
	}
	for _, k := range MetadataKeys {
		w("| `%s` | %s |\n", k, meanings[k])
	}
	w("\n")

	for _, t := range All() {
		w("## %s\n\n", t.Name)
		w("One row per %s.\n\n", t.RowPer)
		w("- key: %s\n", codeList(t.Key))
		w("- order: %s", codeList(t.SortBy))
		if t.SortNote != "" {
			w("; %s", t.SortNote)
		}
		w("\n- row groups: at most %d rows\n", t.RowGroupSize)
		if t.PublishedWhen != "" {
			w("- %s\n", t.PublishedWhen)
		}
		w("\n")
		w("| # | column | type | since | meaning | NULL when |\n|---|---|---|---|---|---|\n")
		for i, c := range t.Columns {
			null := c.Null
			if null == "" {
				null = "never"
			}
			w("| %d | `%s` | %s [%s] | %d | %s | %s |\n", i+1, c.Name, SQLType(c.Type), c.Type, c.Since, c.Meaning, null)
		}
		w("\n")
		for _, n := range t.Notes {
			w("%s\n\n", n)
		}
	}
	return b.String()
}

func codeList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = "`" + c + "`"
	}
	return strings.Join(q, ", ")
}
