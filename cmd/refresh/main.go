// Command refresh is the capscore monthly batch refresh: it ingests raw partner records, scores every
// partner in every solution area with a versioned rubric, and publishes the month as Parquet.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
