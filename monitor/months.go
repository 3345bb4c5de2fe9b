package monitor

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/capscore/capscore/pipeline"
)

// MonthStatus is one month of OUT as `refresh status` shows it.
type MonthStatus struct {
	Month          string    `json:"month"`
	RunID          string    `json:"run_id"`
	AsOf           string    `json:"as_of"`
	RubricID       string    `json:"rubric_id"`
	PublishedAt    time.Time `json:"published_at,omitzero"`
	AreaScoresRows *int64    `json:"area_scores_rows"`
	Note           string    `json:"note,omitempty"`
}

// months describes every month of out, oldest first: the published months (those with a
// manifest), months that have table folders but no manifest, months a run is publishing or a
// crashed run left half-published (a journal in OUT/_staging; the next run rolls it forward), and
// months the ledger says were published but whose manifest is gone. live says a live run holds
// OUT: its staging folders are work in progress, not leftovers. It returns what needs attention.
func months(out string, published map[string]pipeline.Record, live bool) ([]MonthStatus, []Finding, error) {
	layout := pipeline.NewLayout(out)
	pubMonths, err := layout.PublishedMonths()
	if err != nil {
		return nil, nil, fmt.Errorf("status %s: %w", out, err)
	}
	var found []Finding
	byMonth := map[string]*MonthStatus{}
	get := func(month string) *MonthStatus {
		if ms, ok := byMonth[month]; ok {
			return ms
		}
		ms := &MonthStatus{Month: month}
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
	// Months being published, or half-published: a journal says which run was publishing them.
	pending, err := layout.PendingPublications()
	if err != nil {
		return nil, nil, fmt.Errorf("status %s: %w", out, err)
	}
	half := map[string]bool{}
	journaled := map[string]bool{}
	for _, p := range pending {
		rel, _ := filepath.Rel(out, p.Dir)
		journaled[p.Dir] = true
		if p.Err != nil {
			ms := get("?")
			ms.Note = joinNote(ms.Note, fmt.Sprintf("unreadable publication journal in %s: %v", rel, p.Err))
			found = append(found, Finding{Kind: KindInterrupted, Message: fmt.Sprintf("unreadable publication journal in %s: %v", rel, p.Err)})
			continue
		}
		half[p.Journal.Month] = true
		ms := get(p.Journal.Month)
		if live {
			ms.Note = joinNote(ms.Note, fmt.Sprintf("being published by run %s (journal in %s)", p.Journal.RunID, rel))
			continue
		}
		note := fmt.Sprintf("half-published by run %s (journal in %s); the next run rolls it forward", p.Journal.RunID, rel)
		ms.Note = joinNote(ms.Note, note)
		found = append(found, Finding{Kind: KindInterrupted, Month: p.Journal.Month, RunID: p.Journal.RunID, Message: note})
	}
	// Build areas without a journal: a run building, or one that died building.
	entries, err := os.ReadDir(layout.StagingRoot())
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, fmt.Errorf("status %s: %w", out, err)
	}
	for _, e := range entries {
		dir := filepath.Join(layout.StagingRoot(), e.Name())
		if live || journaled[dir] {
			continue
		}
		rel, _ := filepath.Rel(out, dir)
		found = append(found, Finding{Kind: KindInterrupted, RunID: e.Name(),
			Message: fmt.Sprintf("leftover build area %s of a run that died building; the next run removes it", rel)})
	}
	// Table folders of a month without a manifest (and no journal explains them).
	tables, err := layout.Tables()
	if err != nil {
		return nil, nil, fmt.Errorf("status %s: %w", out, err)
	}
	orphans := map[string][]string{}
	for _, t := range tables {
		months, err := layout.TableMonths(t)
		if err != nil {
			return nil, nil, fmt.Errorf("status %s: %w", out, err)
		}
		for _, m := range months {
			if !slices.Contains(pubMonths, m) && !half[m.String()] {
				orphans[m.String()] = append(orphans[m.String()], t)
			}
		}
	}
	for month, ts := range orphans {
		ms := get(month)
		note := "no manifest; table folders " + strings.Join(ts, ", ")
		ms.Note = joinNote(ms.Note, note)
		found = append(found, Finding{Kind: KindInterrupted, Month: month, Message: month + ": " + note})
	}
	for month, led := range published {
		if _, ok := byMonth[month]; !ok {
			byMonth[month] = &MonthStatus{Month: month, RunID: led.RunID, AsOf: led.AsOf,
				PublishedAt: led.Finished, Note: "published in ledger, manifest missing"}
			found = append(found, Finding{Kind: KindInterrupted, Month: month, RunID: led.RunID,
				Message: fmt.Sprintf("%s: published by run %s in the ledger, but its manifest is missing", month, led.RunID)})
		}
	}
	var list []MonthStatus
	for _, ms := range byMonth {
		list = append(list, *ms)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Month < list[j].Month })
	return list, found, nil
}

// joinNote appends b to note a.
func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
