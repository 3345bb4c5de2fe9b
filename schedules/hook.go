package schedules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Failure is what the failure hook is told about a scheduled job that failed, as JSON:
//
//	{"event":"job_failed","job":"monthly-refresh","kind":"monthly_refresh","target":"2026-10",
//	 "fired_at":"2026-11-20T06:00:00Z","catch_up":false,"outcome":"failed","error":"...",
//	 "host":"...","pid":1,"time":"2026-11-20T06:00:04Z"}
type Failure struct {
	// Event is always "job_failed".
	Event string `json:"event"`
	// Job is the job's name and Kind its kind.
	Job  string  `json:"job"`
	Kind JobKind `json:"kind"`
	// Target is the month a monthly refresh built, or "latest_published" for a skilling refresh.
	Target string `json:"target"`
	// AsOf is the skilling as-of day of a skilling refresh.
	AsOf string `json:"as_of,omitempty"`
	// FiredAt is the fire the job ran for; CatchUp says it was caught up at start.
	FiredAt time.Time `json:"fired_at"`
	CatchUp bool      `json:"catch_up"`
	// Outcome is failed, not_ready (still not ready at the readiness deadline) or panic.
	Outcome string `json:"outcome"`
	// Error is the job's error.
	Error string `json:"error"`
	// Host and PID are the daemon's.
	Host string `json:"host"`
	PID  int    `json:"pid"`
	// Time is when the job ended.
	Time time.Time `json:"time"`
}

// FailureHook tells someone that a scheduled job failed. Its error is logged; the daemon goes on.
type FailureHook func(ctx context.Context, f Failure) error

// hookTimeout bounds one call of a failure hook (the HTTP request or the command).
const hookTimeout = 30 * time.Second

// ParseFailureHook reads the failure_hook setting: "" is no hook; an http:// or https:// URL gets
// the Failure as a JSON POST (any 2xx answer is success); anything else is a shell command
// (/bin/sh -c) that gets the JSON on stdin and the main fields as REFRESH_FAILED_JOB,
// REFRESH_FAILED_TARGET, REFRESH_FAILED_OUTCOME and REFRESH_FAILED_ERROR (a non-zero exit is a
// failure of the hook). Each call has 30 seconds.
func ParseFailureHook(spec string) (FailureHook, error) {
	spec = strings.TrimSpace(spec)
	switch {
	case spec == "":
		return nil, nil
	case strings.HasPrefix(spec, "http://"), strings.HasPrefix(spec, "https://"):
		u, err := url.Parse(spec)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("URL %q: want http(s)://host[:port]/path", spec)
		}
		return httpHook(u.String()), nil
	case strings.Contains(spec, "://"):
		return nil, fmt.Errorf("%q: only http:// and https:// URLs are posted to; a command has no \"://\"", spec)
	default:
		return commandHook(spec), nil
	}
}

// jsonHook is a hook that sends the failure as JSON, within the hook's time limit.
func jsonHook(send func(ctx context.Context, f Failure, body []byte) error) FailureHook {
	return func(ctx context.Context, f Failure) error {
		body, err := json.Marshal(f)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, hookTimeout)
		defer cancel()
		return send(ctx, f, body)
	}
}

// httpHook POSTs the failure as JSON to u.
func httpHook(u string) FailureHook {
	return jsonHook(func(ctx context.Context, _ Failure, body []byte) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("failure hook %s: %w", u, err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("failure hook: %w", err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return fmt.Errorf("failure hook %s: answered %s", u, resp.Status)
		}
		return nil
	})
}

// commandHook runs cmd with /bin/sh -c, the failure as JSON on stdin and in the environment.
func commandHook(cmd string) FailureHook {
	return jsonHook(func(ctx context.Context, f Failure, body []byte) error {
		c := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
		c.Stdin = bytes.NewReader(body)
		c.Env = append(os.Environ(), "REFRESH_FAILED_JOB="+f.Job, "REFRESH_FAILED_TARGET="+f.Target,
			"REFRESH_FAILED_OUTCOME="+f.Outcome, "REFRESH_FAILED_ERROR="+f.Error)
		var stderr bytes.Buffer
		c.Stdout, c.Stderr = io.Discard, &stderr
		if err := c.Run(); err != nil {
			msg := strings.TrimSpace(stderr.String())
			if len(msg) > 500 {
				msg = msg[:500]
			}
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				err = fmt.Errorf("%w after %s", err, hookTimeout)
			}
			return fmt.Errorf("failure hook command %q: %w (stderr: %q)", cmd, err, msg)
		}
		return nil
	})
}
