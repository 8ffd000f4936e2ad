package desktop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFolders(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	cases := []struct {
		name, env, value string
		dir              func() (string, error)
		want             string
	}{
		{"data from XDG_DATA_HOME", "XDG_DATA_HOME", "/xdg/data", DataDir, "/xdg/data/techconsole"},
		{"data default", "XDG_DATA_HOME", "", DataDir, filepath.Join(home, ".local/share/techconsole")},
		{"a relative XDG_DATA_HOME is ignored", "XDG_DATA_HOME", "rel", DataDir, filepath.Join(home, ".local/share/techconsole")},
		{"state from XDG_STATE_HOME", "XDG_STATE_HOME", "/xdg/state", StateDir, "/xdg/state/techconsole"},
		{"state default", "XDG_STATE_HOME", "", StateDir, filepath.Join(home, ".local/state/techconsole")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.env, tc.value)
			got, err := tc.dir()
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// MoveData moves what it finds, keeps what the data folder already holds
// and leaves other files alone.
func TestMoveData(t *testing.T) {
	from, to := t.TempDir(), filepath.Join(t.TempDir(), "new")
	write := func(path, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(from, "auth.db"), "old db")
	write(filepath.Join(from, "auth.db.key"), "old key")
	write(filepath.Join(from, "phone.json"), "old phone")
	write(filepath.Join(from, "notes.txt"), "not ours")
	write(filepath.Join(to, "phone.json"), "new phone")

	moved, err := MoveData(from, to)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(moved, ","); got != "auth.db,auth.db.key" {
		t.Errorf("moved %s, want auth.db,auth.db.key", got)
	}
	for name, want := range map[string]string{"auth.db": "old db", "auth.db.key": "old key", "phone.json": "new phone"} {
		if b, err := os.ReadFile(filepath.Join(to, name)); err != nil || string(b) != want {
			t.Errorf("%s in the data folder: %q, %v; want %q", name, b, err, want)
		}
	}
	if fi, err := os.Stat(filepath.Join(to, "auth.db.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the key's mode: %v, %v", fi, err)
	}
	for name, gone := range map[string]bool{"auth.db": true, "phone.json": false, "notes.txt": false} {
		if _, err := os.Stat(filepath.Join(from, name)); (err != nil) != gone {
			t.Errorf("%s left in the old folder: %v, want gone %v", name, err == nil, gone)
		}
	}
	if moved, err := MoveData(from, to); err != nil || len(moved) != 0 {
		t.Errorf("a second move: %v, %v; want nothing", moved, err)
	}
}

func TestOpenLogSetsALargeLogAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, LogFile)
	if err := os.WriteFile(path, make([]byte, maxLog+1), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fi, err := os.Stat(path + ".1"); err != nil || fi.Size() != maxLog+1 {
		t.Errorf("console.log.1: %v, %v", fi, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("console.log: %v, %v; want empty, 0600", fi, err)
	}
	// a small log is kept, and its mode restricted
	f.WriteString("line\n")
	f.Close()
	os.Chmod(path, 0o644)
	f2, err := OpenLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if fi, err := os.Stat(path); err != nil || fi.Size() != 5 || fi.Mode().Perm() != 0o600 {
		t.Errorf("reopened console.log: %v, %v; want 5 bytes, 0600", fi, err)
	}
}
