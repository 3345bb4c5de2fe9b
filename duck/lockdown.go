package duck

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/capscore/capscore/sql"
)

// Lockdown confines the database to the run's folders once the run knows them: DuckDB may then
// read and write only under roots (the input folder, OUT, the spill folder), external access is
// off (no other file, no network, no extension downloads) and the configuration is locked, so no
// later statement can undo it. Any SET after Lockdown fails; settings belong in Open.
//
// DuckDB checks a path after resolving its links, so the real folder of each root is allowed too,
// and so are the targets of links up to two levels below a root (a table folder that is a link,
// and a file that links to a regular file elsewhere: that one file, not its folder).
func (d *DB) Lockdown(ctx context.Context, roots ...string) error {
	dirs, files := lockdownPaths(roots)
	var list []string
	for _, p := range dirs {
		list = append(list, sqlfiles.QuoteLiteral(p))
	}
	var fl []string
	for _, p := range files {
		fl = append(fl, sqlfiles.QuoteLiteral(p))
	}
	stmts := []string{"SET allowed_directories = [" + strings.Join(list, ", ") + "]"}
	if len(fl) > 0 {
		stmts = append(stmts, "SET allowed_paths = ["+strings.Join(fl, ", ")+"]")
	}
	stmts = append(stmts, "SET enable_external_access = false", "SET lock_configuration = true")
	for _, q := range stmts {
		if err := d.Exec(ctx, "duckdb lockdown", q); err != nil {
			return err
		}
	}
	d.log.Debug("duckdb locked down")
	return nil
}

// lockdownPaths returns the folders (with a trailing separator, so that /in does not allow /in2)
// and the single files a lockdown to roots allows.
func lockdownPaths(roots []string) (dirs, files []string) {
	seen := map[string]bool{}
	addDir := func(p string) {
		p = filepath.Clean(p) + string(filepath.Separator)
		if p == string(filepath.Separator)+string(filepath.Separator) {
			p = string(filepath.Separator)
		}
		// DuckDB checks a glob-escaped path (QuotePath) as written, before expanding it.
		for _, v := range []string{p, globEscaper.Replace(p)} {
			if !seen[v] {
				seen[v] = true
				dirs = append(dirs, v)
			}
		}
	}
	for _, r := range roots {
		if r == "" {
			continue
		}
		abs, err := filepath.Abs(r)
		if err != nil {
			continue
		}
		addDir(abs)
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			addDir(real)
		}
		// Links below the root, two levels deep: <root>/<table> and <root>/<table>/<file>.
		var walk func(dir string, depth int)
		walk = func(dir string, depth int) {
			entries, err := os.ReadDir(dir)
			if err != nil {
				return
			}
			for _, e := range entries {
				p := filepath.Join(dir, e.Name())
				if e.Type()&os.ModeSymlink != 0 {
					real, err := filepath.EvalSymlinks(p)
					if err != nil {
						continue
					}
					st, err := os.Stat(real)
					switch {
					case err != nil:
					case st.IsDir():
						addDir(real)
					case st.Mode().IsRegular() && !seen[real]:
						seen[real] = true
						files = append(files, real, globEscaper.Replace(real))
					}
				}
				if depth < 2 && (e.IsDir() || e.Type()&os.ModeSymlink != 0) {
					walk(p, depth+1)
				}
			}
		}
		walk(abs, 1)
	}
	return dirs, files
}
