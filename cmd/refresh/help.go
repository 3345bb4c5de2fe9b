package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/capscore/capscore/config"
)

// commandHelp is a subcommand's help: one synopsis line, what it does, and an example.
type commandHelp struct {
	short, synopsis, summary, example string
}

// helps holds every subcommand's help, in the one style `refresh <command> --help` prints.
var helps = map[string]commandHelp{
	"run": {
		short:    "Build and publish one snapshot month",
		synopsis: "refresh run --month YYYY-MM --input DIR --out DIR [flags]",
		summary:  "Build and publish one snapshot month: ingest, metrics, scores and checks, then an atomic publish under OUT.",
		example:  "refresh run --month 2026-10 --input fixtures/demo --out out",
	},
	"backfill": {
		short:    "Build and publish a range of months in order",
		synopsis: "refresh backfill (--from YYYY-MM --to YYYY-MM | --restate-from YYYY-MM) --input DIR --out DIR [flags]",
		summary:  "Build every month of a range in order, each published atomically; published months are skipped unless --force.",
		example:  "refresh backfill --from 2026-09 --to 2026-10 --input fixtures/demo --out out --dry-run",
	},
	"bench": {
		short:    "Time a bare input scan against a full run",
		synopsis: "refresh bench --input DIR --out DIR [--month YYYY-MM] [--profile [--profile-dir DIR]] [--backfill N] [flags]",
		summary: "Time a bare scan of the input and a full run of the month in one process: wall time, peak RSS, rows per second, each stage's time and what the eligibility tables cost;\n" +
			"--profile keeps DuckDB's profile of every statement as JSON and prints the ten most expensive operators;\n" +
			"--backfill N then times a backfill of the N months ending at --month against the one month.",
		example: "refresh bench --input /tmp/small --out /tmp/bench-out --month 2026-10",
	},
	"schedule": {
		short:    "Run the refresh daemon on its schedule",
		synopsis: "refresh schedule [--print] [--config FILE] [flags]",
		summary: "Run the refresh daemon until SIGTERM: the monthly and daily skilling refreshes on the config file's schedule\n" +
			"(jobs:), or the built-in one. --print lists each job's next fire times instead.",
		example: "refresh schedule --config refresh.yaml --print",
	},
	"runs": {
		short:    "List the runs in the ledger",
		synopsis: "refresh runs --out DIR [--month YYYY-MM] [--json]",
		summary:  "List the runs in the ledger, oldest first, each with its latest status.",
		example:  "refresh runs --out out --month 2026-10",
	},
	"status": {
		short:    "Show the months and the health of OUT; the exit status says what needs attention",
		synopsis: "refresh status --out DIR [--heartbeat-file FILE] [--json]",
		summary: "Show each month (the run that made it, as-of date, rubric, when it was published, area_scores rows),\n" +
			"the run in progress (the lock holder), the daemon's heartbeat, and what needs attention: the last failed\n" +
			"run of each month (until a later run publishes it), a month overdue by the schedule (the daemon's, from its\n" +
			"heartbeat, or the config file's jobs), a stale heartbeat, a run that died, leftover staging or a\n" +
			"half-published month, quarantined bookkeeping. It only reads, so cron, systemd or a container\n" +
			"healthcheck can run it; the exit status says what kind of attention (see below).",
		example: "refresh status --out out",
	},
	"validate": {
		short:    "Check an input delivery without computing or publishing",
		synopsis: "refresh validate --input DIR --month YYYY-MM [--json] [--rejects FILE] [flags]",
		summary: "Make every check ingest and readiness make on an input folder for a month: columns, Parquet types, keys,\n" +
			"rejects and the reject rate, row accounting, months of history per usage table, readiness. Each table is\n" +
			"reported, also after another fails. Nothing is computed or published; --rejects writes the rejected rows\n" +
			"(CSV, or Parquet for a .parquet name) for the supplier. DuckDB spills to a work folder of its own under\n" +
			"--temp-dir (default: the system's temp folder), removed at the end. Exit 0, 6 or 7, as a run would.",
		example: "refresh validate --input fixtures/demo --month 2026-10 --rejects rejects.csv",
	},
	"report": {
		short:    "Write the HTML report of a published month",
		synopsis: "refresh report --out DIR [--month YYYY-MM] [--months 12] [--limit 25] [--to FILE]",
		summary: "Write a self-contained HTML page of a published month: qualified partner-areas over the last months,\n" +
			"the points distribution, partners close to qualifying, gained and lost qualification, rejects and run facts.",
		example: "refresh report --out out --month 2026-10",
	},
	"migrate": {
		short:    "Convert an output folder of the old layout",
		synopsis: "refresh migrate --out DIR [--wait]",
		summary: "Convert OUT/snapshot_month=YYYY-MM/<table>.parquet (+ _manifest.json) into one folder tree per table\n" +
			"(OUT/<table>/snapshot_month=YYYY-MM/part-0.parquet) and OUT/_manifests/, one month at a time, each month whole\n" +
			"or not at all; the ledger and fire history are kept, and running it again converts what is left.",
		example: "refresh migrate --out out",
	},
	"generate": {
		short:    "Write a synthetic input data set",
		synopsis: "refresh generate (--scale NAME | --partners N) --out DIR [flags]",
		summary:  "Write a synthetic input data set (one folder of Parquet files per table) for refresh run --input DIR.",
		example:  "refresh generate --scale small --out /tmp/small",
	},
	"config": {
		short:    "Print the effective settings and their sources",
		synopsis: "refresh config [--config FILE] [flags]",
		summary: "Print the effective settings and where each came from (flag, environment, config file or default), and\n" +
			"the schedule. Precedence: flag > environment > config file > default.",
		example: "REFRESH_THREADS=2 refresh config --config refresh.yaml --out /srv/capscore",
	},
	"explain": {
		short:    "Show one partner's scores of a published month",
		synopsis: "refresh explain --out DIR --partner P [--area A] [--month YYYY-MM] [--limit 5] [--json]",
		summary: "Show a partner's status in every area, then one area's metric cards (the criterion in words from the month's\n" +
			"rubric, value, threshold, points, the customers and people behind them), the other track's total, the\n" +
			"recommendations and what changed since the previous month. Reads only published files; an unknown partner,\n" +
			"area or month is a usage error naming the nearest valid ones.",
		example: "refresh explain --out out --partner P04 --month 2026-10",
	},
	"simulate": {
		short:    "What-if of one partner: the month scored again with changes, never published",
		synopsis: "refresh simulate --input DIR --out DIR --month YYYY-MM --partner P [changes] [--json] [flags]",
		summary: "Run the month again on one partner's slice of the input (cut at ingest) plus hypothetical rows, with the\n" +
			"run's own stages, and print for every area the changes touch the published scores (before) and the\n" +
			"simulated ones (after): points per metric, total, qualified, status. Nothing is published: no lock, no\n" +
			"ledger, no drift guard; DuckDB spills under --temp-dir (default: the system's temp folder), and OUT is read\n" +
			"for the month itself and for the area_scores of S-5..S-1 (qualified_in_window). Readiness and the reject\n" +
			"rate apply to the slice. The as-of date and the rubric are the published month's unless given.\n" +
			"Units of --grow-usage: data_ai, infrastructure, digital_app_innovation and security, USD of Azure ACR in S\n" +
			"(a usage row added; security on an Azure security service); modern_work and business_applications,\n" +
			"monthly active users in S (the customer's usage row of that month and workload raised in place).",
		example: "refresh simulate --input fixtures/demo --out out --month 2026-10 --partner P02 --add-certification AZ-104=2",
	},
	"query": {
		short:    "Run SQL on the published tables",
		synopsis: "refresh query --out DIR [--format table|csv|json] \"SQL\"   (\"-\" reads the SQL from stdin)",
		summary: "Run SQL in embedded DuckDB with a view per published table (area_scores, metric_scores,\n" +
			"recommendations, rejects) over every month in its folder, and print the result. docs/analyst.sql holds worked queries.",
		example: "refresh query --out out --format csv \"SELECT * FROM area_scores WHERE qualified\"",
	},
}

