package main

import (
	"context"
	"encoding/json"
	"os"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/explain"
	"github.com/capscore/capscore/pipeline"
)

// explainCommand is `refresh explain`: one partner's scores of a published month, as metric cards.
type explainCommand struct{ env }

// Run parses the flags and prints the explanation as text or JSON.
func (c *explainCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("explain")
	c.settingFlags(fs, config.Out)
	partner := fs.String("partner", "", "the partner id, as in the partners input (required)")
	area := fs.String("area", "", "solution `AREA` id, e.g. data_ai (default: the partner's highest in-progress area)")
	month := fs.String("month", "", "published month, `YYYY-MM` (default: the latest)")
	limit := fs.Int("limit", explain.DefaultLimit, "rows shown per list (customers, people, what moved); the output counts the rest")
	asJSON := fs.Bool("json", false, "print the same content as JSON")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	opts := explain.Options{Out: c.settings().Out, Partner: *partner, Area: *area, Limit: *limit}
	switch {
	case opts.Out == "":
		return usagef("--out is required")
	case opts.Partner == "":
		return usagef("--partner is required (a partner id, e.g. P01)")
	case *limit < 1:
		return usagef("--limit %d: want at least 1", *limit)
	}
	if st, err := os.Stat(opts.Out); err != nil {
		return usagef("--out %s: %v", opts.Out, err)
	} else if !st.IsDir() {
		return usagef("--out %s is not a directory", opts.Out)
	}
	if *month != "" {
		m, err := pipeline.ParseMonth(*month)
		if err != nil {
			return usagef("--month: %v", err)
		}
		opts.Month = m
	}
	e, err := explain.Load(ctx, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(e)
	}
	return explain.WriteText(c.stdout, e)
}
