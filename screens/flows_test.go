package screens

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
)

// enterCode answers a code prompt the way its method gets codes: the
// authenticator app's current code, or the newest text or email the server sent.
func (h *harness) enterCode(s *challengeScreen, user string) {
	h.t.Helper()
	d := demo(h.t, user)
	var code string
	switch s.method {
	case api.MethodAuthenticatorApp:
		code = totpCode(h.t, d.TOTPSecret)
	case api.MethodSMS, api.MethodEmail:
		to := d.Phone
		if s.method == api.MethodEmail {
			to = d.Email
		}
		if !strings.Contains(s.sentTo.Text, "We sent a 6-digit code to") {
			h.t.Errorf("prompt says %q, want where the code went", s.sentTo.Text)
		}
		if strings.Contains(s.sentTo.Text, to) {
			h.t.Errorf("prompt shows the full destination %q, want it masked", to)
		}
		if !s.resend.Disabled() || !strings.HasPrefix(s.resend.Text, "Resend code in 0:") {
			h.t.Errorf("resend button = %q (disabled %v), want a cooldown countdown", s.resend.Text, s.resend.Disabled())
		}
		code = h.srv.LastCode(h.t, to)
	}
	// the entry submits on its 6th digit, no button needed
	test.Type(s.code, code)
}

func TestSignInWithEachCodeMethod(t *testing.T) {
	cases := []struct {
		name    string
		version api.ConsoleVersion
		user    string
		first   api.Method
		offered []api.Method // "Use another method" on the first prompt
		via     api.Method   // the method used, when not the first
	}{
		{"authenticator app on 7.51.0", currentV, "bob", api.MethodAuthenticatorApp, []api.Method{api.MethodSMS}, ""},
		{"text message after the authenticator on legacy 7.50.3572", legacyV, "bob", api.MethodAuthenticatorApp, []api.Method{api.MethodSMS}, api.MethodSMS},
		{"email on 7.51.0", currentV, "carol", api.MethodAuthenticatorApp, []api.Method{api.MethodEmail}, api.MethodEmail},
		{"legacy 7.50.3572 never offers email", legacyV, "carol", api.MethodAuthenticatorApp, nil, ""},
		{"email only on 7.50.3573", firstNew, "dave", api.MethodEmail, nil, ""},
		{"administrator with text message on 7.50.3573", firstNew, "henry", api.MethodAuthenticatorApp, []api.Method{api.MethodSMS}, api.MethodSMS},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.version)
			h.signIn(tc.user, demoPassword)
			s := h.challenge(tc.first)
			var offered []api.Method
			for _, m := range api.Methods {
				if findButton(s.others, "Use "+m.Phrase()+" instead") != nil {
					offered = append(offered, m)
				}
			}
			if !slices.Equal(offered, tc.offered) {
				t.Errorf("\"Use another method\" offers %v, want %v", offered, tc.offered)
			}
			if tc.via != "" {
				h.useInstead(s, tc.via)
				s = h.challenge(tc.via)
			}
			h.enterCode(s, tc.user)
			h.signedIn(tc.user)
			if !strings.Contains(h.win.Title(), tc.version.String()) {
				t.Errorf("title %q does not name %s", h.win.Title(), tc.version)
			}
		})
	}
}

func TestAppNotificationShowsNumberAndSignsInWhenApproved(t *testing.T) {
	for _, v := range []api.ConsoleVersion{currentV, legacyV} {
		t.Run(v.String(), func(t *testing.T) {
			h := newHarness(t, v)
			alice := h.srv.Demo(t, "alice")
			if _, err := h.phone.AddDevice(context.Background(), alice.OTPAuthURI, h.srv.URL, alice.DeviceToken); err != nil {
				t.Fatalf("pair the phone: %v", err)
			}
			h.signIn("alice", demoPassword)
			h.until("the app notification prompt", func() bool {
				st := h.con.State()
				return st.Step == app.StepChallenge && st.Challenge.Waiting && st.Challenge.MatchNumber != ""
			})
			s := screenAs[*challengeScreen](h)
			if s.number.Text != h.con.State().Challenge.MatchNumber || len(s.number.Text) != 2 {
				t.Fatalf("number on screen %q, want the two-digit match number", s.number.Text)
			}
			if !s.waiting.Visible() || !s.progress.Visible() || s.waiting.Text != "Waiting for approval on your phone" {
				t.Errorf("waiting label/progress not shown")
			}
			if s.cancel.Disabled() {
				t.Error("Cancel is disabled while waiting")
			}
			// the tester panel's virtual phone approves with the number typed
			test.Tap(h.con.toggle)
			h.until("the push on the virtual phone", func() bool { return len(h.con.tester.pushIDs) == 1 })
			row := h.con.tester.pushes.Objects[0].(*fyne.Container)
			entry := findEntry(row)
			test.Type(entry, s.number.Text)
			test.Tap(findButton(row, "Approve"))
			h.signedIn("alice")
		})
	}
}

