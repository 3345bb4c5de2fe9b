// Package monitor tells how an output folder is doing, for people and for machines, by reading it
// only: `refresh status` (each month, the run in progress, the daemon's heartbeat, and the things
// that need attention: a failed run, an overdue month, a daemon that stopped beating, an interrupted
// run or publication, quarantined bookkeeping), and the Prometheus text file of metrics each run
// writes for node_exporter's textfile collector.
package monitor
