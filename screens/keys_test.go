package screens

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
)

// The flows of the console done with the keyboard alone: Tab, Shift+Tab,
// Enter, Space and typed text, sent to the window's canvas as the driver does
// (the focused control gets the key). Controls are found by their accessible
// names, which every control reached with Tab must have.

type keyboard struct {
	h  *harness
	cv fyne.Canvas
}

func (h *harness) keys() keyboard { return keyboard{h: h, cv: h.win.Canvas()} }

// name is what a screen reader says for o ("" when nothing).
func name(o fyne.Focusable) string {
	if a, ok := o.(fyne.Accessible); ok {
		return a.AccessibilityLabel()
	}
	return ""
}

func (k keyboard) focusedName() string { return name(k.cv.Focused()) }

func (k keyboard) tab()      { k.cv.FocusNext() }
func (k keyboard) shiftTab() { k.cv.FocusPrevious() }

// typeText types into the focused control, as the driver does (the canvas's
// own rune handler is only for when nothing has the focus).
func (k keyboard) typeText(s string) {
	k.h.t.Helper()
	f := k.cv.Focused()
	if f == nil {
		k.h.t.Fatalf("typing with nothing focused (on %s)", k.h.con.key)
	}
	for _, r := range s {
		f.TypedRune(r)
	}
}

// press sends a key to the focused control.
func (k keyboard) press(key fyne.KeyName) {
	k.h.t.Helper()
	f := k.cv.Focused()
	if f == nil {
		k.h.t.Fatalf("pressing %s with nothing focused (on %s)", key, k.h.con.key)
	}
	f.TypedKey(&fyne.KeyEvent{Name: key})
}

// expectFocus checks that the focus is on the control named want.
func (k keyboard) expectFocus(want string) {
	k.h.t.Helper()
	if got := k.focusedName(); got != want {
		k.h.t.Fatalf("on %s the focus is on %q (%T), want %q", k.h.con.key, got, k.cv.Focused(), want)
	}
}

// tabTo presses Tab until the control named want has the focus.
func (k keyboard) tabTo(want string) {
	k.h.t.Helper()
	var seen []string
	for range 60 {
		if k.focusedName() == want {
			return
		}
		seen = append(seen, k.focusedName())
		k.tab()
	}
	k.h.t.Fatalf("Tab never reaches %q on %s; it goes through %q", want, k.h.con.key, seen)
}

// tabOrder is every control Tab reaches, once round from the focused one;
// the focus is left where it was.
func (k keyboard) tabOrder() []fyne.Focusable {
	start := k.cv.Focused()
	var out []fyne.Focusable
	if start != nil {
		out = append(out, start)
	}
	for range 200 {
		k.tab()
		f := k.cv.Focused()
		if f == nil || (len(out) > 0 && f == out[0]) {
			break
		}
		out = append(out, f)
	}
	if start != nil {
		k.cv.Focus(start)
	}
	return out
}

// fyneInternal are focusable parts of Fyne 2.8.1's widgets that the console
// cannot name: a RadioGroup's items, and the selectable text of a label (the
// label itself is named by its text).
var fyneInternal = map[string]bool{"*widget.radioItem": true, "*widget.focusSelectable": true}

// expectNamed fails for every control reachable with Tab that has no
// accessible name.
func (k keyboard) expectNamed() {
	k.h.t.Helper()
	var unnamed []string
	for _, f := range k.tabOrder() {
		if strings.TrimSpace(name(f)) == "" && !fyneInternal[fmt.Sprintf("%T", f)] {
			unnamed = append(unnamed, fmt.Sprintf("%T", f))
		}
	}
	if testing.Verbose() {
		for _, f := range k.tabOrder() {
			k.h.t.Logf("%s: %T %q", k.h.con.key, f, name(f))
		}
	}
	if len(unnamed) > 0 {
		k.h.t.Errorf("on %s these controls have no accessible name: %v", k.h.con.key, unnamed)
	}
}

// signIn fills the sign-in form and presses the Sign in button.
func (k keyboard) signIn(user, password string) {
	k.h.t.Helper()
	k.h.idle(app.StepSignedOut)
	k.expectNamed()
	if s := screenAs[*signInScreen](k.h); s.username.Text == "" {
		k.expectFocus("Username")
		k.typeText(user)
		k.tab()
	} else if s.username.Text != user {
		k.h.t.Fatalf("the sign-in form remembers %q, want %q", s.username.Text, user)
	}
	k.expectFocus("Password")
	k.typeText(password)
	k.tabTo("Sign in")
	k.shiftTab()
	k.expectFocus("Keep me signed in")
	k.tab()
	before := k.h.con.State().Seq
	k.press(fyne.KeyReturn)
	k.h.until("sign-in to start", func() bool { return k.h.con.State().Seq > before })
}