func TestDeniedPushOffersAnotherNotification(t *testing.T) {
	h := newHarness(t, currentV)
	alice := h.srv.Demo(t, "alice")
	if _, err := h.phone.AddDevice(context.Background(), alice.OTPAuthURI, h.srv.URL, alice.DeviceToken); err != nil {
		t.Fatalf("pair the phone: %v", err)
	}
	h.signIn("alice", demoPassword)
	h.until("the app notification prompt", func() bool {
		st := h.con.State()
		return st.Step == app.StepChallenge && st.Challenge.Waiting
	})
	ctx := context.Background()
	n, err := h.phone.Next(ctx, alice.Username)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.phone.Deny(ctx, alice.Username, n.ID); err != nil {
		t.Fatal(err)
	}
	h.until("the denial", func() bool { st := h.con.State(); return st.Alert != nil && !st.Busy })
	s := screenAs[*challengeScreen](h)
	if s.alert.Text() == "" || !s.again.Visible() || s.waiting.Visible() {
		t.Errorf("after a denial: alert %q, again visible %v, waiting visible %v", s.alert.Text(), s.again.Visible(), s.waiting.Visible())
	}
}

func findEntry(o fyne.CanvasObject) fyne.Focusable {
	var e fyne.Focusable
	walk(o, func(c fyne.CanvasObject) {
		if f, ok := c.(fyne.Focusable); ok && e == nil {
			if _, isEntry := c.(interface{ SetPlaceHolder(string) }); isEntry {
				e = f
			}
		}
	})
	return e
}

func TestLegacyConsoleExplainsEmailOnly(t *testing.T) {
	h := newHarness(t, legacyV)
	h.signIn("dave", demoPassword)
	h.idle(app.StepNoMethod)
	s := screenAs[*noMethodScreen](h)
	for _, want := range []string{"cannot use email", "administrator", "newer console"} {
		if !strings.Contains(s.message.Text, want) {
			t.Errorf("message %q does not say %q", s.message.Text, want)
		}
	}
	// Escape goes back to the sign-in form
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	h.idle(app.StepSignedOut)
}

