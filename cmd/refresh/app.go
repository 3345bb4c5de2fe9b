package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/capscore/capscore/pipeline"
)

// Exit statuses. The mapping from errors to statuses lives in exitCode and nowhere else.
const (
	exitOK            = 0
	exitFailure       = 1
	exitUsage         = 2
	exitChecksFailed  = 3
	exitLocked        = 4
	exitCanceled      = 5
	exitSourceMissing = 6
	exitBadInput      = 7
)

// command is one subcommand: it parses its own flags and does its work.
type command interface {
	// Run parses args and executes the subcommand.
	Run(ctx context.Context, args []string) error
}

// env carries what every subcommand shares: output streams.
type env struct {
	stdout, stderr io.Writer
}

// commands lists the subcommands by name. Each lives in its own file.
func commands(e env) map[string]command {
	return map[string]command{
		"run":      &runCommand{env: e},
		"bench":    &benchCommand{env: e},
		"backfill": &backfillCommand{env: e},
		"schedule": &scheduleCommand{env: e},
		"runs":     &runsCommand{env: e},
		"status":   &statusCommand{env: e},
		"generate": &generateCommand{env: e},
		"migrate":  &migrateCommand{env: e},
	}
}

// usageError is a command-line mistake: wrong flag, missing value. It exits with status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// Run dispatches to a subcommand and returns the process exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := env{stdout: stdout, stderr: stderr}
	cmds := commands(e)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "refresh: unknown command %q\n", args[0])
		printUsage(stderr, cmds)
		return exitUsage
	}
	err := cmd.Run(ctx, args[1:])
	code := exitCode(err)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stderr, "refresh %s: %v\n", args[0], err)
	}
	return code
}

// exitCode maps an error to the process exit status.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue), errors.Is(err, pipeline.ErrInvalidConfig):
		return exitUsage
	case errors.Is(err, pipeline.ErrChecksFailed):
		return exitChecksFailed
	case errors.Is(err, pipeline.ErrLocked):
		return exitLocked
	case errors.Is(err, context.Canceled), errors.Is(err, pipeline.ErrCanceled):
		return exitCanceled
	case errors.Is(err, pipeline.ErrSourceNotReady):
		return exitSourceMissing
	case errors.Is(err, pipeline.ErrBadInput):
		return exitBadInput
	default:
		return exitFailure
	}
}

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "usage: refresh <command> [flags]\n\ncommands: %s\n\nRun 'refresh <command> -h' for the flags of a command.\n", strings.Join(names, ", "))
}