// commandList is the subcommands' names, sorted.
func commandList() string {
	names := make([]string, 0, len(helps))
	for n := range helps {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// newFlagSet is a subcommand's flag set with the global flags. It prints nothing itself: parse
// prints help and turns flag errors into usage errors.
func (e env) newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	e.globalFlags(fs)
	return fs
}

// parse parses a subcommand's flags and resolves the settings. --help prints the command's help on
// stdout and returns flag.ErrHelp (exit 0); a bad flag, an extra argument or an invalid setting from
// any source is a usage error (exit 2).
func (e env) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(e.stdout, fs)
			return flag.ErrHelp
		}
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return e.resolve()
}

// printCommandHelp writes a subcommand's help: usage, what it does, an example, its flags.
func printCommandHelp(w io.Writer, fs *flag.FlagSet) {
	h := helps[fs.Name()]
	fmt.Fprintf(w, "Usage: %s\n\n%s\n\nExample:\n  %s\n\nFlags:\n", h.synopsis, h.summary, h.example)
	printFlags(w, fs)
	fmt.Fprint(w, exitStatusHelp)
	if fs.Name() == "status" {
		fmt.Fprint(w, statusExitHelp)
	}
}

// statusExitHelp documents the statuses `refresh status` exits with when something needs attention.
const statusExitHelp = "refresh status, when something needs attention (the smallest applies when there are several):\n" +
	"             10 the last run of a month failed or died (until a later run publishes the month),\n" +
	"             11 a month is overdue by the schedule, 12 the daemon's heartbeat is stale,\n" +
	"             13 a run died holding OUT, or left staging, a half-published month or tables without a manifest,\n" +
	"             14 damaged bookkeeping is quarantined. 0: nothing needs attention.\n"

