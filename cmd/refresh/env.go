package main

import (
	"flag"
	"io"

	"github.com/capscore/capscore/config"
	"github.com/capscore/capscore/pipeline"
)

// env carries what every subcommand shares: the output streams, the environment, and the settings
// the command line, environment and config file give (package config resolves them).
type env struct {
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
	st             *settingsState
}

// settingsState is what the command line said about settings (the top-level flags and the
// subcommand's), and the settings resolved from it once the subcommand has parsed its flags.
type settingsState struct {
	flags     map[string]string // key -> value given on the command line
	flagNames map[string]string // key -> the flag it was given as
	settings  config.Settings
	resolved  bool
}

// configKey is the pseudo-setting --config FILE: it selects the file, so it is not in the file.
const configKey = "config"

// settingFlag is a command-line flag of one setting: it records the value given; config.Resolve
// reads and checks it together with the other sources.
type settingFlag struct {
	st     *settingsState
	key    string
	meta   string
	isBool bool
}

func (f *settingFlag) String() string {
	if f == nil || f.st == nil {
		return ""
	}
	return f.st.flags[f.key]
}

func (f *settingFlag) Set(v string) error {
	f.st.flags[f.key] = v
	f.st.flagNames[f.key] = "--" + flagName(f.key)
	return nil
}

// IsBoolFlag makes switches such as --wait take no value.
func (f *settingFlag) IsBoolFlag() bool { return f.isBool }

// flagName is the flag of a setting key.
func flagName(key string) string {
	if s, ok := config.Lookup(key); ok {
		return s.Flag()
	}
	return key
}

// runSettings are the settings of a run: refresh run, backfill, bench, schedule and config bind them.
var runSettings = []string{
	config.Input, config.Out, config.Rubric, config.MemoryLimit, config.Threads, config.TempDir,
	config.MaxRejectRate, config.MaxDrift, config.MaxQualifiedDrift, config.MinQualifiedMove, config.AcceptDrift,
	config.SkipReadiness, config.Wait, config.OptionalTables, config.MetricsFile,
}

// daemonSettings are the settings only the daemon uses (schedule and config bind them).
var daemonSettings = []string{config.HeartbeatFile, config.FailureHook}

// globalFlags adds the flags every command takes, before or after its name: --config, --log-format
// and --log-level.
func (e env) globalFlags(fs *flag.FlagSet) {
	fs.Var(&settingFlag{st: e.st, key: configKey, meta: "FILE"}, configKey,
		"YAML config file with any setting below and the schedule's jobs (env "+config.ConfigEnv+")")
	e.settingFlags(fs, config.LogFormat, config.LogLevel)
}

// settingFlags adds a flag for each setting key; its help names the environment variable too.
func (e env) settingFlags(fs *flag.FlagSet, keys ...string) {
	for _, k := range keys {
		spec, _ := config.Lookup(k)
		help := spec.Help + " (env " + spec.Env() + ")"
		fs.Var(&settingFlag{st: e.st, key: k, meta: spec.Meta, isBool: spec.IsBool()}, spec.Flag(), help)
	}
}

// resolve resolves the settings from every source; an invalid value, named with its source, is a
// usage error.
func (e env) resolve() error {
	s, err := config.Resolve(e.st.flags, e.st.flagNames, e.lookupEnv)
	e.st.settings, e.st.resolved = s, true
	if err != nil {
		return usageError{msg: err.Error(), err: err}
	}
	return nil
}

// settings are the resolved settings (after the command's flags are parsed).
func (e env) settings() config.Settings { return e.st.settings }

// runFlags are the settings of a run, bound to a command's flags.
type runFlags struct{ e env }

// runFlags adds the run settings' flags to fs.
func (e env) runFlags(fs *flag.FlagSet) runFlags {
	e.settingFlags(fs, runSettings...)
	return runFlags{e: e}
}

// config fills a pipeline config from the run settings (month and as-of date left to the command).
// Each setting passed pipeline.Config.Validate when it was resolved; the command validates the whole
// configuration again once it knows the month.
func (f runFlags) config() (pipeline.Config, error) {
	s := f.e.settings()
	if s.Input == "" {
		return pipeline.Config{}, usagef("--input is required (or REFRESH_INPUT, or input: in the config file)")
	}
	if s.Out == "" {
		return pipeline.Config{}, usagef("--out is required (or REFRESH_OUT, or out: in the config file)")
	}
	return s.Pipeline(), nil
}
