package screens

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
)

// openTwoStep taps "Two-step verification" on the signed-in page and waits
// for the method list.
func (h *harness) openTwoStep(s *signedInScreen) *twoStepScreen {
	h.t.Helper()
	test.Tap(s.twoStep)
	h.untilTwoStep(app.TwoStepList)
	return screenAs[*twoStepScreen](h)
}

func (h *harness) untilTwoStep(p app.TwoStepPhase) {
	h.t.Helper()
	h.until("two-step page "+string(p), func() bool {
		st := h.con.State()
		return st.Step == app.StepTwoStep && st.TwoStep.Phase == p && !st.Busy
	})
}

// TestChangeBackupPhoneFromTheTwoStepPage: a signed-in member changes the
// backup phone from the "Two-step verification" page. The second factor is
// asked first (a manage_two_step step-up, here answered with a text to the
// old phone); no code goes to the new phone before it; the code sent to the
// new phone confirms it, and one step-up covers the whole change. Cancel
// leaves everything as it was. Afterwards the sign-in code goes to the new
// phone and no longer to the old one.
func TestChangeBackupPhoneFromTheTwoStepPage(t *testing.T) {
	h := newHarness(t, currentV)
	bob := demo(t, "bob")
	const newPhone = "+1 555 0177"
	h.signIn("bob", demoPassword)
	h.enterCode(h.challenge(api.MethodAuthenticatorApp), "bob")
	p := h.openTwoStep(h.signedIn("bob"))
	if got := labelTexts(p.root); !strings.Contains(got, "Text message") || !strings.Contains(got, "active") {
		t.Fatalf("two-step page shows %q, want the text-message backup and its status", got)
	}
	if strings.Contains(labelTexts(p.root), bob.Phone) {
		t.Errorf("two-step page shows the full phone number %q, want it masked", bob.Phone)
	}

	// Cancel on the phone field: nothing changed.
	test.Tap(findButton(p.root, "Change backup phone"))
	h.untilTwoStep(app.TwoStepPhone)
	if f := h.con.win.Canvas().Focused(); f != screenAs[*twoStepScreen](h).first {
		t.Errorf("focus is on %T, want the phone field", f)
	}
	test.Tap(findButton(screenAs[*twoStepScreen](h).root, "Cancel"))
	h.until("nothing changed", func() bool {
		st := h.con.State()
		return st.Step == app.StepTwoStep && st.TwoStep.Phase == app.TwoStepList && st.Notice == "Nothing was changed."
	})

	// Cancel on the step-up: nothing changed, nothing sent to the new phone.
	typePhone := func(phone string) {
		test.Tap(findButton(screenAs[*twoStepScreen](h).root, "Change backup phone"))
		h.untilTwoStep(app.TwoStepPhone)
		e := screenAs[*twoStepScreen](h).first.(*entry)
		test.Type(e, phone)
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter submits
	}
	typePhone(newPhone)
	test.Tap(h.stepUp(api.MethodAuthenticatorApp).cancel)
	h.until("nothing changed after the step-up", func() bool {
		st := h.con.State()
		return st.Step == app.StepTwoStep && !st.Busy && st.TwoStep.Phase == app.TwoStepList && st.Notice == "Nothing was changed."
	})

	typePhone(newPhone)
	c := h.stepUp(api.MethodAuthenticatorApp)
	if len(h.srv.Outbox(t, newPhone)) != 0 {
		t.Fatal("a code went to the new phone before the step-up")
	}
	h.useInstead(c, api.MethodSMS)
	c = h.stepUp(api.MethodSMS)
	h.enterCode(c, "bob") // a text to the old phone
	h.untilTwoStep(app.TwoStepCode)
	code := screenAs[*twoStepScreen](h).first.(*entry)
	if h.con.win.Canvas().Focused() != code {
		t.Error("focus is not on the code field")
	}
	test.Type(code, h.srv.LastCode(t, newPhone))
	code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.until("the page with the new phone", func() bool {
		st := h.con.State()
		return st.Step == app.StepTwoStep && !st.Busy && st.TwoStep.Phase == app.TwoStepList && st.Notice == "Your backup phone was changed."
	})
	if got := labelTexts(screenAs[*twoStepScreen](h).root); !strings.Contains(got, "0177") || strings.Contains(got, "0102") {
		t.Errorf("two-step page shows %q, want the new phone (…0177) and not the old one", got)
	}

	// Back to the signed-in page, sign out, sign in with a text message.
	test.Tap(findButton(screenAs[*twoStepScreen](h).root, "Back"))
	test.Tap(h.signedIn("bob").signOut)
	oldBefore, newBefore := len(h.srv.Outbox(t, bob.Phone)), len(h.srv.Outbox(t, newPhone))
	h.signIn("bob", demoPassword)
	h.useInstead(h.challenge(api.MethodAuthenticatorApp), api.MethodSMS)
	h.challenge(api.MethodSMS)
	if n := len(h.srv.Outbox(t, bob.Phone)); n != oldBefore {
		t.Errorf("the old phone got %d more texts, want none", n-oldBefore)
	}
	if n := len(h.srv.Outbox(t, newPhone)); n != newBefore+1 {
		t.Fatalf("the new phone got %d more texts, want the sign-in code", n-newBefore)
	}
	test.Type(screenAs[*challengeScreen](h).code, h.srv.LastCode(t, newPhone))
	h.signedIn("bob")
}

