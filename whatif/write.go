package whatif

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/capscore/capscore/pipeline"
)

// WriteInput copies the input folder src to dst, which must not exist yet (its parent folders are
// created), and adds the rows of t as FileName in each table folder that receives rows, with the
// table's header. Files are copied byte for byte (links are followed, so dst holds plain files and
// folders); a table folder that src lacks is created. It fails on a table it has no header for, a
// row of the wrong length, a dst inside src (also a new one), a file that is neither a regular
// file nor a folder, and when src already holds a FileName where rows go.
func WriteInput(src, dst string, t Tables) error {
	for table, rows := range t {
		h := header[table]
		if h == nil {
			return fmt.Errorf("whatif: no input table %q", table)
		}
		for i, r := range rows {
			if len(r) != len(h) {
				return fmt.Errorf("whatif: %s row %d has %d values, want %d", table, i+1, len(r), len(h))
			}
		}
		if len(rows) > 0 {
			if _, err := os.Lstat(filepath.Join(src, table, FileName)); err == nil {
				return fmt.Errorf("whatif: %s holds %s already", filepath.Join(src, table), FileName)
			}
		}
	}
	if err := copyInput(src, dst); err != nil {
		return fmt.Errorf("whatif: copy %s to %s: %w", src, dst, err)
	}
	if err := writeTables(dst, t); err != nil {
		return fmt.Errorf("whatif: %w", err)
	}
	return nil
}

// writeTables writes each table with rows as whatif.csv in its folder under dst, tables by name.
func writeTables(dst string, t Tables) error {
	tables := make([]string, 0, len(t))
	for table, rows := range t {
		if len(rows) > 0 {
			tables = append(tables, table)
		}
	}
	sort.Strings(tables)
	for _, table := range tables {
		if err := writeCSV(filepath.Join(dst, table), table, t[table]); err != nil {
			return err
		}
	}
	return nil
}

// copyInput copies the folder src to the new folder dst.
func copyInput(src, dst string) error {
	real, err := filepath.EvalSymlinks(src)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(real); err != nil {
		return err
	} else if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", src)
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s exists already", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	realDst, err := pipeline.ResolvePath(dst)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(real, realDst); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s is inside %s", dst, src)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return copyDir(real, dst, map[string]bool{})
}

// copyDir copies the folder src (a real path) into the new folder dst; open holds the real paths
// of the folders being copied, so that a link back to one of them is an error, not a loop.
func copyDir(src, dst string, open map[string]bool) error {
	if open[src] {
		return fmt.Errorf("%s links back to a folder that contains it", src)
	}
	open[src] = true
	defer delete(open, src)
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	if err := os.Mkdir(dst, fi.Mode().Perm()|0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		real, err := filepath.EvalSymlinks(from)
		if err != nil {
			return err
		}
		fi, err := os.Stat(real)
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			if err := copyDir(real, to, open); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			if err := copyFile(real, to, fi.Mode().Perm()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s is not a regular file (%s)", from, fi.Mode().Type())
		}
	}
	return nil
}

// copyFile copies the regular file src to the new file dst.
func copyFile(src, dst string, perm fs.FileMode) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}

// writeCSV writes rows of table with its header as FileName in dir (created if missing).
func writeCSV(dir, table string, rows [][]string) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("%s rows: %w", table, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("%s rows: %w", table, cerr)
		}
	}()
	w := csv.NewWriter(f)
	if err := w.Write(header[table]); err != nil {
		return fmt.Errorf("%s rows: %w", table, err)
	}
	if err := w.WriteAll(rows); err != nil {
		return fmt.Errorf("%s rows: %w", table, err)
	}
	return nil
}
