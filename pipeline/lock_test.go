package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/sys/unix"
)

func testHolder(pid int, runID string) LockHolder {
	return LockHolder{PID: pid, RunID: runID, Started: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
}

func TestAcquireLock(t *testing.T) {
	ctx := context.Background()

	t.Run("SecondAcquisitionFailsAndNamesTheHolder", func(t *testing.T) {
		out := t.TempDir()
		first, err := AcquireLock(ctx, out, testHolder(123, "run-a"), false, zap.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		defer first.Release()

		_, err = AcquireLock(ctx, out, testHolder(456, "run-b"), false, zap.NewNop())
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("second acquire: err = %v, want ErrLocked", err)
		}
		want := fmt.Sprintf("another run (pid 123, run id run-a, started 2026-11-25T10:00:00Z) holds %s; wait for it or pass --wait", out)
		if err.Error() != want {
			t.Errorf("message:\n got %s\nwant %s", err, want)
		}
		var le *LockedError
		if !errors.As(err, &le) || le.Holder.RunID != "run-a" || le.Holder.PID != 123 {
			t.Errorf("LockedError holder = %+v", le)
		}
	})

	t.Run("ReleaseThenAcquire", func(t *testing.T) {
		out := t.TempDir()
		first, err := AcquireLock(ctx, out, testHolder(123, "run-a"), false, zap.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		if err := first.Release(); err != nil {
			t.Fatal(err)
		}
		if err := first.Release(); err != nil {
			t.Fatalf("second Release: %v", err)
		}
		core, logs := observer.New(zapcore.DebugLevel)
		second, err := AcquireLock(ctx, out, testHolder(0, "run-b"), false, zap.New(core))
		if err != nil {
			t.Fatalf("acquire after release: %v", err)
		}
		defer second.Release()
		if n := logs.FilterMessage("took over stale lock").Len(); n != 0 {
			t.Errorf("a released lock was reported stale")
		}
		// The holder is recorded in the file, with defaults filled in.
		var h LockHolder
		b, _ := os.ReadFile(filepath.Join(out, LockFile))
		if err := json.Unmarshal(b, &h); err != nil {
			t.Fatalf("lock file %q: %v", b, err)
		}
		if h.RunID != "run-b" || h.PID != os.Getpid() || h.Host == "" {
			t.Errorf("holder in file = %+v", h)
		}
	})

	t.Run("WaitSucceedsAfterRelease", func(t *testing.T) {
		out := t.TempDir()
		first, err := AcquireLock(ctx, out, testHolder(123, "run-a"), false, zap.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(200 * time.Millisecond)
			first.Release()
		}()
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		start := time.Now()
		second, err := AcquireLock(wctx, out, testHolder(456, "run-b"), true, zap.NewNop())
		if err != nil {
			t.Fatalf("wait acquire: %v", err)
		}
		defer second.Release()
		if time.Since(start) < 200*time.Millisecond {
			t.Errorf("acquired before the holder released")
		}
	})

	t.Run("WaitGivesUpWhenContextEnds", func(t *testing.T) {
		out := t.TempDir()
		first, err := AcquireLock(ctx, out, testHolder(123, "run-a"), false, zap.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		defer first.Release()

		dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err = AcquireLock(dctx, out, testHolder(456, "run-b"), true, zap.NewNop())
		if !errors.Is(err, ErrLocked) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("deadline: err = %v, want ErrLocked and DeadlineExceeded", err)
		}

		cctx, cancel2 := context.WithCancel(ctx)
		time.AfterFunc(100*time.Millisecond, cancel2)
		_, err = AcquireLock(cctx, out, testHolder(456, "run-b"), true, zap.NewNop())
		if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
			t.Errorf("cancel: err = %v, want ErrCanceled and context.Canceled", err)
		}
	})

	t.Run("StaleLockFromDeadPidIsTakenOver", func(t *testing.T) {
		out := t.TempDir()
		dead := deadPID(t)
		host, _ := os.Hostname()
		stale, _ := json.Marshal(LockHolder{PID: dead, RunID: "crashed", Started: time.Now(), Host: host})
		if err := os.WriteFile(filepath.Join(out, LockFile), stale, 0o644); err != nil {
			t.Fatal(err)
		}
		core, logs := observer.New(zapcore.InfoLevel)
		l, err := AcquireLock(ctx, out, testHolder(0, "run-new"), false, zap.New(core))
		if err != nil {
			t.Fatalf("acquire over stale lock: %v", err)
		}
		defer l.Release()
		took := logs.FilterMessage("took over stale lock").All()
		if len(took) != 1 {
			t.Fatalf("want one 'took over stale lock' log, got %d", len(took))
		}
		f := took[0].ContextMap()
		if f["old_run_id"] != "crashed" || f["old_pid"] != int64(dead) || f["old_pid_alive"] != false {
			t.Errorf("stale log fields = %v", f)
		}
	})
}

// deadPID returns a pid with no process.
func deadPID(t *testing.T) int {
	t.Helper()
	for pid := 1<<22 - 1; pid > 1<<21; pid-- {
		if err := unix.Kill(pid, 0); errors.Is(err, unix.ESRCH) {
			return pid
		}
	}
	t.Skip("no free pid found")
	return 0
}

// TestLockHelperProcess is not a real test: when the test binary is re-executed with
// CAPSCORE_LOCK_HELPER=<out> (the os/exec helper-process pattern), it takes the lock on out, prints
// "locked", and holds the lock until its stdin closes.
func TestLockHelperProcess(t *testing.T) {
	out := os.Getenv("CAPSCORE_LOCK_HELPER")
	if out == "" {
		return
	}
	l, err := AcquireLock(context.Background(), out, LockHolder{RunID: "child-run"}, false, zap.NewNop())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n') // until EOF
	if err := l.Release(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// startLockHolder runs the helper process on out and waits until it holds the lock.
func startLockHolder(t *testing.T, out string) (*exec.Cmd, func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), "CAPSCORE_LOCK_HELPER="+out)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper process: %q, %v", line, err)
	}
	return cmd, func() { stdin.Close() }
}

