package app_test

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
)

// fyne.Preferences must satisfy PrefStore, so the console can pass
// fyneApp.Preferences() straight in.
var _ app.PrefStore = fyne.Preferences(nil)

func TestJSONPrefsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cfg", "prefs.json")
	jp, err := app.OpenJSONPrefs(path)
	if err != nil {
		t.Fatal(err)
	}
	p := app.NewPreferences(jp)
	if _, ok := p.Version(); ok || p.KeepSignedIn() || p.LastUsername() != "" {
		t.Fatal("a new store is not empty")
	}
	p.SetServerURL("http://127.0.0.1:8080")
	p.SetLastUsername("bob")
	p.SetVersion(api.ConsoleVersion{Major: 7, Minor: 50, Build: 3572})
	p.SetKeepSignedIn(true)
	if jp.Err != nil {
		t.Fatal(jp.Err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("prefs file: %v %v", info, err)
	}
	jp2, err := app.OpenJSONPrefs(path)
	if err != nil {
		t.Fatal(err)
	}
	p2 := app.NewPreferences(jp2)
	v, ok := p2.Version()
	if p2.ServerURL() != "http://127.0.0.1:8080" || p2.LastUsername() != "bob" || !ok || v.String() != "7.50.3572" || !p2.KeepSignedIn() {
		t.Fatalf("reloaded: %q %q %v %v", p2.ServerURL(), p2.LastUsername(), v, p2.KeepSignedIn())
	}
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := app.OpenJSONPrefs(path); err == nil {
		t.Fatal("a broken file was accepted")
	}
}
