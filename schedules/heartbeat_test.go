package schedules

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/capscore/capscore/pipeline"
)

// TestOverdueMonths: the monthly job fires on the 20th at 06:00 UTC with a 6h deadline. On
// 2026-12-02 its latest fire whose deadline passed is 2026-11-20 (target 2026-10): overdue until
// 2026-10 is published. On 2026-12-20 at 10:00 the 06:00 fire's deadline (12:00) has not passed:
// 2026-10 is still the month checked. At 12:00:01 2026-11 is due.
func TestOverdueMonths(t *testing.T) {
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	published := map[string]bool{}
	isPub := func(m pipeline.Month) bool { return published[m.String()] }
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	check := func(now string, want string) {
		t.Helper()
		got, err := cfg.OverdueMonths(at(now), isPub)
		if err != nil {
			t.Fatal(err)
		}
		var months []string
		for _, o := range got {
			months = append(months, o.Month+"@"+o.FiredAt.Format(time.RFC3339))
		}
		if strings.Join(months, ",") != want {
			t.Errorf("at %s: overdue %v, want %q", now, months, want)
		}
	}
	check("2026-12-02T00:00:00Z", "2026-10@2026-11-20T06:00:00Z")
	published["2026-10"] = true
	check("2026-12-02T00:00:00Z", "")
	check("2026-12-20T10:00:00Z", "")
	check("2026-12-20T12:00:01Z", "2026-11@2026-12-20T06:00:00Z")
}

// TestParseFailureHook: "" is no hook, http(s) URLs are posted to, other schemes are refused and
// anything else is a command.
func TestParseFailureHook(t *testing.T) {
	if h, err := ParseFailureHook(""); h != nil || err != nil {
		t.Errorf("empty: %v %v", h, err)
	}
	if _, err := ParseFailureHook("ftp://x/y"); err == nil || !strings.Contains(err.Error(), "only http:// and https://") {
		t.Errorf("ftp: %v", err)
	}
	var got Failure
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&got)
		if got.Job == "teapot" {
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer srv.Close()
	h, err := ParseFailureHook(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := h(context.Background(), Failure{Event: "job_failed", Job: "monthly-refresh"}); err != nil || got.Job != "monthly-refresh" {
		t.Errorf("post: %v, server got %+v", err, got)
	}
	if err := h(context.Background(), Failure{Job: "teapot"}); err == nil || !strings.Contains(err.Error(), "418") {
		t.Errorf("a non-2xx answer is an error: %v", err)
	}
	cmd, err := ParseFailureHook("test \"$REFRESH_FAILED_JOB\" = nightly && grep -q '\"outcome\":\"panic\"'")
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd(context.Background(), Failure{Job: "nightly", Outcome: "panic"}); err != nil {
		t.Errorf("command: %v", err)
	}
	if err := cmd(context.Background(), Failure{Job: "other"}); err == nil || !strings.Contains(err.Error(), "exit status 1") {
		t.Errorf("a failing command is an error: %v", err)
	}
}