// codeField is the accessible name of a code entry of n digits.
func codeField(n int) string { return fmt.Sprintf(codeFieldName, "Code", n) }

func TestKeyboardSignInWithCode(t *testing.T) {
	h := newHarness(t, currentV)
	k := h.keys()
	k.signIn("bob", demoPassword)
	h.challenge(api.MethodAuthenticatorApp)
	k.expectNamed()
	k.expectFocus(codeField(api.CodeDigits))
	k.typeText(totpCode(t, demo(t, "bob").TOTPSecret))
	h.signedIn("bob")
	k.expectNamed()
}

// TestKeyboardChangePassword: from the signed-in page to the new password,
// the step-up prompt answered by a text message.
func TestKeyboardChangePassword(t *testing.T) {
	h := newHarness(t, currentV)
	k := h.keys()
	k.signIn("bob", demoPassword)
	h.challenge(api.MethodAuthenticatorApp)
	k.typeText(totpCode(t, demo(t, "bob").TOTPSecret))
	h.signedIn("bob")
	k.expectFocus("Change password")
	k.press(fyne.KeySpace)
	h.idle(app.StepChangePassword)
	k.expectNamed()
	k.expectFocus("Current password")
	k.typeText(demoPassword)
	const newPassword = "Correct-Horse-Battery-9"
	k.tabTo("New password")
	k.typeText(newPassword)
	k.tabTo("Repeat new password")
	k.typeText(newPassword)
	k.tabTo("Change password")
	k.press(fyne.KeyReturn)
	h.until("step-up prompt", func() bool {
		st := h.con.State()
		return st.Step == app.StepChallenge && st.Challenge.Purpose == api.PurposePasswordChange && !st.Busy
	})
	k.expectNamed()
	// the same authenticator time step cannot be used twice: a text message
	if screenAs[*challengeScreen](h).method != api.MethodSMS {
		k.tabTo("Use a text message code instead")
		k.press(fyne.KeyReturn)
		h.challenge(api.MethodSMS)
	}
	k.expectFocus(codeField(api.CodeDigits))
	k.typeText(h.srv.LastCode(t, demo(t, "bob").Phone))
	h.signedIn("bob")
	k.tabTo("Sign out")
	k.press(fyne.KeyReturn)
	k.signIn("bob", newPassword)
	h.challenge(api.MethodAuthenticatorApp)
}

// setupKey waits until the setup's phase has the key (setup/…) and is idle.
func (h *harness) setupKey(key string) {
	h.t.Helper()
	h.until(key, func() bool { return h.con.key == key && !h.con.State().Busy })
}

func TestKeyboardFirstTimeSetup(t *testing.T) {
	h := newHarness(t, currentV)
	k := h.keys()
	k.signIn("erin", demoPassword)
	h.setupKey("setup/intro")
	k.expectNamed()
	k.expectFocus("Set up two-step verification")
	k.press(fyne.KeyReturn)
	h.setupKey("setup/overview")
	k.expectNamed()
	k.expectFocus("Set up mobile app")
	k.press(fyne.KeyReturn)
	h.setupKey("setup/pairing")
	k.expectNamed()
	k.expectFocus(codeField(api.CodeDigits))
	k.typeText(totpCode(t, h.con.State().Setup.Pairing.Secret))
	k.tabTo("Confirm")
	k.press(fyne.KeyReturn)
	h.until("the backup step", func() bool {
		st := h.con.State()
		return st.Step == app.StepSetup && st.Setup.Phase != app.SetupPairing && !st.Busy
	})
	if h.con.key == "setup/overview" {
		k.expectNamed()
		k.tabTo("Set up backup")
		k.press(fyne.KeyReturn)
		h.setupKey("setup/backup_entry")
	}
	k.expectNamed()
	k.expectFocus("Phone number")
	k.typeText("+1 555 0142")
	k.tabTo("Next")
	k.press(fyne.KeyReturn)
	h.setupKey("setup/backup_code")
	k.expectNamed()
	k.expectFocus(codeField(api.CodeDigits))
	msgs := h.srv.Outbox(t, "")
	if len(msgs) == 0 {
		t.Fatal("no code was sent to the backup phone")
	}
	k.typeText(msgs[0].Code)
	k.tabTo("Finish text setup")
	k.press(fyne.KeyReturn)
	h.until("activate", func() bool {
		st := h.con.State()
		return h.con.key == "setup/overview" && !st.Busy && st.Setup.CanActivate
	})
	k.expectNamed()
	k.expectFocus("Activate")
	k.press(fyne.KeySpace)
	h.signedIn("erin")
}

