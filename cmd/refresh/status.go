package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/monitor"
)

// statusCommand is `refresh status`: show each month of OUT, the run in progress, the daemon's
// heartbeat and what needs attention; the exit status says what kind of attention (see exitCode).
type statusCommand struct{ env }

// Run parses the flags, reads OUT (it never changes it) and prints the report. Things that need
// attention are returned as a *monitor.AttentionError, which exitCode maps to statuses 10 to 14.
func (c *statusCommand) Run(ctx context.Context, args []string) error {
	flags := c.newFlagSet("status")
	c.settingFlags(flags, config.Out, config.HeartbeatFile)
	asJSON := flags.Bool("json", false, "print the report as one JSON object (months, lock, running, daemon, attention)")
	if err := c.parse(flags, args); err != nil {
		return err
	}
	s := c.settings()
	if s.Out == "" {
		return usagef("--out is required")
	}
	opts := monitor.Options{Out: s.Out, HeartbeatPath: s.HeartbeatFile, Now: time.Now()}
	if s.ScheduleFrom.Kind == "file" {
		opts.Schedule = s.Schedule
	}
	rep, err := monitor.Check(opts)
	if err != nil {
		return err
	}
	if *asJSON {
		if rep.Months == nil {
			rep.Months = []monitor.MonthStatus{}
		}
		if rep.Attention == nil {
			rep.Attention = []monitor.Finding{}
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
		return rep.Err()
	}
	if err := printStatus(c.stdout, rep, opts.Now); err != nil {
		return err
	}
	return rep.Err()
}

// printStatus writes the report as text: the months, then the lock, the daemon and what needs
// attention, each finding with its exit status.
func printStatus(w io.Writer, rep *monitor.Report, now time.Time) error {
	if len(rep.Months) == 0 {
		fmt.Fprintf(w, "no published months in %s\n", rep.Out)
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "MONTH\tRUN_ID\tAS_OF\tRUBRIC_ID\tPUBLISHED_AT\tAREA_SCORES_ROWS\tNOTE")
		for _, m := range rep.Months {
			rows := "-"
			if m.AreaScoresRows != nil {
				rows = strconv.FormatInt(*m.AreaScoresRows, 10)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Month, orDash(m.RunID), orDash(m.AsOf), orDash(m.RubricID),
				fmtLedgerTime(m.PublishedAt), rows, m.Note)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	switch h := rep.Lock.Holder; {
	case h == nil:
		fmt.Fprintln(w, "run in progress: none")
	case rep.Lock.Alive:
		fmt.Fprintf(w, "run in progress: %s\n", h)
		for _, r := range rep.Running {
			fmt.Fprintf(w, "  %s %s of %s, running since %s\n", r.Kind, r.RunID, r.Month, fmtLedgerTime(r.Started))
		}
	default:
		fmt.Fprintf(w, "run in progress: none (the lock names %s, whose process is gone)\n", h)
	}
	switch d := rep.Daemon; {
	case d == nil:
		fmt.Fprintln(w, "daemon: no heartbeat (no refresh schedule has run on this folder)")
	case d.Heartbeat == nil:
		fmt.Fprintf(w, "daemon: heartbeat %s does not read\n", d.Path)
	case !d.Heartbeat.Stopped.IsZero():
		fmt.Fprintf(w, "daemon: stopped at %s (pid %d on %s)\n", fmtLedgerTime(d.Heartbeat.Stopped), d.Heartbeat.PID, d.Heartbeat.Host)
	default:
		hb := d.Heartbeat
		state := "beating"
		if d.Stale {
			state = "NOT beating"
		}
		fmt.Fprintf(w, "daemon: %s, pid %d on %s, last beat %s (%s ago)", state, hb.PID, hb.Host, fmtLedgerTime(hb.Beat),
			now.Sub(hb.Beat).Round(time.Second))
		for _, r := range hb.Running {
			fmt.Fprintf(w, "; running %s (fire %s) since %s", r.Job, fmtLedgerTime(r.FiredAt), fmtLedgerTime(r.Since))
		}
		fmt.Fprintln(w)
	}
	if rep.OverdueFrom == "" {
		fmt.Fprintln(w, "overdue months: not checked (no daemon heartbeat and no jobs in the config file)")
	} else {
		fmt.Fprintf(w, "overdue months: checked against the schedule of the %s\n", rep.OverdueFrom)
	}
	if len(rep.Attention) == 0 {
		fmt.Fprintln(w, "attention: nothing")
		return nil
	}
	fmt.Fprintln(w, "attention:")
	for _, f := range rep.Attention {
		fmt.Fprintf(w, "  [%s, exit %d] %s\n", f.Kind, exitCode(&monitor.AttentionError{Findings: []monitor.Finding{f}}), f.Message)
	}
	return nil
}

// orDash shows an empty value as "-".
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
