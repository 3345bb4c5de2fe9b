package main

import (
	"context"
)

// runCommand is `refresh run`: build and publish one snapshot month.
type runCommand struct{ env }

// Run parses the flags and runs the month.
func (c *runCommand) Run(ctx context.Context, args []string) error { return nil }
