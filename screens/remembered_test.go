package screens

import (
	"testing"

	"github.com/remotesupport/techconsole/app"
)

// TestSignInShowsRememberedChoices: the username of the last sign-in and the
// "Keep me signed in" choice, kept in the preferences, are on the form when
// the console starts (the form is drawn before the controller is attached).
func TestSignInShowsRememberedChoices(t *testing.T) {
	prefs := app.NewPreferences(app.NewMemoryPrefs())
	prefs.SetLastUsername("grace")
	prefs.SetKeepSignedIn(true)
	h := newHarnessWith(t, currentV, prefs)
	h.idle(app.StepSignedOut)
	s := screenAs[*signInScreen](h)
	if s.username.Text != "grace" || !s.keep.Checked {
		t.Errorf("form shows username %q, keep me signed in %v; want grace, ticked", s.username.Text, s.keep.Checked)
	}
}