func TestAcquireLock_CrossProcess(t *testing.T) {
	ctx := context.Background()

	t.Run("ChildHoldsParentIsLockedOut", func(t *testing.T) {
		out := t.TempDir()
		child, release := startLockHolder(t, out)

		_, err := AcquireLock(ctx, out, testHolder(0, "parent-run"), false, zap.NewNop())
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("parent acquire while child holds: err = %v, want ErrLocked", err)
		}
		if want := fmt.Sprintf("pid %d, run id child-run", child.Process.Pid); !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}

		release()
		if err := child.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
		l, err := AcquireLock(ctx, out, testHolder(0, "parent-run"), false, zap.NewNop())
		if err != nil {
			t.Fatalf("acquire after child released: %v", err)
		}
		l.Release()
	})

	t.Run("KilledChildLeavesStaleLock", func(t *testing.T) {
		out := t.TempDir()
		child, _ := startLockHolder(t, out)
		pid := child.Process.Pid
		child.Process.Signal(syscall.SIGKILL)
		child.Wait()

		core, logs := observer.New(zapcore.InfoLevel)
		l, err := AcquireLock(ctx, out, testHolder(0, "parent-run"), false, zap.New(core))
		if err != nil {
			t.Fatalf("acquire after child was killed: %v", err)
		}
		defer l.Release()
		took := logs.FilterMessage("took over stale lock").All()
		if len(took) != 1 || took[0].ContextMap()["old_pid"] != int64(pid) {
			t.Errorf("want 'took over stale lock' naming pid %d, got %v", pid, logs.All())
		}
	})
}

// flockRaw takes the flock on out's lock file the way a holder does in the instant before it writes
// its name: held, with an empty file.
func flockRaw(t *testing.T, out string) *os.File {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(out, LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestAcquireLock_HolderWrittenAfterFlock: a second run that finds the lock held before the
// holder has written its name waits for the name instead of reporting "holder unknown".
func TestAcquireLock_HolderWrittenAfterFlock(t *testing.T) {
	out := t.TempDir()
	f := flockRaw(t, out)
	go func() {
		time.Sleep(100 * time.Millisecond)
		_ = writeHolder(f, testHolder(123, "run-a"))
	}()
	_, err := AcquireLock(context.Background(), out, testHolder(456, "run-b"), false, zap.NewNop())
	var le *LockedError
	if !errors.As(err, &le) || le.Holder.PID != 123 || le.Holder.RunID != "run-a" {
		t.Fatalf("err = %v, want a LockedError naming pid 123, run-a", err)
	}
}

// TestAcquireLock_HolderNeverWritten: a held lock that never names its holder is reported as
// held by an unknown holder once the settle time has passed; AcquireLock does not hang.
func TestAcquireLock_HolderNeverWritten(t *testing.T) {
	old := holderSettle
	holderSettle = 200 * time.Millisecond
	defer func() { holderSettle = old }()
	out := t.TempDir()
	flockRaw(t, out)
	start := time.Now()
	_, err := AcquireLock(context.Background(), out, testHolder(456, "run-b"), false, zap.NewNop())
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "holder unknown") {
		t.Fatalf("err = %v, want ErrLocked with holder unknown", err)
	}
	if d := time.Since(start); d < holderSettle {
		t.Errorf("gave up after %v, before the settle time %v", d, holderSettle)
	}
}

// TestAcquireLock_FreedWhileLooking: a holder that clears its name and unlocks while a second run
// looks at the empty file lets the second run take the lock.
func TestAcquireLock_FreedWhileLooking(t *testing.T) {
	out := t.TempDir()
	f := flockRaw(t, out)
	go func() {
		time.Sleep(100 * time.Millisecond)
		_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
	}()
	l, err := AcquireLock(context.Background(), out, testHolder(456, "run-b"), false, zap.NewNop())
	if err != nil {
		t.Fatalf("err = %v, want the lock once the holder let go", err)
	}
	l.Release()
}
