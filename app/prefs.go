package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/remotesupport/techconsole/api"
)

// PrefStore is the part of fyne.Preferences the console uses, so that
// app.Preferences works over Fyne's preferences without importing Fyne.
type PrefStore interface {
	String(key string) string
	SetString(key, value string)
	Bool(key string) bool
	SetBool(key string, value bool)
}

// Preference keys.
const (
	PrefServerURL    = "server_url"
	PrefLastUsername = "last_username"
	PrefVersion      = "console_version"
	PrefKeepSignedIn = "keep_signed_in"
	PrefLanguage     = "language"
)

// Preferences are the console's remembered choices: server URL, last
// username, emulated version, "Keep me signed in". Never a secret.
type Preferences struct{ s PrefStore }

// NewPreferences wraps a store (fyne.App.Preferences(), a JSONPrefs or a MemoryPrefs).
func NewPreferences(s PrefStore) *Preferences {
	if s == nil {
		s = NewMemoryPrefs()
	}
	return &Preferences{s: s}
}

// ServerURL is the remembered server URL ("" when none).
func (p *Preferences) ServerURL() string { return p.s.String(PrefServerURL) }

// SetServerURL remembers the server URL.
func (p *Preferences) SetServerURL(u string) { p.s.SetString(PrefServerURL, u) }

// LastUsername is the username of the last sign-in.
func (p *Preferences) LastUsername() string { return p.s.String(PrefLastUsername) }

// SetLastUsername remembers the username.
func (p *Preferences) SetLastUsername(u string) { p.s.SetString(PrefLastUsername, u) }

// Version is the remembered emulated version; ok is false when none or malformed.
func (p *Preferences) Version() (v api.ConsoleVersion, ok bool) {
	v, err := api.ParseConsoleVersion(p.s.String(PrefVersion))
	return v, err == nil
}

// SetVersion remembers the emulated version.
func (p *Preferences) SetVersion(v api.ConsoleVersion) { p.s.SetString(PrefVersion, v.String()) }

// KeepSignedIn is the "Keep me signed in" choice.
func (p *Preferences) KeepSignedIn() bool { return p.s.Bool(PrefKeepSignedIn) }

// SetKeepSignedIn remembers the choice.
func (p *Preferences) SetKeepSignedIn(b bool) { p.s.SetBool(PrefKeepSignedIn, b) }

// Language is the language chosen in View > Language ("": the OS locale's).
func (p *Preferences) Language() string { return p.s.String(PrefLanguage) }

// SetLanguage remembers the language chosen ("": follow the OS locale).
func (p *Preferences) SetLanguage(tag string) { p.s.SetString(PrefLanguage, tag) }

// MemoryPrefs is a PrefStore in memory.
type MemoryPrefs struct {
	mu sync.Mutex
	m  map[string]any
}

// NewMemoryPrefs returns an empty store.
func NewMemoryPrefs() *MemoryPrefs { return &MemoryPrefs{m: map[string]any{}} }

// String returns a string value ("" when unset).
func (p *MemoryPrefs) String(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, _ := p.m[key].(string)
	return s
}

// SetString sets a string value.
func (p *MemoryPrefs) SetString(key, value string) { p.set(key, value) }

// Bool returns a bool value (false when unset).
func (p *MemoryPrefs) Bool(key string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, _ := p.m[key].(bool)
	return b
}

// SetBool sets a bool value.
func (p *MemoryPrefs) SetBool(key string, value bool) { p.set(key, value) }

func (p *MemoryPrefs) set(key string, v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[key] = v
}

// JSONPrefs is a PrefStore in a small JSON file (the CLI and tests), written
// on every change with mode 0600.
type JSONPrefs struct {
	MemoryPrefs
	path string
	// Err is the last write error, if any (PrefStore setters cannot return one).
	Err error
}

// OpenJSONPrefs reads path (a missing file is an empty store).
func OpenJSONPrefs(path string) (*JSONPrefs, error) {
	p := &JSONPrefs{MemoryPrefs: MemoryPrefs{m: map[string]any{}}, path: path}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read preferences: %w", err)
	}
	if err := json.Unmarshal(b, &p.m); err != nil {
		return nil, fmt.Errorf("read preferences %s: %w", filepath.Base(path), err)
	}
	return p, nil
}

// SetString sets a string value and saves the file.
func (p *JSONPrefs) SetString(key, value string) { p.MemoryPrefs.SetString(key, value); p.save() }

// SetBool sets a bool value and saves the file.
func (p *JSONPrefs) SetBool(key string, value bool) { p.MemoryPrefs.SetBool(key, value); p.save() }

func (p *JSONPrefs) save() {
	p.mu.Lock()
	b, err := json.MarshalIndent(p.m, "", "  ")
	p.mu.Unlock()
	if err == nil {
		err = writeFileAtomic(p.path, b)
	}
	p.Err = err
}

// writeFileAtomic writes b to path through a temporary file, mode 0600.
func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