// exitStatusHelp documents the exit statuses of exitCode.
const exitStatusHelp = "\nSettings: flag > environment (REFRESH_*) > config file > default; refresh config shows them.\n" +
	"Exit status: 0 done, 1 failure, 2 usage error, 3 blocking check failed, 4 OUT locked by another run,\n" +
	"             5 canceled, 6 source data not ready, 7 bad input.\n"

// printMainHelp writes refresh's own help.
func printMainHelp(w io.Writer, top *flag.FlagSet) {
	fmt.Fprint(w, "refresh: the capscore monthly batch refresh. It ingests raw partner records, scores every partner in\n"+
		"every solution area with a versioned rubric and publishes the month as Parquet.\n\n"+
		"Usage: refresh [global flags] <command> [flags]\n"+
		"       refresh <command> --help\n"+
		"       refresh --version\n\n"+
		"Example:\n  refresh run --month 2026-10 --input fixtures/demo --out out\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	names := strings.Split(commandList(), ", ")
	for _, n := range names {
		fmt.Fprintf(tw, "  %s\t%s\n", n, helps[n].short)
	}
	tw.Flush()
	fmt.Fprint(w, "\nGlobal flags (before or after the command):\n")
	printFlags(w, top)
	fmt.Fprint(w, exitStatusHelp)
	fmt.Fprint(w, statusExitHelp)
}

// printFlags lists a flag set's flags with their value names and defaults, in the double-dash style
// the flags are written in.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		meta, usage := flag.UnquoteUsage(f)
		def := f.DefValue
		if sf, ok := f.Value.(*settingFlag); ok {
			meta, def = sf.meta, ""
			if spec, ok := config.Lookup(sf.key); ok {
				def = spec.Default
			}
			if sf.isBool {
				meta = ""
			}
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			meta = ""
		}
		name := "--" + f.Name
		if meta != "" {
			name += " " + meta
		}
		if def != "" && def != "0" && def != "false" {
			usage += fmt.Sprintf(" (default %s)", def)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	tw.Flush()
}
