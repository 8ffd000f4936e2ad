package screens

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/server/servertest"
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

// TestMenuBar: File (Server…, Sign out, Quit), View (Tester panel on
// Ctrl+T, a menu shortcut, so it works while a text field has the focus),
// Help (About).
func TestMenuBar(t *testing.T) {
	h := newHarness(t, currentV)
	m := h.win.MainMenu()
	if m == nil {
		t.Fatal("no menu bar")
	}
	var got []string
	var tester *fyne.MenuItem
	for _, menu := range m.Items {
		for _, it := range menu.Items {
			if it.IsSeparator {
				continue
			}
			got = append(got, menu.Label+">"+it.Label)
			if it.Label == "Tester panel" {
				tester = it
			}
		}
	}
	want := "File>Server… File>Sign out File>Quit View>Tester panel Help>About " + AppName
	if strings.Join(got, " ") != want {
		t.Errorf("menu bar: %q, want %q", strings.Join(got, " "), want)
	}
	if tester == nil || tester.Shortcut == nil || tester.Shortcut.ShortcutName() != toggleTesterShortcut.ShortcutName() {
		t.Fatalf("Tester panel item has no Ctrl+T shortcut: %+v", tester)
	}
	tester.Action()
	if !h.con.TesterOpen() {
		t.Error("View > Tester panel does not open the panel")
	}
}

// TestTesterPanelLeavesTheMainScreen: at 1000×700 and 800×600 the tester
// panel leaves the main screen the width of its widest card (setup, 520),
// also when the window shrinks with the panel open.
func TestTesterPanelLeavesTheMainScreen(t *testing.T) {
	h := newHarness(t, currentV)
	test.Tap(h.con.toggle)
	for _, sz := range []fyne.Size{{Width: 1000, Height: 700}, {Width: 800, Height: 600}} {
		h.win.Resize(sz)
		h.q.drain()
		body, panel := h.con.body.Size().Width, h.con.tester.object().Size().Width
		if body < 530 || panel < 200 {
			t.Errorf("%v×%v: main screen %v wide, tester panel %v; want at least 530 and 200", sz.Width, sz.Height, body, panel)
		}
	}
}

// TestSignInOffersTheServerChoice: the sign-in screen opens the same server
// choice as File > Server….
func TestSignInOffersTheServerChoice(t *testing.T) {
	h := newHarness(t, currentV, func(_ *harness, o *Options) {
		o.ChooseServer = func(string) (string, error) { return "", nil }
	})
	h.idle(app.StepSignedOut)
	s := screenAs[*signInScreen](h)
	var b *widget.Button
	walk(s.root, func(o fyne.CanvasObject) {
		if a, ok := o.(*widget.Accordion); ok {
			for _, it := range a.Items {
				if found := findButton(it.Detail, "Choose the server…"); found != nil {
					b = found
				}
			}
		}
	})
	if b == nil {
		t.Fatal("no \"Choose the server…\" on the sign-in screen")
	}
	test.Tap(b)
	if h.win.Canvas().Overlays().Top() == nil {
		t.Error("the server choice did not open")
	}
}

// TestServerFieldForwardsTheAddress: an address typed on the sign-in form
// goes to the controller as app.SetServer before the sign-in; one it
// refuses (plain http to another host) stops the sign-in with the reason.
func TestServerFieldForwardsTheAddress(t *testing.T) {
	h := newHarness(t, currentV, func(_ *harness, o *Options) { o.Embedded = false })
	s := screenAs[*signInScreen](h)
	s.server.SetText("http://auth.example.com")
	test.Type(s.username, "bob")
	test.Type(s.password, demoPassword)
	test.Tap(s.submit)
	h.until("the refusal", func() bool { return h.con.State().Alert != nil })
	if got := s.alert.Text(); !strings.Contains(got, "https://auth.example.com") || h.ctl.State().Server != h.srv.URL || h.ctl.State().Busy {
		t.Fatalf("a plain-http address: alert %q, controller on %q, busy %v", got, h.ctl.State().Server, h.ctl.State().Busy)
	}
	s.server.SetText("http://127.0.0.1:1")
	test.Tap(s.submit)
	h.until("the refusal of the unreachable server", func() bool {
		st := h.con.State()
		return st.Server == "http://127.0.0.1:1" && !st.Busy && st.Alert != nil && st.Alert.Kind == app.AlertUnreachable
	})
	if h.prefs.ServerURL() != "http://127.0.0.1:1" {
		t.Errorf("the address is not remembered: %q", h.prefs.ServerURL())
	}
}

