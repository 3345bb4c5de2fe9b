package main

import (
	"context"
	"fmt"
	"runtime"
	"text/tabwriter"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/duck"
)

// configCommand is `refresh config`: print the effective settings and where each came from.
type configCommand struct{ env }

// Run resolves the settings as every other command does (so an invalid value fails here the same
// way, exit 2) and prints them.
func (c *configCommand) Run(ctx context.Context, args []string) error {
	fs := c.newFlagSet("config")
	c.runFlags(fs)
	c.settingFlags(fs, daemonSettings...)
	if err := c.parse(fs, args); err != nil {
		return err
	}
	s := c.settings()
	if s.File != "" {
		fmt.Fprintf(c.stdout, "config file %s (from %s)\n\n", s.File, s.FileFrom)
	} else {
		fmt.Fprintf(c.stdout, "no config file (--config FILE or %s)\n\n", config.ConfigEnv)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE")
	for _, spec := range config.Specs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", spec.Key, effective(s, spec.Key), s.From[spec.Key])
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	r := s.Schedule.Readiness
	fmt.Fprintf(c.stdout, "\nschedule (%s): readiness deadline %s, backoff %s doubling to %s\n",
		scheduleSource(s), r.Deadline, r.InitialBackoff, r.MaxBackoff)
	tw = tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	for _, j := range s.Schedule.Jobs {
		fmt.Fprintf(tw, "  %s\tcron %q %s\t%s\t%s\n", j.Name, j.Cron, j.Timezone, j.Kind, j.Target)
	}
	return tw.Flush()
}

// effective is a setting's value as a run uses it: what an empty value means is spelled out.
func effective(s config.Settings, key string) string {
	v := s.Values[key]
	switch {
	case key == config.MemoryLimit && v == "":
		if d := duck.DefaultMemoryLimit(); d != "" {
			return d + " (60% of available memory)"
		}
		return "- (DuckDB's default)"
	case key == config.Threads && s.Threads == 0:
		return fmt.Sprintf("0 (%d CPUs)", runtime.NumCPU())
	case key == config.TempDir && v == "":
		return "- (OUT/_tmp)"
	case key == config.MetricsFile && v == "":
		return "- (OUT/_runs/metrics.prom)"
	case key == config.HeartbeatFile && v == "":
		return "- (OUT/_runs/heartbeat.json)"
	case key == config.FailureHook && v == "":
		return "- (none)"
	case key == config.OptionalTables && v == "":
		return "- (none)"
	case key == config.Rubric && v == "":
		return "- (embedded rubric)"
	case v == "":
		return "-"
	}
	return v
}

// scheduleSource says where the schedule's jobs came from.
func scheduleSource(s config.Settings) string {
	if s.ScheduleFrom.Kind == "file" {
		return "from " + s.ScheduleFrom.String()
	}
	return "built in"
}
