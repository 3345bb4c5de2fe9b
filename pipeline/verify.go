package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/capscore/capscore/outputs"
)

// FileCheck is what VerifyParquet expects of one written file.
type FileCheck struct {
	// Table is the declared schema the file must match (names, types, order) and whose first sort
	// column must be ordered across row groups. A zero Table skips both checks.
	Table outputs.Table
	// Rows is the number of rows COPY reported.
	Rows int64
	// Metadata are footer key-value pairs the file must carry with exactly these values.
	Metadata map[string]string
}

// VerifyParquet opens path with arrow-go's Parquet reader (an independent implementation from the
// DuckDB writer that produced it) and checks, from the footer alone: the row count; that every column
// chunk of every row group is ZSTD-compressed; that the columns are the declared ones, in order,
// with the declared types; that the footer key-value metadata holds the wanted values; and that
// the row groups follow each other in the order of the table's first sort column (its min/max
// statistics do not overlap), so that a reader can skip row groups by it. The error names the
// file and what was found and wanted.
func VerifyParquet(path string, want FileCheck) (err error) {
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		return fmt.Errorf("verify parquet %s: open: %w", path, err)
	}
	defer func() {
		if cerr := rdr.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("verify parquet %s: close: %w", path, cerr))
		}
	}()
	if got := rdr.NumRows(); got != want.Rows {
		return fmt.Errorf("verify parquet %s: %d rows found, %d wanted", path, got, want.Rows)
	}
	md := rdr.MetaData()
	for i := 0; i < md.NumRowGroups(); i++ {
		rg := md.RowGroup(i)
		for j := 0; j < rg.NumColumns(); j++ {
			cc, err := rg.ColumnChunk(j)
			if err != nil {
				return fmt.Errorf("verify parquet %s: row group %d column %d: %w", path, i, j, err)
			}
			if codec := cc.Compression(); codec != compress.Codecs.Zstd {
				return fmt.Errorf("verify parquet %s: row group %d column %s compressed with %s, want ZSTD",
					path, i, cc.PathInSchema().String(), codec)
			}
		}
	}
	if err := verifyMetadata(md.KeyValueMetadata(), want.Metadata); err != nil {
		return fmt.Errorf("verify parquet %s: %w", path, err)
	}
	if want.Table.Name == "" {
		return nil
	}
	got, err := ArrowSchema(md.Schema)
	if err != nil {
		return fmt.Errorf("verify parquet %s: read schema: %w", path, err)
	}
	if err := SameColumns(got, want.Table.Schema()); err != nil {
		return fmt.Errorf("verify parquet %s: table %s (schema version %d): %w", path, want.Table.Name, outputs.SchemaVersion, err)
	}
	if err := rowGroupsOrdered(md, want.Table); err != nil {
		return fmt.Errorf("verify parquet %s: %w", path, err)
	}
	return nil
}

// SameColumns reports the first difference between the columns of got and want: a missing or
// extra column, a name or a type. Nullability is not compared: DuckDB writes every column as
// optional, and non-null keys are enforced by the run's null-key check.
func SameColumns(got, want *arrow.Schema) error {
	g, w := got.Fields(), want.Fields()
	for i := 0; i < len(g) || i < len(w); i++ {
		switch {
		case i >= len(g):
			return fmt.Errorf("column %d %q (%s) missing: the file has %d columns, want %d", i+1, w[i].Name, outputs.SQLType(w[i].Type), len(g), len(w))
		case i >= len(w):
			return fmt.Errorf("column %d %q (%s) not declared: the file has %d columns, want %d", i+1, g[i].Name, outputs.SQLType(g[i].Type), len(g), len(w))
		case g[i].Name != w[i].Name:
			return fmt.Errorf("column %d is %q, want %q", i+1, g[i].Name, w[i].Name)
		case !arrow.TypeEqual(g[i].Type, w[i].Type):
			return fmt.Errorf("column %d %q has type %s, want %s", i+1, g[i].Name, outputs.SQLType(g[i].Type), outputs.SQLType(w[i].Type))
		}
	}
	return nil
}