// TestVersionChosenBeforeTheServerStarts: a version applied in the tester
// panel while the controller is not attached yet reaches it on Start.
func TestVersionChosenBeforeTheServerStarts(t *testing.T) {
	a := test.NewTempApp(t)
	q := newUIQueue()
	w, con := NewMainWindow(a, Options{Do: q.Do, Embedded: true, Tester: TesterOptions{Version: currentV}})
	t.Cleanup(w.Close)
	con.ToggleTester()
	if got := con.SetVersion(legacyV); got != "Console 7.50.3572 is set." {
		t.Errorf("panel says %q", got)
	}
	if w.Title() != WindowTitle("7.50.3572") {
		t.Errorf("title before the start: %q", w.Title())
	}
	srv := servertest.Start(t)
	prefs := app.NewPreferences(app.NewMemoryPrefs())
	ctl, err := app.NewController(app.Config{ServerURL: srv.URL, Version: currentV, Prefs: prefs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ctl.Close)
	h := &harness{t: t, q: q, con: con, ctl: ctl, srv: srv}
	t.Cleanup(ctl.Subscribe(con.Update))
	con.Start(ctl)
	h.until("the version at the controller", func() bool { return con.State().NextVersion == legacyV && con.State().Version == legacyV })
	if v, _ := prefs.Version(); v != legacyV {
		t.Errorf("remembered version %v", v)
	}
	con.ToggleTester()
}

// TestMainButtonsStayReachableWithTheTesterPanel: at 1000×700 and 800×600,
// with the tester panel open, every button of the main screen lies wholly
// left of the panel (the screens scroll vertically), on each kind of screen.
func TestMainButtonsStayReachableWithTheTesterPanel(t *testing.T) {
	h := newHarness(t, currentV)
	test.Tap(h.con.toggle)
	check := func(name string) {
		t.Helper()
		for _, sz := range []fyne.Size{{Width: 1000, Height: 700}, {Width: 800, Height: 600}} {
			h.win.Resize(sz)
			h.q.drain()
			d := fyne.CurrentApp().Driver()
			left := d.AbsolutePositionForObject(h.con.body).X + h.con.body.Size().Width
			if panelX := d.AbsolutePositionForObject(h.con.tester.object()).X; panelX < left {
				t.Errorf("%s at %v: the panel starts at %v, over the main screen (to %v)", name, sz, panelX, left)
			}
			if _, ok := h.con.current.object().(*container.Scroll); !ok {
				t.Errorf("%s: the main screen does not scroll", name)
			}
			n := 0
			walk(h.con.current.object(), func(o fyne.CanvasObject) {
				b := asButton(o)
				if b == nil || !o.Visible() {
					return
				}
				n++
				if x := d.AbsolutePositionForObject(o).X; x < 0 || x+b.Size().Width > left+0.5 {
					t.Errorf("%s at %v: %q spans %v to %v, the main screen ends at %v", name, sz, b.Text, x, x+b.Size().Width, left)
				}
			})
			if n == 0 {
				t.Errorf("%s at %v: no button found", name, sz)
			}
		}
	}
	check("sign-in")
	h.signIn("bob", demoPassword)
	h.challenge(api.MethodAuthenticatorApp)
	check("challenge")
	test.Tap(findButton(screenAs[*challengeScreen](h).root, "Cancel"))
	h.signIn("erin", demoPassword)
	h.until("setup", func() bool { return h.con.key == "setup/intro" && !h.con.State().Busy })
	check("setup start")
	h.con.BeginSetup()
	check("setup overview")
	h.ctl.Dispatch(app.StartPairing{})
	h.until("pairing", func() bool { return h.con.key == "setup/pairing" && !h.con.State().Busy })
	check("pairing")
	h.ctl.Dispatch(app.Cancel{})
	h.until("overview", func() bool { return h.con.key == "setup/overview" && !h.con.State().Busy })
	h.ctl.Dispatch(app.Cancel{})
	h.signIn("grace", demoPassword)
	h.signedIn("grace")
	check("signed in")
	h.ctl.Dispatch(app.OpenChangePassword{})
	h.idle(app.StepChangePassword)
	check("change password")
	h.ctl.Dispatch(app.Cancel{})
	h.idle(app.StepSignedIn)
	h.ctl.Dispatch(app.OpenTwoStep{})
	h.idle(app.StepTwoStep)
	check("two-step page")
}
