package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/app"
)

// TestServerChoice: File > Server… refuses plain http:// over the network
// with a reason, remembers an https:// address (so that the next start uses
// it), and switches back to the built-in demo organisation.
func TestServerChoice(t *testing.T) {
	prefs := app.NewPreferences(app.NewMemoryPrefs())
	b := &backend{dataDir: t.TempDir(), embedded: true, prefs: prefs, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	local, err := b.startServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close)
	ctl, err := app.NewController(app.Config{ServerURL: local, Prefs: prefs})
	if err != nil {
		t.Fatal(err)
	}
	b.ctl = ctl

	if _, err := b.chooseServer("http://auth.example.com"); err == nil || !strings.Contains(err.Error(), "unencrypted") {
		t.Errorf("http:// to another host: %v, want a refusal that says why", err)
	}
	if _, err := b.chooseServer("auth.example.com"); err != nil || prefs.ServerURL() != "https://auth.example.com" {
		t.Errorf("auth.example.com: %v, remembered %q", err, prefs.ServerURL())
	}
	if embedded := shownServer("", false, prefs); embedded != "https://auth.example.com" {
		t.Errorf("the next start shows %q", embedded)
	}
	if _, err := b.chooseServer(""); err != nil || prefs.ServerURL() != "" || ctl.State().Server != local {
		t.Errorf("back to the built-in organisation: %v, remembered %q, controller on %s", err, prefs.ServerURL(), ctl.State().Server)
	}
}