func TestKeyboardSetupAfterReset(t *testing.T) {
	h := newHarness(t, currentV)
	k := h.keys()
	k.signIn("frank", demoPassword)
	h.setupKey("setup/verify_backup")
	k.expectNamed()
	k.tabTo("Send code")
	k.press(fyne.KeyReturn)
	h.setupKey("setup/verify_backup_code")
	k.expectNamed()
	k.expectFocus(codeField(api.CodeDigits))
	k.typeText(h.srv.LastCode(t, demo(t, "frank").Phone))
	k.tabTo("Verify")
	k.press(fyne.KeyReturn)
	h.until("setup after reset", func() bool {
		st := h.con.State()
		return st.Step == app.StepSetup && st.Setup.Reset && st.Setup.Phase == app.SetupOverview && !st.Busy
	})
	k.expectNamed()
	k.expectFocus("Edit")
	k.press(fyne.KeyReturn)
	k.tabTo("Start pairing again")
	k.press(fyne.KeyReturn)
	h.setupKey("setup/pairing")
	k.expectFocus(codeField(api.CodeDigits))
	k.typeText(totpCode(t, h.con.State().Setup.Pairing.Secret))
	k.press(fyne.KeyReturn) // Enter in the code field confirms
	h.until("overview with Activate", func() bool {
		st := h.con.State()
		return h.con.key == "setup/overview" && !st.Busy && st.Setup.CanActivate
	})
	k.tabTo("Activate")
	k.press(fyne.KeyReturn)
	h.setupKey("setup/ready")
	k.expectNamed()
	k.expectFocus("Continue")
	k.press(fyne.KeyReturn)
	h.signedIn("frank")
}

// TestKeyboardTwoStepPage: the signed-in member changes the backup phone
// from the two-step page.
func TestKeyboardTwoStepPage(t *testing.T) {
	h := newHarness(t, currentV)
	k := h.keys()
	bob := demo(t, "bob")
	const newPhone = "+1 555 0177"
	k.signIn("bob", demoPassword)
	h.challenge(api.MethodAuthenticatorApp)
	k.typeText(totpCode(t, bob.TOTPSecret))
	h.signedIn("bob")
	k.tabTo("Two-step verification")
	k.press(fyne.KeyReturn)
	h.untilTwoStep(app.TwoStepList)
	k.expectNamed()
	k.tabTo("Change backup phone")
	k.press(fyne.KeyReturn)
	h.untilTwoStep(app.TwoStepPhone)
	k.expectNamed()
	k.expectFocus("New phone number")
	k.typeText(newPhone)
	k.tabTo("Next")
	k.press(fyne.KeyReturn)
	h.stepUp(api.MethodAuthenticatorApp)
	k.expectNamed()
	k.tabTo("Use a text message code instead")
	k.press(fyne.KeyReturn)
	h.stepUp(api.MethodSMS)
	k.expectFocus(codeField(api.CodeDigits))
	k.typeText(h.srv.LastCode(t, bob.Phone))
	h.untilTwoStep(app.TwoStepCode)
	k.expectNamed()
	k.expectFocus(codeField(api.CodeDigits))
	k.typeText(h.srv.LastCode(t, newPhone))
	k.press(fyne.KeyReturn) // Enter in the code field confirms
	h.until("the page with the new phone", func() bool {
		st := h.con.State()
		return st.Step == app.StepTwoStep && !st.Busy && st.TwoStep.Phase == app.TwoStepList && st.Notice == "Your backup phone was changed."
	})
	k.tabTo("Back")
	k.press(fyne.KeyReturn)
	h.signedIn("bob")
}

// TestKeyboardStartAgainFocusesTheCode: "Start again" on an ended code
// prompt gives the focus up when pressed (Fyne's buttons do); the fresh
// prompt puts it back on the code field.
func TestKeyboardStartAgainFocusesTheCode(t *testing.T) {
	h := newHarness(t, currentV)
	k := h.keys()
	k.signIn("bob", demoPassword)
	h.challenge(api.MethodAuthenticatorApp)
	// the prompt as it is once the request expired (waiting minutes for it
	// is no test): the next real state replaces it
	ended := h.con.State()
	ch := *ended.Challenge
	ch.Active = false
	ended.Challenge = &ch
	ended.Alert = &app.Alert{Kind: app.AlertExpired, Message: "This verification request expired. Send a new one to try again."}
	h.con.apply(ended)
	k.tabTo("Start again")
	k.press(fyne.KeyReturn)
	h.challenge(api.MethodAuthenticatorApp)
	k.expectFocus(codeField(api.CodeDigits))
	k.typeText(totpCode(t, demo(t, "bob").TOTPSecret))
	h.signedIn("bob")
}

