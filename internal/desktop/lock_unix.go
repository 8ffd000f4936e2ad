//go:build unix

package desktop

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockFile is the lock in the data folder that one running console holds.
const LockFile = "console.lock"

// ErrRunning is what Lock returns when another console holds the lock.
type ErrRunning struct{ PID int }

func (e *ErrRunning) Error() string {
	if e.PID == 0 {
		return "The Technician Console is already running: switch to its window, or quit it before starting another."
	}
	return fmt.Sprintf("The Technician Console is already running (pid %d): switch to its window, or quit it before starting another.", e.PID)
}

// Lock takes dir's console lock for the life of the process (the returned
// file; closing it releases the lock). The OS drops the lock when the
// process ends, however it ends, so a killed console leaves no stale lock.
func Lock(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := os.ReadFile(f.Name())
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			return nil, &ErrRunning{PID: pid}
		}
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	// the pid is only for the message of a second start
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}
