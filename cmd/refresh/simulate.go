package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/pipeline"
	"github.com/capscore/capscore/rubric"
	"github.com/capscore/capscore/stages"
	"github.com/capscore/capscore/whatif"
)

// simulateCommand is `refresh simulate`: the what-if of one partner, never published.
type simulateCommand struct{ env }

// simulateSettings are the run settings simulate reads: what ingest, readiness and the scoring
// depend on. The lock, drift and metrics settings do not apply to a run that publishes nothing.
var simulateSettings = []string{config.Input, config.Out, config.Rubric, config.MemoryLimit, config.Threads, config.TempDir,
	config.MaxRejectRate, config.OptionalTables, config.SkipReadiness}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, " ") }

// Set adds one value.
func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// simFlags are simulate's own flags.
type simFlags struct {
	month, partner, asOf                                    string
	addCert, removeCert, addCustomers, growUsage, applyPath listFlag
	acr, segment, service, tenant                           string
}

// any reports whether a change flag is given.
func (f *simFlags) any() bool {
	return len(f.addCert)+len(f.removeCert)+len(f.addCustomers)+len(f.growUsage)+len(f.applyPath) > 0
}

// Run parses the flags, reads the published month, runs the month on the partner's slice plus the
// hypothetical rows, and prints before and after.
func (c *simulateCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("simulate")
	c.settingFlags(fs, simulateSettings...)
	f := &simFlags{}
	fs.StringVar(&f.month, "month", "", "snapshot month S, `YYYY-MM`, published in OUT (required)")
	fs.StringVar(&f.partner, "partner", "", "the partner id `P`, as in the partners input (required)")
	fs.StringVar(&f.asOf, "as-of", "", "day skilling is counted on, `YYYY-MM-DD` (default: the published month's)")
	fs.Var(&f.addCert, "add-certification", "that many more people certified on the as-of date, `CODE=N` (repeatable)")
	fs.Var(&f.removeCert, "remove-certification", "leave out a person's certification, every row of it, `PERSON:CODE` (repeatable)")
	fs.Var(&f.addCustomers, "add-customers", "that many new customers of an Azure area, `AREA=N`, through an eligible association, each with --acr of usage in S and none a year earlier (repeatable)")
	fs.StringVar(&f.acr, "acr", "", "ACR in S of each new customer, `USD` (default: the floor of the segment's track)")
	fs.StringVar(&f.segment, "segment", "", "segment of the new customers, `smb|enterprise` (default: the area's published track)")
	fs.StringVar(&f.service, "service", "", "Azure service of the new customers and of grown ACR, `NAME` (default: one excluded from deployments; for security an Azure security service)")
	fs.Var(&f.growUsage, "grow-usage", "more usage in S on a customer, `AREA=+N`: USD of Azure ACR (Azure areas, security) or monthly active users (modern_work, business_applications) (repeatable)")
	fs.StringVar(&f.tenant, "tenant", "", "the customer --grow-usage goes on, `TENANT` (default: the one counted in the area's usage growth with the most usage in S)")
	fs.Var(&f.applyPath, "apply-path", "carry out the area's published path_to_qualify, `AREA` (repeatable)")
	asJSON := fs.Bool("json", false, "print the same content as JSON")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	s := c.settings()
	switch {
	case s.Input == "":
		return usagef("--input is required (or REFRESH_INPUT, or input: in the config file)")
	case s.Out == "":
		return usagef("--out is required (or REFRESH_OUT, or out: in the config file)")
	case f.month == "":
		return usagef("--month is required (YYYY-MM)")
	case strings.TrimSpace(f.partner) == "":
		return usagef("--partner is required (a partner id, e.g. P01)")
	}
	f.partner = strings.TrimSpace(f.partner)
	m, err := pipeline.ParseMonth(f.month)
	if err != nil {
		return usagef("--month: %v", err)
	}
	if st, err := os.Stat(s.Input); err != nil || !st.IsDir() {
		return usagef("--input %s: not a folder (want one sub-folder per input table)", s.Input)
	}
	if st, err := os.Stat(s.Out); err != nil || !st.IsDir() {
		return usagef("--out %s: not a folder with published months", s.Out)
	}
	layout := pipeline.NewLayout(s.Out)
	months, err := layout.PublishedMonths()
	if err != nil {
		return err
	}
	if !slices.Contains(months, m) {
		return usagef("month %s is not published in %s (published: %s); simulate compares with the published month: publish it first with refresh run",
			m, s.Out, monthList(months))
	}
	man, err := layout.ReadManifest(m)
	if err != nil {
		return err
	}
	cfg := s.Pipeline()
	cfg.Month = m
	if f.asOf != "" {
		if cfg.AsOf, err = time.Parse(time.DateOnly, f.asOf); err != nil {
			return usagef("--as-of %q: want YYYY-MM-DD", f.asOf)
		}
	} else if cfg.AsOf, err = time.Parse(time.DateOnly, man.AsOf); err != nil {
		cfg.AsOf = time.Time{}
	}
	if cfg.RubricPath == "" {
		if _, err := os.Stat(layout.RubricPath(m)); err == nil {
			cfg.RubricPath = layout.RubricPath(m)
		}
	}
	rb, err := rubric.Load(cfg.RubricPath)
	if err != nil {
		return fmt.Errorf("%w: %w", pipeline.ErrInvalidConfig, err)
	}
	root := cfg.TempDir
	if root == "" {
		root = os.TempDir()
	}
	if pipeline.Within(root, s.Out) {
		return usagef("--temp-dir %s is inside OUT %s; simulate writes nothing under OUT: pass a folder outside it", root, s.Out)
	}
	log := c.logger()
	defer log.Sync()

	pub, err := openPublished(ctx, s.Out, m, cfg.Threads, log)
	if err != nil {
		return err
	}
	before, name, err := pub.scores(ctx, f.partner)
	if err != nil {
		pub.Close()
		return err
	}
	asOf := cfg.AsOf
	if asOf.IsZero() {
		asOf = pipeline.DefaultAsOf(m)
	}
	pl := &planner{pub: pub, rb: rb, partner: f.partner, month: m, asOf: asOf, before: before, f: f}
	plan, err := pl.build(ctx)
	pub.Close()
	if err != nil {
		return err
	}

	work, err := os.MkdirTemp(root, "refresh-simulate-")
	if err != nil {
		return fmt.Errorf("simulate: work folder: %w", err)
	}
	defer os.RemoveAll(work)
	cfg.Slice = &pipeline.Slice{Partner: f.partner, DropCertifications: plan.drops, Raise: plan.raises}
	if len(plan.steps) > 0 {
		rows, err := whatif.Rows(whatif.Context{Month: m, AsOf: asOf}, plan.steps)
		if err != nil {
			return usagef("%v", err)
		}
		cfg.Slice.Overlay = filepath.Join(work, "overlay")
		if err := whatif.WriteOverlay(cfg.Slice.Overlay, rows); err != nil {
			return err
		}
	}
	res := &simResult{Partner: simPartner{ID: f.partner, Name: name}, Month: m.String(), AsOf: asOf.Format(time.DateOnly),
		Rubric: rb.ID, Changes: plan.changes, Notes: plan.notes}
	if res.Changes == nil {
		res.Changes = []simChange{}
	}
	if man.RubricSHA256 != "" && rb.Hash != man.RubricSHA256 {
		res.Notes = append(res.Notes, fmt.Sprintf("scored with rubric %s (%s), not the rubric %s was published with (%s): before and after differ by the rubric too",
			rb.ID, rb.Source, m, man.RubricID))
	}
	if man.AsOf != "" && res.AsOf != man.AsOf {
		res.Notes = append(res.Notes, fmt.Sprintf("skilling counted on %s, not on %s as published: before and after differ by the day too", res.AsOf, man.AsOf))
	}
	start := time.Now()
	var after map[string]*simScore
	err = pipeline.NewRunner(stages.Simulate(), log).Simulate(ctx, cfg, work, func(ctx context.Context, r *pipeline.Run) error {
		var err error
		after, _, err = readScores(ctx, r.DB, "area_scores", "metric_scores", f.partner)
		for _, t := range r.Tables {
			res.Slice.RowsRead += t.Read
			res.Slice.RowsRejected += t.Rejected
		}
		return err
	})
	if errors.Is(err, pipeline.ErrSourceNotReady) {
		return fmt.Errorf("%w (readiness applies to %s's slice of the input: a table without rows of its customers in S or S-12 is not ready)", err, f.partner)
	}
	if err != nil {
		return fmt.Errorf("simulate %s %s: %w", f.partner, m, err)
	}
	res.Slice.Input = s.Input
	res.Slice.Seconds = roundTo(time.Since(start).Seconds(), 2)
	res.build(rb, before, after, plan.named, !f.any())
	if *asJSON {
		return writeJSON(c.stdout, res)
	}
	return res.writeText(c.stdout)
}

// monthList lists months, or says none.
func monthList(ms []pipeline.Month) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.String())
	}
	return listOrNone(out)
}
