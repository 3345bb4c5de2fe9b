package pipeline

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// VerifyParquet opens path with arrow-go's Parquet reader (an independent implementation from the
// DuckDB writer that produced it) and checks that the file holds wantRows rows and that every column
// chunk of every row group is ZSTD-compressed. The error names the file and the rows found and
// wanted, or the row group, column and codec found.
func VerifyParquet(path string, wantRows int64) (err error) {
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		return fmt.Errorf("verify parquet %s: open: %w", path, err)
	}
	defer func() {
		if cerr := rdr.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("verify parquet %s: close: %w", path, cerr))
		}
	}()
	if got := rdr.NumRows(); got != wantRows {
		return fmt.Errorf("verify parquet %s: %d rows found, %d wanted", path, got, wantRows)
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
	return nil
}
