package main

import (
	"context"
	"fmt"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/pipeline"
)

// migrateCommand is `refresh migrate`: convert an output folder of the old layout (one folder per
// month with a file per table) into one folder tree per table.
type migrateCommand struct{ env }

// Run parses the flags and converts the folder.
func (c *migrateCommand) Run(ctx context.Context, args []string) error {
	flags := c.newFlagSet("migrate")
	c.settingFlags(flags, config.Out, config.Wait, config.MemoryLimit, config.Threads)
	if err := c.parse(flags, args); err != nil {
		return err
	}
	st := c.settings()
	if st.Out == "" {
		return usagef("--out is required")
	}
	log := c.logger()
	defer log.Sync()
	months, err := pipeline.Migrate(ctx, pipeline.MigrateConfig{Out: st.Out, WaitForLock: st.Wait, MemoryLimit: st.MemoryLimit, Threads: st.Threads}, log)
	for _, m := range months {
		fmt.Fprintf(c.stdout, "migrated %s (run %s): %v\n", m.Month, m.RunID, m.Tables)
	}
	if err != nil {
		return err
	}
	if len(months) == 0 {
		fmt.Fprintf(c.stdout, "nothing to migrate in %s\n", st.Out)
	}
	return nil
}