func TestFirstTimeSetup(t *testing.T) {
	for _, v := range []api.ConsoleVersion{currentV, legacyV} {
		t.Run(v.String(), func(t *testing.T) {
			h := newHarness(t, v)
			h.signIn("erin", demoPassword)
			h.until("setup overview", func() bool {
				st := h.con.State()
				return st.Step == app.StepSetup && st.Setup.Phase == app.SetupOverview && !st.Busy
			})
			s := screenAs[*setupScreen](h)
			begin := findButton(s.root, "Set up two-step verification")
			if begin == nil {
				t.Fatalf("first-time setup does not start from \"Set up two-step verification\": %v", buttonTexts(s.root))
			}
			test.Tap(begin)
			s = screenAs[*setupScreen](h)
			if !strings.Contains(labelTexts(s.root)+cardTitles(s.root), "Protect Your Account") {
				t.Errorf("the button does not open Protect Your Account")
			}
			test.Tap(findButton(s.root, "Set up mobile app"))

			h.until("pairing", func() bool { return h.con.key == "setup/pairing" && !h.con.State().Busy })
			pairing := h.con.State().Setup.Pairing
			root := screenAs[*setupScreen](h).root
			var qr *canvas.Image
			walk(root, func(o fyne.CanvasObject) {
				if img, ok := o.(*canvas.Image); ok {
					qr = img
				}
			})
			if qr == nil || qr.Resource == nil || len(qr.Resource.Content()) == 0 {
				t.Fatal("no QR code image on the pairing screen")
			}
			// Scaled by a fraction, a QR code's modules blur and cameras fail
			// to read it: it must be shown at the size it was drawn.
			if cfg, err := png.DecodeConfig(bytes.NewReader(qr.Resource.Content())); err != nil {
				t.Fatalf("QR code image: %v", err)
			} else if want := fyne.NewSize(float32(cfg.Width), float32(cfg.Height)); qr.MinSize() != want || qr.ScaleMode != canvas.ImageScalePixels {
				t.Errorf("QR code shown at %v (scale mode %v), want %v pixel for pixel", qr.MinSize(), qr.ScaleMode, want)
			}
			if !strings.Contains(labelTexts(root), groupKey(pairing.Secret)) {
				t.Error("the key is not shown as text")
			}
			code := totpCode(t, pairing.Secret)
			if !v.IsLegacy() {
				// the tester panel's virtual phone scans the QR code and shows the code
				test.Tap(h.con.toggle)
				pair := h.con.tester.pairBtn
				h.until("the phone can scan the QR code", func() bool { return pair.Visible() && !pair.Disabled() })
				test.Tap(pair)
				h.until("the phone's code for erin", func() bool {
					for name, r := range h.con.tester.codeRows {
						if strings.HasSuffix(name, ":erin") && r.code.Text != "" {
							code = strings.ReplaceAll(r.code.Text, " ", "")
							return true
						}
					}
					return h.con.tester.phoneMsg.Text() != "" && strings.HasPrefix(h.con.tester.phoneMsg.Text(), "Could not")
				})
				if msg := h.con.tester.phoneMsg.Text(); strings.HasPrefix(msg, "Could not") {
					t.Fatalf("virtual phone: %s", msg)
				}
				test.Tap(h.con.toggle)
			}
			test.Type(findEntry(root), code)
			test.Tap(findButton(root, "Confirm"))

			h.until("the backup step", func() bool {
				st := h.con.State()
				return st.Step == app.StepSetup && st.Setup.Phase != app.SetupPairing && !st.Busy
			})
			if h.con.State().Setup.Phase == app.SetupOverview {
				test.Tap(setUpBackupButton(screenAs[*setupScreen](h).root))
				h.until("backup entry", func() bool { return h.con.key == "setup/backup_entry" && !h.con.State().Busy })
			}
			root = screenAs[*setupScreen](h).root
			radios := 0
			walk(root, func(o fyne.CanvasObject) {
				if strings.HasSuffix(typeName(o), "RadioGroup") {
					radios++
				}
			})
			if wantEmail := !v.IsLegacy(); (radios == 1) != wantEmail {
				t.Errorf("version %s: email choice shown = %v, want %v", v, radios == 1, wantEmail)
			}
			test.Type(findEntry(root), "+1 555 0142")
			test.Tap(findButton(root, "Next"))

			h.until("backup code", func() bool { return h.con.key == "setup/backup_code" && !h.con.State().Busy })
			msgs := h.srv.Outbox(t, "")
			if len(msgs) == 0 {
				t.Fatal("no code was sent to the backup phone")
			}
			root = screenAs[*setupScreen](h).root
			test.Type(findEntry(root), msgs[0].Code)
			test.Tap(findButton(root, "Finish text setup"))

			h.until("activate", func() bool {
				st := h.con.State()
				return h.con.key == "setup/overview" && !st.Busy && st.Setup.CanActivate
			})
			root = screenAs[*setupScreen](h).root
			test.Tap(findButton(root, "Activate"))
			h.signedIn("erin")
		})
	}
}

