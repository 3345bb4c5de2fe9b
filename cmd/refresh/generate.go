package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/capscore/capscore/fixtures/synth"
)

// generateCommand is `refresh generate`: write a synthetic input data set (fixtures/synth).
type generateCommand struct{ env }

// Run parses the flags, generates the data set and prints its summary.
func (c *generateCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("generate")
	scale := fs.String("scale", "", "named size `NAME`: "+scaleList())
	partners := fs.Int("partners", 0, "number of partners (instead of --scale)")
	tpp := fs.Float64("tenants-per-partner", 0, "mean customer tenants per partner (0 = the scale's, 10)")
	months := fs.Int("months", synth.DefaultMonths, "months of usage history")
	endMonth := fs.String("end-month", synth.DefaultEndMonth, "last month with usage, YYYY-MM")
	seed := fs.Uint64("seed", 1, "seed; the same seed and flags give byte-identical files")
	out := fs.String("out", "", "output folder `DIR` (one sub-folder per table)")
	threads := fs.Int("threads", 0, "chunks written at once, each on a single-threaded DuckDB connection (0 = number of CPUs)")
	memLimit := fs.String("memory-limit", "3GB", "DuckDB memory limit")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	switch {
	case *scale == "" && *partners == 0:
		return usagef("give --scale (%s) or --partners N", scaleList())
	case *scale != "" && *partners != 0:
		return usagef("give --scale or --partners, not both")
	case *out == "":
		return usagef("--out DIR is required")
	}
	opt := synth.Options{
		Scale: *scale, Partners: *partners, TenantsPerPartner: *tpp, Months: *months, EndMonth: *endMonth,
		Seed: *seed, Out: *out, Threads: *threads, MemoryLimit: *memLimit,
	}
	if err := opt.Validate(); err != nil {
		return usagef("%s", strings.TrimPrefix(err.Error(), synth.ErrBadOptions.Error()+": "))
	}

	log := c.logger()
	defer log.Sync() //nolint:errcheck // best effort on a console stream
	sum, err := synth.Generate(ctx, opt, log)
	if err != nil {
		if errors.Is(err, synth.ErrBadOptions) {
			return usagef("%v", err)
		}
		return err
	}
	c.printSummary(sum, opt.Out)
	return nil
}

func (c *generateCommand) printSummary(s synth.Summary, out string) {
	fmt.Fprintf(c.stdout, "%s: %d partners, %d tenants, months %s..%s\n\n", out, s.Partners, s.Tenants, s.FirstMonth, s.EndMonth)
	w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "table\trows\tfiles\t")
	for _, t := range synth.Tables {
		fmt.Fprintf(w, "%s\t%d\t%d\t\n", t, s.Tables[t], s.Files[t])
	}
	fmt.Fprintf(w, "total\t%d\t\t\n", s.Rows())
	w.Flush()
	fmt.Fprintf(c.stdout, "\n%s (%d bytes) in %s, %.0f rows/s\n", humanBytes(s.Bytes), s.Bytes,
		s.Duration.Round(time.Millisecond), float64(s.Rows())/s.Duration.Seconds())
}

func scaleList() string {
	var parts []string
	for _, n := range synth.ScaleNames() {
		parts = append(parts, fmt.Sprintf("%s (%d partners)", n, synth.Scales[n].Partners))
	}
	return strings.Join(parts, ", ")
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
