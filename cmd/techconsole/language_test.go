package main

import (
	"testing"

	"github.com/remotesupport/techconsole/app"
)

func TestLanguageChoice(t *testing.T) {
	env := map[string]string{"LANG": "de_DE.UTF-8"}
	getenv := func(k string) string { return env[k] }
	prefs := app.NewPreferences(app.NewMemoryPrefs())

	if got := newLanguageChoice(prefs, "", getenv).start(); got != "de" {
		t.Errorf("nothing chosen: %q, want the OS locale's de", got)
	}
	l := newLanguageChoice(prefs, "", getenv)
	if use, err := l.set("nl"); err != nil || use != "nl" || prefs.Language() != "nl" {
		t.Errorf("View > Language > Nederlands: use %q (%v), remembered %q", use, err, prefs.Language())
	}
	if got := newLanguageChoice(prefs, "", getenv).start(); got != "nl" {
		t.Errorf("the next start: %q, want the remembered nl", got)
	}
	if got := newLanguageChoice(prefs, "fr_FR.UTF-8", getenv).start(); got != "fr" {
		t.Errorf("--lang fr_FR.UTF-8: %q, want fr over the remembered choice", got)
	}
	if got := newLanguageChoice(prefs, "en-XA", getenv).start(); got != "en-XA" {
		t.Errorf("--lang en-XA: %q, want the pseudo-language", got)
	}
	if use, _ := l.set(""); use != "de" || prefs.Language() != "" {
		t.Errorf("the system's language again: use %q, remembered %q", use, prefs.Language())
	}
}