// TestSetupAfterReset walks the "previously set up" flow of frank, whose SMS
// backup survived a lost-phone reset: verify the backup (masked; Edit only
// once verified; the code from the outbox), then MFA Authenticator > Edit >
// Start pairing again, then Activate > Continue.
func TestSetupAfterReset(t *testing.T) {
	h := newHarness(t, currentV)
	frank := demo(t, "frank")
	h.signIn("frank", demoPassword)
	h.until("verify the backup", func() bool {
		st := h.con.State()
		return st.Step == app.StepSetup && st.Setup.Reset && h.con.key == "setup/verify_backup" && !st.Busy
	})
	s := screenAs[*setupScreen](h)
	texts := labelTexts(s.root)
	if !strings.Contains(texts, "Verify your backup method") || !strings.Contains(texts, "Text message to ***0106") {
		t.Fatalf("the backup check does not show the masked backup:\n%s", texts)
	}
	if strings.Contains(texts, frank.Phone) {
		t.Fatalf("the backup check shows the full phone number")
	}
	if findButton(s.root, "Start pairing again") != nil || findButton(s.root, "Cancel sign-in") == nil {
		t.Fatalf("buttons on the backup check: %v", buttonTexts(s.root))
	}
	// Edit needs the code first.
	test.Tap(findButton(s.root, "Edit"))
	h.until("edit refused", func() bool { return h.con.State().Alert != nil && !h.con.State().Busy })
	if msg := s.alert.Text(); h.con.key != "setup/verify_backup" || !strings.Contains(msg, "First confirm the code sent to") {
		t.Fatalf("Edit before the backup was verified: on %s, alert %q", h.con.key, msg)
	}
	test.Tap(findButton(s.root, "Send code"))
	h.until("backup code", func() bool { return h.con.key == "setup/verify_backup_code" && !h.con.State().Busy })
	root := screenAs[*setupScreen](h).root
	if texts := labelTexts(root); !strings.Contains(texts, "We sent a 6-digit code to ***0106") {
		t.Fatalf("the code step does not say where the code went:\n%s", texts)
	}
	if !slices.ContainsFunc(buttonTexts(root), func(b string) bool { return strings.HasPrefix(b, "Resend code in 0:") }) {
		t.Errorf("no resend countdown: %v", buttonTexts(root))
	}
	test.Type(findEntry(root), h.srv.LastCode(t, frank.Phone))
	test.Tap(findButton(root, "Verify"))
	h.until("setup after reset", func() bool {
		st := h.con.State()
		return st.Step == app.StepSetup && st.Setup.Reset && st.Setup.Phase == app.SetupOverview && !st.Busy
	})
	if msg := screenAs[*setupScreen](h).alert.Text(); !strings.Contains(msg, "Your backup is verified") {
		t.Errorf("no notice that the backup is verified: %q", msg)
	}
	root = screenAs[*setupScreen](h).root
	if findButton(root, "Activate").Disabled() == false {
		t.Error("Activate is enabled before the app is paired again")
	}
	again := findButton(root, "Start pairing again")
	if again.Visible() {
		t.Error("\"Start pairing again\" shows before Edit")
	}
	test.Tap(findButton(root, "Edit"))
	if !again.Visible() {
		t.Fatal("Edit does not reveal \"Start pairing again\"")
	}
	test.Tap(again)
	h.until("pairing", func() bool { return h.con.key == "setup/pairing" && !h.con.State().Busy })
	pairing := h.con.State().Setup.Pairing
	root = screenAs[*setupScreen](h).root
	test.Type(findEntry(root), totpCode(t, pairing.Secret))
	test.Tap(findButton(root, "Confirm"))
	h.until("overview with Activate", func() bool {
		st := h.con.State()
		return h.con.key == "setup/overview" && !st.Busy && st.Setup.CanActivate
	})
	root = screenAs[*setupScreen](h).root
	if !strings.Contains(labelTexts(root), "Text message to") {
		t.Errorf("the backup is not shown: %q", labelTexts(root))
	}
	test.Tap(findButton(root, "Activate"))
	h.until("ready", func() bool { return h.con.key == "setup/ready" && !h.con.State().Busy })
	// Back (Escape too) returns to the overview; Activate leads here again.
	test.Tap(findButton(screenAs[*setupScreen](h).root, "Back"))
	h.until("overview again", func() bool { return h.con.key == "setup/overview" && !h.con.State().Busy })
	test.Tap(findButton(screenAs[*setupScreen](h).root, "Activate"))
	h.until("ready again", func() bool { return h.con.key == "setup/ready" && !h.con.State().Busy })
	cont := findButton(screenAs[*setupScreen](h).root, "Continue")
	if cont == nil || !cont.Visible() {
		t.Fatal("Activate does not lead to Continue")
	}
	if h.con.State().Step != app.StepSetup {
		t.Fatal("Activate signed in before Continue")
	}
	test.Tap(cont)
	h.signedIn("frank")
}

