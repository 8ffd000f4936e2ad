//go:build !unix

package desktop

import "os"

// LockFile is the lock in the data folder that one running console holds.
const LockFile = "console.lock"

// ErrRunning is what Lock returns when another console holds the lock.
type ErrRunning struct{ PID int }

func (e *ErrRunning) Error() string {
	return "The Technician Console is already running: switch to its window, or quit it before starting another."
}

// Lock is not enforced on this OS: there is no lock that the OS drops when
// a killed console ends, and a stale one would keep the console closed.
func Lock(dir string) (*os.File, error) { return nil, nil }
