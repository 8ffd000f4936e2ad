package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store"
)

// dropFactors removes a member's factors behind the API's back, as a legacy
// import would leave them (two-step applies, nothing is active), and
// leaves the member in state st.
func dropFactors(t *testing.T, srv *servertest.Instance, username string, st store.TwoStepState) {
	t.Helper()
	err := srv.Server.Store().Write(context.Background(), func(tx store.Tx) error {
		m, err := tx.MemberByUsername(username)
		if err != nil {
			return err
		}
		if err := tx.SetTwoStep(m.ID, st); err != nil {
			return err
		}
		fs, err := tx.Factors(m.ID)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if err := tx.DeleteFactor(f.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSetupFromTheSignedInSessionAsksForTwoStep: a signed-in member sent to
// setup by the password change (two-step applies, no factor left) sets up
// with the session's access token. The first factor pairs without a
// step-up; the backup asks for one (purpose manage_two_step) with the app
// just paired, and the console sends the backup again with its token;
// Activate upgrades the session instead of opening another (or, for a
// member still marked activated, answers already_activated, which the
// console takes as done).
func TestSetupFromTheSignedInSessionAsksForTwoStep(t *testing.T) {
	for name, st := range map[string]store.TwoStepState{"never activated": store.TwoStepNone, "still marked activated": store.TwoStepActivated} {
		t.Run(name, func(t *testing.T) { setupFromTheSignedInSession(t, st) })
	}
}

func setupFromTheSignedInSession(t *testing.T, st store.TwoStepState) {
	h := newHarness(t, currentV)
	h.signIn("bob", demoPassword)
	h.enterCode(h.challenge(api.MethodAuthenticatorApp), "bob")
	test.Tap(h.signedIn("bob").change)
	dropFactors(t, h.srv, "bob", st)

	h.idle(app.StepChangePassword)
	p := screenAs[*passwordScreen](h)
	test.Type(p.current, demoPassword)
	test.Type(p.next, "Correct-Horse-Battery-9")
	test.Type(p.repeat, "Correct-Horse-Battery-9")
	p.repeat.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.until("setup overview", func() bool {
		st := h.con.State()
		return st.Step == app.StepSetup && st.Setup.Phase == app.SetupOverview && !st.Busy
	})

	if b := findButton(screenAs[*setupScreen](h).root, "Set up two-step verification"); b != nil {
		test.Tap(b) // nothing set up yet: setup starts from its button
	}
	test.Tap(findButton(screenAs[*setupScreen](h).root, "Set up mobile app"))
	h.until("pairing", func() bool { return h.con.key == "setup/pairing" && !h.con.State().Busy })
	secret := h.con.State().Setup.Pairing.Secret
	root := screenAs[*setupScreen](h).root
	test.Type(findEntry(root), totpCode(t, secret))
	test.Tap(findButton(root, "Confirm"))
	h.until("the backup step", func() bool {
		st := h.con.State()
		return st.Step == app.StepSetup && st.Setup.Phase != app.SetupPairing && !st.Busy
	})
	if h.con.State().Setup.Phase == app.SetupOverview {
		test.Tap(setUpBackupButton(screenAs[*setupScreen](h).root))
		h.until("backup entry", func() bool { return h.con.key == "setup/backup_entry" && !h.con.State().Busy })
	}
	const phone = "+1 555 0142"
	stepUpPrompt := func() *challengeScreen {
		root := screenAs[*setupScreen](h).root
		test.Type(findEntry(root), phone)
		test.Tap(findButton(root, "Next"))
		h.until("step-up prompt", func() bool {
			st := h.con.State()
			return st.Step == app.StepChallenge && st.Challenge.Purpose == api.PurposeManageTwoStep && st.Challenge.Active && !st.Busy
		})
		return screenAs[*challengeScreen](h)
	}
	// Cancelled, the change is dropped and the setup stays where it was.
	test.Tap(stepUpPrompt().cancel)
	h.until("back in setup", func() bool {
		st := h.con.State()
		return st.Step == app.StepSetup && !st.Busy && st.Notice == "Nothing was changed."
	})
	if h.con.key != "setup/backup_entry" {
		test.Tap(setUpBackupButton(screenAs[*setupScreen](h).root))
		h.until("backup entry", func() bool { return h.con.key == "setup/backup_entry" && !h.con.State().Busy })
	}
	// The server wants a fresh second factor: the new app's next code (the
	// one just used for pairing is not accepted twice).
	c := stepUpPrompt()
	if c.method != api.MethodAuthenticatorApp {
		t.Fatalf("step-up asks for %s, want the authenticator just paired", c.method)
	}
	if len(h.srv.Outbox(t, phone)) != 0 {
		t.Fatal("a code went to the new phone before the step-up")
	}
	test.Type(c.code, totpCodeAt(t, secret, time.Now().Add(30*time.Second)))

	h.until("backup code", func() bool { return h.con.key == "setup/backup_code" && !h.con.State().Busy })
	root = screenAs[*setupScreen](h).root
	test.Type(findEntry(root), h.srv.LastCode(t, phone))
	test.Tap(findButton(root, "Finish text setup"))
	h.until("activate", func() bool {
		st := h.con.State()
		return h.con.key == "setup/overview" && !st.Busy && st.Setup.CanActivate
	})
	test.Tap(findButton(screenAs[*setupScreen](h).root, "Activate"))
	s := h.signedIn("bob")
	if n := s.notice.Text(); !strings.Contains(n, "Two-step verification is on") {
		t.Errorf("notice after Activate = %q", n)
	}

	// One sign-in, one session: Activate opened no other.
	if n := signIns(t, h.srv, "bob"); n != 1 {
		t.Errorf("bob has %d sign-ins in the audit log, want 1", n)
	}
	test.Tap(s.signOut)
	h.idle(app.StepSignedOut)
}

// totpCodeAt is the code of a base32 secret at time at.
func totpCodeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// signIns counts the member's successful sign-ins in the audit log.
func signIns(t *testing.T, srv *servertest.Instance, username string) int {
	t.Helper()
	ctx := context.Background()
	cl, err := client.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	a, err := cl.Login(ctx, "admin", srv.AdminPassword)
	if err != nil || a.Tokens == nil {
		t.Fatalf("admin sign-in: %+v %v", a, err)
	}
	events, err := cl.Audit(ctx, a.Tokens.AccessToken, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Kind == "sign_in.ok" && e.Username == username {
			n++
		}
	}
	return n
}