func TestChangePasswordAsksForTwoStepAgain(t *testing.T) {
	h := newHarness(t, currentV)
	h.signIn("bob", demoPassword)
	h.enterCode(h.challenge(api.MethodAuthenticatorApp), "bob")
	s := h.signedIn("bob")
	test.Tap(s.change)

	h.idle(app.StepChangePassword)
	p := screenAs[*passwordScreen](h)
	test.Type(p.current, demoPassword)
	test.Type(p.next, "short")
	if p.verdict.Text != "Too short" {
		t.Errorf("strength of a short password = %q", p.verdict.Text)
	}
	test.Type(p.repeat, "shorter")
	if !p.mismatch.Visible() || !p.submit.Disabled() {
		t.Error("mismatched passwords are not flagged")
	}
	const newPassword = "Correct-Horse-Battery-9"
	p.next.SetText("")
	p.repeat.SetText("")
	test.Type(p.next, newPassword)
	test.Type(p.repeat, newPassword)
	if p.mismatch.Visible() || p.submit.Disabled() {
		t.Fatal("matching passwords are refused")
	}
	if p.verdict.Text != "Strong" {
		t.Errorf("strength of %d mixed characters = %q", len(newPassword), p.verdict.Text)
	}
	p.repeat.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.until("the change to be answered", func() bool {
		st := h.con.State()
		return !st.Busy && (st.Step == app.StepChallenge || st.Alert != nil)
	})

	// the two-step prompt comes back for the step-up; the same TOTP time
	// step cannot be used twice, so answer with a text message
	h.until("step-up prompt", func() bool {
		st := h.con.State()
		return st.Step == app.StepChallenge && st.Challenge.Purpose == api.PurposePasswordChange && !st.Busy
	})
	c := screenAs[*challengeScreen](h)
	if c.method != api.MethodSMS {
		h.useInstead(c, api.MethodSMS)
		c = h.challenge(api.MethodSMS)
	}
	h.enterCode(c, "bob")
	s = h.signedIn("bob")
	if n := strings.ToLower(s.notice.Text()); !strings.Contains(n, "password") || !strings.Contains(n, "changed") {
		t.Errorf("notice after the change = %q", s.notice.Text())
	}

	test.Tap(s.signOut)
	h.signIn("bob", newPassword)
	h.challenge(api.MethodAuthenticatorApp)
}

func TestLockoutCountsDown(t *testing.T) {
	var offset time.Duration
	h := newHarness(t, currentV, withClock(func() time.Time { return time.Now().Add(offset) }))
	for i := 0; i < 20; i++ {
		h.signIn("grace", "wrong-password")
		h.idle(app.StepSignedOut)
		if a := h.con.State().Alert; a != nil && a.Kind == app.AlertLockedOut {
			break
		}
	}
	st := h.con.State()
	if st.Alert == nil || st.Alert.Kind != app.AlertLockedOut {
		t.Fatalf("no lockout after 20 wrong passwords: %+v", st.Alert)
	}
	s := screenAs[*signInScreen](h)
	first := s.alert.Text()
	if !strings.Contains(first, "Try again in") || !s.submit.Disabled() {
		t.Fatalf("lockout shows %q, sign in disabled %v", first, s.submit.Disabled())
	}

	// The lockout is grace's: bob signs in on this console meanwhile.
	s.username.SetText("bob")
	if s.submit.Disabled() || s.alert.Text() != "" {
		t.Fatalf("for bob: sign in disabled %v, alert %q; want the form usable", s.submit.Disabled(), s.alert.Text())
	}
	h.signIn("bob", demoPassword)
	h.challenge(api.MethodAuthenticatorApp)
	h.ctl.Cancel()
	h.idle(app.StepSignedOut)
	s = screenAs[*signInScreen](h)
	s.username.SetText("Grace")
	first = s.alert.Text()
	if !strings.Contains(first, "Try again in") || !s.submit.Disabled() {
		t.Fatalf("grace typed again: lockout shows %q, sign in disabled %v", first, s.submit.Disabled())
	}
	h.until("the countdown to move", func() bool { return s.alert.Text() != first })
	offset = time.Until(st.Alert.RetryAt) + time.Second
	h.until("the lockout to end", func() bool { return s.alert.Text() == "You can try again now." })
	if s.submit.Disabled() {
		t.Error("sign in stays disabled after the lockout")
	}
}

