package screens

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

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

// TestPhonePanelSpeaksInSentences: an account whose server does not answer
// is reported in a sentence that says what to do, not as a Go error.
func TestPhonePanelSpeaksInSentences(t *testing.T) {
	h := newHarness(t, currentV)
	d := demo(t, "alice")
	if _, err := h.phone.AddDevice(context.Background(), d.OTPAuthURI, "http://127.0.0.1:1", "gone-device-token"); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.con.toggle)
	tp := h.con.tester
	h.until("the phone's message", func() bool { return tp.phoneMsg.Text() != "" })
	got := tp.phoneMsg.Text()
	if !strings.Contains(got, "cannot reach the server") {
		t.Errorf("panel says %q, want that the phone cannot reach the server", got)
	}
	for _, raw := range []string{"dial tcp", "connection refused", "GET /api", "unreachable at"} {
		if strings.Contains(got, raw) {
			t.Errorf("panel says %q: a Go error, not a sentence (%q)", got, raw)
		}
	}
}
