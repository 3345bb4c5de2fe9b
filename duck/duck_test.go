package duck

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/zap"
)

// TestCancelInterruptsQuery: cancelling the run's context stops a running DuckDB query promptly,
// which is how SIGTERM stops a run.
func TestCancelInterruptsQuery(t *testing.T) {
	db, err := Open(context.Background(), "", Settings{Threads: 1, MemoryLimit: "256MB", TempDir: t.TempDir()}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	// About ten billion rows: minutes of work unless interrupted.
	err = db.Exec(ctx, "long", "SELECT count(*) FROM range(10000000000) a WHERE hash(a.range) % 7 = 3")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline error", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("query stopped after %v; the interrupt did not reach DuckDB", d)
	}
}

func TestSettingsApplied(t *testing.T) {
	db, err := Open(context.Background(), "", Settings{Threads: 1, MemoryLimit: "300MB"}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var threads int64
	var mem string
	if err := db.SQL().QueryRow("SELECT current_setting('threads'), current_setting('memory_limit')").Scan(&threads, &mem); err != nil {
		t.Fatal(err)
	}
	if threads != 1 || mem != "286.1 MiB" {
		t.Errorf("threads=%d memory_limit=%s, want 1 and 286.1 MiB (300MB)", threads, mem)
	}
}