func TestUnreachableServer(t *testing.T) {
	h := newHarness(t, currentV)
	h.ctl.Dispatch(app.SetServer{URL: "http://127.0.0.1:1"})
	h.until("the new server", func() bool { return h.con.State().Server == "http://127.0.0.1:1" })
	h.signIn("bob", demoPassword)
	h.idle(app.StepSignedOut)
	s := screenAs[*signInScreen](h)
	if a := h.con.State().Alert; a == nil || a.Kind != app.AlertUnreachable || s.alert.Text() == "" {
		t.Fatalf("alert %+v shown as %q, want server unreachable", a, s.alert.Text())
	}
}

func TestTesterPanelSwitchesVersion(t *testing.T) {
	h := newHarness(t, currentV)
	test.Tap(h.con.toggle)
	if !h.con.TesterOpen() {
		t.Fatal("the toggle does not open the tester panel")
	}
	tp := h.con.tester
	for _, bad := range []string{"7.50", "seven", "7.50.3572.1"} {
		tp.versionEntry.SetText("")
		test.Type(tp.versionEntry, bad)
		tp.versionEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if !strings.Contains(tp.versionMsg.Text(), "is not a console version") {
			t.Errorf("%q: message %q", bad, tp.versionMsg.Text())
		}
	}
	if v, ok := h.prefs.Version(); ok {
		t.Errorf("a refused version changed the preference to %s", v)
	}
	tp.versionEntry.SetText("")
	test.Type(tp.versionEntry, "7.50.3572")
	tp.versionEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.until("the title to change", func() bool { return h.win.Title() == WindowTitle("7.50.3572") })
	if v, _ := h.prefs.Version(); v != legacyV {
		t.Errorf("remembered version = %s", v)
	}
	if !strings.Contains(labelTexts(tp.capsGrid), "Only the next one in the fixed order") {
		t.Errorf("capabilities table: %q", labelTexts(tp.capsGrid))
	}
	h.signIn("dave", demoPassword)
	h.idle(app.StepNoMethod)
	test.Tap(findButton(screenAs[*noMethodScreen](h).root, "Back to sign-in"))

	// a switch while signed in applies at the next sign-in
	h.signIn("grace", demoPassword)
	h.signedIn("grace")
	tp.versionEntry.SetText("")
	test.Type(tp.versionEntry, "7.51.0")
	test.Tap(findButton(tp.root, "Apply"))
	want := WindowTitle("7.50.3572") + " (7.51.0 at next sign-in)"
	h.until("the title to say the next version", func() bool { return h.win.Title() == want })
	test.Tap(screenAs[*signedInScreen](h).signOut)
	h.idle(app.StepSignedOut)
	h.until("the new version on the sign-in form", func() bool { return h.win.Title() == WindowTitle("7.51.0") })
	test.Tap(h.con.toggle)
	if h.con.TesterOpen() {
		t.Error("the toggle does not close the tester panel")
	}
}

func labelTexts(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(c fyne.CanvasObject) {
		if l, ok := c.(*widget.Label); ok {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
	})
	return b.String()
}

func typeName(o fyne.CanvasObject) string { return fmt.Sprintf("%T", o) }

