// Package desktop holds the Technician Console's desktop conventions: which
// folder holds its data and its log, one console per user, and the log file.
package desktop

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
)

// Name is the folder the console uses inside the user's folders.
const Name = "techconsole"

// DataDir is the user's data folder for the console: $XDG_DATA_HOME or
// ~/.local/share, under techconsole/. Elsewhere than on Unix desktops it is
// the user's configuration folder, as before.
func DataDir() (string, error) {
	return xdgDir("XDG_DATA_HOME", filepath.Join(".local", "share"))
}

// StateDir is where the console's log lives: $XDG_STATE_HOME or
// ~/.local/state, under techconsole/.
func StateDir() (string, error) {
	return xdgDir("XDG_STATE_HOME", filepath.Join(".local", "state"))
}

// OldDataDir is where consoles before the data folder kept their database
// and the virtual phone: the user's configuration folder.
func OldDataDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no configuration folder: %w", err)
	}
	return filepath.Join(base, Name), nil
}

func xdgDir(env, fallback string) (string, error) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" || runtime.GOOS == "ios" || runtime.GOOS == "plan9" {
		return OldDataDir()
	}
	// the XDG spec ignores relative paths
	if v := os.Getenv(env); filepath.IsAbs(v) {
		return filepath.Join(v, Name), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home folder: %w", err)
	}
	return filepath.Join(home, fallback, Name), nil
}

// DataFiles are the files the console keeps in its data folder: the
// embedded server's database (with SQLite's side files and its key), its
// address, and the virtual phone's account list.
var DataFiles = []string{"auth.db", "auth.db-wal", "auth.db-shm", "auth.db.key", "embedded-address", "phone.json"}

// MoveData moves the DataFiles found in from to to (which it creates), once:
// a file already in to stays and the one in from is left alone. It returns
// the names moved.
func MoveData(from, to string) ([]string, error) { return moveFiles(from, to, DataFiles) }

// MoveOldFiles moves names (some of DataFiles) from an older console's
// configuration folder to dir, as the console does with all of them at its
// start: for a tool that owns only these files (cmd/authenticator's
// phone.json). It returns the names moved.
func MoveOldFiles(dir string, names ...string) ([]string, error) {
	old, err := OldDataDir()
	if err != nil {
		return nil, err
	}
	return moveFiles(old, dir, names)
}

func moveFiles(from, to string, names []string) ([]string, error) {
	if from == to {
		return nil, nil
	}
	var moved []string
	for _, name := range names {
		src, dst := filepath.Join(from, name), filepath.Join(to, name)
		if _, err := os.Lstat(src); err != nil {
			continue
		}
		if _, err := os.Lstat(dst); err == nil {
			continue
		}
		if err := os.MkdirAll(to, 0o700); err != nil {
			return moved, fmt.Errorf("create %s: %w", to, err)
		}
		if err := moveFile(src, dst); err != nil {
			return moved, fmt.Errorf("move %s: %w", name, err)
		}
		moved = append(moved, name)
	}
	return moved, nil
}

// MoveOldData moves the data of an older console from the configuration
// folder to dir, saying so in one log line.
func MoveOldData(dir string, log *slog.Logger) {
	old, err := OldDataDir()
	if err != nil {
		return
	}
	moved, err := MoveData(old, dir)
	if err != nil {
		log.Warn("the console's data was not moved to the data folder", "from", old, "to", dir, "err", err)
		return
	}
	if len(moved) > 0 {
		log.Info("moved the console's data to the data folder", "from", old, "to", dir, "files", moved)
	}
}

// moveFile renames src to dst, or copies it (keeping its mode) and removes
// src when they are on different file systems.
func moveFile(src, dst string) error {
	err := os.Rename(src, dst)
	if err == nil {
		return nil
	}
	var le *os.LinkError
	if !errors.As(err, &le) {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(dst)
		return err
	}
	return os.Remove(src)
}