// stepUp waits for the manage_two_step prompt of method.
func (h *harness) stepUp(m api.Method) *challengeScreen {
	h.t.Helper()
	h.until("step-up prompt for "+string(m), func() bool {
		st := h.con.State()
		return st.Step == app.StepChallenge && st.Challenge.Purpose == api.PurposeManageTwoStep &&
			st.Challenge.Method == m && st.Challenge.Active && !st.Busy
	})
	return screenAs[*challengeScreen](h)
}

// TestLegacyConsoleTwoStepPageHidesEmail: console 7.50.3572 cannot use email,
// so the page does not list carol's email backup.
func TestLegacyConsoleTwoStepPageHidesEmail(t *testing.T) {
	h := newHarness(t, legacyV)
	h.signIn("carol", demoPassword)
	h.enterCode(h.challenge(api.MethodAuthenticatorApp), "carol")
	p := h.openTwoStep(h.signedIn("carol"))
	got := labelTexts(p.root)
	if strings.Contains(got, "mail") {
		t.Errorf("legacy two-step page shows %q, want no email", got)
	}
	if !strings.Contains(got, "pp") {
		t.Errorf("legacy two-step page shows %q, want the authenticator app", got)
	}
	test.Tap(findButton(p.root, "Back"))
	h.signedIn("carol")
}

// TestCancelOnTheNewPhoneCodeKeepsTheOldPhone: Cancel after the code went to
// the new phone leaves the old phone the backup, and the new phone's code
// goes unused.
func TestCancelOnTheNewPhoneCodeKeepsTheOldPhone(t *testing.T) {
	h := newHarness(t, currentV)
	bob := demo(t, "bob")
	const newPhone = "+1 555 0188"
	h.signIn("bob", demoPassword)
	h.enterCode(h.challenge(api.MethodAuthenticatorApp), "bob")
	p := h.openTwoStep(h.signedIn("bob"))
	test.Tap(findButton(p.root, "Change backup phone"))
	h.untilTwoStep(app.TwoStepPhone)
	test.Type(screenAs[*twoStepScreen](h).first.(*entry), newPhone)
	test.Tap(findButton(screenAs[*twoStepScreen](h).root, "Next"))
	// The app's next code: the one used to sign in is not accepted twice.
	test.Type(h.stepUp(api.MethodAuthenticatorApp).code, totpCodeAt(t, bob.TOTPSecret, time.Now().Add(30*time.Second)))
	h.untilTwoStep(app.TwoStepCode)
	if len(h.srv.Outbox(t, newPhone)) != 1 {
		t.Fatal("no code went to the new phone after the step-up")
	}
	test.Tap(findButton(screenAs[*twoStepScreen](h).root, "Cancel"))
	h.until("nothing changed", func() bool {
		st := h.con.State()
		return st.Step == app.StepTwoStep && !st.Busy && st.TwoStep.Phase == app.TwoStepList && st.Notice == "Nothing was changed."
	})
	if got := labelTexts(screenAs[*twoStepScreen](h).root); !strings.Contains(got, "0102") || strings.Contains(got, "0188") {
		t.Errorf("after Cancel the page shows %q, want the old phone (…0102) only", got)
	}
	// Opened again, the page still lists only the old phone.
	test.Tap(findButton(screenAs[*twoStepScreen](h).root, "Back"))
	p = h.openTwoStep(h.signedIn("bob"))
	if got := labelTexts(p.root); !strings.Contains(got, "0102") || strings.Contains(got, "0188") {
		t.Errorf("the page opened again shows %q, want the old phone (…0102) only", got)
	}
}
