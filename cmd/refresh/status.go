package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/pipeline"
)

// statusCommand is `refresh status`: show what each published month was made by.
type statusCommand struct{ env }

// monthStatus is one published month as `refresh status` shows it.
type monthStatus struct {
	Month          string    `json:"month"`
	RunID          string    `json:"run_id"`
	AsOf           string    `json:"as_of"`
	RubricID       string    `json:"rubric_id"`
	PublishedAt    time.Time `json:"published_at,omitzero"`
	AreaScoresRows *int64    `json:"area_scores_rows"`
	Note           string    `json:"note,omitempty"`
}

// Run parses the flags and prints one line per month of --out, from its manifest
// (OUT/_manifests/snapshot_month=YYYY-MM.json), the table trees, any interrupted publication and the
// ledger. It never changes OUT.
func (c *statusCommand) Run(ctx context.Context, args []string) error {
	flags := c.newFlagSet("status")
	c.settingFlags(flags, config.Out)
	asJSON := flags.Bool("json", false, "print the months as a JSON array")
	if err := c.parse(flags, args); err != nil {
		return err
	}
	out := c.settings().Out
	if out == "" {
		return usagef("--out is required")
	}
	if st, err := os.Stat(out); err != nil {
		return fmt.Errorf("status %s: %w", out, err)
	} else if !st.IsDir() {
		return usagef("--out %s is not a directory", out)
	}

	recs, err := pipeline.OpenLedger(out).Records()
	if err != nil {
		fmt.Fprintf(c.stderr, "refresh status: warning: %v; showing manifests only\n", err)
	}
	warnQuarantine(c.stderr, "status", out)
	months, err := snapshotStatus(out, pipeline.PublishedByMonth(recs))
	if err != nil {
		return err
	}

	if *asJSON {
		if months == nil {
			months = []monthStatus{}
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(months)
	}
	if len(months) == 0 {
		fmt.Fprintf(c.stdout, "no published months in %s\n", out)
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MONTH\tRUN_ID\tAS_OF\tRUBRIC_ID\tPUBLISHED_AT\tAREA_SCORES_ROWS\tNOTE")
	for _, m := range months {
		rows := "-"
		if m.AreaScoresRows != nil {
			rows = strconv.FormatInt(*m.AreaScoresRows, 10)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Month, orDash(m.RunID), orDash(m.AsOf), orDash(m.RubricID),
			fmtLedgerTime(m.PublishedAt), rows, m.Note)
	}
	return tw.Flush()
}

// snapshotStatus describes every month of out, oldest first: the published months (those with a
// manifest), months that have table folders but no manifest, months a crashed run left
// half-published (a journal in OUT/_staging; the next run rolls it forward), and months the ledger
// says were published but whose manifest is gone. It only reads.
func snapshotStatus(out string, published map[string]pipeline.Record) ([]monthStatus, error) {
	layout := pipeline.NewLayout(out)
	if err := layout.CheckCurrent(); err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	pubMonths, err := layout.PublishedMonths()
	if err != nil {
		return nil, fmt.Errorf("status %s: %w", out, err)
	}
	byMonth := map[string]*monthStatus{}
	get := func(month string) *monthStatus {
		if ms, ok := byMonth[month]; ok {
			return ms
		}
		ms := &monthStatus{Month: month}
		byMonth[month] = ms
		return ms
	}
	for _, pm := range pubMonths {
		ms := get(pm.String())
		led, inLedger := published[ms.Month]
		m, err := layout.ReadManifest(pm)
		if err != nil {
			ms.Note = "unreadable manifest: " + err.Error()
		} else {
			ms.RunID, ms.AsOf, ms.RubricID, ms.PublishedAt = m.RunID, m.AsOf, m.RubricID, m.Finished
			if o, ok := m.Output(pipeline.TableAreaScores); ok {
				rows := o.Rows
				ms.AreaScoresRows = &rows
			}
			for _, w := range m.Warnings {
				if strings.HasPrefix(w, pipeline.WarnDamagedMonth) {
					ms.Note = joinNote(ms.Note, w)
				}
			}
		}
		switch {
		case inLedger && (ms.RunID == "" || led.RunID == ms.RunID):
			if ms.RunID == "" {
				ms.RunID, ms.AsOf = led.RunID, led.AsOf
			}
			if !led.Finished.IsZero() {
				ms.PublishedAt = led.Finished
			}
		case inLedger:
			ms.Note = joinNote(ms.Note, fmt.Sprintf("ledger says run %s published it last", led.RunID))
		case ms.RunID != "":
			ms.Note = joinNote(ms.Note, "not in ledger")
		}
	}
	// Half-published months: a journal says which run was publishing them.
	pending, err := layout.PendingPublications()
	if err != nil {
		return nil, fmt.Errorf("status %s: %w", out, err)
	}
	half := map[string]bool{}
	for _, p := range pending {
		rel, _ := filepath.Rel(out, p.Dir)
		if p.Err != nil {
			ms := get("?")
			ms.Note = joinNote(ms.Note, fmt.Sprintf("unreadable publication journal in %s: %v", rel, p.Err))
			continue
		}
		half[p.Journal.Month] = true
		ms := get(p.Journal.Month)
		ms.Note = joinNote(ms.Note, fmt.Sprintf("half-published by run %s (journal in %s); the next run rolls it forward", p.Journal.RunID, rel))
	}
	// Table folders of a month without a manifest (and no journal explains them).
	tables, err := layout.Tables()
	if err != nil {
		return nil, fmt.Errorf("status %s: %w", out, err)
	}
	orphans := map[string][]string{}
	for _, t := range tables {
		months, err := layout.TableMonths(t)
		if err != nil {
			return nil, fmt.Errorf("status %s: %w", out, err)
		}
		for _, m := range months {
			if !slices.Contains(pubMonths, m) && !half[m.String()] {
				orphans[m.String()] = append(orphans[m.String()], t)
			}
		}
	}
	for month, ts := range orphans {
		ms := get(month)
		ms.Note = joinNote(ms.Note, "no manifest; table folders "+strings.Join(ts, ", "))
	}
	for month, led := range published {
		if _, ok := byMonth[month]; !ok {
			byMonth[month] = &monthStatus{Month: month, RunID: led.RunID, AsOf: led.AsOf,
				PublishedAt: led.Finished, Note: "published in ledger, manifest missing"}
		}
	}
	var months []monthStatus
	for _, ms := range byMonth {
		months = append(months, *ms)
	}
	sort.Slice(months, func(i, j int) bool { return months[i].Month < months[j].Month })
	return months, nil
}

// joinNote appends b to note a.
func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// orDash shows an empty value as "-".
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