// TestFocusedButtonHasARing: the ring shows only while the button has the
// focus, outside it, in the theme's ring colour (TestThemeContrast checks it).
func TestFocusedButtonHasARing(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newConsoleTheme())
	b := primaryButton("Sign in", nil, func() {})
	w := test.NewWindow(b)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(300, 100))
	r, ok := test.WidgetRenderer(b).(*ringRenderer)
	if !ok {
		t.Fatalf("button renderer is %T, want the ring renderer", test.WidgetRenderer(b))
	}
	if r.ring.Visible() {
		t.Fatal("ring shown before the button has the focus")
	}
	w.Canvas().Focus(b)
	if !r.ring.Visible() {
		t.Fatal("no ring on the focused button")
	}
	want := newConsoleTheme().Color(colorNameFocusRing, a.Settings().ThemeVariant())
	if r.ring.StrokeColor != want || r.ring.StrokeWidth < 2 {
		t.Errorf("ring %v, %v px; want %v, at least 2 px", r.ring.StrokeColor, r.ring.StrokeWidth, want)
	}
	if p, s := r.ring.Position(), r.ring.Size(); p.X >= 0 || p.Y >= 0 || s.Width <= b.Size().Width {
		t.Errorf("ring at %v size %v does not surround the button (size %v)", p, s, b.Size())
	}
	w.Canvas().Unfocus()
	if r.ring.Visible() {
		t.Error("ring stays after the focus left")
	}
}

// TestSpokenStateFollowsStepAndAlert: what announce is called on changes with
// the step and with the text of a shown alert, and not with anything else.
func TestSpokenStateFollowsStepAndAlert(t *testing.T) {
	test.NewTempApp(t)
	a := newAlertView()
	other := widget.NewLabel("Expires in 4:59")
	root := container.NewVBox(other, a.object())
	before := spokenState("challenge/login/sms", root)
	other.SetText("Expires in 4:58")
	if spokenState("challenge/login/sms", root) != before {
		t.Error("a countdown is announced")
	}
	a.show(styleError, "That code is not right. 4 attempts left.")
	withAlert := spokenState("challenge/login/sms", root)
	if withAlert == before {
		t.Error("a new alert is not announced")
	}
	if spokenState("signed_in", root) == withAlert {
		t.Error("a new step is not announced")
	}
	a.show(styleError, "")
	if spokenState("challenge/login/sms", root) != before {
		t.Error("a hidden alert still counts")
	}
}

// TestPushNumberIsReadOut: the matching number of an app notification, drawn
// as large text, is an element a screen reader reads.
func TestPushNumberIsReadOut(t *testing.T) {
	h := newHarness(t, currentV)
	alice := h.srv.Demo(t, "alice")
	if _, err := h.phone.AddDevice(context.Background(), alice.OTPAuthURI, h.srv.URL, alice.DeviceToken); err != nil {
		t.Fatalf("pair the phone: %v", err)
	}
	h.keys().signIn("alice", demoPassword)
	h.until("the app notification prompt", func() bool {
		st := h.con.State()
		return st.Step == app.StepChallenge && st.Challenge.Waiting && st.Challenge.MatchNumber != ""
	})
	h.keys().expectNamed()
	var read []string
	eachVisible(h.con.current.object(), func(o fyne.CanvasObject) {
		if a, ok := o.(*spoken); ok {
			read = append(read, a.AccessibilityLabel())
		}
	})
	if want := h.con.State().Challenge.MatchNumber; len(read) != 1 || read[0] != want {
		t.Errorf("read out %q, want the number %q", read, want)
	}
}

// TestKeyboardNoMethod: a console that cannot verify the member says so, and
// Enter goes back to the sign-in.
func TestKeyboardNoMethod(t *testing.T) {
	h := newHarness(t, legacyV)
	k := h.keys()
	k.signIn("dave", demoPassword)
	h.idle(app.StepNoMethod)
	k.expectNamed()
	k.expectFocus("Back to sign-in")
	k.press(fyne.KeyReturn)
	h.idle(app.StepSignedOut)
	k.expectFocus("Password")
}
