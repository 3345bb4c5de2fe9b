package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"go.uber.org/zap"

	"github.com/capscore/capscore/explain"
	"github.com/capscore/capscore/monitor"
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

// Exit statuses of `refresh status` when something needs attention, distinct from a run's: when
// several kinds are found, the smallest status wins (the kinds are in the order to look at them).
const (
	exitAttentionFailed      = 10 // the last run of a month failed, with no later success
	exitAttentionOverdue     = 11 // a month is overdue by the schedule
	exitAttentionDaemon      = 12 // the daemon's heartbeat is stale
	exitAttentionInterrupted = 13 // a run died, or left staging, a half-published month or orphan tables
	exitAttentionQuarantine  = 14 // damaged bookkeeping set aside
)

// command is one subcommand: it parses its own flags and does its work.
type command interface {
	// Run parses args and executes the subcommand.
	Run(ctx context.Context, args []string) error
}

// commands lists the subcommands by name. Each lives in its own file; their help is in help.go.
func commands(e env) map[string]command {
	return map[string]command{
		"run":      &runCommand{env: e},
		"bench":    &benchCommand{env: e},
		"backfill": &backfillCommand{env: e},
		"schedule": &scheduleCommand{env: e},
		"runs":     &runsCommand{env: e},
		"status":   &statusCommand{env: e},
		"generate": &generateCommand{env: e},
		"report":   &reportCommand{env: e},
		"config":   &configCommand{env: e},
		"migrate":  &migrateCommand{env: e},
		"query":    &queryCommand{env: e},
		"validate": &validateCommand{env: e},
		"explain":  &explainCommand{env: e},
		"simulate": &simulateCommand{env: e},
	}
}

// usageError is a command-line mistake: wrong flag, missing value, invalid setting. It exits with
// status 2.
type usageError struct {
	msg string
	err error // what it wraps, if anything
}

func (u usageError) Error() string { return u.msg }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error { return usageError{msg: fmt.Sprintf(format, args...)} }

// Run parses the top-level flags, dispatches to a subcommand and returns the process exit status.
// Help goes to stdout (status 0); a failure ends with one structured record at level error that
// carries the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := env{stdout: stdout, stderr: stderr, lookupEnv: os.LookupEnv,
		st: &settingsState{flags: map[string]string{}, flagNames: map[string]string{}}}
	cmds := commands(e)

	top := flag.NewFlagSet("refresh", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	version := top.Bool("version", false, "print the version and VCS revision and exit")
	e.globalFlags(top)
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printMainHelp(stdout, top)
			return exitOK
		}
		return e.fail("", usagef("%v", err))
	}
	if *version {
		fmt.Fprintf(stdout, "refresh %s (%s %s/%s)\n", pipeline.CodeVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	}
	rest := top.Args()
	if len(rest) == 0 {
		printMainHelp(stderr, top)
		return exitUsage
	}
	name, rest := rest[0], rest[1:]
	if name == "help" {
		if len(rest) == 0 {
			printMainHelp(stdout, top)
			return exitOK
		}
		name, rest = rest[0], []string{"--help"}
	}
	cmd, ok := cmds[name]
	if !ok {
		return e.fail("", usagef("unknown command %q (commands: %s; see refresh --help)", name, commandList()))
	}
	err := cmd.Run(ctx, rest)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return e.fail(name, err)
}

// fail logs the error that ends the process as one record at level error, in the configured log
// format: the message is "refresh <command>: <error>" (readable as is on a console), the fields
// the command, the exit status and, for usage errors, where help is. It returns the exit status.
func (e env) fail(name string, err error) int {
	code := exitCode(err)
	log := e.finalLogger()
	prefix, fields := "refresh: ", []zap.Field{}
	if name != "" {
		prefix, fields = "refresh "+name+": ", append(fields, zap.String("command", name))
	}
	fields = append(fields, zap.Int("exit_code", code))
	if code == exitUsage {
		help := "refresh --help"
		if name != "" {
			help = "refresh " + name + " --help"
		}
		fields = append(fields, zap.String("help", help))
	}
	log.Error(prefix+err.Error(), fields...)
	_ = log.Sync()
	return code
}

// exitCode maps an error to the process exit status.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue), errors.Is(err, pipeline.ErrInvalidConfig), errors.Is(err, explain.ErrNotFound):
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
	case errors.Is(err, monitor.ErrFailedRun):
		return exitAttentionFailed
	case errors.Is(err, monitor.ErrOverdue):
		return exitAttentionOverdue
	case errors.Is(err, monitor.ErrDaemonSilent):
		return exitAttentionDaemon
	case errors.Is(err, monitor.ErrInterrupted):
		return exitAttentionInterrupted
	case errors.Is(err, monitor.ErrQuarantined):
		return exitAttentionQuarantine
	default:
		return exitFailure
	}
}