// verifyMetadata checks that kv holds every wanted key with its value.
func verifyMetadata(kv metadata.KeyValueMetadata, want map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(want)) {
		v := kv.FindValue(k)
		switch {
		case v == nil:
			return fmt.Errorf("footer metadata %q missing (keys found: %v)", k, kv.Keys())
		case *v != want[k]:
			return fmt.Errorf("footer metadata %q = %q, want %q", k, *v, want[k])
		}
	}
	return nil
}

// rowGroupsOrdered checks that the min/max statistics of the table's first sort column increase
// from one row group to the next without overlapping, beyond a shared boundary value.
func rowGroupsOrdered(md *metadata.FileMetaData, t outputs.Table) error {
	if len(t.SortBy) == 0 || md.NumRowGroups() < 2 {
		return nil
	}
	col := t.SortBy[0]
	idx := md.Schema.ColumnIndexByName(col)
	if idx < 0 {
		return fmt.Errorf("sort column %q not in the file", col)
	}
	var prevMax []byte
	for i := 0; i < md.NumRowGroups(); i++ {
		cc, err := md.RowGroup(i).ColumnChunk(idx)
		if err != nil {
			return fmt.Errorf("row group %d column %s: %w", i, col, err)
		}
		st, err := cc.Statistics()
		if err != nil {
			return fmt.Errorf("row group %d column %s statistics: %w", i, col, err)
		}
		ba, ok := st.(*metadata.ByteArrayStatistics)
		if !ok || !ba.HasMinMax() {
			return fmt.Errorf("row group %d column %s has no min/max statistics to skip by", i, col)
		}
		if i > 0 && bytes.Compare(ba.Min(), prevMax) < 0 {
			return fmt.Errorf("row group %d starts at %s %q, before the end of row group %d (%q): rows not sorted by %s",
				i, col, ba.Min(), i-1, prevMax, col)
		}
		prevMax = append(prevMax[:0], ba.Max()...)
	}
	return nil
}

// ArrowSchema returns the Arrow schema of a flat Parquet schema, for the column types capscore
// publishes: strings, dates, booleans, doubles, 32- and 64-bit integers and decimals. It is a small
// mapping of its own rather than pqarrow.FromParquet, which would link Arrow Flight and gRPC into
// every binary; a type outside that list is an error naming the column.
func ArrowSchema(sc *schema.Schema) (*arrow.Schema, error) {
	fields := make([]arrow.Field, sc.NumColumns())
	for i := range fields {
		c := sc.Column(i)
		if c.MaxRepetitionLevel() > 0 || len(c.ColumnPath()) != 1 {
			return nil, fmt.Errorf("column %s is nested, not a flat column", c.ColumnPath())
		}
		t, err := arrowType(c)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name(), err)
		}
		fields[i] = arrow.Field{Name: c.Name(), Type: t, Nullable: c.MaxDefinitionLevel() > 0}
	}
	return arrow.NewSchema(fields, nil), nil
}

// arrowType maps one leaf column's physical and logical type to its Arrow type, as pqarrow does.
func arrowType(c *schema.Column) (arrow.DataType, error) {
	lt := c.LogicalType()
	if d, ok := lt.(schema.DecimalLogicalType); ok {
		return &arrow.Decimal128Type{Precision: d.Precision(), Scale: d.Scale()}, nil
	}
	none := lt == nil || lt.IsNone()
	switch c.PhysicalType() {
	case parquet.Types.Boolean:
		if none {
			return arrow.FixedWidthTypes.Boolean, nil
		}
	case parquet.Types.Double:
		if none {
			return arrow.PrimitiveTypes.Float64, nil
		}
	case parquet.Types.ByteArray:
		if _, ok := lt.(schema.StringLogicalType); ok {
			return arrow.BinaryTypes.String, nil
		}
	case parquet.Types.Int32:
		if _, ok := lt.(schema.DateLogicalType); ok {
			return arrow.FixedWidthTypes.Date32, nil
		}
		if it, ok := lt.(schema.IntLogicalType); none || ok && it.IsSigned() && it.BitWidth() == 32 {
			return arrow.PrimitiveTypes.Int32, nil
		}
	case parquet.Types.Int64:
		if it, ok := lt.(schema.IntLogicalType); none || ok && it.IsSigned() && it.BitWidth() == 64 {
			return arrow.PrimitiveTypes.Int64, nil
		}
	}
	return nil, fmt.Errorf("physical type %s with logical type %s is not a published column type", c.PhysicalType(), lt)
}
