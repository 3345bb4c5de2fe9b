package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/pipeline"
)

// runsCommand is `refresh runs`: list the runs recorded in the ledger.
type runsCommand struct{ env }

// Run parses the flags and prints one line per run (its latest ledger record), oldest first.
func (c *runsCommand) Run(ctx context.Context, args []string) error {
	flags := c.newFlagSet("runs")
	c.settingFlags(flags, config.Out)
	month := flags.String("month", "", "only runs of snapshot month `YYYY-MM`")
	asJSON := flags.Bool("json", false, "print the records as a JSON array")
	if err := c.parse(flags, args); err != nil {
		return err
	}
	out := c.settings().Out
	if out == "" {
		return usagef("--out is required")
	}
	if *month != "" {
		if _, err := pipeline.ParseMonth(*month); err != nil {
			return usagef("--month: %v", err)
		}
	}

	if err := checkOutDir(out); err != nil {
		return err
	}
	recs, err := pipeline.OpenLedger(out).Records()
	if err != nil {
		return err
	}
	warnQuarantine(c.stderr, "runs", out)
	runs := ledgerRuns(recs, *month)

	if *asJSON {
		if runs == nil {
			runs = []pipeline.Record{}
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(runs)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STARTED\tRUN_ID\tMONTH\tKIND\tSTATUS\tDURATION\tREASON")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", fmtLedgerTime(r.Started), r.RunID, r.Month, r.Kind, r.Status,
			fmtLedgerDuration(r.DurationSeconds), r.Reason)
	}
	return tw.Flush()
}

// ledgerRuns returns the latest record of each run id, of month (all months when ""), ordered by
// start time and then by first appearance in the ledger, so the newest run is last.
func ledgerRuns(recs []pipeline.Record, month string) []pipeline.Record {
	first := map[string]int{}
	latest := pipeline.LatestByRun(recs)
	var runs []pipeline.Record
	for i, r := range recs {
		if _, seen := first[r.RunID]; seen {
			continue
		}
		first[r.RunID] = i
		if l := latest[r.RunID]; month == "" || l.Month == month {
			runs = append(runs, l)
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].Started.Before(runs[j].Started) })
	return runs
}

// fmtLedgerTime formats a ledger time in UTC to the second, "-" when unset.
func fmtLedgerTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// fmtLedgerDuration formats seconds as a Go duration rounded to the second, "-" when unset.
func fmtLedgerDuration(s float64) string {
	if s <= 0 {
		return "-"
	}
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}

// checkOutDir fails unless out is an existing folder: reading a mistyped --out must not look like
// an output folder where nothing ever ran.
func checkOutDir(out string) error {
	st, err := os.Stat(out)
	if err != nil {
		return fmt.Errorf("output folder %s: %w (check --out)", out, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("output folder %s is not a folder (check --out)", out)
	}
	return nil
}

// warnQuarantine tells the user, on stderr, about damaged bookkeeping under out that readers skip.
func warnQuarantine(w io.Writer, cmd, out string) {
	q, err := pipeline.QuarantineOf(out)
	switch {
	case err != nil:
		fmt.Fprintf(w, "refresh %s: warning: %v\n", cmd, err)
	case !q.Empty():
		fmt.Fprintf(w, "refresh %s: warning: quarantined bookkeeping in %s: %s\n", cmd, out, q)
	}
}
