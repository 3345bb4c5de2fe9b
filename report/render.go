package report

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/capscore/capscore/pipeline"
)

//go:embed templates
var templateFS embed.FS

var (
	css   = mustRead("templates/style.css")
	funcs = template.FuncMap{
		"utc": func(t time.Time) string {
			if t.IsZero() {
				return "unknown"
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"num":   formatNumber,
		"sub":   func(a, b float64) float64 { return a - b },
		"track": trackLabel,
		"dur": func(a, b time.Time) string {
			if a.IsZero() || b.IsZero() {
				return "unknown"
			}
			return b.Sub(a).Round(100 * time.Millisecond).String()
		},
		"head":      func(title string, css template.CSS) map[string]any { return map[string]any{"Title": title, "CSS": css} },
		"trendArgs": func(id string, t AreaTrend) map[string]any { return map[string]any{"ID": id, "T": t} },
		"movers": func(m Movers) map[string]Capped[MoverRow] {
			return map[string]Capped[MoverRow]{"gained": m.Gained, "lost": m.Lost}
		},
	}
	monthTmpl = template.Must(template.New("month.html").Funcs(funcs).ParseFS(templateFS, "templates/month.html", "templates/charts.html", "templates/head.html"))
	indexTmpl = template.Must(template.New("index.html").Funcs(funcs).ParseFS(templateFS, "templates/index.html", "templates/head.html"))
)

func mustRead(name string) template.CSS {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return template.CSS(b) // the project's own stylesheet, embedded at build time
}

// formatNumber writes points without trailing zeros: 68, 67.5, 61.25.
func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Render writes the month's page as one self-contained HTML document.
func Render(w io.Writer, p *Page) error {
	return monthTmpl.Execute(w, map[string]any{"Page": p, "CSS": css})
}

// IndexEntry is one published month on the index page.
type IndexEntry struct {
	Month, AsOf, RunID string
	Published          time.Time
	// Report is the month's report file name relative to the index, "" when it was not written.
	Report string
}

// RenderIndex writes the index page, months newest first.
func RenderIndex(w io.Writer, generated time.Time, months []IndexEntry) error {
	return indexTmpl.Execute(w, map[string]any{"Generated": generated.UTC(), "Months": months, "CSS": css})
}

// FileName is the report file of month m inside OUT/_reports.
func FileName(m pipeline.Month) string { return m.String() + ".html" }

// Dir is the folder under out that holds the reports (outside every table tree).
func Dir(out string) string { return pipeline.NewLayout(out).ReportsDir() }

// Write loads the month's page and writes it to to; an empty to writes OUT/_reports/YYYY-MM.html
// and rewrites OUT/_reports/index.html. It returns the file written.
func Write(ctx context.Context, opts Options, to string) (string, error) {
	opts = opts.withDefaults()
	p, err := Load(ctx, opts)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := Render(&buf, p); err != nil {
		return "", fmt.Errorf("report %s: %w", p.Month, err)
	}
	if to == "" {
		m, _ := pipeline.ParseMonth(p.Month)
		to = filepath.Join(Dir(opts.Out), FileName(m))
	}
	if err := writeAtomic(to, buf.Bytes()); err != nil {
		return "", fmt.Errorf("report %s: %w", p.Month, err)
	}
	if filepath.Clean(filepath.Dir(to)) == filepath.Clean(Dir(opts.Out)) {
		if err := WriteIndex(opts.Out, opts.Now()); err != nil {
			return to, err
		}
	}
	return to, nil
}

// WriteIndex rewrites OUT/_reports/index.html from the published months' manifests.
func WriteIndex(out string, now time.Time) error {
	l := pipeline.NewLayout(out)
	months, err := l.PublishedMonths()
	if err != nil {
		return fmt.Errorf("report index %s: %w", out, err)
	}
	var entries []IndexEntry
	for i := len(months) - 1; i >= 0; i-- {
		m := months[i]
		e := IndexEntry{Month: m.String()}
		if man, _, err := readManifest(l.ManifestPath(m)); err == nil {
			e.AsOf, e.RunID = man.AsOf, man.RunID
			e.Published = freshness(out, man, m).Published
		}
		if _, err := os.Stat(filepath.Join(l.ReportsDir(), FileName(m))); err == nil {
			e.Report = FileName(m)
		}
		entries = append(entries, e)
	}
	var buf bytes.Buffer
	if err := RenderIndex(&buf, now, entries); err != nil {
		return fmt.Errorf("report index: %w", err)
	}
	if err := writeAtomic(filepath.Join(l.ReportsDir(), "index.html"), buf.Bytes()); err != nil {
		return fmt.Errorf("report index: %w", err)
	}
	return nil
}

// writeAtomic writes b to a temporary file beside path and renames it into place, so a browser or
// a copy job never sees half a page.
func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
