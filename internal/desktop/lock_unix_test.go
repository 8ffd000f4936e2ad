//go:build unix

package desktop

import (
	"errors"
	"os"
	"testing"
)

// The lock is per open file: a second Lock in this process is refused like
// another console's, and closing the first lets the next one in.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	first, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(dir)
	var running *ErrRunning
	if !errors.As(err, &running) || running.PID != os.Getpid() {
		t.Fatalf("second lock: %v, want already running with pid %d", err, os.Getpid())
	}
	first.Close()
	again, err := Lock(dir)
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	again.Close()
}
