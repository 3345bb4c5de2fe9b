package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// refreshInProcess runs the command line in this process and returns its exit status and output.
func refreshInProcess(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestReportCommandUsage(t *testing.T) {
	out := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "--out is required"},
		{[]string{"report", "--out", out, "--month", "2026-13"}, `--month: month "2026-13": want YYYY-MM`},
		{[]string{"report", "--out", out, "--months", "0"}, "--months 0: want at least 1"},
		{[]string{"report", "--out", out, "--limit", "-1"}, "--limit -1: want at least 1"},
		{[]string{"report", "--out", out, "extra"}, `unexpected argument "extra"`},
	} {
		code, _, stderr := refreshInProcess(tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}

// TestReportCommandNothingPublished: an OUT without a published month is an error that says so.
func TestReportCommandNothingPublished(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := refreshInProcess("report", "--out", out)
	if code != exitFailure || !strings.Contains(stderr, "month not published: no month has a manifest in") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = refreshInProcess("report", "--out", out, "--month", "2026-10")
	if code != exitFailure || !strings.Contains(stderr, "month not published") {
		t.Errorf("--month: exit %d, stderr %q", code, stderr)
	}
}

// TestRunPublishesWhenReportFails: a report that cannot be written (OUT/_reports is a file) is a
// warning in the log; the month is published and the run exits 0.
func TestRunPublishesWhenReportFails(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "_reports"), []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := refreshInProcess("run", "--month", "2026-10", "--input", demoInput, "--out", out, "--skip-readiness")
	if code != exitOK || !strings.Contains(stdout, "published") {
		t.Fatalf("exit %d; stdout %q; stderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "after publication") {
		t.Errorf("no warning about the report in the log:\n%s", stderr)
	}
}

// TestRunWritesReport: a published run writes its month's page and the index; `refresh report`
// rewrites it, and --to writes elsewhere.
func TestRunWritesReport(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := refreshInProcess("run", "--month", "2026-10", "--input", demoInput, "--out", out, "--skip-readiness")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, name := range []string{"2026-10.html", "index.html"} {
		if _, err := os.Stat(filepath.Join(out, "_reports", name)); err != nil {
			t.Errorf("run did not write %s: %v", name, err)
		}
	}
	to := filepath.Join(t.TempDir(), "page.html")
	code, stdout, stderr := refreshInProcess("report", "--out", out, "--to", to)
	if code != exitOK || strings.TrimSpace(stdout) != to {
		t.Fatalf("report --to: exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	b, err := os.ReadFile(to)
	if err != nil || !strings.Contains(string(b), "Partner capability scores, 2026-10") {
		t.Errorf("--to file: %v", err)
	}
}
