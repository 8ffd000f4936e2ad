package screens

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/server/servertest"
)

// newUnstartedConsole is a console window whose server is still starting
// (no controller attached yet), where grace has signed in: with Enter in the
// password field, or with Console.Press (the start-up measurement's way).
func newUnstartedConsole(t *testing.T, press bool) (*harness, *signInScreen) {
	t.Helper()
	a := test.NewTempApp(t)
	q := newUIQueue()
	w, con := NewMainWindow(a, Options{Embedded: true, Do: q.Do, Tester: TesterOptions{Version: currentV}})
	t.Cleanup(w.Close)
	h := &harness{t: t, q: q, con: con, win: w}
	s := screenAs[*signInScreen](h)
	if s.submit.Disabled() || s.username.Disabled() || s.password.Disabled() {
		t.Fatal("the sign-in form is off while the server starts; want it usable at once")
	}
	test.Type(s.username, "grace")
	test.Type(s.password, demoPassword)
	if press {
		if !con.Press("Sign in") {
			t.Fatal(`Press("Sign in") found no enabled button`)
		}
	} else {
		s.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	if !con.SignInWaiting() || !s.busy.box.Visible() || !strings.Contains(s.busy.label.Text, "embedded server") {
		t.Fatalf("after signing in before the server is up: waiting %v, progress shown %v %q",
			con.SignInWaiting(), s.busy.box.Visible(), s.busy.label.Text)
	}
	if !s.submit.Disabled() || !s.password.Disabled() {
		t.Fatal("the form stays editable while its sign-in waits for the server")
	}
	return h, s
}

// TestSignInTypedBeforeTheServerIsUp: the form is usable before the embedded
// server is up; a sign-in pressed then waits, with progress shown, and goes
// through once the controller is attached.
func TestSignInTypedBeforeTheServerIsUp(t *testing.T) {
	h, _ := newUnstartedConsole(t, false)
	srv := servertest.Start(t)
	ctl, err := app.NewController(app.Config{ServerURL: srv.URL, Version: currentV,
		Prefs: app.NewPreferences(app.NewMemoryPrefs()), Keychain: app.OSKeychain{}})
	if err != nil {
		t.Fatalf("controller: %v", err)
	}
	t.Cleanup(ctl.Close)
	t.Cleanup(ctl.Subscribe(h.con.Update))
	h.con.Start(ctl)
	if h.con.SignInWaiting() {
		t.Fatal("the waiting sign-in was not forwarded at Start")
	}
	h.signedIn("grace")
}

// TestSignInWaitingWhenTheServerFails: a sign-in waiting for a server that
// then fails to start is dropped, and the form says why.
func TestSignInWaitingWhenTheServerFails(t *testing.T) {
	h, _ := newUnstartedConsole(t, true)
	h.con.StartFailed("The embedded server did not start: disk full")
	s := screenAs[*signInScreen](h) // drawn anew
	if h.con.SignInWaiting() || s.busy.box.Visible() || !s.submit.Disabled() || !strings.Contains(s.alert.Text(), "disk full") {
		t.Fatalf("after the server failed: waiting %v, progress %v, sign in disabled %v, alert %q",
			h.con.SignInWaiting(), s.busy.box.Visible(), s.submit.Disabled(), s.alert.Text())
	}
}
