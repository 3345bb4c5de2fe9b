package stages

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/capscore/capscore/duck"
	"github.com/capscore/capscore/pipeline"
)

// dataFile is one file of an input table that ingest reads: its path, and its size and mtime when
// it was hashed, to notice a file that changes before its last read.
type dataFile struct {
	path    string
	parquet bool
	info    pipeline.InputFile
	mtime   time.Time
}

// dataSuffix reports whether a file name has one of the extensions ingest reads.
func dataSuffix(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, ".csv.gz") || strings.HasSuffix(n, ".parquet")
}

// ListDataFiles returns the CSV (plain or .gz) and Parquet files of a table folder, sorted by name, and
// every other entry, which ingest ignores: sub-folders, names starting with "." or "_" and other
// extensions (sub-folders are marked with a trailing "/").
func ListDataFiles(dir string) (files, ignored []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		n := e.Name()
		switch {
		case e.IsDir():
			ignored = append(ignored, n+"/")
		case strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || !dataSuffix(n):
			ignored = append(ignored, n)
		default:
			files = append(files, filepath.Join(dir, n))
		}
	}
	sort.Strings(files)
	sort.Strings(ignored)
	return files, ignored, nil
}

// fileKind names what a non-regular file is, for messages.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// openData checks that path is (or links to) a regular file and then hashes it under ctx, so that
// SIGTERM stops the pass: FIFOs, devices and links to them are refused before any read. A .gz file
// is decompressed to its end in the same pass, which checks its length and CRC: a truncated or
// corrupt file fails here, before DuckDB reads any of it. Without hash (a what-if run, which records
// no input) a plain file is not read here at all and its SHA256 is left empty; a .gz file is still
// checked to its end.
func openData(ctx context.Context, path string, hash bool) (dataFile, error) {
	df := dataFile{path: path, parquet: strings.HasSuffix(strings.ToLower(path), ".parquet")}
	if err := duck.CheckPath(path); err != nil {
		return df, fmt.Errorf("%w: %v", pipeline.ErrBadInput, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return df, fmt.Errorf("%w: file %s cannot be read: %v", pipeline.ErrBadInput, path, err)
	}
	if !st.Mode().IsRegular() {
		what := fileKind(st.Mode())
		if lst, lerr := os.Lstat(path); lerr == nil && lst.Mode()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
			what = "a link to " + target + ", which is " + what
		}
		return df, fmt.Errorf("%w: file %s is %s; only regular files are read (replace it with the file itself, or move it out of the folder)",
			pipeline.ErrBadInput, path, what)
	}
	f, err := openNoBlock(path)
	if err != nil {
		return df, fmt.Errorf("%w: file %s cannot be read: %v", pipeline.ErrBadInput, path, err)
	}
	defer f.Close()
	fst, err := f.Stat()
	if err != nil || !fst.Mode().IsRegular() || !os.SameFile(st, fst) {
		return df, fmt.Errorf("%w: file %s was replaced while it was being opened; run again once the folder is complete", pipeline.ErrBadInput, path)
	}
	h := sha256.New()
	src := &ctxReader{ctx: ctx, r: f}
	gz := strings.HasSuffix(strings.ToLower(path), ".gz")
	switch {
	case gz:
		err = checkGzip(src, h)
	case hash:
		_, err = io.Copy(h, src)
	}
	if err != nil {
		if ctx.Err() != nil {
			return df, ctx.Err()
		}
		var be badInputError
		if errors.As(err, &be) {
			return df, fmt.Errorf("%w: file %s %s", pipeline.ErrBadInput, path, be.msg)
		}
		return df, fmt.Errorf("file %s: %w", path, err)
	}
	end, err := f.Stat()
	if err != nil {
		return df, fmt.Errorf("file %s: %w", path, err)
	}
	if end.Size() != fst.Size() || !end.ModTime().Equal(fst.ModTime()) {
		return df, changedError(path)
	}
	df.mtime = fst.ModTime()
	df.info = pipeline.InputFile{Path: path, Bytes: fst.Size()}
	if hash || gz {
		df.info.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	return df, nil
}

// badInputError is a defect of a file's content found while hashing it.
type badInputError struct{ msg string }

func (e badInputError) Error() string { return e.msg }

// checkGzip hashes the compressed bytes of src into h and decompresses them to the end: Go's gzip
// reader checks each member's CRC-32 and length.
func checkGzip(src io.Reader, h hash.Hash) error {
	tee := io.TeeReader(src, h)
	zr, err := gzip.NewReader(tee)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, gzip.ErrHeader) {
			return badInputError{"is not a gzip file (its name ends in .gz); compress it with gzip or drop the .gz suffix"}
		}
		if errors.Is(err, io.ErrUnexpectedEOF) { // fewer bytes than a gzip header holds
			return badInputError{"ends inside the 10-byte gzip header: it is a truncated gzip file or not one; copy the complete file again, or drop the .gz suffix if it is not compressed"}
		}
		return err
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		var corrupt flate.CorruptInputError // a damaged deflate stream inside a valid header
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.As(err, &corrupt) {
			return badInputError{fmt.Sprintf("is a truncated or corrupt gzip file (%v); nothing of it was read: copy the complete file again (gzip -t checks it)", err)}
		}
		return err
	}
	// Bytes after the last member that the reader did not consume still belong to the file's hash.
	_, err = io.Copy(h, src)
	return err
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > 1<<20 {
		p = p[:1<<20]
	}
	return c.r.Read(p)
}

func changedError(path string) error {
	return fmt.Errorf("%w: file %s changed while the run was reading it (size or modification time); nothing was published: run again once the file is complete",
		pipeline.ErrBadInput, path)
}

// unchanged fails with ErrBadInput when a file read by ingest changed size or mtime since it was
// hashed; it runs once the files' last read is done.
func unchanged(files []dataFile) error {
	for _, f := range files {
		st, err := os.Stat(f.path)
		if err != nil || st.Size() != f.info.Bytes || !st.ModTime().Equal(f.mtime) {
			return changedError(f.path)
		}
	}
	return nil
}