// TestLockoutCountdownDrawsState draws a lockout as the controller reports
// it and checks that the countdown runs and ends.
func TestLockoutCountdownDrawsState(t *testing.T) {
	a := test.NewTempApp(t)
	q := newUIQueue()
	var offset time.Duration
	start := time.Now()
	w, con := NewMainWindow(a, Options{Do: q.Do, Now: func() time.Time { return start.Add(offset) }, Tester: TesterOptions{Version: currentV}})
	t.Cleanup(w.Close)
	con.Start(staticController{})
	con.apply(app.State{Step: app.StepSignedOut, Version: currentV, Seq: 1, Username: "grace",
		Lockouts: []app.Lockout{{Username: "grace", RetryAt: start.Add(90 * time.Second)}}, Alert: &app.Alert{
			Kind: app.AlertLockedOut, Message: "Too many attempts.", RetryAfter: 90 * time.Second, RetryAt: start.Add(90 * time.Second)}})
	s := con.current.(*signInScreen)
	s.username.SetText("grace")
	if got := s.alert.Text(); !strings.Contains(got, "Try again in 1:30") || !s.submit.Disabled() {
		t.Fatalf("lockout shows %q, sign in disabled %v", got, s.submit.Disabled())
	}
	offset = 31 * time.Second
	h := &harness{t: t, q: q, con: con}
	h.until("the countdown to move", func() bool { return strings.Contains(s.alert.Text(), "Try again in 0:59") })
	offset = 91 * time.Second
	h.until("the lockout to end", func() bool { return s.alert.Text() == "You can try again now." })
	if s.submit.Disabled() {
		t.Error("sign in stays disabled after the lockout")
	}
}

// staticController accepts actions and never changes state; its tester
// state is tester.
type staticController struct{ tester app.TesterState }

func (staticController) State() app.State   { return app.State{Step: app.StepSignedOut} }
func (staticController) Dispatch(app.Event) {}

func (s staticController) WatchTester(fn func(app.TesterState)) func() {
	fn(s.tester)
	return func() {}
}

func TestWrongCodeIsClearedWithAttemptsLeft(t *testing.T) {
	h := newHarness(t, currentV)
	h.signIn("carol", demoPassword)
	s := h.challenge(api.MethodAuthenticatorApp)
	h.useInstead(s, api.MethodEmail)
	s = h.challenge(api.MethodEmail)
	test.Type(s.code, "000000")
	h.until("the refusal", func() bool {
		st := h.con.State()
		return !st.Busy && st.Alert != nil && st.Alert.Kind == app.AlertInvalidCode
	})
	if s.code.Text != "" || s.alert.Text() == "" || s.code.Disabled() {
		t.Fatalf("after a wrong code: entry %q (disabled %v), alert %q", s.code.Text, s.code.Disabled(), s.alert.Text())
	}
	h.enterCode(s, "carol")
	h.signedIn("carol")
}

func TestTesterPanelSaysWhenTheServerKeepsNoOutbox(t *testing.T) {
	a := test.NewTempApp(t)
	q := newUIQueue()
	w, con := NewMainWindow(a, Options{Do: q.Do, Tester: TesterOptions{Version: currentV}})
	t.Cleanup(w.Close)
	con.Start(staticController{tester: app.TesterState{NoOutbox: true, Seq: 1}})
	test.Tap(con.toggle)
	h := &harness{t: t, q: q, con: con}
	h.until("the outbox message", func() bool { return strings.Contains(con.tester.outboxMsg.Text, "without --dev") })
	test.Tap(con.toggle)
}

func TestFillTypesIntoTheLabelledEntry(t *testing.T) {
	h := newHarness(t, currentV)
	h.signIn("grace", demoPassword)
	s := h.signedIn("grace")
	test.Tap(s.change)
	h.idle(app.StepChangePassword)
	p := screenAs[*passwordScreen](h)
	if !h.con.Fill("New password", "Correct-Horse-Battery-9") || p.next.Text != "Correct-Horse-Battery-9" {
		t.Fatalf("Fill did not reach the new password entry (%q)", p.next.Text)
	}
	if p.verdict.Text != "Strong" {
		t.Errorf("strength after Fill = %q", p.verdict.Text)
	}
	if h.con.Fill("No such field", "x") {
		t.Error("Fill found a field that does not exist")
	}
}

// cardTitles are the titles of the cards in o.
func cardTitles(o fyne.CanvasObject) string {
	var b strings.Builder
	var visit func(fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Card:
			b.WriteString(v.Title + "\n")
			if v.Content != nil {
				visit(v.Content)
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				visit(c)
			}
		case *container.Scroll:
			visit(v.Content)
		}
	}
	visit(o)
	return b.String()
}

// setUpBackupButton is the overview's button to add the backup: "Set up text
// message" where text messages are the only backup, else "Set up backup".
func setUpBackupButton(root fyne.CanvasObject) *widget.Button {
	if b := findButton(root, "Set up text message"); b != nil {
		return b
	}
	return findButton(root, "Set up backup")
}
