package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDesktopConventions starts the built console as a user would, with
// the data of an older console in the configuration folder:
//   - the data moves to the data folder and the embedded server resumes it
//     (the same organisation);
//   - a second start on the same data folder exits with a sentence that says
//     the console is already running, the first keeps running;
//   - a console killed outright leaves no lock that keeps the next one out;
//   - the log is in the state folder, mode 0600, with the start line.
func TestDesktopConventions(t *testing.T) {
	if os.Getenv("DISPLAY") == "" && os.Getenv("TECHCONSOLE_REQUIRE_KEYCHAIN") == "" {
		t.Skip("no X display to open the window on (run through scripts/test-env.sh)")
	}
	home := t.TempDir()
	env := append(os.Environ(),
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_STATE_HOME="+filepath.Join(home, "state"),
	)
	oldDir := filepath.Join(home, "config", "techconsole")
	dataDir := filepath.Join(home, "data", "techconsole")
	logPath := filepath.Join(home, "state", "techconsole", "console.log")

	// an older console's embedded server, in the configuration folder
	id := serverIDIn(t, oldDir)

	bin := filepath.Join(t.TempDir(), "techconsole")
	if out, err := exec.Command("go", "build", "-tags", "migrated_fynedo,accessibility", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	first := startBinary(t, bin, env)
	waitStarted(t, logPath, first)

	for _, name := range []string{"auth.db", "auth.db.key", "embedded-address"} {
		if _, err := os.Stat(filepath.Join(dataDir, name)); err != nil {
			t.Errorf("%s is not in the data folder: %v", name, err)
		}
		if _, err := os.Stat(filepath.Join(oldDir, name)); err == nil {
			t.Errorf("%s is still in the configuration folder", name)
		}
	}

	second := exec.Command(bin)
	second.Env = env
	var stderr bytes.Buffer
	second.Stderr = &stderr
	done := make(chan error, 1)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		if code := second.ProcessState.ExitCode(); code != 1 {
			t.Errorf("the second start exited with %d (%v), want 1", code, err)
		}
	case <-time.After(30 * time.Second):
		second.Process.Kill()
		t.Fatal("the second start is still running")
	}
	want := "The Technician Console is already running (pid " + strconv.Itoa(first.Process.Pid) + ")"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("the second start said %q, want %q", stderr.String(), want)
	}
	if err := first.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the first console stopped: %v", err)
	}

	fi, err := os.Stat(logPath)
	if err != nil {
		t.Fatalf("no log in the state folder: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the log's mode is %v, want 0600", fi.Mode().Perm())
	}
	logText, _ := os.ReadFile(logPath)
	for _, line := range []string{"techconsole started", "moved the console's data to the data folder"} {
		if !strings.Contains(string(logText), line) {
			t.Errorf("the log lacks %q:\n%s", line, logText)
		}
	}

	// killed outright: no chance to clean up
	first.Process.Kill()
	first.Wait()
	third := startBinary(t, bin, env)
	waitStarted(t, logPath, third)
	third.Process.Kill()
	third.Wait()

	if got := serverIDIn(t, dataDir); got != id {
		t.Errorf("the data folder holds server %s, the older console's was %s", got, id)
	}
}

// serverIDIn opens the embedded server on dir and returns its identity.
func serverIDIn(t *testing.T, dir string) string {
	t.Helper()
	b := &backend{dataDir: dir, embedded: true, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := b.startServer(); err != nil {
		t.Fatal(err)
	}
	defer b.close()
	return b.srv.ID()
}

func startBinary(t *testing.T, bin string, env []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

// waitStarted waits until cmd logs its start line (after it took the lock
// and moved the data).
func waitStarted(t *testing.T, logPath string, cmd *exec.Cmd) {
	t.Helper()
	want := "techconsole started"
	pid := "pid=" + strconv.Itoa(cmd.Process.Pid)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		b, _ := os.ReadFile(logPath)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, want) && strings.Contains(line, pid) {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s logged no start within 30 s:\n%s", pid, b)
		case <-tick.C:
		}
	}
}
