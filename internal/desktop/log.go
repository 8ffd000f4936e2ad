package desktop

import (
	"fmt"
	"os"
	"path/filepath"
)

// LogFile is the console's log in its state folder.
const LogFile = "console.log"

// maxLog is the size above which a start sets the log aside.
const maxLog = 5 << 20

// OpenLog opens dir/console.log for appending (mode 0600, the folder 0700);
// one above 5 MiB is first renamed console.log.1, replacing the one before.
func OpenLog(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, LogFile)
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLog {
		if err := os.Rename(path, path+".1"); err != nil {
			return nil, fmt.Errorf("set the log aside: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the log: %w", err)
	}
	// a log made by hand or by an older console may be readable by others
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("restrict the log: %w", err)
	}
	return f, nil
}
